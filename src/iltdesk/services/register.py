"""The certificate register: every certificate ever issued and what it is worth today.

Verifying a code looks it up here; the link and QR code on each certificate lead to the
register's published page.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from iltdesk.db.engine import Database
from iltdesk.db.entities import Certificate
from iltdesk.db.entities import Course
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Learner
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.enums import CertificateStatus
from iltdesk.domain.register import RegisterRow
from iltdesk.domain.register import RegisterTuple
from iltdesk.domain.register import register_row
from iltdesk.domain.register import typed_code
from iltdesk.services.common import BATCH_ROWS


def _status(
    revoked: datetime | None,
    replaced_by: str,
    renewed: bool,
    expires: datetime | None,
    today: date,
) -> CertificateStatus:
    if replaced_by or (renewed and revoked is None):
        return CertificateStatus.SUPERSEDED
    if revoked is not None:
        return CertificateStatus.REVOKED
    if expires is not None and expires.date() < today:
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


def register(
    db: Database, today: date, *, code: str | None = None, learner_id: int | None = None
) -> list[RegisterRow]:
    """Every certificate (or the one with `code`, or one learner's), newest first."""
    found = register_rows(db, today, code=code, learner_id=learner_id)
    return [register_row(row) for row in found]


def register_rows(
    db: Database, today: date, *, code: str | None = None, learner_id: int | None = None
) -> list[RegisterTuple]:
    """`register` as plain tuples (see `RegisterTuple`): for the screen, which holds them all."""
    replacement = aliased(Certificate)
    newer = aliased(Certificate)
    newer_place = aliased(Enrollment)
    newer_session = aliased(TrainingSession)
    renewed = (
        select(newer.id)
        .join(newer_place, newer_place.id == newer.enrollment_id)
        .join(newer_session, newer_session.id == newer_place.session_id)
        .where(
            newer_place.learner_id == Enrollment.learner_id,
            newer_session.course_id == TrainingSession.course_id,
            newer.revoked_at.is_(None),
            newer.issued_at > Certificate.issued_at,
        )
        .correlate(Certificate, Enrollment, TrainingSession)
        .exists()
    )
    query = (
        select(
            Certificate.code,
            Learner.first_name,
            Learner.last_name,
            Learner.email,
            Course.code,
            Course.title,
            TrainingSession.last_date,
            Certificate.issued_at,
            Certificate.expires_at,
            Certificate.revoked_at,
            Certificate.revoke_reason,
            replacement.code,
            renewed,
        )
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .join(Learner, Learner.id == Enrollment.learner_id)
        .join(TrainingSession, TrainingSession.id == Enrollment.session_id)
        .join(Course, Course.id == TrainingSession.course_id)
        .outerjoin(replacement, replacement.replaces_id == Certificate.id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    if code is not None:
        query = query.where(Certificate.code == code.strip().upper())
    if learner_id is not None:
        query = query.where(Enrollment.learner_id == learner_id)
    with db.reading() as tx:
        found = tx.execute(query.execution_options(yield_per=BATCH_ROWS))
        return [
            (
                cert_code,
                f"{first} {last}".strip(),
                email,
                course_code,
                title,
                completed,
                issued.date(),
                expires.date() if expires else None,
                _status(revoked, replaced or "", bool(is_renewed), expires, today).value,
                reason or "",
                replaced or "",
            )
            for (
                cert_code,
                first,
                last,
                email,
                course_code,
                title,
                completed,
                issued,
                expires,
                revoked,
                reason,
                replaced,
                is_renewed,
            ) in found
        ]


def verify_code(db: Database, code: str, today: date) -> RegisterRow | None:
    """The certificate with `code`, or None when unknown.

    Typed as read out or copied (`typed_code`), as the published register page matches it.
    """
    cleaned = typed_code(code)
    found = register(db, today, code=cleaned) if cleaned else []
    return found[0] if found else None

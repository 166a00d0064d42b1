"""Certificates: issue one per completed learner, revoke, re-issue; and what each one shows.

Codes are random, unique and easy to read aloud (no 0/O or 1/I). Regenerating a PDF reuses
the code; re-issuing (after a name correction) makes a new certificate that replaces the old,
which is revoked with the reason, so the audit trail stays whole.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk import formatting
from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import Certificate
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Learner
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.dates import add_months
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.printing import CertificateDoc
from iltdesk.domain.register import ALPHABET
from iltdesk.domain.register import CODE_LENGTH
from iltdesk.errors import NotFoundError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.i18n import load_translations
from iltdesk.services import scheduling
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit
from iltdesk.services.common import get_or_fail


@dataclass(frozen=True)
class CertificateRow:
    """A certificate as the session's certificates dialog shows it."""

    id: int
    enrollment_id: int
    learner_id: int
    learner_name: str
    code: str
    issued_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    revoke_reason: str
    replaces_id: int | None


def new_code() -> str:
    """A random code like "K7QX-M2PD-9WRT" (60 bits)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _row(certificate: Certificate, learner: Learner) -> CertificateRow:
    return CertificateRow(
        certificate.id,
        certificate.enrollment_id,
        learner.id,
        f"{learner.first_name} {learner.last_name}".strip(),
        certificate.code,
        certificate.issued_at,
        certificate.expires_at,
        certificate.revoked_at,
        certificate.revoke_reason,
        certificate.replaces_id,
    )


def _unique_code(tx: OrmSession) -> str:
    while True:
        code = new_code()
        if tx.scalar(select(Certificate.id).where(Certificate.code == code)) is None:
            return code


def _learner_of(tx: OrmSession, certificate: Certificate) -> Learner:
    enrollment = tx.get(Enrollment, certificate.enrollment_id)
    learner = tx.get(Learner, enrollment.learner_id) if enrollment else None
    assert learner is not None, "a certificate always has an enrollment and a learner"
    return learner


def issue_certificates(db: Database, session_id: int) -> Outcome[list[CertificateRow]]:
    """A certificate for every completed learner of the session who has no valid one yet."""
    with db.transaction() as tx:
        session = get_or_fail(
            tx, TrainingSession, session_id, _("There is no session {id}.").format(id=session_id)
        )
        completed = tx.execute(
            select(Enrollment, Learner)
            .join(Learner, Learner.id == Enrollment.learner_id)
            .where(
                Enrollment.session_id == session_id,
                Enrollment.status == EnrollmentStatus.COMPLETED,
            )
        ).all()
        have = set(
            tx.scalars(
                select(Certificate.enrollment_id).where(
                    Certificate.enrollment_id.in_([e.id for e, _l in completed]),
                    Certificate.revoked_at.is_(None),
                )
            )
        )
        validity = session.course.certificate_validity_months
        ended = session.last_end or utcnow()
        issued = []
        for enrollment, learner in completed:
            if enrollment.id in have:
                continue
            certificate = Certificate(
                enrollment_id=enrollment.id,
                code=_unique_code(tx),
                issued_at=utcnow(),
                expires_at=add_months(ended, validity) if validity else None,
            )
            tx.add(certificate)
            tx.flush()
            issued.append(_row(certificate, learner))
        return Outcome(issued, Changes.of(Entity.CERTIFICATE, *(c.id for c in issued)))


def session_certificates(db: Database, session_id: int) -> list[CertificateRow]:
    """Valid (not revoked) certificates of the session's learners, by learner name."""
    with db.reading() as tx:
        rows = tx.execute(
            select(Certificate, Learner)
            .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
            .join(Learner, Learner.id == Enrollment.learner_id)
            .where(Enrollment.session_id == session_id, Certificate.revoked_at.is_(None))
            .order_by(Learner.sort_key)
        ).all()
        return [_row(c, learner) for c, learner in rows]


def _unrevoked(tx: OrmSession, code: str) -> Certificate:
    """The certificate with `code`, which must exist and not be revoked yet."""
    certificate = tx.scalar(select(Certificate).where(Certificate.code == code.strip()))
    if certificate is None:
        raise NotFoundError(_("There is no certificate {code}.").format(code=code))
    if certificate.revoked_at is not None:
        raise ValidationError(_("Certificate {code} is already revoked.").format(code=code))
    return certificate


def revoke_certificate(db: Database, code: str, reason: str) -> Outcome[CertificateRow]:
    """Revoke a certificate, keeping the reason; it stops counting for compliance."""
    if not reason.strip():
        raise ValidationError(_("Say why the certificate is revoked."))
    with db.transaction() as tx:
        certificate = _unrevoked(tx, code)
        certificate.revoked_at = utcnow()
        certificate.revoke_reason = reason.strip()
        audit(tx, "certificate", certificate.id, "revoke", reason=reason.strip())
        learner = _learner_of(tx, certificate)
        return Outcome(_row(certificate, learner), Changes.of(Entity.CERTIFICATE, certificate.id))


def reissue_certificate(db: Database, code: str, reason: str) -> Outcome[CertificateRow]:
    """Replace a certificate (e.g. after a name correction): new code, old one revoked."""
    with db.transaction() as tx:
        old = _unrevoked(tx, code)
        old.revoked_at = utcnow()
        old.revoke_reason = _("Replaced: {reason}").format(reason=reason.strip() or "-")
        tx.flush()
        new = Certificate(
            enrollment_id=old.enrollment_id,
            code=_unique_code(tx),
            issued_at=utcnow(),
            expires_at=old.expires_at,
            replaces_id=old.id,
        )
        tx.add(new)
        tx.flush()
        audit(tx, "certificate", new.id, "reissue", {"replaces": old.code}, reason.strip())
        learner = _learner_of(tx, new)
        return Outcome(_row(new, learner), Changes.of(Entity.CERTIFICATE, old.id, new.id))


def _locale_name(language: str, fallback: str) -> str:
    """The learner's language; the app's own locale when it is the same language (en_GB)."""
    if not language or fallback.replace("-", "_").split("_")[0] == language.split("_")[0]:
        return fallback or "en"
    return language


def certificate_docs(
    db: Database,
    session_id: int,
    *,
    organisation: str = "",
    verify_pattern: str = "",
    fallback_language: str = "en",
    signature: Path | None = None,
    logo: Path | None = None,
) -> list[CertificateDoc]:
    """What each valid certificate of the session shows, dated in the learner's language."""
    session = scheduling.get_session(db, session_id)
    certificates = session_certificates(db, session_id)
    if not certificates:
        return []
    minutes = sum(d.minutes for d in session.days)
    hours = round(minutes / 60, 1)
    lead = next((i.name for i in session.instructors), "")
    with db.reading() as tx:
        languages = dict(
            tx.execute(
                select(Learner.id, Learner.preferred_language).where(
                    Learner.id.in_([c.learner_id for c in certificates])
                )
            ).all()
        )
    completed_at = session.last_end or datetime.now(UTC)
    docs = []
    for certificate in certificates:
        locale = formatting.parse_locale(
            _locale_name(languages.get(certificate.learner_id, ""), fallback_language), "en"
        )
        local = completed_at.astimezone(ZoneInfo(session.timezone))
        expires = ""
        if certificate.expires_at is not None:
            expires = formatting.format_date(
                certificate.expires_at.date(), fmt="long", locale=locale
            )
        docs.append(
            CertificateDoc(
                code=certificate.code,
                learner_name=certificate.learner_name,
                course_title=session.course_title,
                completed_label=formatting.format_date(local.date(), fmt="long", locale=locale),
                hours_label=load_translations(str(locale.language))
                .ngettext("{hours} hour", "{hours} hours", int(hours) or 1)
                .format(hours=formatting.format_number(hours, locale)),
                instructor=lead,
                expires_label=expires,
                verify_text=verify_pattern.replace("{code}", certificate.code)
                if verify_pattern
                else certificate.code,
                organisation=organisation,
                logo=logo,
                signature=signature,
                language=str(locale),
            )
        )
    return docs

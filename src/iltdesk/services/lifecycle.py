"""A session's status changes as use cases: confirm, cancel, complete, unlock.

Each move is checked by `domain.lifecycle.check_transition` and carries its consequences in the
same transaction: cancelling cancels every place (kept as history) and clears the waitlist, so
the room and instructors are free again; completing closes the waitlist with a note. Nothing
here sends mail: the caller offers the cancellation notice (see `services/outbox.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.domain.enums import CancelCause
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.lifecycle import check_transition
from iltdesk.domain.rows import SessionRow
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.clashes import ACTIVE_STATUSES
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit
from iltdesk.services.common import get_or_fail
from iltdesk.services.scheduling import session_row

S = SessionStatus


@dataclass(frozen=True)
class CancelResult:
    """What cancelling a session did."""

    session: SessionRow
    seats: int  # places with a seat that were cancelled
    waitlisted: int  # waitlist places cleared


@dataclass(frozen=True)
class CompleteResult:
    """What completing a session did."""

    session: SessionRow
    waitlist_closed: int  # learners still waiting, whose places were closed with a note


def _session(tx: OrmSession, session_id: int) -> TrainingSession:
    return get_or_fail(
        tx, TrainingSession, session_id, _("There is no session {id}.").format(id=session_id)
    )


def _move(session: TrainingSession, target: SessionStatus, now: datetime, reason: str = "") -> None:
    check_transition(
        session.status,
        target,
        first_start=session.first_start,
        last_end=session.last_end,
        now=now,
        timezone=session.timezone,
        reason=reason,
    )
    session.status = target


def _step(
    db: Database, session_id: int, target: SessionStatus, action: str, now: datetime | None
) -> Outcome[SessionRow]:
    """Move one session to `target` with nothing else to decide; audited as `action`."""
    with db.transaction() as tx:
        session = _session(tx, session_id)
        _move(session, target, now or utcnow())
        audit(tx, "session", session.id, action)
        return Outcome(session_row(tx, session), Changes.of(Entity.SESSION, session.id))


def confirm_session(
    db: Database, session_id: int, *, now: datetime | None = None
) -> Outcome[SessionRow]:
    """Planned → confirmed: the session will run (learners may be told so)."""
    return _step(db, session_id, S.CONFIRMED, "confirm", now)


def mark_planned(
    db: Database, session_id: int, *, now: datetime | None = None
) -> Outcome[SessionRow]:
    """Confirmed → planned again, before it has started."""
    return _step(db, session_id, S.PLANNED, "unconfirm", now)


def cancel_session(
    db: Database,
    session_id: int,
    reason: str,
    *,
    cause: CancelCause = CancelCause.OTHER,
    now: datetime | None = None,
    to_interest: bool = False,
    move_to: int | None = None,
) -> Outcome[CancelResult]:
    """Cancel a session: every place is cancelled with the reason, the waitlist cleared.

    The enrollments stay (history); the session keeps its room and instructors on record but
    no longer holds them (cancelled sessions never clash). `to_interest`: those who held a seat
    or waited go on the course's interest list (those already there keep their place), in
    the same transaction. `move_to`: they are moved to that session of the course instead
    (seats in their order, then its waitlist), the moves kept in their history.
    """
    reason_text = reason.strip()
    if not reason_text:
        raise ValidationError(
            _("Say why the session is cancelled: learners read the reason in the notice.")
        )
    moment = now or utcnow()
    with db.transaction() as tx:
        moved = (
            _move_all(tx, session_id, move_to, reason_text) if move_to is not None else Changes()
        )
        outcome = cancel_in(tx, session_id, reason_text, cause, moment)
        outcome = Outcome(outcome.value, outcome.changes | moved)
        if to_interest:
            _to_interest(tx, outcome.value.session, moment)
        return outcome


def _move_all(tx: OrmSession, session_id: int, target_id: int, reason: str) -> Changes:
    """Move every active place of the session to `target_id`, seats first, in order."""
    from iltdesk.services.enrollment import move_in

    source = _session(tx, session_id)
    target = _session(tx, target_id)
    if target.id == source.id or target.course_id != source.course_id:
        raise ValidationError(_("Choose another session of the same course to move them to."))
    if target.status in (S.CANCELLED, S.COMPLETED):
        raise ValidationError(_("That session is closed: choose an open one to move them to."))
    places = tx.scalars(
        select(Enrollment)
        .where(Enrollment.session_id == session_id, Enrollment.status.in_(ACTIVE_STATUSES))
        .order_by(
            Enrollment.status == EnrollmentStatus.WAITLISTED,
            Enrollment.waitlist_position,
            Enrollment.enrolled_at,
        )
    ).all()
    moved = [move_in(tx, place, target, reason, allow_clash=True).id for place in places]
    return Changes.of(Entity.ENROLLMENT, *moved, *(p.id for p in places)) | Changes.of(
        Entity.SESSION, target.id
    )


def _to_interest(tx: OrmSession, session: SessionRow, moment: datetime) -> None:
    """Put the cancelled session's learners on its course's interest list."""
    from iltdesk.db.entities import InterestEntry

    learners = tx.scalars(
        select(Enrollment.learner_id)
        .where(Enrollment.session_id == session.id, Enrollment.cancelled_at == moment)
        .order_by(Enrollment.cancelled_seat.desc(), Enrollment.enrolled_at)
    ).all()
    waiting = set(
        tx.scalars(
            select(InterestEntry.learner_id).where(
                InterestEntry.course_id == session.course_id, InterestEntry.closed_at.is_(None)
            )
        )
    )
    note = _("Session {id} was cancelled").format(id=session.id)
    for learner_id in dict.fromkeys(learners):
        if learner_id not in waiting:
            tx.add(
                InterestEntry(
                    course_id=session.course_id, learner_id=learner_id, note=note, added_at=moment
                )
            )


def cancel_in(
    tx: OrmSession, session_id: int, reason_text: str, cause: CancelCause, moment: datetime
) -> Outcome[CancelResult]:
    """`cancel_session` inside a unit of work (a series cancels its sessions in one)."""
    session = _session(tx, session_id)
    _move(session, S.CANCELLED, moment, reason_text)
    affected = tx.scalars(
        select(Enrollment).where(
            Enrollment.session_id == session_id, Enrollment.status.in_(ACTIVE_STATUSES)
        )
    ).all()
    seats = sum(1 for e in affected if e.status in SEAT_HOLDING)
    for enrollment in affected:
        enrollment.cancelled_seat = enrollment.status in SEAT_HOLDING
        enrollment.status = EnrollmentStatus.CANCELLED
        enrollment.waitlist_position = None
        enrollment.cancelled_at = moment
        enrollment.cancel_reason = reason_text
    session.cancelled_at = moment
    session.cancel_reason = reason_text
    session.cancel_cause = cause
    audit(
        tx,
        "session",
        session.id,
        "cancel",
        {"seats": seats, "waitlisted": len(affected) - seats, "cause": cause.value},
        reason_text,
    )
    changes = Changes.of(Entity.SESSION, session.id) | Changes.of(
        Entity.ENROLLMENT, *(e.id for e in affected)
    )
    result = CancelResult(session_row(tx, session), seats, len(affected) - seats)
    return Outcome(result, changes)


def complete_session(
    db: Database, session_id: int, *, now: datetime | None = None, early_reason: str = ""
) -> Outcome[CompleteResult]:
    """Lock a session as completed once its last day has ended.

    Before that, only with `early_reason` (kept on the session and in the audit trail). Anyone
    still on the waitlist has their place closed with a note.
    """
    moment = now or utcnow()
    with db.transaction() as tx:
        session = _session(tx, session_id)
        early = session.last_end is None or session.last_end > moment
        _move(session, S.COMPLETED, moment, early_reason if early else "")
        waiting = tx.scalars(
            select(Enrollment).where(
                Enrollment.session_id == session_id,
                Enrollment.status == EnrollmentStatus.WAITLISTED,
            )
        ).all()
        for enrollment in waiting:
            enrollment.status = EnrollmentStatus.CANCELLED
            enrollment.waitlist_position = None
            enrollment.cancelled_at = moment
            enrollment.cancel_reason = _("The session took place; the waitlist was closed.")
        session.completed_at = moment
        session.completion_note = early_reason.strip() if early else ""
        audit(
            tx,
            "session",
            session.id,
            "complete_early" if early else "complete",
            {"waitlist_closed": len(waiting)},
            early_reason.strip() if early else "",
        )
        changes = Changes.of(Entity.SESSION, session.id)
        if waiting:
            changes |= Changes.of(Entity.ENROLLMENT, *(e.id for e in waiting))
        return Outcome(CompleteResult(session_row(tx, session), len(waiting)), changes)


def reopen_session(
    db: Database, session_id: int, reason: str, *, now: datetime | None = None
) -> Outcome[SessionRow]:
    """Unlock a completed session (a reason is required and kept) so marks can change."""
    with db.transaction() as tx:
        session = _session(tx, session_id)
        _move(session, S.CONFIRMED, now or utcnow(), reason)
        session.completed_at = None
        audit(tx, "session", session.id, "unlock", reason=reason.strip())
        return Outcome(session_row(tx, session), Changes.of(Entity.SESSION, session.id))

"""Seats and the waitlist of one session, inside a caller's transaction.

The waitlist is kept contiguous (1, 2, 3, …) and first-come-first-served: whenever a seat
frees up, the learner at position 1 takes it.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.entities import Enrollment, TrainingSession
from iltdesk.domain.enums import SEAT_HOLDING, EnrollmentStatus, SessionStatus
from iltdesk.domain.rules import free_seats


def seats_taken(tx: OrmSession, session_id: int) -> int:
    """How many places hold a seat on the session."""
    query = select(func.count()).where(
        Enrollment.session_id == session_id, Enrollment.status.in_(SEAT_HOLDING)
    )
    return int(tx.scalar(query) or 0)


def waitlist(tx: OrmSession, session_id: int) -> list[Enrollment]:
    """The session's waitlist, in order."""
    query = (
        select(Enrollment)
        .where(
            Enrollment.session_id == session_id,
            Enrollment.status == EnrollmentStatus.WAITLISTED,
        )
        .order_by(Enrollment.waitlist_position, Enrollment.id)
    )
    return list(tx.scalars(query))


def renumber_waitlist(tx: OrmSession, session_id: int) -> None:
    """Number the waitlist 1, 2, 3… again after someone left it."""
    for position, enrollment in enumerate(waitlist(tx, session_id), start=1):
        enrollment.waitlist_position = position
    tx.flush()


def next_waitlist_position(tx: OrmSession, session_id: int) -> int:
    """The position the next learner to wait would take."""
    query = select(func.max(Enrollment.waitlist_position)).where(
        Enrollment.session_id == session_id
    )
    return int(tx.scalar(query) or 0) + 1


def fill_free_seats(tx: OrmSession, session: TrainingSession) -> list[Enrollment]:
    """Promote waitlisted learners, in order, into any free seats; returns those promoted."""
    if session.status not in (SessionStatus.PLANNED, SessionStatus.CONFIRMED):
        return []
    tx.flush()
    free = free_seats(session.capacity, seats_taken(tx, session.id))
    promoted = []
    for enrollment in waitlist(tx, session.id)[:free]:
        enrollment.status = EnrollmentStatus.ENROLLED
        enrollment.waitlist_position = None
        promoted.append(enrollment)
    if promoted:
        renumber_waitlist(tx, session.id)
    return promoted

"""Seats and the waitlist of one session, inside a caller's transaction.

The waitlist is kept contiguous (1, 2, 3, …) and first-come-first-served: whenever a seat
frees up, the learner at position 1 takes it.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.rules import free_seats


def lock_roster(tx: OrmSession, session_id: int) -> None:
    """Hold the session's row until the transaction ends, before counting its seats.

    On a server two coordinators enrolling at once otherwise both count 11 of 12 seats taken
    and both take the last one; with the row locked (`SELECT … FOR UPDATE`) the second waits
    and then counts 12. SQLite needs nothing: a writing transaction holds the whole file.
    """
    locked: set[int] = tx.info.setdefault("locked_rosters", set())
    if session_id in locked or tx.get_bind().dialect.name == "sqlite":
        return
    tx.execute(select(TrainingSession.id).where(TrainingSession.id == session_id).with_for_update())
    locked.add(session_id)


def roster_locked(tx: OrmSession, session_id: int) -> None:
    """Note that the caller locked the session's row itself (read `FOR UPDATE`)."""
    tx.info.setdefault("locked_rosters", set()).add(session_id)


def seats_taken(tx: OrmSession, session_id: int) -> int:
    """How many places hold a seat on the session (its roster locked for this transaction)."""
    lock_roster(tx, session_id)
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
    lock_roster(tx, session_id)
    waiting = waitlist(tx, session_id)
    # Through negative places first: no two learners ever share one, even mid-way (a unique
    # index holds that on both engines).
    for position, enrollment in enumerate(waiting, start=1):
        enrollment.waitlist_position = -position
    tx.flush()
    for position, enrollment in enumerate(waiting, start=1):
        enrollment.waitlist_position = position
    tx.flush()


def next_waitlist_position(tx: OrmSession, session_id: int) -> int:
    """The position the next learner to wait would take."""
    lock_roster(tx, session_id)
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

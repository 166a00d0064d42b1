"""Undo and redo of roster actions: every place on some sessions, saved and put back.

Keyed by (session, learner), so a place removed by undo and brought back by redo is the
same place to the user even though it gets a new row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.engine import Database
from iltdesk.db.entities import Attendance
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import OutboxMessage
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import EnrollmentSource
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit


@dataclass(frozen=True)
class EnrollmentState:
    """One learner's place on one session as roster actions change it, for undo and redo.

    Keyed by (session, learner), which is unique, rather than by row id: a place removed by
    undo and brought back by redo gets a new row but the same key.
    """

    session_id: int
    learner_id: int
    status: EnrollmentStatus
    waitlist_position: int | None
    enrolled_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str
    moved_to: tuple[int, int] | None  # (session, learner) of the place it moved to
    source: EnrollmentSource


def roster_states(db: Database, session_ids: list[int]) -> list[EnrollmentState]:
    """The current state of every place on these sessions (taken before and after an action)."""
    with db.reading() as tx:
        rows = tx.scalars(select(Enrollment).where(Enrollment.session_id.in_(session_ids))).all()
        targets = {
            e.id: (e.session_id, e.learner_id)
            for e in tx.scalars(
                select(Enrollment).where(
                    Enrollment.id.in_([r.moved_to_id for r in rows if r.moved_to_id])
                )
            )
        }
        return [
            EnrollmentState(
                e.session_id,
                e.learner_id,
                e.status,
                e.waitlist_position,
                e.enrolled_at,
                e.cancelled_at,
                e.cancel_reason,
                targets.get(e.moved_to_id) if e.moved_to_id else None,
                e.source,
            )
            for e in rows
        ]


def remove_place(tx: OrmSession, enrollment: Enrollment) -> None:
    """Delete a place that carries no history (undo only), unhooking what points at it."""
    tx.execute(
        update(Enrollment).where(Enrollment.moved_to_id == enrollment.id).values(moved_to_id=None)
    )
    tx.execute(
        update(OutboxMessage)
        .where(OutboxMessage.enrollment_id == enrollment.id)
        .values(enrollment_id=None)
    )
    tx.delete(enrollment)


def restore_roster_states(
    db: Database, session_ids: list[int], states: list[EnrollmentState]
) -> Outcome[None]:
    """Make the rosters of `session_ids` exactly what `states` recorded (undo and redo).

    Places that did not exist then are removed — allowed only while they carry no attendance;
    places that existed are recreated if needed and get their status, waitlist place and reason.
    """
    wanted = {(s.session_id, s.learner_id): s for s in states}
    with db.transaction() as tx:
        current = {
            (e.session_id, e.learner_id): e
            for e in tx.scalars(select(Enrollment).where(Enrollment.session_id.in_(session_ids)))
        }
        # Neutral state first, so the waitlist check constraint holds at every flush.
        for enrollment in current.values():
            enrollment.status = EnrollmentStatus.CANCELLED
            enrollment.waitlist_position = None
            enrollment.moved_to_id = None
        tx.flush()
        for key, enrollment in current.items():
            if key in wanted:
                continue
            if tx.scalar(select(func.count()).where(Attendance.enrollment_id == enrollment.id)):
                raise ValidationError(
                    _("This can no longer be undone: the learner already has attendance.")
                )
            remove_place(tx, enrollment)
            audit(tx, "enrollment", enrollment.id, "undo_create")
        tx.flush()
        rows = {}
        for key, state in wanted.items():
            enrollment = current.get(key) or Enrollment(session_id=key[0], learner_id=key[1])
            if key not in current:
                tx.add(enrollment)
            enrollment.status = state.status
            enrollment.waitlist_position = state.waitlist_position
            enrollment.enrolled_at = state.enrolled_at
            enrollment.cancelled_at = state.cancelled_at
            enrollment.cancel_reason = state.cancel_reason
            enrollment.source = state.source
            rows[key] = enrollment
        tx.flush()
        for key, state in wanted.items():
            if state.moved_to is not None and state.moved_to in rows:
                rows[key].moved_to_id = rows[state.moved_to].id
            audit(tx, "enrollment", rows[key].id, "restore", {"status": state.status.value})
        return Outcome(
            None,
            Changes.of(Entity.ENROLLMENT, *(e.id for e in rows.values()))
            | Changes.of(Entity.SESSION, *session_ids),
        )

"""Rosters: enrol up to capacity then waitlist, walk-ins, cancel with promotion, move.

Nothing that carries history is deleted: a cancelled or moved learner keeps their enrollment
row, its attendance and the reason, and re-enrolling reactivates the same row. Only undoing an
enrollment that has no attendance yet removes its row (see `roster_undo.restore_roster_states`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Learner
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import EnrollmentSource
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.rows import EnrollReport
from iltdesk.domain.rows import EnrollResult
from iltdesk.domain.rows import RosterRow
from iltdesk.domain.specs import LearnerSpec
from iltdesk.errors import SessionFullError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.clashes import learner_clashes
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit
from iltdesk.services.common import get_or_fail
from iltdesk.services.learners import validate_learner
from iltdesk.services.placing import decide
from iltdesk.services.placing import insert_place
from iltdesk.services.placing import open_session
from iltdesk.services.placing import place
from iltdesk.services.placing import roster_row
from iltdesk.services.placing import write_place
from iltdesk.services.roster_read import roster as roster  # callers keep `enrollment.roster`
from iltdesk.services.seats import fill_free_seats
from iltdesk.services.seats import renumber_waitlist
from iltdesk.services.seats import seats_taken


def enroll_learner(
    db: Database,
    session_id: int,
    learner_id: int,
    *,
    allow_clash: bool = False,
    waitlist_if_full: bool = True,
    source: EnrollmentSource = EnrollmentSource.MANUAL,
) -> Outcome[EnrollResult]:
    """Enrol into a free seat, else onto the end of the waitlist.

    Raises `ClashError` when the learner is booked elsewhere at an overlapping time (unless
    `allow_clash`), and `SessionFullError` when full and `waitlist_if_full` is False.
    """

    def work(tx: OrmSession) -> Outcome[EnrollResult]:
        session = open_session(tx, session_id)
        learner, existing, status, position = decide(
            tx, session, learner_id, allow_clash=allow_clash, waitlist_if_full=waitlist_if_full
        )
        if existing is None:  # the usual case: a new row
            row = insert_place(tx, session_id, learner, status, position, source)
        else:  # an earlier place (cancelled, moved) comes back
            row = roster_row(write_place(tx, session, learner, existing, status, position, source))
        return Outcome(
            EnrollResult(row),
            Changes.of(Entity.ENROLLMENT, row.enrollment_id)
            | Changes.of(Entity.SESSION, session_id),
        )

    return db.write(work)


def walk_in(
    db: Database,
    session_id: int,
    learner: int | LearnerSpec,
    *,
    allow_clash: bool = True,
    allow_over_capacity: bool = False,
) -> Outcome[EnrollResult]:
    """Someone turned up: give them a seat — past capacity only when the caller says so.

    A full session raises `OverCapacityError` (with the numbers) unless `allow_over_capacity`:
    the coordinator is asked "Add as 13th anyway?" rather than the room silently overfilling.
    `learner` is an existing learner's id, or the details of a new learner to create in the
    same transaction.
    """
    with db.transaction() as tx:
        session = open_session(tx, session_id)
        changes = Changes.of(Entity.SESSION, session_id)
        if isinstance(learner, LearnerSpec):
            values = validate_learner(learner)
            found = tx.scalar(select(Learner).where(Learner.email_key == values["email_key"]))
            if found is None:
                found = Learner(**values)
                tx.add(found)
                tx.flush()
            learner_id = found.id
            changes |= Changes.of(Entity.LEARNER, learner_id)
        else:
            learner_id = learner
        enrollment = place(
            tx,
            session,
            learner_id,
            EnrollmentSource.WALK_IN,
            allow_clash=allow_clash,
            waitlist_if_full=True,
            over_capacity=True,
            allow_over_capacity=allow_over_capacity,
        )
        audit(tx, "enrollment", enrollment.id, "walk_in")
        return Outcome(
            EnrollResult(roster_row(enrollment)),
            changes | Changes.of(Entity.ENROLLMENT, enrollment.id),
        )


def enroll_many(
    db: Database, session_id: int, learner_ids: Sequence[int], *, allow_clash: bool = False
) -> Outcome[EnrollReport]:
    """Enrol several learners in one transaction, in order: seats first, then the waitlist.

    Those already on the session are left as they are; those booked elsewhere at the same time
    are not placed (unless `allow_clash`) and come back in `clashing` for the caller to ask.
    """

    def work(tx: OrmSession) -> Outcome[EnrollReport]:
        return _enroll_many_in(tx, session_id, learner_ids, allow_clash=allow_clash)

    return db.write(work)


def _enroll_many_in(
    tx: OrmSession, session_id: int, learner_ids: Sequence[int], *, allow_clash: bool
) -> Outcome[EnrollReport]:
    enrolled: list[RosterRow] = []
    waitlisted: list[RosterRow] = []
    already: list[RosterRow] = []
    clashing: list[tuple[int, str]] = []
    session = open_session(tx, session_id)
    touched: list[int] = []
    for learner_id in dict.fromkeys(learner_ids):
        existing = tx.scalar(
            select(Enrollment).where(
                Enrollment.session_id == session_id, Enrollment.learner_id == learner_id
            )
        )
        if existing is not None and existing.status.is_active:
            already.append(roster_row(existing))
            continue
        if not allow_clash:
            found = learner_clashes(tx, learner_id, session)
            if found:
                clashing.append((learner_id, found[0].message))
                continue
        placed = place(
            tx,
            session,
            learner_id,
            EnrollmentSource.MANUAL,
            allow_clash=True,
            waitlist_if_full=True,
        )
        touched.append(placed.id)
        row = roster_row(placed)
        (waitlisted if placed.status is EnrollmentStatus.WAITLISTED else enrolled).append(row)
    report = EnrollReport(tuple(enrolled), tuple(waitlisted), tuple(already), tuple(clashing))
    changes = Changes.of(Entity.SESSION, session_id)
    if touched:
        changes |= Changes.of(Entity.ENROLLMENT, *touched)
    return Outcome(report, changes)


def copy_roster(db: Database, source_id: int, target_id: int) -> Outcome[EnrollReport]:
    """Enrol the learners of `source_id` in `target_id` (for a duplicated session).

    Seat holders first, then the waitlist in its order; clashes are reported, not placed.
    """
    rows = [r for r in roster(db, source_id) if r.status.is_active]
    return enroll_many(db, target_id, [r.learner_id for r in rows])


def cancel_enrollment(
    db: Database, enrollment_id: int, reason: str, *, now: datetime | None = None
) -> Outcome[EnrollResult]:
    """Cancel one learner's place; a freed seat goes to the first on the waitlist."""
    with db.transaction() as tx:
        enrollment = get_or_fail(
            tx, Enrollment, enrollment_id, _("That enrollment no longer exists.")
        )
        open_session(tx, enrollment.session_id)
        if not enrollment.status.is_active:
            raise ValidationError(_("This learner's place is already cancelled or moved."))
        was_waitlisted = enrollment.status is EnrollmentStatus.WAITLISTED
        enrollment.status = EnrollmentStatus.CANCELLED
        enrollment.waitlist_position = None
        enrollment.cancelled_at = now or utcnow()
        enrollment.cancel_reason = reason.strip()
        enrollment.cancelled_seat = not was_waitlisted
        tx.flush()
        promoted = []
        if was_waitlisted:
            renumber_waitlist(tx, enrollment.session_id)
        else:
            promoted = fill_free_seats(tx, enrollment.session)
        audit(
            tx,
            "enrollment",
            enrollment.id,
            "cancel",
            {"promoted": [p.id for p in promoted]},
            reason.strip(),
        )
        for other in promoted:
            audit(tx, "enrollment", other.id, "promote", {"after_cancel": enrollment.id})
        ids = [enrollment.id, *(p.id for p in promoted)]
        return Outcome(
            EnrollResult(roster_row(enrollment), tuple(p.id for p in promoted)),
            Changes.of(Entity.ENROLLMENT, *ids) | Changes.of(Entity.SESSION, enrollment.session_id),
        )


def promote(db: Database, enrollment_id: int) -> Outcome[EnrollResult]:
    """Give a waitlisted learner a seat now, ahead of their turn if the coordinator says so."""
    with db.transaction() as tx:
        enrollment = get_or_fail(
            tx, Enrollment, enrollment_id, _("That enrollment no longer exists.")
        )
        session = open_session(tx, enrollment.session_id)
        if enrollment.status is not EnrollmentStatus.WAITLISTED:
            raise ValidationError(_("Only a learner on the waitlist can be promoted."))
        if seats_taken(tx, session.id) >= session.capacity:
            raise SessionFullError(
                _(
                    "There is no free seat ({capacity} taken). Raise the capacity or cancel a "
                    "place first."
                ).format(capacity=session.capacity)
            )
        enrollment.status = EnrollmentStatus.ENROLLED
        enrollment.waitlist_position = None
        tx.flush()
        renumber_waitlist(tx, session.id)
        audit(tx, "enrollment", enrollment.id, "promote")
        return Outcome(
            EnrollResult(roster_row(enrollment)),
            Changes.of(Entity.ENROLLMENT, enrollment.id) | Changes.of(Entity.SESSION, session.id),
        )


def move_learner(
    db: Database,
    enrollment_id: int,
    target_session_id: int,
    *,
    allow_clash: bool = False,
    waitlist_if_full: bool = False,
    reason: str = "",
) -> Outcome[EnrollResult]:
    """Move a learner to another session of the same course, keeping the old row as history.

    The old enrollment becomes "moved" (with its attendance kept and a link to the new one);
    the seat it frees goes to the old session's waitlist.
    """
    with db.transaction() as tx:
        old = get_or_fail(tx, Enrollment, enrollment_id, _("That enrollment no longer exists."))
        source_session = open_session(tx, old.session_id)
        if not old.status.is_active:
            raise ValidationError(_("This learner's place is already cancelled or moved."))
        target = open_session(tx, target_session_id)
        if target.id == source_session.id:
            raise ValidationError(_("Choose a different session to move the learner to."))
        if target.course_id != source_session.course_id:
            raise ValidationError(
                _("A learner can only be moved to another session of the same course.")
            )
        was_waitlisted = old.status is EnrollmentStatus.WAITLISTED
        new = move_in(
            tx, old, target, reason, allow_clash=allow_clash, waitlist_if_full=waitlist_if_full
        )
        if was_waitlisted:
            renumber_waitlist(tx, source_session.id)
            promoted = []
        else:
            promoted = fill_free_seats(tx, source_session)
        audit(
            tx, "enrollment", old.id, "move", {"to": new.id, "session": target.id}, reason.strip()
        )
        ids = [old.id, new.id, *(p.id for p in promoted)]
        return Outcome(
            EnrollResult(roster_row(new), tuple(p.id for p in promoted)),
            Changes.of(Entity.ENROLLMENT, *ids)
            | Changes.of(Entity.SESSION, source_session.id, target.id),
        )


def move_in(
    tx: OrmSession,
    old: Enrollment,
    target: TrainingSession,
    reason: str,
    *,
    allow_clash: bool = False,
    waitlist_if_full: bool = True,
) -> Enrollment:
    """Place `old`'s learner on `target` and mark `old` moved there (inside the unit of work).

    The caller fills or renumbers what the old session freed.
    """
    new = place(
        tx,
        target,
        old.learner_id,
        old.source,
        allow_clash=allow_clash,
        waitlist_if_full=waitlist_if_full,
    )
    old.status = EnrollmentStatus.MOVED
    old.waitlist_position = None
    old.cancelled_at = utcnow()
    old.cancel_reason = reason.strip()
    old.moved_to_id = new.id
    tx.flush()
    return new

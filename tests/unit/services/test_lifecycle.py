"""A session's life: confirm, cancel with consequences, complete only what has happened."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest

from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.lifecycle import SessionPhase
from iltdesk.domain.lifecycle import can_become
from iltdesk.domain.lifecycle import phase
from iltdesk.errors import ValidationError
from iltdesk.services import enrollment
from iltdesk.services import lifecycle
from iltdesk.services import people
from iltdesk.services import scheduling
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_instructor
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_room
from tests.fixtures.builders import make_session

S = SessionStatus
E = EnrollmentStatus
DEC_14 = date(2026, 12, 14)
BEFORE = datetime(2026, 12, 2, 10, tzinfo=UTC)  # 12 days before the session


def future_session(db, capacity=2, **more):
    days = (day_spec(DEC_14, "09:00", "17:00", "America/Chicago"),)
    return make_session(db, days=days, zone="America/Chicago", capacity=capacity, **more)


def test_allowed_moves_live_in_the_domain():
    assert can_become(S.PLANNED, S.CONFIRMED)
    assert can_become(S.CONFIRMED, S.CANCELLED)
    assert not can_become(S.CANCELLED, S.CONFIRMED)
    assert not can_become(S.COMPLETED, S.CANCELLED)


def test_phase_reads_the_clock():
    start = datetime(2026, 12, 14, 15, tzinfo=UTC)
    end = start + timedelta(hours=8)
    assert phase(S.CONFIRMED, start, end, start - timedelta(days=1)) is SessionPhase.CONFIRMED
    assert phase(S.CONFIRMED, start, end, start + timedelta(hours=1)) is SessionPhase.RUNNING
    assert phase(S.PLANNED, start, end, end) is SessionPhase.ENDED
    assert phase(S.COMPLETED, start, end, end) is SessionPhase.COMPLETED


def test_completing_a_future_session_is_refused_unless_recorded_early_with_a_reason(db):
    session = future_session(db)
    with pytest.raises(ValidationError, match="has not ended yet"):
        lifecycle.complete_session(db, session.id, now=BEFORE)
    assert scheduling.get_session(db, session.id).status is S.PLANNED
    done = lifecycle.complete_session(
        db, session.id, now=BEFORE, early_reason="Delivered early at the customer's request"
    ).value
    assert done.session.status is S.COMPLETED
    assert done.session.completion_note == "Delivered early at the customer's request"


def test_completing_closes_the_waitlist_with_a_note(db):
    session = make_session(db, capacity=1)  # 1 June 2026: over
    first, second = make_learner(db), make_learner(db)
    enrollment.enroll_learner(db, session.id, first.id)
    enrollment.enroll_learner(db, session.id, second.id)
    result = lifecycle.complete_session(db, session.id).value
    assert result.waitlist_closed == 1
    closed = next(r for r in enrollment.roster(db, session.id) if r.learner_id == second.id)
    assert closed.status is E.CANCELLED
    assert closed.waitlist_position is None
    assert "waitlist was closed" in closed.cancel_reason


def test_cancelling_cancels_every_place_clears_the_waitlist_and_frees_room_and_trainer(db):
    course = make_course(db)
    room = make_room(db)
    trainer = make_instructor(db, courses=(course.id,))
    lead = ((trainer.id, InstructorRole.LEAD),)
    session = future_session(db, course_id=course.id, room_id=room.id, instructors=lead)
    learners = [make_learner(db) for _ in range(3)]
    for learner in learners:
        enrollment.enroll_learner(db, session.id, learner.id)
    with pytest.raises(ValidationError, match="Say why"):
        lifecycle.cancel_session(db, session.id, "  ")
    result = lifecycle.cancel_session(db, session.id, "Trainer ill", now=BEFORE).value
    assert (result.seats, result.waitlisted) == (2, 1)
    assert result.session.status is S.CANCELLED
    assert result.session.cancel_reason == "Trainer ill"
    roster = enrollment.roster(db, session.id)
    assert {r.status for r in roster} == {E.CANCELLED}
    assert {r.cancel_reason for r in roster} == {"Trainer ill"}
    # The same room and trainer at the same time can be booked again.
    again = future_session(db, course_id=course.id, room_id=room.id, instructors=lead)
    assert again.room_id == room.id
    load = people.instructor_load(db, trainer.id, now=BEFORE)
    assert [s.id for s in load.upcoming] == [again.id]
    with pytest.raises(ValidationError, match="cancelled"):
        lifecycle.confirm_session(db, session.id, now=BEFORE)


def test_a_cancelled_or_completed_session_cannot_be_edited(db):
    session = future_session(db)
    lifecycle.cancel_session(db, session.id, "No trainer", now=BEFORE)
    spec = scheduling.spec_for_row(session)
    with pytest.raises(ValidationError, match="Duplicate it"):
        scheduling.update_session(db, session.id, spec)
    done = make_session(db)
    lifecycle.complete_session(db, done.id)
    with pytest.raises(ValidationError, match="Unlock it"):
        scheduling.update_session(db, done.id, scheduling.spec_for_row(done))


def test_confirm_and_back_to_planned_only_before_the_start(db):
    session = future_session(db)
    assert lifecycle.confirm_session(db, session.id, now=BEFORE).value.status is S.CONFIRMED
    with pytest.raises(ValidationError, match="already started"):
        lifecycle.mark_planned(db, session.id, now=datetime(2026, 12, 14, 16, tzinfo=UTC))
    assert lifecycle.mark_planned(db, session.id, now=BEFORE).value.status is S.PLANNED


def test_unlocking_needs_a_reason_and_clears_the_completion(db):
    session = make_session(db)
    lifecycle.complete_session(db, session.id)
    with pytest.raises(ValidationError, match="Say why"):
        lifecycle.reopen_session(db, session.id, "")
    row = lifecycle.reopen_session(db, session.id, "Late sheet").value
    assert row.status is S.CONFIRMED
    assert row.completed_at is None

"""Rosters: capacity then waitlist in order, promotion, moves that keep history, walk-ins."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import event
from sqlalchemy import select

from iltdesk.db.entities import AuditEntry
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import EnrollmentSource
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.specs import LearnerSpec
from iltdesk.errors import ClashError
from iltdesk.errors import OverCapacityError
from iltdesk.errors import SessionFullError
from iltdesk.errors import ValidationError
from iltdesk.services import attendance
from iltdesk.services import enrollment
from iltdesk.services import lifecycle
from iltdesk.services import roster_undo
from iltdesk.services import scheduling
from iltdesk.services.attendance import MarkSpec
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session

E = EnrollmentStatus


def statuses(db, session_id):
    return [(r.last_name, r.status, r.waitlist_position) for r in enrollment.roster(db, session_id)]


def test_full_session_waitlists_in_order_and_promotes_the_first(db):
    session = make_session(db, capacity=3)
    people = [make_learner(db, last=name) for name in ["Adams", "Brown", "Clark", "Dunn", "Evans"]]
    results = [enrollment.enroll_learner(db, session.id, p.id).value.row for p in people]
    assert [r.status for r in results] == [E.ENROLLED] * 3 + [E.WAITLISTED] * 2
    assert [r.waitlist_position for r in results[3:]] == [1, 2]

    cancelled = enrollment.cancel_enrollment(db, results[1].enrollment_id, "Sick").value
    assert cancelled.row.status is E.CANCELLED
    assert cancelled.promoted == (results[3].enrollment_id,)  # Dunn, first on the waitlist
    assert statuses(db, session.id) == [
        ("Adams", E.ENROLLED, None),
        ("Clark", E.ENROLLED, None),
        ("Dunn", E.ENROLLED, None),
        ("Evans", E.WAITLISTED, 1),  # renumbered: contiguous from 1
        ("Brown", E.CANCELLED, None),
    ]


def test_a_waitlist_place_costs_no_more_statements_than_a_seat(db):
    # One statement reads the learner, their place, the seats taken and the last waitlist
    # position; on a server each extra statement is a round trip on every enrolment.
    session = make_session(db, capacity=1)
    first, second, third = (make_learner(db, last=name) for name in ["Adams", "Brown", "Clark"])
    enrollment.enroll_learner(db, session.id, first.id)  # warms the statement cache
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        enrollment.enroll_learner(db, session.id, second.id, allow_clash=True)
        for_waitlist = len(sent)
        sent.clear()
        seat = make_session(db, capacity=5)
        sent.clear()
        enrollment.enroll_learner(db, seat.id, third.id, allow_clash=True)
        for_seat = len(sent)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert statuses(db, session.id)[1][1:] == (E.WAITLISTED, 1)
    assert for_waitlist == for_seat


def test_cancelling_from_the_waitlist_renumbers_it(db):
    session = make_session(db, capacity=1)
    people = [make_learner(db, last=n) for n in ["A", "B", "C", "D"]]
    rows = [enrollment.enroll_learner(db, session.id, p.id).value.row for p in people]
    enrollment.cancel_enrollment(db, rows[2].enrollment_id, "")
    assert [
        (r.last_name, r.waitlist_position)
        for r in enrollment.roster(db, session.id)
        if r.status is E.WAITLISTED
    ] == [("B", 1), ("D", 2)]


def test_full_session_can_refuse_instead_of_waitlisting(db):
    session = make_session(db, capacity=1)
    enrollment.enroll_learner(db, session.id, make_learner(db).id)
    with pytest.raises(SessionFullError, match=r"The session is full \(1 seat\)\."):
        enrollment.enroll_learner(db, session.id, make_learner(db).id, waitlist_if_full=False)


def test_enrolling_twice_is_refused_and_reenrolling_reuses_the_row(db):
    session = make_session(db)
    learner = make_learner(db, "Ann", "Lee")
    first = enrollment.enroll_learner(db, session.id, learner.id).value.row
    with pytest.raises(ValidationError, match="already on this session"):
        enrollment.enroll_learner(db, session.id, learner.id)
    enrollment.cancel_enrollment(db, first.enrollment_id, "Changed mind")
    other = make_learner(db, "Bo", "Ng")
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        enrollment.enroll_learner(db, session.id, other.id)
        for_new = len(sent)
        sent.clear()
        again = enrollment.enroll_learner(db, session.id, learner.id).value.row
        for_earlier = len(sent)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert again.enrollment_id == first.enrollment_id
    assert again.status is E.ENROLLED
    assert again.cancel_reason == ""
    # The earlier place is found by the same one statement that decides the place.
    assert for_earlier == for_new


def test_learner_double_booked_at_the_same_time_is_a_clash(db):
    course = make_course(db)
    day = (day_spec(date(2026, 4, 1), "09:00", "12:00", "Europe/London"),)
    a = make_session(db, course.id, days=day)
    b = make_session(
        db,
        make_course(db).id,
        days=(day_spec(date(2026, 4, 1), "06:30", "07:30", "America/New_York"),),
        zone="America/New_York",
    )  # 10:30–11:30 UTC; London is 08:00–11:00 UTC
    learner = make_learner(db, "Zoë", "Müller")
    enrollment.enroll_learner(db, a.id, learner.id)
    with pytest.raises(ClashError, match="Zoë Müller is also enrolled"):
        enrollment.enroll_learner(db, b.id, learner.id)
    assert (
        enrollment.enroll_learner(db, b.id, learner.id, allow_clash=True).value.row.status
        is E.ENROLLED
    )


def test_move_keeps_history_and_frees_the_seat(db):
    course = make_course(db)
    a = make_session(
        db,
        course.id,
        capacity=1,
        days=(day_spec(date(2026, 4, 1), "09:00", "17:00", "UTC"),),
        zone="UTC",
    )
    b = make_session(
        db,
        course.id,
        capacity=5,
        days=(day_spec(date(2026, 4, 8), "09:00", "17:00", "UTC"),),
        zone="UTC",
    )
    mover, waiting = make_learner(db, last="Mover"), make_learner(db, last="Waiting")
    old = enrollment.enroll_learner(db, a.id, mover.id).value.row
    enrollment.enroll_learner(db, a.id, waiting.id)
    attendance.record_marks(
        db, a.id, [MarkSpec(old.enrollment_id, a.days[0].id, AttendanceStatus.ABSENT)]
    )
    moved = enrollment.move_learner(db, old.enrollment_id, b.id, reason="Clash with audit").value
    assert moved.row.status is E.ENROLLED
    assert moved.promoted  # the waitlisted learner took the freed seat in session a
    history = {r.last_name: r for r in enrollment.roster(db, a.id)}
    assert history["Mover"].status is E.MOVED
    assert history["Mover"].cancel_reason == "Clash with audit"
    assert history["Waiting"].status is E.ENROLLED
    marks = attendance.marks_for_session(db, a.id)
    assert [(m.enrollment_id, m.status) for m in marks] == [
        (old.enrollment_id, AttendanceStatus.ABSENT)
    ]
    with db.transaction() as tx:
        actions = tx.scalars(
            select(AuditEntry.action).where(
                AuditEntry.entity == "enrollment", AuditEntry.entity_id == old.enrollment_id
            )
        ).all()
    assert "move" in actions


def test_move_only_within_the_same_course(db):
    a, b = make_session(db), make_session(db)
    row = enrollment.enroll_learner(db, a.id, make_learner(db).id).value.row
    with pytest.raises(ValidationError, match="same course"):
        enrollment.move_learner(db, row.enrollment_id, b.id)


def test_move_into_a_full_session_asks_for_the_waitlist(db):
    course = make_course(db)
    a = make_session(
        db, course.id, days=(day_spec(date(2026, 4, 1), "09:00", "10:00", "UTC"),), zone="UTC"
    )
    b = make_session(
        db,
        course.id,
        capacity=1,
        days=(day_spec(date(2026, 4, 2), "09:00", "10:00", "UTC"),),
        zone="UTC",
    )
    enrollment.enroll_learner(db, b.id, make_learner(db).id)
    row = enrollment.enroll_learner(db, a.id, make_learner(db).id).value.row
    with pytest.raises(SessionFullError):
        enrollment.move_learner(db, row.enrollment_id, b.id)
    assert enrollment.roster(db, a.id)[0].status is E.ENROLLED  # nothing changed
    landed = enrollment.move_learner(db, row.enrollment_id, b.id, waitlist_if_full=True).value
    assert landed.row.status is E.WAITLISTED


def test_walk_in_past_capacity_asks_first_and_can_create_the_learner(db):
    session = make_session(db, capacity=1)
    enrollment.enroll_learner(db, session.id, make_learner(db).id)
    walker = LearnerSpec("Siobhán", "O’Brien", "sob@example.com")
    with pytest.raises(OverCapacityError, match="holds 1 and 1 have a seat") as caught:
        enrollment.walk_in(db, session.id, walker)
    assert "Add Siobhán O’Brien as number 2 anyway?" in str(caught.value)
    assert scheduling.get_session(db, session.id).enrolled == 1  # nothing was written
    result = enrollment.walk_in(db, session.id, walker, allow_over_capacity=True)
    assert result.value.row.status is E.ENROLLED
    assert result.value.row.source is EnrollmentSource.WALK_IN
    assert scheduling.get_session(db, session.id).enrolled == 2


def test_manual_promotion_needs_a_free_seat(db):
    session = make_session(db, capacity=1)
    enrollment.enroll_learner(db, session.id, make_learner(db).id)
    waiting = enrollment.enroll_learner(db, session.id, make_learner(db).id).value.row
    with pytest.raises(SessionFullError, match="no free seat"):
        enrollment.promote(db, waiting.enrollment_id)


def test_no_enrolling_into_cancelled_or_completed_sessions(db):
    session = make_session(db)
    lifecycle.cancel_session(db, session.id, "Trainer ill")
    with pytest.raises(ValidationError, match="cancelled"):
        enrollment.enroll_learner(db, session.id, make_learner(db).id)
    other = make_session(db)
    lifecycle.complete_session(db, other.id)
    assert scheduling.get_session(db, other.id).status is SessionStatus.COMPLETED
    with pytest.raises(ValidationError, match="locked"):
        enrollment.enroll_learner(db, other.id, make_learner(db).id)


def test_roster_states_undo_and_redo_a_cancellation_with_promotion(db):
    session = make_session(db, capacity=1)
    a, b = make_learner(db, last="A"), make_learner(db, last="B")
    first = enrollment.enroll_learner(db, session.id, a.id).value.row
    enrollment.enroll_learner(db, session.id, b.id)
    before = roster_undo.roster_states(db, [session.id])
    enrollment.cancel_enrollment(db, first.enrollment_id, "Sick")
    after = roster_undo.roster_states(db, [session.id])
    roster_undo.restore_roster_states(db, [session.id], before)
    assert statuses(db, session.id) == [("A", E.ENROLLED, None), ("B", E.WAITLISTED, 1)]
    roster_undo.restore_roster_states(db, [session.id], after)
    assert statuses(db, session.id) == [("B", E.ENROLLED, None), ("A", E.CANCELLED, None)]


def test_undoing_an_enrollment_removes_it_and_redo_brings_it_back(db):
    session = make_session(db)
    learner = make_learner(db, last="New")
    before = roster_undo.roster_states(db, [session.id])
    enrollment.enroll_learner(db, session.id, learner.id)
    after = roster_undo.roster_states(db, [session.id])
    roster_undo.restore_roster_states(db, [session.id], before)
    assert enrollment.roster(db, session.id) == []
    roster_undo.restore_roster_states(db, [session.id], after)
    assert statuses(db, session.id) == [("New", E.ENROLLED, None)]


def test_undo_of_a_move_restores_both_sessions(db):
    course = make_course(db)
    a = make_session(
        db, course.id, days=(day_spec(date(2026, 4, 1), "09:00", "10:00", "UTC"),), zone="UTC"
    )
    b = make_session(
        db, course.id, days=(day_spec(date(2026, 4, 2), "09:00", "10:00", "UTC"),), zone="UTC"
    )
    row = enrollment.enroll_learner(db, a.id, make_learner(db, last="M").id).value.row
    before = roster_undo.roster_states(db, [a.id, b.id])
    enrollment.move_learner(db, row.enrollment_id, b.id)
    roster_undo.restore_roster_states(db, [a.id, b.id], before)
    assert statuses(db, a.id) == [("M", E.ENROLLED, None)]
    assert enrollment.roster(db, b.id) == []


def test_undo_refuses_to_drop_a_place_with_attendance(db):
    session = make_session(db)
    before = roster_undo.roster_states(db, [session.id])
    row = enrollment.enroll_learner(db, session.id, make_learner(db).id).value.row
    attendance.record_marks(
        db, session.id, [MarkSpec(row.enrollment_id, session.days[0].id, AttendanceStatus.PRESENT)]
    )
    with pytest.raises(ValidationError, match="no longer be undone"):
        roster_undo.restore_roster_states(db, [session.id], before)
    assert len(enrollment.roster(db, session.id)) == 1


def test_enrolling_several_reports_where_everyone_went(db):
    session = make_session(db, capacity=2)
    ann, bo, cy, di = (make_learner(db, first, "X" + first) for first in ("Ann", "Bo", "Cy", "Di"))
    enrollment.enroll_learner(db, session.id, ann.id)
    other = make_session(db)  # same day and time: Di is booked there
    enrollment.enroll_learner(db, other.id, di.id)
    report = enrollment.enroll_many(db, session.id, [ann.id, bo.id, cy.id, di.id]).value
    assert [r.first_name for r in report.enrolled] == ["Bo"]
    assert [(r.first_name, r.waitlist_position) for r in report.waitlisted] == [("Cy", 1)]
    assert [r.first_name for r in report.already] == ["Ann"]
    assert [learner_id for learner_id, _message in report.clashing] == [di.id]
    assert report.summary() == (
        "1 enrolled; 1 waitlisted because the session is full: Cy XCy (#1); "
        "1 already on the session: Ann XAnn; 1 not enrolled because of a clash."
    )
    again = enrollment.enroll_many(db, session.id, [di.id], allow_clash=True).value
    assert [r.first_name for r in again.waitlisted] == ["Di"]


def test_a_new_place_is_recorded_and_returned_as_the_unit_of_work_would(db):
    # A new place is written by one INSERT outside the unit of work (the hot write on a
    # server); its trail entry, its roster row and the stored row must match what the
    # unit of work writes for a walk-in (the same columns, the same rule for what is kept).
    session = make_session(db, capacity=1)
    first, second = make_learner(db, last="Adams"), make_learner(db, last="Brown")
    placed = enrollment.enroll_learner(db, session.id, first.id).value.row
    walked = enrollment.walk_in(db, session.id, second.id, allow_over_capacity=True).value.row
    waiting = make_learner(db, last="Clark")
    queued = enrollment.enroll_learner(db, session.id, waiting.id, allow_clash=True).value.row
    with db.transaction() as tx:
        entries = {
            e.entity_id: e
            for e in tx.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity == "enrollment", AuditEntry.action == "create"
                )
            )
        }
    ours, theirs = (json.loads(entries[r.enrollment_id].detail) for r in (placed, walked))
    assert set(ours) == set(theirs)
    assert {k: v for k, v in ours.items() if k not in ("enrolled_at", "learner_id", "source")} == {
        k: v for k, v in theirs.items() if k not in ("enrolled_at", "learner_id", "source")
    }
    assert ours["source"] == "manual"
    assert theirs["source"] == "walk_in"
    assert (entries[placed.enrollment_id].session_id, entries[placed.enrollment_id].learner_id) == (
        session.id,
        first.id,
    )
    assert json.loads(entries[queued.enrollment_id].detail)["waitlist_position"] == 1
    stored = {r.enrollment_id: r for r in enrollment.roster(db, session.id)}
    assert stored[placed.enrollment_id] == placed
    assert stored[queued.enrollment_id] == queued
    # The stored row takes part in optimistic locking like any other.
    enrollment.cancel_enrollment(db, placed.enrollment_id, "Changed plans")
    after = {r.enrollment_id: r for r in enrollment.roster(db, session.id)}
    assert after[placed.enrollment_id].status is E.CANCELLED

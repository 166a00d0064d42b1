"""Attendance marks and the completion they earn."""

from __future__ import annotations

from datetime import date

import pytest

from iltdesk.domain.enums import AttendanceStatus as A
from iltdesk.domain.enums import EnrollmentStatus as E
from iltdesk.errors import ValidationError
from iltdesk.services import attendance
from iltdesk.services import enrollment
from iltdesk.services import lifecycle
from iltdesk.services import scheduling
from iltdesk.services.attendance import MarkSpec
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session


@pytest.fixture
def two_days(db):
    """A two-day session (2 × 500 minutes) with its course threshold at 80%."""
    course = make_course(db, completion_threshold=80)
    days = (
        day_spec(date(2026, 2, 2), "09:00", "17:20", "UTC"),
        day_spec(date(2026, 2, 3), "09:00", "17:20", "UTC"),
    )
    session = make_session(db, course.id, days=days, zone="UTC")
    learner = make_learner(db)
    row = enrollment.enroll_learner(db, session.id, learner.id).value.row
    return session, row.enrollment_id


def mark(enrollment_id, day, status, minutes=None):
    return MarkSpec(enrollment_id, day.id, status, minutes)


def test_completion_at_exactly_the_threshold(db, two_days):
    session, eid = two_days
    d1, d2 = session.days
    result = attendance.record_marks(db, session.id, [mark(eid, d1, A.PRESENT)]).value
    assert result[eid] is E.ENROLLED  # one day still unmarked
    result = attendance.record_marks(db, session.id, [mark(eid, d2, A.LATE, 300)]).value
    assert result[eid] is E.COMPLETED  # 800 of 1000 minutes = 80 %
    result = attendance.record_marks(db, session.id, [mark(eid, d2, A.LEFT_EARLY, 299)]).value
    assert result[eid] is E.INCOMPLETE


def test_absent_everywhere_is_a_no_show_and_clearing_reopens(db, two_days):
    session, eid = two_days
    d1, d2 = session.days
    marks = [mark(eid, d1, A.ABSENT), mark(eid, d2, A.ABSENT)]
    assert attendance.record_marks(db, session.id, marks).value[eid] is E.NO_SHOW
    assert attendance.record_marks(db, session.id, [mark(eid, d2, None)]).value[eid] is E.ENROLLED
    assert len(attendance.marks_for_session(db, session.id)) == 1


def test_course_threshold_overrides_the_default(db):
    course = make_course(db, completion_threshold=100)
    session = make_session(db, course.id)
    eid = enrollment.enroll_learner(db, session.id, make_learner(db).id).value.row.enrollment_id
    day = session.days[0]
    result = attendance.record_marks(db, session.id, [mark(eid, day, A.LATE, day.minutes - 1)])
    assert result.value[eid] is E.INCOMPLETE


def test_marks_are_validated_and_nothing_is_half_written(db, two_days):
    session, eid = two_days
    d1, _d2 = session.days
    other = make_session(db)
    with pytest.raises(ValidationError, match="day that is not part"):
        attendance.record_marks(
            db, session.id, [mark(eid, d1, A.PRESENT), mark(eid, other.days[0], A.PRESENT)]
        )
    with pytest.raises(ValidationError, match="between 0 and 500"):
        attendance.record_marks(db, session.id, [mark(eid, d1, A.LATE, 501)])
    assert attendance.marks_for_session(db, session.id) == []


def test_waitlisted_learner_cannot_be_marked(db):
    session = make_session(db, capacity=0)
    eid = enrollment.enroll_learner(db, session.id, make_learner(db).id).value.row.enrollment_id
    with pytest.raises(ValidationError, match="no seat"):
        attendance.record_marks(db, session.id, [mark(eid, session.days[0], A.PRESENT)])


def test_locked_session_refuses_marks_and_unlocking_needs_a_reason(db, two_days):
    session, eid = two_days
    lifecycle.complete_session(db, session.id)
    with pytest.raises(ValidationError, match="locked"):
        attendance.record_marks(db, session.id, [mark(eid, session.days[0], A.PRESENT)])
    with pytest.raises(ValidationError, match="Say why"):
        lifecycle.reopen_session(db, session.id, "")
    lifecycle.reopen_session(db, session.id, "Trainer sent a late sheet")
    attendance.record_marks(db, session.id, [mark(eid, session.days[0], A.PRESENT)])
    assert scheduling.get_session(db, session.id).status.value == "confirmed"

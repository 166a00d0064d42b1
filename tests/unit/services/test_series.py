"""Recurring sessions: a series scheduled all or nothing, edited from one session on, cancelled."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from datetime import time
from zoneinfo import ZoneInfo

import pytest

from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.recurrence import OccurrenceGapError
from iltdesk.domain.recurrence import RuleError
from iltdesk.domain.specs import SessionSpec
from iltdesk.errors import ClashError
from iltdesk.services import enrollment
from iltdesk.services import scheduling
from iltdesk.services.series import cancel_series
from iltdesk.services.series import create_series
from iltdesk.services.series import later_sessions
from iltdesk.services.series import update_later
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_instructor
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_room
from tests.fixtures.builders import make_session

ZONE = "Europe/Berlin"


def template(db, day=date(2027, 3, 1), start="09:00", end="12:00", **more):
    course = more.pop("course_id", None) or make_course(db).id
    return SessionSpec(
        course_id=course,
        mode=DeliveryMode.IN_PERSON,
        timezone=ZONE,
        capacity=10,
        days=(day_spec(day, start, end, ZONE),),
        **more,
    )


def clocks(rows):
    tz = ZoneInfo(ZONE)
    return [
        (r.days[0].start.astimezone(tz).date(), r.days[0].start.astimezone(tz).time()) for r in rows
    ]


def test_a_weekly_series_keeps_nine_across_the_clock_change_each_with_its_own_roster(db):
    rows = create_series(db, template(db), "FREQ=WEEKLY;COUNT=6").value
    assert len(rows) == 6
    assert len({r.series_id for r in rows}) == 1
    assert rows[0].series_id is not None
    assert [c[1] for c in clocks(rows)] == [time(9)] * 6
    assert clocks(rows)[4][0] == date(2027, 3, 29)  # after the clocks went forward (28 March)
    learner = make_learner(db)
    enrollment.enroll_learner(db, rows[0].id, learner.id)
    assert [s.enrolled for s in (scheduling.get_session(db, r.id) for r in rows)] == [
        1,
        0,
        0,
        0,
        0,
        0,
    ]


def test_one_clash_and_nothing_is_scheduled(db):
    room = make_room(db)
    course = make_course(db)
    make_session(
        db,
        course.id,
        days=(day_spec(date(2027, 3, 15), "10:00", "11:00", ZONE),),
        zone=ZONE,
        room_id=room.id,
    )
    before = len(scheduling.list_sessions(db))
    spec = template(db, course_id=course.id, room_id=room.id)
    with pytest.raises(ClashError) as raised:
        create_series(db, spec, "FREQ=WEEKLY;COUNT=4")
    assert "Nothing was scheduled: 1 of the 4 sessions clashes." in str(raised.value)
    assert "15 Mar 2027" in str(raised.value)
    assert len(scheduling.list_sessions(db)) == before
    accepted = create_series(db, spec, "FREQ=WEEKLY;COUNT=4", allow_clashes=True).value
    assert len(accepted) == 4


def test_a_series_that_overlaps_itself_clashes_with_itself(db):
    rosa = make_instructor(db, "Rosa Díaz")
    spec = template(db, instructors=((rosa.id, InstructorRole.LEAD),))
    spec = replace(spec, days=(*spec.days, day_spec(date(2027, 3, 2), "09:00", "12:00", ZONE)))
    with pytest.raises(ClashError, match="Rosa Díaz"):  # day 2 of one is day 1 of the next
        create_series(db, spec, "FREQ=DAILY;COUNT=2")


def test_gaps_and_bad_rules_are_sentences(db):
    spec = template(db, day=date(2027, 3, 7), start="02:30", end="04:00")
    with pytest.raises(OccurrenceGapError, match="2027-03-28"):
        create_series(db, spec, "FREQ=WEEKLY;COUNT=4")
    rows = create_series(db, spec, "FREQ=WEEKLY;COUNT=4", skip={date(2027, 3, 28)}).value
    assert len(rows) == 3
    with pytest.raises(RuleError, match="more than 200"):
        create_series(db, template(db), "FREQ=DAILY;COUNT=365")


def test_an_edit_applies_to_this_and_every_later_session(db):
    rows = create_series(db, template(db), "FREQ=WEEKLY;COUNT=5").value
    third = scheduling.get_session(db, rows[2].id)
    edited = replace(
        scheduling.spec_for_row(third),
        capacity=16,
        days=(day_spec(date(2027, 3, 15), "13:00", "16:30", ZONE),),
    )
    changed = update_later(db, third.id, edited).value
    assert [r.id for r in changed] == [r.id for r in rows[2:]]
    after = [scheduling.get_session(db, r.id) for r in rows]
    assert [s.capacity for s in after] == [10, 10, 16, 16, 16]
    assert [c[1] for c in clocks(after)] == [time(9), time(9), time(13), time(13), time(13)]
    assert [c[0] for c in clocks(after)] == [c[0] for c in clocks(rows)]  # dates kept
    assert [later_sessions(db, rows[3].id)[i].id for i in range(2)] == [rows[3].id, rows[4].id]


def test_cancelling_the_series_cancels_this_and_later_sessions_once(db):
    rows = create_series(db, template(db), "FREQ=WEEKLY;COUNT=4").value
    learner = make_learner(db)
    enrollment.enroll_learner(db, rows[3].id, learner.id)
    cancelled = cancel_series(db, rows[1].id, "Trainer left").value
    assert [r.id for r in cancelled] == [r.id for r in rows[1:]]
    statuses = [scheduling.get_session(db, r.id).status for r in rows]
    assert statuses == [SessionStatus.PLANNED] + [SessionStatus.CANCELLED] * 3
    assert enrollment.roster(db, rows[3].id)[0].status.value == "cancelled"


def test_a_series_is_checked_before_anything_is_written(db):
    room = make_room(db)
    course = make_course(db)
    make_session(
        db,
        course.id,
        days=(day_spec(date(2027, 3, 8), "11:00", "13:00", ZONE),),
        zone=ZONE,
        room_id=room.id,
    )
    spec = template(db, course_id=course.id, room_id=room.id)
    from iltdesk.services.series import check_series

    found = check_series(db, spec, "FREQ=WEEKLY;COUNT=3")
    assert len(found) == 1
    assert found[0].startswith("8 Mar 2027: ")
    two_days = replace(spec, days=(*spec.days, day_spec(date(2027, 3, 2), "09:00", "12:00", ZONE)))
    assert any(
        "overlaps the series' own session" in c
        for c in check_series(db, two_days, "FREQ=DAILY;COUNT=2")
    )
    assert len(scheduling.list_sessions(db)) == 1

"""Availability and find-a-slot on a hand-built calendar where the right answer is known."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest

from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import InstructorRole
from iltdesk.errors import UnreadableFileError
from iltdesk.errors import ValidationError
from iltdesk.services import availability
from iltdesk.services import enrollment
from iltdesk.services import interest
from iltdesk.services.availability import WorkingPattern
from iltdesk.services.compliance_actions import add_to_interest
from iltdesk.services.planning import NoSlotError
from iltdesk.services.planning import find_slots
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_instructor
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session

ZONE = "Europe/London"
MON, TUE, WED = date(2027, 3, 1), date(2027, 3, 2), date(2027, 3, 3)


@pytest.fixture
def bench(db):
    """A one-day course (7 h); Rosa and Sam qualified; one room of 12 in London."""
    course = make_course(db, title="Coaching Basics", default_minutes=420)
    rosa = make_instructor(db, "Rosa Díaz", courses=(course.id,))
    sam = make_instructor(db, "Sam Ode", courses=(course.id,))
    make_instructor(db, "Una Other")  # not qualified
    from iltdesk.domain.specs import RoomSpec
    from iltdesk.services import people

    room = people.save_room(db, RoomSpec("London — Room 1", capacity=12, timezone=ZONE)).value
    return course, rosa, sam, room


def starts(found):
    return [(p.start.astimezone(UTC), p.instructor, p.room) for p in found]


def test_the_first_free_day_with_a_qualified_instructor_and_a_room(db, bench):
    course, rosa, sam, room = bench
    # Monday: Rosa teaches elsewhere; Sam is on leave. Tuesday: the room is booked.
    make_session(
        db,
        days=(day_spec(MON, "09:00", "17:00", ZONE),),
        zone=ZONE,
        instructors=((rosa.id, InstructorRole.LEAD),),
    )
    availability.add_time_off(
        db, sam.id, datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 3, 2, tzinfo=UTC), "Leave"
    )
    make_session(db, days=(day_spec(TUE, "08:00", "18:00", ZONE),), zone=ZONE, room_id=room.id)
    found = find_slots(db, course.id, MON, WED, size=10, zone_name=ZONE)
    # Both are free on Wednesday; Sam has taught less this month.
    assert starts(found) == [(datetime(2027, 3, 3, 9, tzinfo=UTC), "Sam Ode", "London — Room 1")]
    assert found[0].days[0][1] == datetime(2027, 3, 3, 16, tzinfo=UTC)  # 7 hours
    assert found[0].zone == ZONE


def test_working_days_and_hours_are_honoured(db, bench):
    course, rosa, sam, _room = bench
    availability.set_working_pattern(db, rosa.id, WorkingPattern.parse("TU,WE", 480, 1080))
    availability.set_working_pattern(db, sam.id, WorkingPattern.parse("MO", 600, 1080))  # from 10
    found = find_slots(db, course.id, MON, WED, zone_name=ZONE)
    assert [(p.start.date(), p.instructor) for p in found] == [
        (TUE, "Rosa Díaz"),
        (WED, "Rosa Díaz"),
    ]
    with pytest.raises(ValidationError, match="at least one working day"):
        availability.set_working_pattern(db, sam.id, WorkingPattern.parse("", 480, 1000))


def test_virtual_slots_need_no_room_and_read_the_given_zone(db, bench):
    course, _rosa, _sam, _room = bench
    found = find_slots(
        db, course.id, MON, MON, mode=DeliveryMode.VIRTUAL, zone_name="America/Chicago"
    )
    assert found[0].start == datetime(2027, 3, 1, 15, tzinfo=UTC)  # 09:00 CST
    assert found[0].room == ""


def test_learners_on_the_interest_list_who_are_booked_push_a_day_down(db, bench):
    course, _rosa, _sam, _room = bench
    learner = make_learner(db)
    add_to_interest(db, course.id, [learner.id])
    other = make_session(db, days=(day_spec(MON, "10:00", "12:00", ZONE),), zone=ZONE)
    enrollment.enroll_learner(db, other.id, learner.id)
    found = find_slots(db, course.id, MON, TUE, zone_name=ZONE)
    assert [(p.start.date(), p.interest_clashes) for p in found][:2] == [
        (TUE, 0),
        (TUE, 0),
    ] or found[0].start.date() == TUE
    assert found[-1].start.date() == MON
    assert found[-1].interest_clashes == 1
    assert interest.interest_list(db, course.id)[0].learner_id == learner.id


def test_nothing_fits_is_a_sentence(db, bench):
    course, *_ = bench
    with pytest.raises(NoSlotError, match="No room holds 40 learners"):
        find_slots(db, course.id, MON, WED, size=40, zone_name=ZONE)
    lonely = make_course(db, title="Welding")
    with pytest.raises(NoSlotError, match="No instructor is qualified for Welding"):
        find_slots(db, lonely.id, MON, WED, zone_name=ZONE)
    with pytest.raises(ValidationError, match="ends before it starts"):
        find_slots(db, course.id, WED, MON, zone_name=ZONE)


ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//EN
BEGIN:VEVENT
UID:1
DTSTART:20270301T080000Z
DTEND:20270301T170000Z
SUMMARY:Workshop for another client
END:VEVENT
BEGIN:VEVENT
UID:2
DTSTART;VALUE=DATE:20270303
DTEND;VALUE=DATE:20270304
SUMMARY:Holiday
END:VEVENT
BEGIN:VEVENT
UID:3
DTSTART:20270302T080000Z
DTEND:20270302T170000Z
TRANSP:TRANSPARENT
SUMMARY:Free: reading
END:VEVENT
END:VCALENDAR
"""


def test_a_freelancers_calendar_file_blocks_their_busy_times(db, bench, tmp_path):
    course, rosa, sam, _room = bench
    availability.add_time_off(
        db, sam.id, datetime(2027, 2, 1, tzinfo=UTC), datetime(2027, 4, 1, tzinfo=UTC), "Sabbatical"
    )
    path = tmp_path / "rosa.ics"
    path.write_text(ICS, encoding="utf-8")
    assert availability.import_calendar(db, rosa.id, path).value == 2
    assert availability.import_calendar(db, rosa.id, path).value == 2  # replaced, not doubled
    entries = availability.time_off(db, rosa.id)
    assert [(e.reason, e.source) for e in entries] == [
        ("Workshop for another client", "calendar"),
        ("Holiday", "calendar"),
    ]
    found = find_slots(db, course.id, MON, WED, zone_name=ZONE)
    assert [p.start.date() for p in found] == [TUE]


def test_a_file_that_is_no_calendar_or_has_no_busy_times_is_a_sentence(db, bench, tmp_path):
    _course, rosa, _sam, _room = bench
    bad = tmp_path / "notes.ics"
    bad.write_text("hello", encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="is not a calendar file"):
        availability.import_calendar(db, rosa.id, bad)
    empty = tmp_path / "empty.ics"
    empty.write_text("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nEND:VCALENDAR\n", encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="holds no busy times"):
        availability.import_calendar(db, rosa.id, empty)
    with pytest.raises(ValidationError, match="end after it starts"):
        availability.add_time_off(
            db, rosa.id, datetime(2027, 3, 2, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC), "x"
        )


def test_substitutes_are_ranked_free_first_then_by_their_month(db, bench):
    from iltdesk.services import scheduling
    from iltdesk.services.planning import substitutes
    from iltdesk.services.planning import take_over

    course, rosa, sam, room = bench
    una = make_instructor(db, "Una Free", courses=(course.id,))
    vic = make_instructor(db, "Vic Busy", courses=(course.id,))
    session = make_session(
        db,
        course.id,
        days=(day_spec(WED, "09:00", "16:00", ZONE),),
        zone=ZONE,
        room_id=room.id,
        instructors=((rosa.id, InstructorRole.LEAD), (sam.id, InstructorRole.BACKUP)),
    )
    make_session(
        db,
        days=(day_spec(WED, "13:00", "15:00", ZONE),),
        zone=ZONE,
        instructors=((vic.id, InstructorRole.LEAD),),
    )
    make_session(
        db,
        course.id,
        days=(day_spec(MON, "09:00", "12:00", ZONE),),
        zone=ZONE,
        instructors=((una.id, InstructorRole.LEAD),),
    )
    availability.set_working_pattern(db, sam.id, WorkingPattern.parse("MO,TU,TH,FR", 480, 1080))
    found = substitutes(db, session.id)
    assert [(s.name, s.free) for s in found] == [
        ("Una Free", True),
        ("Sam Ode", False),
        ("Vic Busy", False),
    ]
    assert found[0].last_delivered == MON
    assert found[0].load == 1
    assert found[1].conflict == "does not work on that weekday (Wednesday)"
    assert "busy then" in found[2].conflict
    row = take_over(db, session.id, found[0].instructor_id).value
    assert [(i.name, i.role) for i in row.instructors] == [("Una Free", InstructorRole.LEAD)]
    assert scheduling.get_session(db, session.id).instructors[0].name == "Una Free"


def test_a_free_backup_is_offered_first(db, bench):
    """The session's backup is who the coordinator asks first, when they are free."""
    from iltdesk.services.planning import substitutes

    course, rosa, sam, room = bench
    una = make_instructor(db, "Una Free", courses=(course.id,))
    session = make_session(
        db,
        course.id,
        days=(day_spec(TUE, "09:00", "16:00", ZONE),),
        zone=ZONE,
        room_id=room.id,
        instructors=((rosa.id, InstructorRole.LEAD), (sam.id, InstructorRole.BACKUP)),
    )
    # Sam teaches another session that month, Una none: by load alone Una came first.
    make_session(
        db,
        course.id,
        days=(day_spec(MON, "09:00", "12:00", ZONE),),
        zone=ZONE,
        instructors=((sam.id, InstructorRole.LEAD),),
    )
    found = substitutes(db, session.id)
    assert [(s.name, s.free, s.backup) for s in found] == [
        ("Sam Ode", True, True),
        ("Una Free", True, False),
    ]
    assert una.id == found[1].instructor_id


def test_a_room_with_the_equipment_needed(db, bench):
    from iltdesk.domain.specs import RoomSpec
    from iltdesk.services import people

    course, _rosa, _sam, _room = bench
    people.save_room(
        db,
        RoomSpec(
            "London — Lab", capacity=12, timezone=ZONE, notes="Projector, 12 laptops, whiteboard"
        ),
    )
    found = find_slots(db, course.id, MON, MON, zone_name=ZONE, needs="laptops PROJECTOR")
    assert {p.room for p in found} == {"London — Lab"}
    with pytest.raises(NoSlotError, match="mentions “flight simulator”"):
        find_slots(db, course.id, MON, MON, zone_name=ZONE, needs="flight simulator")

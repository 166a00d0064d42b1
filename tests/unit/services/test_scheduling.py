"""Scheduling: sessions and days, validation, and clashes compared as instants."""

from __future__ import annotations

from datetime import date
from datetime import time
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.specs import DaySpec
from iltdesk.domain.specs import SessionSpec
from iltdesk.errors import ClashError
from iltdesk.errors import ValidationError
from iltdesk.services import clashes
from iltdesk.services import enrollment
from iltdesk.services import lifecycle
from iltdesk.services import scheduling
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import local
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_instructor
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_room
from tests.fixtures.builders import make_session

LEAD = InstructorRole.LEAD
MARCH_16 = date(2026, 3, 16)  # New York on EDT (since 8 March), London still on GMT (until 29th)
MARCH_2 = date(2026, 3, 2)  # both on standard time
LONDON = "Europe/London"


def spec_for(course_id, days, zone, **more):
    return SessionSpec(
        course_id=course_id,
        mode=DeliveryMode.IN_PERSON,
        timezone=zone,
        capacity=10,
        days=tuple(days),
        **more,
    )


def test_multi_day_session_is_stored_in_utc_with_its_zone(db):
    course = make_course(db)
    days = (
        day_spec(date(2026, 10, 23), "09:00", "17:00", "Europe/Berlin"),
        day_spec(date(2026, 10, 26), "09:00", "17:00", "Europe/Berlin"),
    )  # CEST then CET
    row = make_session(db, course.id, days=days, zone="Europe/Berlin")
    assert row.timezone == "Europe/Berlin"
    assert [d.start.hour for d in row.days] == [7, 8]  # UTC: 09:00 CEST = 07:00, CET = 08:00
    assert all(d.start.utcoffset() == timedelta(0) for d in row.days)
    assert row.first_start == row.days[0].start
    assert row.days[1].minutes == 480


@pytest.mark.parametrize(
    ("ny_start", "ny_end", "expect_clash"),
    [
        ("09:00", "10:00", False),  # 13:00–14:00 UTC, ends as London starts
        ("09:30", "10:30", True),  # 13:30–14:30 UTC
        ("11:59", "13:00", True),
    ],
)
def test_new_york_and_london_clash_across_the_2026_dst_gap(db, ny_start, ny_end, expect_clash):
    course = make_course(db)
    trainer = make_instructor(db, "Maria Rossi", courses=(course.id,))
    make_session(
        db,
        course.id,
        days=(day_spec(MARCH_16, "14:00", "16:00", "Europe/London"),),
        instructors=((trainer.id, LEAD),),
    )
    ny = spec_for(
        course.id,
        [day_spec(MARCH_16, ny_start, ny_end, "America/New_York")],
        "America/New_York",
        instructors=((trainer.id, LEAD),),
    )
    found = [c for c in clashes.find_clashes(db, ny) if not c.is_warning]
    assert bool(found) is expect_clash
    if expect_clash:
        assert "Maria Rossi is already teaching" in found[0].message
        assert "GMT" in found[0].message  # the other session's times in its own zone


def test_same_wall_clock_clashes_differently_before_the_dst_change(db):
    course = make_course(db)
    trainer = make_instructor(db, courses=(course.id,))
    make_session(
        db,
        course.id,
        days=(day_spec(MARCH_2, "14:00", "16:00", "Europe/London"),),
        instructors=((trainer.id, LEAD),),
    )
    # 09:00–10:00 EST is 14:00–15:00 UTC: a clash on 2 March, none on 16 March (above).
    ny = spec_for(
        course.id,
        [day_spec(MARCH_2, "09:00", "10:00", "America/New_York")],
        "America/New_York",
        instructors=((trainer.id, LEAD),),
    )
    assert [c.kind for c in clashes.find_clashes(db, ny) if not c.is_warning] == ["instructor"]


def test_room_clash_blocks_saving_unless_confirmed(db):
    course = make_course(db)
    room = make_room(db, name="Room 101")
    day = (day_spec(date(2026, 5, 5), "09:00", "12:00", "Europe/London"),)
    make_session(db, course.id, days=day, room_id=room.id)
    with pytest.raises(ClashError) as caught:
        make_session(db, course.id, days=day, room_id=room.id)
    assert "Room 101 is already booked" in str(caught.value)
    row = make_session(db, course.id, days=day, room_id=room.id, allow_clashes=True)
    assert row.room_name == "Room 101"


def test_cancelled_sessions_do_not_clash(db):
    course = make_course(db)
    room = make_room(db)
    day = (day_spec(date(2026, 5, 5), "09:00", "12:00", "Europe/London"),)
    first = make_session(db, course.id, days=day, room_id=room.id)
    lifecycle.cancel_session(db, first.id, "Trainer ill")
    make_session(db, course.id, days=day, room_id=room.id)  # no ClashError


def test_learner_clash_is_reported_when_rescheduling(db):
    course = make_course(db)
    a = make_session(
        db, course.id, days=(day_spec(date(2026, 5, 5), "09:00", "12:00", "UTC"),), zone="UTC"
    )
    b = make_session(
        db, course.id, days=(day_spec(date(2026, 5, 6), "09:00", "12:00", "UTC"),), zone="UTC"
    )
    learner = make_learner(db, "Zoë", "Müller")
    enrollment.enroll_learner(db, a.id, learner.id)
    enrollment.enroll_learner(db, b.id, learner.id)
    moved = spec_for(course.id, [day_spec(date(2026, 5, 5), "10:00", "11:00", "UTC")], "UTC")
    found = clashes.find_clashes(db, moved, session_id=b.id)
    assert any(c.kind == "learner" and "Zoë Müller" in c.message for c in found)


def test_day_ending_before_it_starts_is_refused(db):
    course = make_course(db)
    bad = DaySpec(local(date(2026, 5, 5), "17:00", "UTC"), local(date(2026, 5, 5), "09:00", "UTC"))
    with pytest.raises(ValidationError, match=r"ends .* before it starts"):
        scheduling.create_session(db, spec_for(course.id, [bad], "UTC"))


def test_overlapping_days_and_unknown_zone_are_refused(db):
    course = make_course(db)
    d = day_spec(date(2026, 5, 5), "09:00", "17:00", "UTC")
    with pytest.raises(ValidationError, match="overlap"):
        scheduling.create_session(db, spec_for(course.id, [d, d], "UTC"))
    with pytest.raises(ValidationError, match="not a known time zone"):
        scheduling.create_session(db, spec_for(course.id, [d], "Mars/Olympus"))
    with pytest.raises(ValidationError, match="at least one day"):
        scheduling.create_session(db, spec_for(course.id, [], "UTC"))


def test_unqualified_instructor_is_a_warning_not_a_block(db):
    course = make_course(db)
    trainer = make_instructor(db, "Daniel Kim")
    spec = spec_for(
        course.id,
        [day_spec(date(2026, 5, 5), "09:00", "17:00", "UTC")],
        "UTC",
        instructors=((trainer.id, LEAD),),
    )
    warnings = clashes.find_clashes(db, spec)
    assert [(c.kind, c.is_warning) for c in warnings if c.kind == "qualification"] == [
        ("qualification", True)
    ]
    assert "Daniel Kim is not listed as qualified" in warnings[-1].message
    scheduling.create_session(db, spec)  # saves without confirmation


def test_a_trainee_beside_a_qualified_lead_is_not_warned_about(db):
    """Train-the-trainer: co-facilitating beside a qualified lead is how one qualifies."""
    from iltdesk.domain.enums import InstructorRole

    course = make_course(db)
    lead = make_instructor(db, "Ada Lead", courses=(course.id,))
    trainee = make_instructor(db, "Tom Trainee")
    day = [day_spec(date(2026, 5, 5), "09:00", "17:00", "UTC")]

    def warned(*instructors):
        spec = spec_for(course.id, day, "UTC", instructors=instructors)
        return [c.message for c in clashes.find_clashes(db, spec) if c.kind == "qualification"]

    assert warned((lead.id, LEAD), (trainee.id, InstructorRole.CO_FACILITATOR)) == []
    assert warned((lead.id, LEAD), (trainee.id, InstructorRole.OBSERVER)) == []
    # Beside an unqualified lead, or leading, the trainee is warned about.
    other = make_instructor(db, "Una Unlisted")
    assert warned((other.id, LEAD), (trainee.id, InstructorRole.CO_FACILITATOR)) == [
        "Una Unlisted is not listed as qualified to teach this course.",
        "Tom Trainee is not listed as qualified to teach this course.",
    ]
    assert warned((trainee.id, LEAD)) == [
        "Tom Trainee is not listed as qualified to teach this course."
    ]


def test_editing_keeps_day_rows_and_raising_capacity_seats_the_waitlist(db):
    course = make_course(db)
    row = make_session(db, course.id, capacity=1)
    people = [make_learner(db) for _ in range(3)]
    for learner in people:
        enrollment.enroll_learner(db, row.id, learner.id)
    spec = SessionSpec(
        course.id, row.mode, row.timezone, 2, tuple(DaySpec(d.start, d.end) for d in row.days)
    )
    outcome = scheduling.update_session(db, row.id, spec)
    assert outcome.value.enrolled == 2
    assert outcome.value.waitlisted == 1
    assert [d.id for d in outcome.value.days] == [d.id for d in row.days]


def test_cancel_session_keeps_enrollments_marked(db):
    row = make_session(db, capacity=1)
    a, b = make_learner(db), make_learner(db)
    enrollment.enroll_learner(db, row.id, a.id)
    enrollment.enroll_learner(db, row.id, b.id)
    outcome = lifecycle.cancel_session(db, row.id, "Venue flooded")
    assert outcome.value.session.status is SessionStatus.CANCELLED
    roster = enrollment.roster(db, row.id)
    assert len(roster) == 2
    assert {r.status.value for r in roster} == {"cancelled"}
    assert {r.cancel_reason for r in roster} == {"Venue flooded"}
    with pytest.raises(ValidationError, match="already cancelled"):
        lifecycle.cancel_session(db, row.id, "again")


def test_list_sessions_filters_in_sql(db):
    c1, c2 = make_course(db), make_course(db)
    trainer = make_instructor(db, courses=(c1.id,))
    early = make_session(
        db,
        c1.id,
        days=(day_spec(date(2026, 1, 5), "09:00", "10:00", "UTC"),),
        zone="UTC",
        instructors=((trainer.id, LEAD),),
    )
    late = make_session(
        db, c2.id, days=(day_spec(date(2026, 7, 5), "09:00", "10:00", "UTC"),), zone="UTC"
    )
    assert [s.id for s in scheduling.list_sessions(db)] == [early.id, late.id]
    assert [s.id for s in scheduling.list_sessions(db, course_id=c2.id)] == [late.id]
    assert [s.id for s in scheduling.list_sessions(db, instructor_id=trainer.id)] == [early.id]
    after = local(date(2026, 3, 1), "00:00", "UTC")
    assert [s.id for s in scheduling.list_sessions(db, starts_after=after)] == [late.id]


def test_a_day_typed_inside_the_spring_gap_is_refused_not_shifted(db):
    course = make_course(db)
    gap_day = date(2027, 3, 28)
    for end in ("02:30", "03:00"):  # 01:30–02:30 once crashed the save; 01:30–03:00 was moved
        spec = spec_for(course.id, [day_spec(gap_day, "01:30", end, LONDON)], LONDON)
        with pytest.raises(ValidationError, match="01:30 on 28 Mar 2027 does not exist"):
            scheduling.create_session(db, spec)
    assert scheduling.list_sessions(db) == []


def test_the_second_0130_is_stored_as_the_second(db):
    from iltdesk.domain.localtime import WallTime
    from iltdesk.domain.localtime import to_instant
    from iltdesk.domain.localtime import to_wall

    course = make_course(db)
    fold_day = date(2027, 10, 31)
    start = to_instant(WallTime(fold_day, time(1, 30), fold=1), LONDON)
    end = to_instant(WallTime(fold_day, time(3, 30)), LONDON)
    row = scheduling.create_session(db, spec_for(course.id, [DaySpec(start, end)], LONDON)).value
    assert row.days[0].start == start
    assert to_wall(row.days[0].start, LONDON).fold == 1
    assert row.days[0].minutes == 120
    # Saved again unchanged (as the editor does), it stays where it was.
    again = scheduling.update_session(db, row.id, scheduling.spec_for_row(row)).value
    assert again.days[0].start == start


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(
        ["Europe/London", "America/Chicago", "Australia/Lord_Howe", "Asia/Tehran"]
    ),
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)),
    minutes=st.integers(min_value=0, max_value=22 * 60),
)
def test_stored_instants_round_trip_to_the_typed_wall_time(tmp_path_factory, name, day, minutes):
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database
    from iltdesk.domain.localtime import AmbiguousTimeError
    from iltdesk.domain.localtime import NonexistentTimeError
    from iltdesk.domain.localtime import WallTime
    from iltdesk.domain.localtime import to_instant
    from iltdesk.domain.localtime import to_wall

    clock = time(minutes // 60, minutes % 60)
    wall = WallTime(day, clock)
    try:
        start = to_instant(wall, name)
    except NonexistentTimeError:
        return
    except AmbiguousTimeError:
        wall = WallTime(day, clock, 1)
        start = to_instant(wall, name)
    path = tmp_path_factory.mktemp("rt") / "rt.sqlite3"
    with open_database(database_url(path)) as store:
        course = make_course(store)
        spec = spec_for(course.id, [DaySpec(start, start + timedelta(hours=1))], name)
        row = scheduling.create_session(store, spec).value
        stored = scheduling.get_session(store, row.id).days[0].start
    assert to_wall(stored, name) == WallTime(day, clock, wall.fold)

"""Rooms and instructors through the service: checks, archive, filter, and the month's load."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest

from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.specs import InstructorSpec
from iltdesk.domain.specs import RoomSpec
from iltdesk.errors import ValidationError
from iltdesk.services import people
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_session


def test_a_room_is_checked_and_names_are_unique(db):
    with pytest.raises(ValidationError, match="name"):
        people.save_room(db, RoomSpec("  ", capacity=10))
    with pytest.raises(ValidationError, match="negative"):
        people.save_room(db, RoomSpec("Suite 3", capacity=-1))
    with pytest.raises(ValidationError, match="A4 or Letter"):
        people.save_room(db, RoomSpec("Suite 3", capacity=10, paper_size="A5"))
    room = people.save_room(db, RoomSpec(" Suite 3 ", capacity=10, timezone="Europe/London"))
    assert room.value.name == "Suite 3"
    with pytest.raises(ValidationError, match="already a room called Suite 3"):
        people.save_room(db, RoomSpec("Suite 3", capacity=4))
    edited = people.save_room(db, RoomSpec("Suite 3", capacity=12), room.value.id).value
    assert edited.capacity == 12


def test_archived_rooms_and_instructors_leave_the_lists(db):
    room = people.save_room(db, RoomSpec("Lab", capacity=8)).value
    people.set_room_archived(db, room.id, True)
    assert [r.name for r in people.list_rooms(db)] == []
    assert [r.name for r in people.list_rooms(db, include_archived=True)] == ["Lab"]
    maria = people.save_instructor(db, InstructorSpec("Maria Rossi")).value
    people.save_instructor(db, InstructorSpec("Jürgen Weiß"))
    assert [i.name for i in people.list_instructors(db, "weiss")] == ["Jürgen Weiß"]
    people.set_instructor_archived(db, maria.id, True)
    assert [i.name for i in people.list_instructors(db)] == ["Jürgen Weiß"]


def test_qualifications_follow_the_spec(db):
    first, second = make_course(db), make_course(db)
    spec = InstructorSpec("Priya Nair", qualified_course_ids=frozenset({first.id, second.id}))
    priya = people.save_instructor(db, spec).value
    assert set(priya.qualified_course_ids) == {first.id, second.id}
    spec = InstructorSpec("Priya Nair", qualified_course_ids=frozenset({second.id}))
    assert set(people.save_instructor(db, spec, priya.id).value.qualified_course_ids) == {second.id}


def test_the_months_load_splits_taught_from_still_to_come(db):
    tomasz = people.save_instructor(db, InstructorSpec("Tomasz Nowak")).value
    days = tuple(day_spec(date(2026, 6, d), "09:00", "12:00", "UTC") for d in (2, 30))
    make_session(db, days=days, zone="UTC", instructors=((tomasz.id, InstructorRole.LEAD),))
    load = people.instructor_load(db, tomasz.id, now=datetime(2026, 6, 15, tzinfo=UTC))
    assert (load.minutes_taught, load.minutes_scheduled) == (180, 180)
    assert len(load.upcoming) == 1

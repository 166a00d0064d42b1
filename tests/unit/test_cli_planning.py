"""`iltdesk find-slot`: proposals in both output modes, and bad input as sentences."""

from __future__ import annotations

import json

import pytest

from iltdesk.cli import run
from iltdesk.domain.enums import InstructorRole
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_instructor
from tests.fixtures.builders import make_session


@pytest.fixture
def org(db_url):
    from datetime import date

    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database
    from iltdesk.domain.specs import RoomSpec
    from iltdesk.services import people

    with open_database(database_url(db_url)) as db:
        course = make_course(db, code="CO-101", title="Coaching Basics", default_minutes=180)
        rosa = make_instructor(db, "Rosa Díaz", courses=(course.id,))
        people.save_room(db, RoomSpec("Chicago — Lab", capacity=10, timezone="America/Chicago"))
        # Rosa teaches Monday morning elsewhere: the first proposal is Monday afternoon.
        make_session(
            db,
            days=(day_spec(date(2027, 3, 1), "08:30", "12:30", "America/Chicago"),),
            zone="America/Chicago",
            instructors=((rosa.id, InstructorRole.LEAD),),
        )
    return db_url


def test_find_slot_in_json(org, capsys):
    args = ["--db", org, "find-slot", "co-101", "--from", "2027-03-01", "--to", "2027-03-02"]
    assert run([*args, "--size", "8", "--json", "--limit", "2"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found == [
        {
            "start": "2027-03-01T19:30:00+00:00",
            "end": "2027-03-01T22:30:00+00:00",
            "zone": "America/Chicago",
            "days": 1,
            "instructor": "Rosa Díaz",
            "room": "Chicago — Lab",
            "interest_clashes": 0,
        },
        {
            "start": "2027-03-02T15:00:00+00:00",
            "end": "2027-03-02T18:00:00+00:00",
            "zone": "America/Chicago",
            "days": 1,
            "instructor": "Rosa Díaz",
            "room": "Chicago — Lab",
            "interest_clashes": 0,
        },
    ]


def test_find_slot_in_text_and_bad_input(org, capsys):
    args = ["--db", org, "find-slot", "CO-101", "--from", "2027-03-01", "--to", "2027-03-01"]
    assert run([*args, "--mode", "virtual", "--zone", "Europe/Berlin"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Proposals for CO-101 Coaching Basics, best first:")
    assert "1 Mar 2027, 09:00–12:00 CET" in out
    assert "(virtual)" in out
    assert run([*args, "--size", "99"]) == 1
    assert "No room holds 99 learners" in capsys.readouterr().err
    assert run([*args, "--zone", "Mars/Base"]) == 1
    assert "is not a known time zone" in capsys.readouterr().err
    assert (
        run(["--db", org, "find-slot", "CO-101", "--from", "2027-03-05", "--to", "2027-03-01"]) == 1
    )
    assert "ends before it starts" in capsys.readouterr().err

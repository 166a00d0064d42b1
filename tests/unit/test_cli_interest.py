"""`iltdesk interest`: a course's interest list, in both output modes."""

from __future__ import annotations

import json

import pytest

from iltdesk.cli import run
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner


@pytest.fixture
def org(db_url):
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database

    with open_database(database_url(db_url)) as db:
        make_course(db, code="CO-101", title="Coaching Basics")
        make_learner(db, "Ann", "Lee", email="ann@example.com", department="Sales")
        make_learner(db, "Bo", "Chen", email="bo@example.com")
    return db_url


def test_add_and_list_in_json(org, capsys):
    args = ["--db", org, "interest", "co-101"]
    assert run([*args, "--add", "bo@example.com", "--add", "ANN@example.com", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["course"] == "CO-101"
    assert [(w["position"], w["email"]) for w in data["waiting"]] == [
        (1, "bo@example.com"),
        (2, "ann@example.com"),
    ]
    assert data["waiting"][1]["department"] == "Sales"
    assert run([*args, "--remove", "bo@example.com", "--json"]) == 0
    assert [w["email"] for w in json.loads(capsys.readouterr().out)["waiting"]] == [
        "ann@example.com"
    ]


def test_list_in_text_and_bad_input_as_sentences(org, capsys):
    assert run(["--db", org, "interest", "CO-101", "--add", "ann@example.com"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("CO-101 Coaching Basics: 1 waiting for a date")
    assert "Ann Lee" in out
    assert run(["--db", org, "interest", "CO-101", "--add", "zed@example.com"]) == 1
    assert "No learner has the email address zed@example.com." in capsys.readouterr().err
    assert run(["--db", org, "interest", "XX-9"]) == 1
    assert "There is no course with the code XX-9." in capsys.readouterr().err


def test_cancel_to_the_interest_list_from_the_command_line(org, capsys):
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database
    from iltdesk.services import catalogue
    from iltdesk.services import enrollment
    from iltdesk.services import learners
    from tests.fixtures.builders import make_session

    with open_database(database_url(org)) as db:
        course = catalogue.find_course_by_code(db, "CO-101")
        session = make_session(db, course.id)
        for row in learners.search_learners(db, ""):
            enrollment.enroll_learner(db, session.id, row.id)
    args = ["--db", org, "sessions", "cancel", str(session.id), "--reason", "Too few"]
    assert run([*args, "--cause", "low-numbers", "--to-interest-list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cancelled_places"] == 2
    assert run(["--db", org, "interest", "CO-101", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["waiting"]) == 2


def test_import_a_list_of_learners_in_both_modes(org, capsys, tmp_path):
    path = tmp_path / "wanting.csv"
    path.write_text(
        "Requested by HR\nName;Mail\nAnn Lee;ANN@example.com\nZed;zed@example.com\n",
        encoding="utf-8",
    )
    args = ["--db", org, "interest", "CO-101", "--import", str(path)]
    assert run([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [w["email"] for w in data["waiting"]] == ["ann@example.com"]
    assert data["unknown"] == ["zed@example.com"]
    assert run(args) == 0
    captured = capsys.readouterr()
    assert "1 waiting for a date" in captured.out
    assert "No learner has these addresses: zed@example.com" in captured.err
    empty = tmp_path / "nobody.csv"
    empty.write_text("Name\nAnn\n", encoding="utf-8")
    assert run(["--db", org, "interest", "CO-101", "--import", str(empty)]) != 0
    assert "holds no email addresses" in capsys.readouterr().err


def test_cancel_and_move_its_learners_from_the_command_line(org, capsys):
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database
    from iltdesk.services import catalogue
    from iltdesk.services import enrollment
    from iltdesk.services import learners
    from tests.fixtures.builders import make_session

    with open_database(database_url(org)) as db:
        course = catalogue.find_course_by_code(db, "CO-101")
        small = make_session(db, course.id)
        other = make_session(db, course.id)
        for row in learners.search_learners(db, ""):
            enrollment.enroll_learner(db, small.id, row.id, allow_clash=True)
    args = ["--db", org, "sessions", "cancel", str(small.id), "--reason", "Merged"]
    assert run([*args, "--move-to", str(other.id), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cancelled_places"] == 0
    assert run(["--db", org, "roster", str(other.id), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2

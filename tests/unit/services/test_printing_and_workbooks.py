"""Sign-in sheet options and sheets, and the attendance workbook's plan, through the services."""

from __future__ import annotations

from datetime import date

import pytest

from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.printing import ReturnedMark
from iltdesk.domain.printing import SignInColumn
from iltdesk.domain.printing import SignInOptions
from iltdesk.errors import ValidationError
from iltdesk.services import enrollment
from iltdesk.services import printing
from iltdesk.services import workbooks
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session


@pytest.fixture
def two_days(db):
    days = tuple(day_spec(date(2026, 6, d), "09:00", "17:00", "Europe/Berlin") for d in (1, 2))
    session = make_session(db, days=days, zone="Europe/Berlin", capacity=2)
    people = [make_learner(db, "Zoë", "Müller"), make_learner(db, "Ann", "Abbot")]
    people.append(make_learner(db, "Cy", "Waiting"))
    places = [enrollment.enroll_learner(db, session.id, p.id).value.row for p in people]
    return session, places


def test_options_are_remembered_per_session_and_as_the_default(db, two_days):
    session, _places = two_days
    other = make_session(db)
    chosen = SignInOptions((SignInColumn.NAME, SignInColumn.EMPLOYEE_ID), ("Funder",), 3, True)
    printing.save_signin_options(db, session.id, chosen)
    assert printing.signin_options(db, session.id) == chosen
    assert printing.signin_options(db, other.id) == chosen  # the last choice is the default
    with pytest.raises(ValidationError, match="at least one column"):
        printing.save_signin_options(db, session.id, SignInOptions(columns=()))
    with pytest.raises(ValidationError, match="between 0 and 100"):
        printing.save_signin_options(db, session.id, SignInOptions(blank_rows=101))


def test_one_sheet_per_day_with_the_seated_by_name(db, two_days):
    session, _places = two_days
    sheets = printing.signin_sheets(db, session.id)
    assert [s.day_number for s in sheets] == [1, 2]
    assert [p.last_name for p in sheets[0].people] == ["Abbot", "Müller"]  # not the waitlist
    assert "CEST" in sheets[0].time_label  # the venue's clock, labelled
    assert [s.day_number for s in printing.signin_sheets(db, session.id, day=2)] == [2]
    with pytest.raises(ValidationError, match="choose a day from 1 to 2"):
        printing.signin_sheets(db, session.id, day=3)


def test_the_guide_counts_one_seat_and_several(db, two_days):
    session, _places = two_days
    guide = printing.facilitator_guide(db, session.id)
    assert guide.roster_count == "2 enrolled · 1 waiting · 2 seats"
    alone = make_session(db, capacity=1)
    assert printing.facilitator_guide(db, alone.id).roster_count == (
        "0 enrolled · 0 waiting · 1 seat"
    )


def test_status_words_in_every_shipped_language():
    assert workbooks.status_from_label("P") is AttendanceStatus.PRESENT
    assert workbooks.status_from_label(" late ") is AttendanceStatus.LATE
    assert workbooks.status_from_label("Abwesend") is AttendanceStatus.ABSENT
    assert workbooks.status_from_label("maybe") is None


def test_a_returned_workbook_is_planned_then_applied(db, two_days):
    session, places = two_days
    first_day = session.days[0].id

    def cell(place, label, day=first_day):
        return ReturnedMark("Grid", 4, session.id, place.enrollment_id, day, place.last_name, label)

    plan = workbooks.plan_attendance_import(
        db, [cell(places[0], "Present"), cell(places[1], "A"), cell(places[0], "huh", None)]
    )
    assert [(c.learner, c.status) for c in plan.changes] == [
        ("Müller, Zoë", AttendanceStatus.PRESENT),
        ("Abbot, Ann", AttendanceStatus.ABSENT),
    ]
    assert plan.problems  # the cell without a day is named, not guessed
    workbooks.apply_attendance_import(db, plan, 80)
    again = workbooks.plan_attendance_import(db, [cell(places[0], "Present")])
    assert again.changes == ()
    assert again.unchanged == 1
    statuses = {r.last_name: r.status for r in enrollment.roster(db, session.id)}
    assert statuses["Waiting"] is EnrollmentStatus.WAITLISTED

"""Attendance from Teams, Zoom, Meet and Webex reports: read, merged, matched, proposed, applied."""

from __future__ import annotations

from datetime import datetime

import pytest

from iltdesk.domain.enums import AttendanceStatus as A
from iltdesk.domain.meeting import MeetingRule
from iltdesk.errors import UnreadableFileError
from iltdesk.errors import UserError
from iltdesk.errors import ValidationError
from iltdesk.importers.meeting import read_meeting_report
from iltdesk.importers.meeting_times import parse_duration
from iltdesk.services import attendance
from iltdesk.services import meeting_import
from iltdesk.services.attendance import MarkSpec
from tests.fixtures.meetings import DAY
from tests.fixtures.meetings import Person
from tests.fixtures.meetings import at
from tests.fixtures.meetings import meet_report
from tests.fixtures.meetings import meeting_people
from tests.fixtures.meetings import teams_events_report
from tests.fixtures.meetings import teams_report
from tests.fixtures.meetings import virtual_session
from tests.fixtures.meetings import webex_report
from tests.fixtures.meetings import zoom_report


@pytest.fixture
def virtual(db):
    """A one-day virtual session 09:00–17:00 London, four learners, Maria instructing."""
    return virtual_session(db)


def test_teams_report_with_sections_in_utf16(db, virtual, tmp_path):
    session, places = virtual
    path = teams_report(
        tmp_path / "meetingAttendanceReport.csv", "FS-101 Forklift Safety", meeting_people()
    )
    plan = meeting_import.plan_meeting_import(db, session.id, path)
    assert (plan.platform, plan.day_number, plan.report_date) == ("teams", 1, DAY)
    assert plan.title_warning == ""
    marks = {m.enrollment_id: m for m in plan.matched}
    ann, bob, chloe = (marks[places[k]] for k in ("ann", "bob", "chloe"))
    assert (ann.minutes, ann.proposed, ann.matched_by) == (480, A.PRESENT, "email")
    # 09:25–12:30 and 13:00–17:00 (the overlap counted once): 425 of 480 minutes, late.
    assert (bob.minutes, bob.proposed) == (425, A.LATE)
    assert (chloe.minutes, chloe.proposed, chloe.matched_by) == (238, A.LEFT_EARLY, "name")
    assert [m.enrollment_id for m in plan.not_in_report] == [places["dan"]]
    assert plan.not_in_report[0].proposed is A.ABSENT
    assert [p.name for p in plan.unmatched] == ["Eve Outsider"]
    assert plan.left_out == ("Maria Rossi",)  # the organiser and instructor


def test_teams_workbook_variant(db, virtual, tmp_path):
    from tests.fixtures.meetings import teams_workbook

    session, places = virtual
    path = teams_workbook(tmp_path / "report.xlsx", "Forklift Safety", meeting_people())
    plan = meeting_import.plan_meeting_import(db, session.id, path)
    assert plan.platform == "teams"
    marks = {m.enrollment_id: (m.minutes, m.proposed) for m in plan.matched}
    assert marks[places["bob"]] == (425, A.LATE)


def test_european_dates_and_the_rule_of_the_course(db, virtual, tmp_path):
    session, places = virtual
    path = teams_report(tmp_path / "eu.csv", "Forklift Safety", meeting_people(), european=True)
    strict = MeetingRule(present_percent=95, late_after_minutes=30)
    meeting_import.set_meeting_rule(db, session.course_id, strict)
    plan = meeting_import.plan_meeting_import(db, session.id, path)
    marks = {m.enrollment_id: m.proposed for m in plan.matched}
    assert marks[places["ann"]] is A.PRESENT
    assert marks[places["bob"]] is A.LEFT_EARLY  # 25 minutes late is within 30; 89% < 95%
    assert plan.rule == strict


def test_zoom_report_with_details_per_join_rows_and_a_renamed_participant(db, virtual, tmp_path):
    session, places = virtual
    folks = meeting_people()
    folks[1] = Person(
        "Annie L (Ann Lee)", "", [(at("09:00"), at("10:00")), (at("10:05"), at("17:00"))]
    )
    path = zoom_report(
        tmp_path / "participants_81234567890.csv",
        "Forklift Safety",
        "maria.rossi@example.com",
        folks,
    )
    plan = meeting_import.plan_meeting_import(db, session.id, path)
    assert plan.platform == "zoom"
    marks = {m.enrollment_id: m for m in plan.matched}
    assert (marks[places["ann"]].minutes, marks[places["ann"]].proposed) == (475, A.PRESENT)
    assert marks[places["ann"]].shown_as == "Annie L (Ann Lee)"
    no_details = zoom_report(tmp_path / "plain.csv", "", "", folks, details=False)
    again = meeting_import.plan_meeting_import(db, session.id, no_details)
    assert {m.enrollment_id: m.minutes for m in again.matched} == {
        m.enrollment_id: m.minutes for m in plan.matched
    }


def test_meet_webex_and_old_teams_reports(db, virtual, tmp_path):
    session, places = virtual
    folks = meeting_people()
    for path in (
        meet_report(tmp_path / "meet.csv", folks),
        webex_report(tmp_path / "webex.csv", "Forklift Safety", folks),
        teams_events_report(tmp_path / "old-teams.csv", folks),
    ):
        plan = meeting_import.plan_meeting_import(db, session.id, path)
        marks = {m.enrollment_id: m.proposed for m in plan.matched}
        assert marks[places["ann"]] is A.PRESENT, path.name
        assert marks[places["bob"]] is A.LATE, path.name
    assert read_meeting_report(tmp_path / "meet.csv").platform == "meet"
    assert read_meeting_report(tmp_path / "webex.csv").platform == "webex"


def test_a_possible_match_is_confirmed_by_the_coordinator(db, virtual, tmp_path):
    session, places = virtual
    folks = [Person("Dan R", "", [(at("09:00"), at("17:00"))]), *meeting_people()[:2]]
    path = zoom_report(tmp_path / "z.csv", "Forklift Safety", "", folks)
    plan = meeting_import.plan_meeting_import(db, session.id, path)
    assert [(p.name, p.candidates) for p in plan.possible] == [
        ("Dan R", ((places["dan"], "Dan Roe"),))
    ]
    outcome = meeting_import.apply_meeting_plan(db, plan, confirmed={"Dan R": places["dan"]})
    recorded = {m.enrollment_id: m.status for m in attendance.marks_for_session(db, session.id)}
    assert recorded[places["dan"]] is A.PRESENT
    assert recorded[places["ann"]] is A.PRESENT
    assert len(outcome.value) == 4


def test_apply_keeps_existing_marks_unless_ticked(db, virtual, tmp_path):
    session, places = virtual
    day = session.days[0].id
    attendance.record_marks(db, session.id, [MarkSpec(places["bob"], day, A.EXCUSED)])
    path = teams_report(tmp_path / "t.csv", "Forklift Safety", meeting_people())
    plan = meeting_import.plan_meeting_import(db, session.id, path)
    meeting_import.apply_meeting_plan(db, plan)
    recorded = {m.enrollment_id: m for m in attendance.marks_for_session(db, session.id)}
    assert recorded[places["bob"]].status is A.EXCUSED  # the manual mark stays
    assert recorded[places["chloe"]].status is A.LEFT_EARLY
    assert recorded[places["chloe"]].minutes_attended == 238
    assert recorded[places["dan"]].status is A.ABSENT
    again = meeting_import.plan_meeting_import(db, session.id, path)
    meeting_import.apply_meeting_plan(db, again, overwrite={places["bob"]})
    recorded = {m.enrollment_id: m for m in attendance.marks_for_session(db, session.id)}
    assert recorded[places["bob"]].status is A.LATE


def test_a_report_from_another_day_is_refused(db, virtual, tmp_path):
    session, _places = virtual
    other_day = [
        Person(
            "Lee, Ann",
            "ann.lee@example.com",
            [(datetime(2027, 3, 16, 9), datetime(2027, 3, 16, 17))],
        )
    ]
    path = teams_report(tmp_path / "t.csv", "Forklift Safety", other_day)
    with pytest.raises(ValidationError, match="from 2027-03-16, and this session has no day"):
        meeting_import.plan_meeting_import(db, session.id, path)
    good = teams_report(tmp_path / "good.csv", "Forklift Safety", meeting_people())
    with pytest.raises(ValidationError, match="there is no day 2"):
        meeting_import.plan_meeting_import(db, session.id, good, day_number=2)


def test_another_meetings_title_is_asked_about_and_nobody_matching_is_a_sentence(
    db, virtual, tmp_path
):
    session, _places = virtual
    path = teams_report(tmp_path / "t.csv", "Quarterly sales review", meeting_people())
    plan = meeting_import.plan_meeting_import(db, session.id, path)
    assert "does not name this session's course" in plan.title_warning
    strangers = [Person("Eve Outsider", "eve@elsewhere.example", [(at("09:00"), at("17:00"))])]
    lonely = teams_report(tmp_path / "s.csv", "Forklift Safety", strangers)
    with pytest.raises(UserError, match=r"Nobody in s\.csv matches a learner"):
        meeting_import.plan_meeting_import(db, session.id, lonely)


def test_unreadable_reports_name_the_line(db, virtual, tmp_path):
    session, _places = virtual
    path = tmp_path / "broken.csv"
    path.write_text(
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        "Ann Lee,ann.lee@example.com,03/15/2027 09:00:00 AM,03/15/2027 05:00:00 PM,480,No\n"
        "Bob Stone,bob.stone@example.com,soon,03/15/2027 05:00:00 PM,480,No\n",
        encoding="utf-8",
    )
    with pytest.raises(UnreadableFileError, match="“soon” is not a date and time"):
        meeting_import.plan_meeting_import(db, session.id, path)
    unknown = tmp_path / "notes.csv"
    unknown.write_text("Agenda,Owner\nIntro,Ann\n", encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="not a meeting attendance report"):
        meeting_import.plan_meeting_import(db, session.id, unknown)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1h 2m 3s", 3723),
        ("58m 49s", 3529),
        ("26m", 1560),
        ("45s", 45),
        ("67", 4020),
        ("1 hr 2 min", 3720),
        ("01:02:03", 3723),
        ("62:03", 3723),
    ],
)
def test_durations_as_platforms_write_them(text, seconds):
    assert parse_duration(text) == seconds


def test_cli_import_meeting_in_both_modes(db, db_url, virtual, tmp_path, capsys):
    import json

    from iltdesk.cli import run
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database

    session, places = virtual
    path = teams_report(tmp_path / "report.csv", "Forklift Safety", meeting_people())
    db.close()  # the command opens the database itself
    capsys.readouterr()
    args = ["--db", db_url, "import-meeting", str(path), "--session", str(session.id)]

    def marks():
        with open_database(database_url(db_url)) as again:
            return {
                m.enrollment_id: m.status for m in attendance.marks_for_session(again, session.id)
            }

    assert run([*args, "--dry-run", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["platform"], shown["day"], shown["dry_run"]) == ("teams", 1, True)
    matched = {m["email"]: (m["minutes"], m["proposed"]) for m in shown["matched"]}
    assert matched == {
        "ann.lee@example.com": (480, "P"),
        "bob.stone@example.com": (425, "L"),
        "chloe.martin@example.com": (238, "F"),
    }
    assert shown["unmatched"] == [
        {"name": "Eve Outsider", "email": "eve@elsewhere.example", "minutes": 480}
    ]
    assert marks() == {}  # a dry run records nothing
    assert run([*args, "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "Teams report of 2027-03-15 (day 1)" in text
    assert "Eve Outsider <eve@elsewhere.example> (480 min) is not on the roster." in text
    assert "Nothing was recorded" in text
    assert run(args) == 0
    assert "4 marks recorded." in capsys.readouterr().out
    assert marks() == {
        places["ann"]: A.PRESENT,
        places["bob"]: A.LATE,
        places["chloe"]: A.LEFT_EARLY,
        places["dan"]: A.ABSENT,
    }
    assert run([*args, "--json"]) == 0  # again: every cell is marked, nothing overwritten
    again = json.loads(capsys.readouterr().out)
    assert not any(m["recorded"] for m in again["matched"])
    assert run([*args, "--day", "3"]) == 1
    assert "there is no day 3" in capsys.readouterr().err
    junk = tmp_path / "junk.csv"
    junk.write_text("Agenda,Owner\nIntro,Ann\n", encoding="utf-8")
    assert run(["--db", db_url, "import-meeting", str(junk), "--session", str(session.id)]) == 2


def test_a_meet_sheet_with_times_but_no_dates(db, virtual, tmp_path):
    session, places = virtual
    path = tmp_path / "meet-times.csv"
    path.write_text(
        "First name,Last name,Email,Duration,Time joined,Time exited\n"
        "Ann,Lee,ann.lee@example.com,8 hr,9:00 AM,5:00 PM\n"
        "Bob,Stone,bob.stone@example.com,7 hr 35 min,9:25 AM,5:00 PM\n",
        encoding="utf-8",
    )
    plan = meeting_import.plan_meeting_import(db, session.id, path)
    marks = {m.enrollment_id: (m.minutes, m.proposed) for m in plan.matched}
    assert marks[places["ann"]] == (480, A.PRESENT)
    assert marks[places["bob"]] == (455, A.LATE)
    assert plan.report_date == DAY


def test_bare_times_in_a_multi_day_session_need_the_day(db, tmp_path):
    from datetime import timedelta

    from iltdesk.services import enrollment
    from tests.fixtures.builders import day_spec
    from tests.fixtures.builders import make_course
    from tests.fixtures.builders import make_learner
    from tests.fixtures.builders import make_session

    course = make_course(db, title="Two days")
    session = make_session(
        db,
        course.id,
        days=tuple(
            day_spec(DAY + timedelta(days=n), "09:00", "17:00", "Europe/London") for n in (0, 1)
        ),
    )
    learner = make_learner(db, "Ann", "Lee", email="ann.lee@example.com")
    enrollment.enroll_learner(db, session.id, learner.id)
    path = tmp_path / "meet-times.csv"
    path.write_text(
        "First name,Last name,Email,Duration,Time joined,Time exited\n"
        "Ann,Lee,ann.lee@example.com,8 hr,9:00 AM,5:00 PM\n",
        encoding="utf-8",
    )
    with pytest.raises(UnreadableFileError, match="times without a date"):
        meeting_import.plan_meeting_import(db, session.id, path)
    plan = meeting_import.plan_meeting_import(db, session.id, path, day_number=2)
    assert (plan.day_number, plan.matched[0].minutes) == (2, 480)

"""`sessions add|edit|cancel` and `enrol`: the command-line contract, in both output modes."""

from __future__ import annotations

import json
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from iltdesk.cli import run
from iltdesk.domain.specs import CourseSpec
from iltdesk.domain.specs import InstructorSpec
from iltdesk.domain.specs import LearnerSpec
from iltdesk.domain.specs import RoomSpec
from iltdesk.services import catalogue
from iltdesk.services import learners
from iltdesk.services import people


@pytest.fixture
def org(db_url):
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database

    path = db_url
    with open_database(database_url(path)) as db:
        catalogue.create_course(db, CourseSpec("FS-101", "Forklift Safety"))
        people.save_room(
            db, RoomSpec("Chicago — Learning Lab", capacity=2, timezone="America/Chicago")
        )
        people.save_instructor(db, InstructorSpec("Maria Rossi"))
        for n in range(3):
            learners.create_learner(db, LearnerSpec("Ann", f"Lee{n}", f"ann{n}@example.com"))
    return str(path)


def cli(org, *args):
    return run(["--db", org, *args])


def test_add_prints_the_session_in_both_modes(org, capsys):
    assert (
        cli(
            org,
            "sessions",
            "add",
            "--course",
            "FS-101",
            "--start",
            "2027-03-16 09:00",
            "--end",
            "17:00",
            "--zone",
            "America/Chicago",
            "--days",
            "2",
            "--room",
            "Chicago — Learning Lab",
            "--instructor",
            "Maria Rossi",
            "--json",
        )
        == 0
    )
    made = json.loads(capsys.readouterr().out)
    assert made["course_code"] == "FS-101"
    assert made["days"] == 2
    assert made["timezone"] == "America/Chicago"
    assert made["capacity"] == 2  # the room's
    assert made["first_start"] == "2027-03-16T14:00:00+00:00"  # 09:00 CDT
    assert made["instructors"] == [{"name": "Maria Rossi", "role": "lead"}]
    assert cli(org, "sessions", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert set(made) == set(listed[0])  # the same JSON fields as `sessions --json`
    assert (
        cli(
            org,
            "sessions",
            "add",
            "--course",
            "FS-101",
            "--start",
            "2027-03-19 13:00",
            "--end",
            "15:00",
            "--zone",
            "Europe/Berlin",
            "--link",
            "https://meet.example/x",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "scheduled" in out
    assert "13:00–15:00 CET" in out


def test_a_time_that_does_not_exist_is_refused(org, capsys):
    assert (
        cli(
            org,
            "sessions",
            "add",
            "--course",
            "FS-101",
            "--start",
            "2027-03-28 01:30",
            "--end",
            "03:00",
            "--zone",
            "Europe/London",
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "01:30 on 28 Mar 2027 does not exist in Europe/London" in err
    assert "Traceback" not in err


def test_an_ambiguous_time_needs_an_offset(org, capsys):
    args = ["sessions", "add", "--course", "FS-101", "--end", "04:00", "--zone", "Europe/London"]
    assert cli(org, *args, "--start", "2027-10-31 01:30") == 1
    err = capsys.readouterr().err
    assert "01:30 BST (UTC+01:00)" in err
    assert "01:30 GMT (UTC+00:00)" in err
    # The sentence says how to choose on a command line, not only that a choice is needed.
    assert (
        "Type the time with its offset: “2027-10-31 01:30+01:00” or “2027-10-31 01:30+00:00”" in err
    )
    assert cli(org, *args, "--start", "2027-10-31 01:30+00:00", "--json") == 0
    made = json.loads(capsys.readouterr().out)
    assert made["first_start"] == "2027-10-31T01:30:00+00:00"  # the second 01:30


def test_a_misspelt_zone_names_the_one_meant(org, capsys):
    args = ["sessions", "add", "--course", "FS-101", "--start", "2027-11-02 09:00"]
    assert cli(org, *args, "--end", "17:00", "--zone", "Europe/Londn") == 1
    err = capsys.readouterr().err
    assert "“Europe/Londn” is not a known time zone. Did you mean Europe/London?" in err


def test_a_room_in_another_zone_is_refused(org, capsys):
    assert (
        cli(
            org,
            "sessions",
            "add",
            "--course",
            "FS-101",
            "--start",
            "2027-03-16 09:00",
            "--end",
            "17:00",
            "--zone",
            "Europe/London",
            "--room",
            "Chicago — Learning Lab",
        )
        == 1
    )
    assert "is in America/Chicago" in capsys.readouterr().err


def test_moving_a_session_keeps_its_days_off_the_weekend(org, capsys):
    """Moved a day earlier, a Friday-Monday-Tuesday session ran over a Sunday (each day was
    moved by the same number of days); it runs Thursday, Friday, Monday."""
    args = ["--course", "FS-101", "--end", "17:00", "--zone", "Europe/Berlin", "--json"]
    cli(org, "sessions", "add", "--start", "2027-03-26 09:00", "--days", "3", *args)
    created = json.loads(capsys.readouterr().out)
    assert [d["start_local"][:10] for d in created["day_times"]] == [
        "2027-03-26",
        "2027-03-29",
        "2027-03-30",
    ]
    sid = str(created["id"])
    assert cli(org, "sessions", "edit", sid, "--start", "2027-03-25 09:00", "--json") == 0
    moved = json.loads(capsys.readouterr().out)["day_times"]
    assert [d["start_local"] for d in moved] == [
        "2027-03-25T09:00:00+01:00",
        "2027-03-26T09:00:00+01:00",
        "2027-03-29T09:00:00+02:00",  # after the clocks went forward: still 09:00
    ]


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (
            ["--course", "FS-10"],
            "There is no course with the code FS-10. Did you mean FS-101 (Forklift Safety)?",
        ),
        (
            ["--course", "forklift safety"],
            "There is no course with the code forklift safety; “Forklift Safety” has the code "
            "FS-101.",
        ),
        (
            ["--course", "FS-101", "--instructor", "Mario Rosi"],
            "There is no instructor called Mario Rosi. Did you mean Maria Rossi?",
        ),
        (
            ["--course", "FS-101", "--room", "Chicago Lerning Lab"],
            "There is no room called Chicago Lerning Lab. Did you mean Chicago — Learning Lab?",
        ),
        (["--course", "XX-999"], "There is no course with the code XX-999."),
    ],
)
def test_a_misspelt_course_instructor_or_room_names_the_one_meant(org, capsys, given, said):
    when = ["--start", "2027-03-16 09:00", "--end", "12:00", "--zone", "America/Chicago"]
    assert cli(org, "sessions", "add", *given, *when) == 1
    assert capsys.readouterr().err.strip() == said


def test_a_listing_whose_dates_are_the_wrong_way_round_is_refused(org, capsys):
    """It said "No sessions match", as if there were none in that period."""
    assert cli(org, "sessions", "--from", "2027-03-10", "--to", "2027-03-01") == 1
    assert capsys.readouterr().err.strip() == (
        "The period ends before it starts: swap the two dates."
    )


def test_edit_capacity_and_times_in_both_modes(org, capsys):
    cli(
        org,
        "sessions",
        "add",
        "--course",
        "FS-101",
        "--start",
        "2027-03-16 09:00",
        "--end",
        "17:00",
        "--zone",
        "America/Chicago",
        "--json",
    )
    sid = json.loads(capsys.readouterr().out)["id"]
    assert (
        cli(
            org,
            "sessions",
            "edit",
            str(sid),
            "--capacity",
            "20",
            "--start",
            "2027-03-17 10:00",
            "--end",
            "16:00",
            "--json",
        )
        == 0
    )
    edited = json.loads(capsys.readouterr().out)
    assert edited["capacity"] == 20
    assert edited["day_times"][0]["start_local"] == "2027-03-17T10:00:00-05:00"
    assert edited["day_times"][0]["end_local"] == "2027-03-17T16:00:00-05:00"
    assert cli(org, "sessions", "edit", str(sid), "--zone", "Europe/London") == 0
    out = capsys.readouterr().out
    assert "changed" in out
    assert "10:00–16:00 GMT" in out  # the clocks' reading stays, in the new zone
    assert cli(org, "sessions", "edit", "999", "--capacity", "3") == 1
    assert capsys.readouterr().err.strip() == "There is no session 999."


def test_cancel_with_notify_queues_notices_and_sends_nothing(org, capsys):
    cli(
        org,
        "sessions",
        "add",
        "--course",
        "FS-101",
        "--start",
        "2027-03-16 09:00",
        "--end",
        "17:00",
        "--zone",
        "America/Chicago",
        "--capacity",
        "1",
        "--json",
    )
    sid = str(json.loads(capsys.readouterr().out)["id"])
    assert cli(org, "enrol", sid, "ann0@example.com", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"status": "enrolled", "position": None}
    assert cli(org, "enrol", sid, "ann1@example.com", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"status": "waitlisted", "position": 1}
    assert cli(org, "enrol", sid, "ANN1@example.com", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"status": "already", "position": 1}
    assert cli(org, "enrol", sid, "ann2@example.com") == 0
    assert "number 2 on the waitlist" in capsys.readouterr().out
    assert cli(org, "enrol", sid, "nobody@example.com") == 1
    err = capsys.readouterr().err
    assert "There is no learner with the email nobody@example.com." in err
    assert f"`iltdesk import-roster FILE --session {sid}` enrols them too." in err  # the way on
    # A session that does not exist is named first: the way on above would not work for it.
    assert cli(org, "enrol", "9999", "nobody@example.com") == 1
    assert capsys.readouterr().err.strip() == "There is no session 9999."
    assert cli(org, "config", "set", "mail.sender_address", "training@example.com") == 0
    capsys.readouterr()
    command = ["sessions", "cancel", sid, "--reason", "Too few", "--cause", "low-numbers"]
    assert cli(org, *command, "--notify", "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["session"]["status"] == "cancelled"
    assert result["cause"] == "low_numbers"  # the fill report counts it
    assert (result["cancelled_places"], result["cleared_waitlist"]) == (1, 2)
    assert len(result["queued_messages"]) == 3  # the seat and both waiting
    assert cli(org, "outbox", "list", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["kind"] for r in rows} == {"cancelled"}
    assert {r["status"] for r in rows} == {"pending"}  # queued, never sent without `outbox send`
    assert cli(org, "sessions", "cancel", sid, "--reason", "again") == 1
    assert "already cancelled" in capsys.readouterr().err


def test_cancel_in_plain_text(org, capsys):
    cli(
        org,
        "sessions",
        "add",
        "--course",
        "FS-101",
        "--start",
        "2027-03-16 09:00",
        "--end",
        "17:00",
        "--zone",
        "America/Chicago",
        "--json",
    )
    sid = str(json.loads(capsys.readouterr().out)["id"])
    assert cli(org, "enrol", sid, "ann0@example.com") == 0
    assert cli(org, "config", "set", "mail.sender_address", "training@example.com") == 0
    capsys.readouterr()
    assert cli(org, "sessions", "cancel", sid, "--reason", "Venue flooded", "--notify") == 0
    out = capsys.readouterr().out
    # One of each is counted as one, not "1 places".
    assert "Session 1 cancelled: 1 place cancelled, 0 waitlist places cleared." in out
    assert "1 cancellation notice waits in the outbox; send it with `outbox send`." in out


def test_add_with_repeat_schedules_a_series_in_both_modes(org, capsys):
    base = ["sessions", "add", "--course", "FS-101", "--zone", "America/Chicago", "--end", "12:00"]
    assert (
        cli(org, *base, "--start", "2027-03-01 09:00", "--repeat", "FREQ=WEEKLY;COUNT=3", "--json")
        == 0
    )
    created = json.loads(capsys.readouterr().out)
    assert [s["first_start_local"] for s in created] == [
        "2027-03-01T09:00:00-06:00",
        "2027-03-08T09:00:00-06:00",  # the clocks went forward on 14 March in Chicago
        "2027-03-15T09:00:00-05:00",
    ]
    assert len({s["series_id"] for s in created}) == 1
    assert created[0]["series_id"] is not None
    assert (
        cli(
            org,
            *base,
            "--start",
            "2027-04-05 09:00",
            "--repeat",
            "RRULE:FREQ=MONTHLY;BYDAY=1MO;COUNT=2",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("A series of 2 sessions scheduled:")
    assert "3 May 2027, 09:00–12:00 CDT" in out


def test_a_repeat_into_a_gap_or_without_end_is_a_sentence(org, capsys):
    base = ["sessions", "add", "--course", "FS-101", "--zone", "America/Chicago", "--end", "03:30"]
    assert cli(org, *base, "--start", "2027-02-28 02:30", "--repeat", "FREQ=WEEKLY;COUNT=3") == 1
    err = capsys.readouterr().err
    assert (
        "The session of 2027-03-14: 02:30 on 14 Mar 2027 does not exist in America/Chicago" in err
    )
    assert cli(org, *base, "--start", "2027-02-28 01:00", "--repeat", "FREQ=DAILY") == 1
    assert "more than 200" in capsys.readouterr().err
    assert cli(org, "sessions", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []  # nothing half-scheduled


SERIES = ["sessions", "add", "--course", "FS-101", "--zone", "Europe/London", "--end", "03:00"]


def test_a_series_across_the_clocks_going_back_chooses_with_offset_on(org, capsys):
    weekly = [*SERIES, "--start", "2027-10-24 01:30", "--repeat", "FREQ=WEEKLY;COUNT=3"]
    assert cli(org, *weekly) == 1
    err = capsys.readouterr().err
    assert "The session of 2027-10-31: 01:30 on 31 Oct 2027 happens twice" in err
    assert (
        "Add --offset-on 2027-10-31=+01:00 or --offset-on 2027-10-31=+00:00 to choose, "
        "or --skip 2027-10-31." in err
    )
    assert cli(org, *weekly, "--offset-on", "2027-10-31=+00:00", "--json") == 0
    created = json.loads(capsys.readouterr().out)
    assert [s["first_start_local"] for s in created] == [
        "2027-10-24T01:30:00+01:00",
        "2027-10-31T01:30:00+00:00",  # the second 01:30, as chosen
        "2027-11-07T01:30:00+00:00",
    ]
    later = [*SERIES, "--start", "2028-10-22 01:30", "--repeat", "FREQ=WEEKLY;COUNT=2"]
    assert cli(org, *later, "--offset-on", "2028-10-29=+01:00") == 0
    out = capsys.readouterr().out
    assert out.startswith("A series of 2 sessions scheduled:")
    assert "29 Oct 2028, 01:30 BST–03:00 GMT" in out  # the first 01:30, as chosen


def test_a_series_leaves_out_a_date_with_skip_in_both_modes(org, capsys):
    weekly = [*SERIES, "--start", "2027-03-21 01:30", "--repeat", "FREQ=WEEKLY;COUNT=3"]
    assert cli(org, *weekly) == 1
    assert "Or add --skip 2027-03-28 to leave that session out." in capsys.readouterr().err
    assert cli(org, *weekly, "--skip", "2027-03-28", "--json") == 0
    created = json.loads(capsys.readouterr().out)
    assert [s["first_start_local"] for s in created] == [
        "2027-03-21T01:30:00+00:00",
        "2027-04-04T01:30:00+01:00",
    ]
    holidays = [*SERIES, "--start", "2027-12-20 09:00", "--repeat", "FREQ=WEEKLY;COUNT=3"]
    assert cli(org, *holidays, "--skip", "2027-12-27", "--end", "12:00") == 0
    out = capsys.readouterr().out
    assert out.startswith("A series of 2 sessions scheduled:")
    assert "27 Dec 2027" not in out


@pytest.mark.parametrize(
    ("extra", "sentence"),
    [
        (["--skip", "2027-03-29"], "The repeat rule gives no session on 2027-03-29"),
        (["--offset-on", "2027-03-21+01:00"], "write it like 2027-10-31=+00:00"),
        (["--offset-on", "2027-03-22=+00:00"], "The repeat rule gives no session on 2027-03-22"),
        (["--offset-on", "2027-04-04=+01:00"], "happens only once in Europe/London"),
        (["--offset-on", "2027-03-21=+01:00"], "is at UTC+00:00, not UTC+01:00"),
    ],
)
def test_series_choices_that_do_not_fit_the_rule_are_refused(org, capsys, extra, sentence):
    weekly = [*SERIES, "--start", "2027-03-21 09:00", "--repeat", "FREQ=WEEKLY;COUNT=3"]
    assert cli(org, *weekly, *extra) == 1
    assert sentence in capsys.readouterr().err
    assert cli(org, "sessions", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_skip_without_a_repeat_rule_is_refused(org, capsys):
    assert cli(org, *SERIES, "--start", "2027-03-21 09:00", "--skip", "2027-03-21") == 1
    assert "--skip and --offset-on go with --repeat." in capsys.readouterr().err


def test_a_minimum_and_a_go_no_go_date_in_both_modes(org, capsys):
    add = ["sessions", "add", "--course", "FS-101", "--zone", "America/Chicago", "--end", "12:00"]
    assert (
        cli(
            org,
            *add,
            "--start",
            "2027-03-15 09:00",
            "--min-size",
            "2",
            "--go-no-go",
            "2027-03-01",
            "--json",
        )
        == 0
    )
    created = json.loads(capsys.readouterr().out)
    assert (created["min_size"], created["go_no_go"], created["pilot"]) == (2, "2027-03-01", False)
    assert cli(org, "sessions", "edit", str(created["id"]), "--go-no-go", "") == 0
    capsys.readouterr()
    assert cli(org, "sessions", "--json") == 0
    assert json.loads(capsys.readouterr().out)[0]["go_no_go"] is None
    assert cli(org, "sessions", "edit", str(created["id"]), "--go-no-go", "2027-03-20") == 1
    assert "The go/no-go date must come before the first day" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # argparse's own usage error
        cli(org, "sessions", "edit", str(created["id"]), "--go-no-go", "soon")
    assert "“soon” is not a date" in capsys.readouterr().err


def test_sessions_list_filters_in_both_modes(org, capsys):
    base = ["sessions", "add", "--course", "FS-101", "--zone", "America/Chicago", "--end", "12:00"]
    assert cli(org, *base, "--start", "2020-03-02 09:00") == 0  # long over
    assert cli(org, *base, "--start", "2031-03-03 09:00") == 0
    capsys.readouterr()
    assert cli(org, *base, "--start", "2031-04-07 09:00", "--json") == 0
    april = json.loads(capsys.readouterr().out)["id"]
    assert cli(org, "sessions", "cancel", str(april), "--reason", "Room flooded") == 0
    capsys.readouterr()

    def listed(*options):
        assert cli(org, "sessions", "--json", *options) == 0
        return [s["first_start_local"][:10] for s in json.loads(capsys.readouterr().out)]

    assert listed() == ["2020-03-02", "2031-03-03", "2031-04-07"]
    assert listed("--upcoming") == ["2031-03-03", "2031-04-07"]
    assert listed("--from", "2031-03-03", "--to", "2031-03-31") == ["2031-03-03"]  # ends in
    assert listed("--status", "cancelled") == ["2031-04-07"]
    assert listed("--course", "FS-101", "--to", "2030-12-31") == ["2020-03-02"]
    assert cli(org, "sessions", "--upcoming", "--status", "planned") == 0
    out = capsys.readouterr().out
    assert "3 Mar 2031 09:00 CST" in out
    assert "2020" not in out
    assert "7 Apr 2031" not in out
    assert cli(org, "sessions", "--from", "2040-01-01") == 0
    assert capsys.readouterr().out.strip() == "No sessions match."
    assert cli(org, "sessions", "--course", "NOPE-1") == 1
    assert "There is no course with the code NOPE-1." in capsys.readouterr().err


def test_confirm_complete_and_reopen_in_both_modes(org, capsys):
    base = ["sessions", "add", "--course", "FS-101", "--zone", "America/Chicago", "--end", "12:00"]
    assert cli(org, *base, "--start", "2026-03-02 09:00", "--capacity", "1", "--json") == 0
    past = str(json.loads(capsys.readouterr().out)["id"])
    assert cli(org, *base, "--start", "2031-03-03 09:00", "--json") == 0
    future = str(json.loads(capsys.readouterr().out)["id"])
    assert cli(org, "enrol", past, "ann0@example.com") == 0
    assert cli(org, "enrol", past, "ann1@example.com") == 0  # the waitlist
    capsys.readouterr()

    assert cli(org, "sessions", "confirm", future) == 0
    assert capsys.readouterr().out.startswith(f"Session {future} confirmed.\nDay 1: 3 Mar 2031")
    assert cli(org, "sessions", "confirm", future, "--json") == 1
    assert "This session is already confirmed." in capsys.readouterr().err

    assert cli(org, "sessions", "complete", past, "--json") == 0
    done = json.loads(capsys.readouterr().out)
    assert done["session"]["status"] == "completed"
    assert done["waitlist_closed"] == 1
    assert cli(org, "roster", past, "--json") == 0
    assert {r["email"]: r["status"] for r in json.loads(capsys.readouterr().out)} == {
        "ann0@example.com": "enrolled",
        "ann1@example.com": "cancelled",
    }
    assert cli(org, "sessions", "reopen", past, "--reason", "A mark was wrong") == 0
    assert "unlocked: its marks can change again" in capsys.readouterr().out
    assert cli(org, "sessions", "complete", past) == 0
    assert f"Session {past} completed; its marks are locked." in capsys.readouterr().out

    # Before its last day has ended: refused with the way to do it now, then done with --reason.
    assert cli(org, "sessions", "complete", future) == 1
    err = capsys.readouterr().err
    assert "This session has not ended yet" in err
    assert "To record it now, add --reason TEXT." in err
    assert cli(org, "sessions", "complete", future, "--reason", "Held early by arrangement") == 0
    assert "completed; its marks are locked" in capsys.readouterr().out
    assert cli(org, "sessions", "complete", future, "--json") == 1
    assert capsys.readouterr().err.strip() == "This session is already completed."


def test_outbox_remind_queues_the_due_reminders_once(org, capsys):
    """Reminders were offered only by the open app; a scheduled job queues them this way."""
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    args = ["--course", "FS-101", "--start", f"{tomorrow} 09:00", "--end", "17:00"]
    cli(org, "sessions", "add", *args, "--zone", "UTC", "--link", "https://meet/1", "--json")
    sid = str(json.loads(capsys.readouterr().out)["id"])
    for email in ("ann0@example.com", "ann1@example.com"):
        cli(org, "enrol", sid, email)
    cli(org, "config", "set", "mail.sender_address", "training@example.com")
    capsys.readouterr()
    assert cli(org, "outbox", "remind") == 1  # off until switched on
    assert "Reminders are off." in capsys.readouterr().err
    cli(org, "config", "set", "mail.reminders_enabled", "true")
    capsys.readouterr()
    assert cli(org, "outbox", "remind", "--json") == 0  # without --yes: what is due only
    listed = json.loads(capsys.readouterr().out)
    assert listed == {
        "due": [{"session": listed["due"][0]["session"], "messages": 2}],
        "queued": [],
    }
    assert listed["due"][0]["session"].startswith("Forklift Safety — ")
    assert cli(org, "outbox", "remind") == 0  # not a terminal: asks how to confirm
    captured = capsys.readouterr()
    assert ": 2 reminders" in captured.out
    assert "Nothing was queued. Add --yes to queue them." in captured.err
    assert cli(org, "outbox", "remind", "--yes") == 0
    assert "2 reminders queued; send them with `iltdesk outbox send`." in capsys.readouterr().out
    assert cli(org, "outbox", "list", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["kind"], r["status"]) for r in rows] == [("reminder", "pending")] * 2
    assert cli(org, "outbox", "remind", "--yes", "--json") == 0  # queued once only
    assert json.loads(capsys.readouterr().out) == {"due": [], "queued": []}
    assert cli(org, "outbox", "remind") == 0
    assert capsys.readouterr().out.strip() == "No reminders are due."

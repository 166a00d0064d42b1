"""The command line contract: commands, options, JSON shapes, exit codes, no tracebacks."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from iltdesk import __version__
from iltdesk.cli import run
from iltdesk.db.backup import verify_backup


@pytest.fixture
def demo_db(db_url):
    path = db_url  # a SQLite file, or a database on the test server
    assert (
        run(
            [
                "--db",
                str(path),
                "demo",
                "--learners",
                "200",
                "--sessions",
                "20",
                "--today",
                "2026-11-28",
            ]
        )
        == 0
    )
    return path


def test_sessions_json_has_the_contract_fields(demo_db, capsys):
    capsys.readouterr()
    assert run(["--db", str(demo_db), "sessions", "--json"]) == 0
    sessions = json.loads(capsys.readouterr().out)
    assert len(sessions) == 20
    first = sessions[0]
    for key in (
        "id",
        "course_code",
        "course_title",
        "first_start",
        "timezone",
        "status",
        "enrolled",
        "waitlisted",
        "capacity",
    ):
        assert key in first
    assert first["first_start"].endswith("+00:00")


def test_sessions_table_shows_zone_labels(demo_db, capsys):
    capsys.readouterr()
    assert run(["--db", str(demo_db), "sessions"]) == 0
    out = capsys.readouterr().out
    assert "First start" in out
    assert any(z in out for z in ("GMT", "CET", "EST", "CST", "+08"))


def test_roster_json_and_unknown_session(demo_db, capsys):
    capsys.readouterr()
    assert run(["--db", str(demo_db), "roster", "3", "--json"]) == 0
    roster = json.loads(capsys.readouterr().out)
    assert roster
    assert {"first_name", "last_name", "email", "status"} <= set(roster[0])
    assert run(["--db", str(demo_db), "roster", "999"]) == 1
    assert capsys.readouterr().err.strip() == "There is no session 999."


@pytest.mark.sqlite_only  # a server's: tests/team/test_server.py
def test_check_db_and_backup(demo_db, tmp_path, capsys):
    assert run(["--db", str(demo_db), "check-db"]) == 0
    assert "No problems found." in capsys.readouterr().out
    target = tmp_path / "copy.sqlite3"
    assert run(["--db", str(demo_db), "backup", "-o", str(target)]) == 0
    assert verify_backup(target) == []


def test_database_url_from_the_environment(tmp_path, monkeypatch, capsys):
    path = tmp_path / "env.sqlite3"
    monkeypatch.setenv("ILTDESK_DATABASE_URL", f"sqlite:///{path}")
    assert run(["sessions"]) == 0
    assert "No sessions yet." in capsys.readouterr().out
    assert path.exists()


def test_default_database_lives_in_the_data_folder(isolated_home, capsys):
    assert run(["sessions", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert (isolated_home / "data" / "iltdesk.sqlite3").exists()


def test_errors_are_one_sentence_without_traceback(tmp_path):
    junk = tmp_path / "notes.sqlite3"
    junk.write_text("shopping list\n")
    result = subprocess.run(
        [sys.executable, "-m", "iltdesk", "--db", str(junk), "sessions"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 4  # the database cannot be used
    assert "is not an ILT Desk database" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert junk.read_text() == "shopping list\n"


def test_version():
    result = subprocess.run(
        [sys.executable, "-m", "iltdesk", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"ILT Desk {__version__}"


def test_print_signin_writes_a_pdf_per_day(demo_db, tmp_path, capsys):
    import io

    from pypdf import PdfReader

    capsys.readouterr()
    assert run(["--db", str(demo_db), "sessions", "--json"]) == 0
    multi = next(s for s in json.loads(capsys.readouterr().out) if s["days"] > 1)
    target = tmp_path / "sheets.pdf"
    sid = str(multi["id"])
    assert run(["--db", str(demo_db), "print", "signin", sid, "-o", str(target)]) == 0
    assert "written to" in capsys.readouterr().out
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    days = {
        line
        for page in reader.pages
        for line in page.extract_text().splitlines()
        if line.startswith("Day ")
    }
    assert len(days) == multi["days"]
    assert (
        run(["--db", str(demo_db), "print", "signin", sid, "-o", str(target), "--day", "99"]) == 1
    )
    assert "choose a day" in capsys.readouterr().err


def test_print_certificates_pdf_zip_and_folder(demo_db, tmp_path, capsys):
    import zipfile

    capsys.readouterr()
    assert run(["--db", str(demo_db), "sessions", "--json"]) == 0
    done = next(
        s
        for s in json.loads(capsys.readouterr().out)
        if s["status"] == "completed" and s["enrolled"]
    )
    sid = str(done["id"])
    assert (
        run(["--db", str(demo_db), "print", "certificates", sid, "-o", str(tmp_path / "all.pdf")])
        == 0
    )
    assert (
        run(
            [
                "--db",
                str(demo_db),
                "print",
                "certificates",
                sid,
                "-o",
                str(tmp_path / "all.zip"),
                "--design",
                "minimal",
            ]
        )
        == 0
    )
    assert (
        run(["--db", str(demo_db), "print", "certificates", sid, "-o", str(tmp_path / "each")]) == 0
    )
    names = zipfile.ZipFile(tmp_path / "all.zip").namelist()
    assert sorted(names) == sorted(p.name for p in (tmp_path / "each").iterdir())
    # Printing again reuses the codes: no new certificates are issued.
    before = set(names)
    assert (
        run(["--db", str(demo_db), "print", "certificates", sid, "-o", str(tmp_path / "again.zip")])
        == 0
    )
    assert set(zipfile.ZipFile(tmp_path / "again.zip").namelist()) == before


def test_certificates_of_a_session_nobody_completed_are_refused(demo_db, tmp_path, capsys):
    capsys.readouterr()
    assert run(["--db", str(demo_db), "sessions", "--json"]) == 0
    planned = next(
        s for s in json.loads(capsys.readouterr().out) if s["status"] in ("planned", "confirmed")
    )
    target = tmp_path / "none.pdf"
    command = ["--db", str(demo_db), "print", "certificates", str(planned["id"]), "-o"]
    assert run([*command, str(target)]) == 1  # a script must not go on to mail a missing file
    captured = capsys.readouterr()
    assert "Nobody in this session has completed yet" in captured.err
    assert captured.out == ""
    assert not target.exists()


def test_export_and_import_attendance(demo_db, tmp_path, capsys):
    from openpyxl import load_workbook

    capsys.readouterr()
    assert run(["--db", str(demo_db), "sessions", "--json"]) == 0
    upcoming = next(
        s
        for s in json.loads(capsys.readouterr().out)
        if s["status"] in ("planned", "confirmed") and s["enrolled"]
    )
    path = tmp_path / "att.xlsx"
    assert (
        run(["--db", str(demo_db), "export", "attendance", str(upcoming["id"]), "-o", str(path)])
        == 0
    )
    book = load_workbook(path)
    grid = book.worksheets[1]
    grid["D4"] = "Present"
    book.save(path)
    capsys.readouterr()
    assert run(["--db", str(demo_db), "import-attendance", str(path), "--dry-run", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["applied"] is False
    assert len(report["changes"]) == 1
    # The same dry run in plain text: one line per change, then the dry-run sentence.
    assert run(["--db", str(demo_db), "import-attendance", str(path), "--dry-run"]) == 0
    plain = capsys.readouterr().out
    assert "→ Present" in plain
    assert "Dry run: nothing was changed." in plain
    assert run(["--db", str(demo_db), "import-attendance", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["applied"] is True
    assert (
        run(
            [
                "--db",
                str(demo_db),
                "export",
                "attendance",
                "--all",
                "-o",
                str(tmp_path / "all.xlsx"),
            ]
        )
        == 0
    )
    junk = tmp_path / "junk.xlsx"
    junk.write_text("nope")
    assert run(["--db", str(demo_db), "import-attendance", str(junk)]) == 2
    assert "not an Excel workbook" in capsys.readouterr().err


def test_import_roster_json_dry_run_then_commit(tmp_path, capsys):
    from tests.fixtures.rosters import messy_workbook

    db_file = tmp_path / "roster.sqlite3"
    path = messy_workbook(tmp_path / "hr.xlsx")
    argv = ["--db", str(db_file), "import-roster", str(path), "--json"]
    assert run([*argv, "--dry-run", "--sheet", "Training export"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dry_run"] is True
    assert out["batch_id"] is None
    assert out["counts"]["new"] == 6
    assert out["counts"]["rejected"] == 2
    assert {"row": 9, "column": "E-mail Address"}.items() <= out["problems"][1].items()
    assert run(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["batch_id"] == 1
    assert out["counts"]["new"] == 6
    assert run(argv) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["unchanged"] == 6


def test_import_roster_into_a_session_and_plain_text(tmp_path, capsys, demo_db):
    from tests.fixtures.rosters import plain_workbook
    from tests.fixtures.rosters import simple_rows

    capsys.readouterr()
    assert run(["--db", str(demo_db), "sessions", "--json"]) == 0
    planned = [s for s in json.loads(capsys.readouterr().out) if s["status"] == "planned"]
    path = plain_workbook(tmp_path / "r.xlsx", simple_rows(40))
    assert (
        run(["--db", str(demo_db), "import-roster", str(path), "--session", str(planned[0]["id"])])
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    # The wizard's words, in the singular where one is counted ("1 rows with problems" before).
    assert (
        lines[0]
        == "40 new learners, 0 updated, 0 unchanged, 0 duplicates merged, 0 rows with problems."
    )
    assert re.fullmatch(r"\d+ enrolled, \d+ to the waitlist, 0 already on the session\.", lines[1])
    one = tmp_path / "one.csv"
    one.write_text("Email,First name,Last name\nzed@example.com,Zed,Ng\nbad,Bob,Bo\n")
    assert run(["--db", str(demo_db), "import-roster", str(one), "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "1 new learner, 0 updated, 0 unchanged, 0 duplicates merged, 1 row with problems.",
        "Dry run: nothing was changed.",
    ]


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n" + bytes(range(256))])
def test_import_roster_unreadable_file_exits_2_with_a_sentence(tmp_path, capsys, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    assert run(["--db", str(tmp_path / "x.sqlite3"), "import-roster", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bad.xlsx" in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_import_roster_unknown_sheet_is_a_user_error(tmp_path, capsys):
    from tests.fixtures.rosters import messy_workbook

    path = messy_workbook(tmp_path / "hr.xlsx")
    assert (
        run(["--db", str(tmp_path / "x.sqlite3"), "import-roster", str(path), "--sheet", "Nope"])
        == 1
    )
    assert "Read me, Training export" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "plain_heading"),
    [
        (["sessions"], "First start"),
        (["roster", "3"], "Last name"),
        (["outbox", "list"], "Recipient"),
    ],
)
def test_every_listing_command_in_both_output_modes(demo_db, capsys, args, plain_heading):
    """Plain text is a table with headings (not JSON); --json is JSON."""
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database
    from iltdesk.domain.enums import MessageKind
    from iltdesk.services import outbox

    with open_database(database_url(demo_db)) as db:
        outbox.set_mail_settings(db, {"mail.sender_address": "training@example.com"})
        outbox.queue(db, outbox.compose(db, MessageKind.CONFIRMATION, 3).drafts)
    capsys.readouterr()
    assert run(["--db", str(demo_db), *args]) == 0
    plain = capsys.readouterr().out
    assert plain_heading in plain.splitlines()[0]
    with pytest.raises(json.JSONDecodeError):
        json.loads(plain)
    assert run(["--db", str(demo_db), *args, "--json"]) == 0
    parsed = json.loads(capsys.readouterr().out)
    assert isinstance(parsed, list)
    assert parsed


def test_exit_statuses_are_distinct_and_named_in_help(capsys):
    from iltdesk.cli import common

    codes = {name: value for name, value in vars(common).items() if name.startswith("EXIT_")}
    assert len(set(codes.values())) == len(codes)  # no two causes share a status
    with pytest.raises(SystemExit):
        run(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    for value in codes.values():
        assert f"{value} " in text.split("Exit status:")[1]


def test_a_command_lets_the_collector_run_again(demo_db, capsys):
    """`iltdesk` holds the garbage collector while it starts; a command releases it."""
    import gc

    from iltdesk.collector import hold_collector

    hold_collector()
    try:
        assert run(["--db", str(demo_db), "sessions", "--json"]) == 0
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # start-up's objects are out of later collections
    finally:
        gc.unfreeze()
        gc.enable()
    assert json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("argv", "unknown", "meant"),
    [
        (["--databse", "team.sqlite3", "demo"], "--databse", "--db"),
        (["--database=team.sqlite3", "demo"], "--database", "--db"),
        (["--selftest"], "--selftest", "--self-test"),
    ],
)
def test_an_unknown_option_before_the_command_is_named(capsys, argv, unknown, meant):
    """argparse took the misspelt option's value for the command: "invalid choice: 'X'"."""
    with pytest.raises(SystemExit) as raised:
        run(argv)
    assert raised.value.code == 2
    error = capsys.readouterr().err
    assert f"unknown option {unknown}; did you mean {meant}?" in error
    assert "invalid choice" not in error


@pytest.mark.parametrize(
    ("argv", "usage", "said"),
    [
        (["due", "30"], "usage: iltdesk due ", "iltdesk due: error: unexpected word 30"),
        (
            ["find-slot", "--course", "FA-200", "--from", "2027-01-04", "--to", "2027-01-08"],
            "usage: iltdesk find-slot ",
            "unknown option --course: give COURSE_CODE as a word of its own",
        ),
        (
            ["sessions", "--upcomming"],
            "usage: iltdesk sessions ",
            "unknown option --upcomming; did you mean --upcoming?",
        ),
        (
            ["roster", "3", "--sesion", "4"],
            "usage: iltdesk roster ",
            "iltdesk roster: error: unknown option --sesion\n",
        ),
        (
            ["enrol", "5", "a@example.com", "--db", "team.sqlite3"],
            "usage: iltdesk enrol ",
            "--db goes before the command: iltdesk --db … enrol …",
        ),
    ],
)
def test_a_word_the_command_does_not_take_is_named_under_its_usage(capsys, argv, usage, said):
    """argparse said "unrecognized arguments" under the usage of `iltdesk` itself."""
    with pytest.raises(SystemExit) as raised:
        run(argv)
    assert raised.value.code == 2  # the command line could not be read (see --help)
    error = capsys.readouterr().err
    assert error.startswith(usage)
    assert said in error
    assert "unrecognized arguments" not in error


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["due", "--days", "-5"], "argument --days: give 0 or more, not -5"),
        (["audit", "--limit", "0"], "argument --limit: give 1 or more, not 0"),
        (["audit", "--limit", "ten"], "argument --limit: “ten” is not a whole number."),
    ],
)
def test_a_count_below_its_least_is_refused(capsys, argv, said):
    """`due --days -5` listed as if looking back; `audit --limit -3` listed nearly everything."""
    with pytest.raises(SystemExit) as raised:
        run(argv)
    assert raised.value.code == 2
    assert said in capsys.readouterr().err


def test_known_options_before_the_command_still_work(tmp_path, capsys):
    database = tmp_path / "team.sqlite3"
    assert run(["--db", str(database), "sessions", "--json"]) == 0
    assert run([f"--db={database}", "sessions", "--json"]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit) as raised:
        run(["--db", str(database), "no-such-command"])
    assert "invalid choice: 'no-such-command'" in capsys.readouterr().err
    assert raised.value.code == 2


def test_no_command_fails_as_a_bug_without_its_arguments(tmp_path, capsys):
    """Each command typed bare either does its default or says what it needs; `requirements`
    alone said "Something went wrong"."""
    from iltdesk.cli import build_parser
    from iltdesk.cli.common import EXIT_BUG

    _parser, handlers = build_parser()
    database = str(tmp_path / "bare.sqlite3")
    for name in handlers:
        try:
            status = run(["--db", database, name])
        except SystemExit as stopped:  # argparse: a required argument is missing
            status = stopped.code
        err = capsys.readouterr().err
        assert status != EXIT_BUG, (name, err)
        assert "Something went wrong" not in err, name


def test_config_set_get_and_list_in_each_mode(db_url, capsys):
    base = ["--db", db_url, "config"]
    assert run([*base, "set", "mail.host", "smtp.example.com"]) == 0
    assert capsys.readouterr().out.strip() == "mail.host = smtp.example.com"
    assert run([*base, "set", "mail.reminders_enabled", "yes"]) == 0
    assert capsys.readouterr().out.strip() == "mail.reminders_enabled = true"
    assert run([*base, "get", "mail.port"]) == 0
    assert capsys.readouterr().out.strip() == "587"  # the default until set
    assert run([*base, "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Setting", "Value"]
    assert ["mail.host", "smtp.example.com"] in [line.split() for line in lines]
    assert ["mail.reminders_enabled", "true"] in [line.split() for line in lines]
    assert ["mail.port", "587"] in [line.split() for line in lines]
    assert run([*base, "list", "--json"]) == 0
    values = json.loads(capsys.readouterr().out)
    assert values["mail.host"] == "smtp.example.com"
    assert values["mail.reminders_enabled"] is True
    assert values["mail.port"] == 587
    assert values["mail.sender_address"] == ""
    assert run([*base, "get", "mail.hots"]) == 1
    assert "Unknown setting mail.hots. Known settings: mail.transport, mail.host" in (
        capsys.readouterr().err
    )
    assert run([*base, "set", "mail.port", "many"]) == 1
    assert "mail.port is a whole number." in capsys.readouterr().err

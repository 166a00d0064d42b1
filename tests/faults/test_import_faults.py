"""Import honesty: nothing is silently wrong in what the wizard and the command line import."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import xlsxwriter

from iltdesk.cli import run
from iltdesk.importers.reading import read_file
from iltdesk.services import roster_import
from tests.faults import hostile

HEADERS = ["Employee ID", "First name", "Last name", "Email"]


def workbook(path, rows, ids_as_numbers=True):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Roster")
    sheet.write_row(0, 0, HEADERS)
    for n, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, int | float):
                sheet.write_number(n, column, value)
            else:
                sheet.write_string(n, column, value)
    book.close()
    return path


def problems_of(db, path):
    parsed = roster_import.prepare(db, read_file(path))
    return {(p.row, p.column): p for r in parsed.rows for p in r.problems}, parsed


def test_f17_an_id_longer_than_excel_keeps_is_flagged_not_stored(db, tmp_path):
    path = workbook(
        tmp_path / "ids.xlsx",
        [[12345678901234567890, "Ann", "Lee", "ann@example.com"], [1234, "Bo", "Chen", "bo@x.org"]],
    )
    problems, parsed = problems_of(db, path)
    flagged = problems[(2, "Employee ID")]
    assert "more digits than Excel keeps (15)" in flagged.message
    assert "12345678901234569216" in flagged.message  # what the file really holds
    assert not flagged.blocking  # the learner is imported, without the wrong ID
    assert parsed.rows[0].values["employee_id"] == ""
    assert parsed.rows[1].values["employee_id"] == "1234"


def test_f18_one_email_with_two_employee_ids_is_left_to_the_user(db, tmp_path):
    path = workbook(
        tmp_path / "two-ids.xlsx",
        [["E1", "Ann", "Lee", "ann@example.com"], ["E2", "Ann", "Lee", "ANN@example.com"]],
    )
    problems, parsed = problems_of(db, path)
    held = problems[(3, "Employee ID")]
    assert held.blocking
    assert "also on row 2 with another employee ID (E1)" in held.message
    assert [r.importable for r in parsed.rows] == [True, False]


def test_f19_a_formula_without_a_saved_result_is_flagged(db, tmp_path):
    sheet = hostile.sheet_xml(
        [
            ("A1", "Employee ID"),
            ("B1", "First name"),
            ("C1", "Last name"),
            ("D1", "Email"),
            ("A2", "E1"),
            ("B2", "Ann"),
            ("C2", "Lee"),
        ]
    ).replace(
        "</sheetData>",
        '<row r="3"><c r="A3" t="inlineStr"><is><t>E2</t></is></c>'
        '<c r="D3"><f>LOWER(B3)&amp;"@example.com"</f></c></row></sheetData>',
    )
    sheet = sheet.replace(
        '<c r="C2" t="inlineStr"><is><t>Lee</t></is></c>',
        '<c r="C2" t="inlineStr"><is><t>Lee</t></is></c><c r="D2"><f>B2</f><v></v></c>',
    )
    path = hostile.xlsx(tmp_path / "formulas.xlsx", sheet)
    source = read_file(path)
    assert source.sheets[0].uncached == frozenset({(1, 3), (2, 3)})
    problems, _parsed = problems_of(db, path)
    for row in (2, 3):
        problem = problems[(row, "Email")]
        assert "formula whose result was never saved" in problem.message
        assert problem.blocking  # no email, no learner


def test_f20_a_header_only_file_says_there_is_nobody_below_the_header(db, tmp_path, capsys):
    path = workbook(tmp_path / "empty.xlsx", [])
    assert run(["--db", str(tmp_path / "x.sqlite3"), "import-roster", str(path)]) == 1
    err = capsys.readouterr().err
    assert "has a header row (row 1) but no learners below it" in err
    assert "already in ILT Desk" not in err


IMPORTER = """
import sys, time
from pathlib import Path
from iltdesk.db.engine import database_url
from iltdesk.db.opening import open_database
from iltdesk.importers.reading import read_file
from iltdesk.services import roster_import
from iltdesk.domain.imports import ImportSource

db = open_database(database_url(sys.argv[1]))
source = read_file(Path(sys.argv[2]))
parsed = roster_import.prepare(db, source)
ref = ImportSource(Path(sys.argv[2]).name, source.sha256, parsed.sheet)

def report(done, total, text):
    if done > 0:
        print("midway", flush=True)
        time.sleep(120)

roster_import.commit_import(db, parsed, ref, report=report)
"""


def test_f25_an_interrupted_import_is_noted_and_told_at_the_next_start(tmp_path, capsys):
    db_path = tmp_path / "iltdesk.sqlite3"
    assert run(["--db", str(db_path), "sessions"]) == 0
    rows = [[f"E{n}", "Ann", f"Lee{n}", f"ann{n}@example.com"] for n in range(5000)]
    path = workbook(tmp_path / "hr.xlsx", rows)
    child = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(db_path), str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "midway"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    time.sleep(0.1)
    capsys.readouterr()
    assert run(["--db", str(db_path), "sessions", "--json"]) == 0
    captured = capsys.readouterr()
    assert "An import of hr.xlsx was interrupted at" in captured.err
    assert "nothing of it was kept" in captured.err
    json.loads(captured.out)  # the note never mixes with the output
    assert run(["--db", str(db_path), "sessions"]) == 0
    assert "interrupted" not in capsys.readouterr().err  # said once


def test_f21_emoji_print_as_a_visible_substitute_never_as_empty_boxes(db):
    from io import BytesIO

    import pdfplumber

    from iltdesk.documents.fonts import MISSING
    from iltdesk.documents.fonts import printable
    from iltdesk.documents.signin import build_signin_pdf
    from iltdesk.services import enrollment
    from iltdesk.services import printing
    from tests.fixtures.builders import make_learner
    from tests.fixtures.builders import make_session

    assert printable("Ann 🎉") == f"Ann {MISSING}"
    assert printable("Bo 👍🏽 Chen") == f"Bo {MISSING} Chen"  # the skin tone goes with it
    assert printable("Zoë Müller 王") == "Zoë Müller 王"  # what the fonts have stays
    session = make_session(db)
    learner = make_learner(db, "Party 🎉", "Person 🚀")
    enrollment.enroll_learner(db, session.id, learner.id)
    pdf = build_signin_pdf(printing.signin_sheets(db, session.id))
    with pdfplumber.open(BytesIO(pdf)) as document:
        text = document.pages[0].extract_text()
    assert f"Person {MISSING}, Party {MISSING}" in text

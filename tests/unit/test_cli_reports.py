"""`iltdesk report`: the contract, in every output mode, against the hand-built organisation.

The period ends on 31 May 2026, before S5, so the figures do not depend on today's date.
"""

from __future__ import annotations

import csv
import io
import json

import pdfplumber
import pytest
from openpyxl import load_workbook

from iltdesk.cli import run
from tests.fixtures import report_org

PERIOD = ["--from", "2026-01-01", "--to", "2026-05-31"]


@pytest.fixture(scope="module")
def org_path(tmp_path_factory):
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database

    path = tmp_path_factory.mktemp("reports") / "org.sqlite3"
    with open_database(database_url(path)) as db:
        report_org.build(db)
    return str(path)


def cli(org_path, *args):
    return run(["--db", org_path, "report", *args])


def as_json(org_path, capsys, *args):
    capsys.readouterr()
    assert cli(org_path, *args, "--json") == 0
    return json.loads(capsys.readouterr().out)


def rows_by(data, key):
    index = data["columns"].index(key)
    return {row[index]: dict(zip(data["columns"], row, strict=True)) for row in data["rows"]}


def test_list_in_both_modes(org_path, capsys):
    assert cli(org_path, "--list") == 0
    text = capsys.readouterr().out
    for name in ("attendance", "no-shows", "transcript", "instructor-hours", "cost", "fill"):
        assert name in text
    assert "department-hours" in text
    entries = as_json(org_path, capsys, "--list")
    assert {e["name"] for e in entries} >= {"attendance", "cost", "department-hours"}
    assert next(e for e in entries if e["name"] == "cost")["group_by"][0] == "course"


def test_attendance_json_contract(org_path, capsys):
    data = as_json(org_path, capsys, "attendance", *PERIOD, "--group-by", "course")
    assert data["report"] == "attendance"
    assert data["filters"]["from"] == "2026-01-01"
    assert data["filters"]["to"] == "2026-05-31"
    assert data["filters"]["group_by"] == "course"
    forklift = rows_by(data, "code")["FS-101"]
    assert (forklift["enrolled"], forklift["attended"], forklift["completed"]) == (7, 5, 3)
    assert forklift["completion_rate"] == pytest.approx(3 / 7)
    assert data["totals"]["enrolled"] == 9
    assert data["totals"]["late_cancellations"] == 1


def test_attendance_plain_text(org_path, capsys):
    assert cli(org_path, "attendance", *PERIOD) == 0
    out = capsys.readouterr().out
    assert "Attendance and completion" in out
    assert "Forklift Safety" in out
    assert "42.9%" in out
    assert "Total" in out


def test_every_report_in_json_and_text(org_path, capsys):
    for name in ("no-shows", "instructor-hours", "cost", "fill", "department-hours"):
        data = as_json(org_path, capsys, name, *PERIOD)
        assert data["report"] == name
        assert data["columns"]
        assert data["definitions"]
        assert cli(org_path, name, *PERIOD) == 0
        assert capsys.readouterr().out.strip()
    hours = as_json(org_path, capsys, "department-hours", *PERIOD)
    assert rows_by(hours, "department")["Sales"]["hours"] == 42.0
    cost = as_json(org_path, capsys, "cost", *PERIOD)
    by_currency = {(r[0], r[2]): r for r in cost["rows"]}
    assert by_currency[("FS-101", "EUR")][cost["columns"].index("cost")] == 1200.0
    assert cost["totals"]["cost"] == {"EUR": 1200.0, "GBP": 390.0}


def test_transcript_by_email(org_path, capsys):
    data = as_json(org_path, capsys, "transcript", *PERIOD, "--learner", "ANN@example.com")
    assert [r[0] for r in data["rows"]] == ["2026-03-12", "2026-03-29", "2026-04-14"]
    assert data["totals"]["hours"] == 26.0
    assert cli(org_path, "transcript", "--learner", "nobody@example.com") == 1
    assert "No learner has the email address" in capsys.readouterr().err
    assert cli(org_path, "transcript") == 1
    assert capsys.readouterr().err.strip() == "A transcript is one learner's: give --learner EMAIL."


def test_filters_and_refusals(org_path, capsys):
    data = as_json(org_path, capsys, "attendance", *PERIOD, "--course", "dp-110")
    assert data["totals"]["enrolled"] == 2
    data = as_json(org_path, capsys, "attendance", *PERIOD, "--instructor", "ina external")
    assert data["totals"]["sessions"] == 2
    data = as_json(org_path, capsys, "attendance", *PERIOD, "--department", "Sales")
    assert data["totals"]["enrolled"] == 5
    assert cli(org_path, "attendance", "--course", "NOPE") == 1
    assert "no course with the code NOPE" in capsys.readouterr().err
    assert cli(org_path, "fill", "--group-by", "department") == 1
    assert "groups by" in capsys.readouterr().err
    assert cli(org_path, "attendance", "--period", "this-year", "--from", "2026-01-01") == 1
    capsys.readouterr()
    empty = as_json(org_path, capsys, "attendance", "--from", "2019-01-01", "--to", "2019-12-31")
    assert empty["rows"] == []
    assert empty["totals"]["completion_rate"] is None


def test_workbook_csv_and_pdf_say_what_the_json_says(org_path, capsys, tmp_path):
    data = as_json(org_path, capsys, "attendance", *PERIOD)
    forklift = rows_by(data, "code")["FS-101"]

    assert cli(org_path, "attendance", *PERIOD, "-o", str(tmp_path / "a.xlsx")) == 0
    book = load_workbook(tmp_path / "a.xlsx")
    sheet = book["Report"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(cells) if row[0] == "Code")
    by_code = {row[0]: row for row in cells[header + 1 :] if row[0]}
    places = data["columns"].index("enrolled")
    assert by_code["FS-101"][places] == forklift["enrolled"]
    rate = data["columns"].index("completion_rate")
    assert by_code["FS-101"][rate] == pytest.approx(forklift["completion_rate"])
    assert by_code["Total"][places] == data["totals"]["enrolled"]
    assert not any(isinstance(v, str) and v.startswith("=") for row in cells for v in row)
    assert sheet._charts  # the chart travels with the values
    assert "Definitions" in book.sheetnames

    assert cli(org_path, "attendance", *PERIOD, "-o", str(tmp_path / "a.csv")) == 0
    text = (tmp_path / "a.csv").read_text(encoding="utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][0] == "Code"
    row = next(r for r in table if r[0] == "FS-101")
    assert int(row[places]) == forklift["enrolled"]
    assert table[-1][0] == "Total"

    assert cli(org_path, "attendance", *PERIOD, "-o", str(tmp_path / "a.pdf")) == 0
    with pdfplumber.open(tmp_path / "a.pdf") as pdf:
        words = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Attendance and completion" in words
    assert "Period: 1 Jan 2026 – 31 May 2026" in words
    assert "Generated" in words
    assert "Page 1 of" in words
    assert "Forklift Safety" in words
    assert "42.9%" in words
    assert "Definitions" in words


def test_an_unwritable_path_is_a_sentence_and_leaves_no_file(org_path, capsys, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    assert cli(org_path, "attendance", "-o", str(blocker / "report.pdf")) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert cli(org_path, "attendance", "-o", str(tmp_path / "report.docx")) == 1
    assert ".xlsx, .csv or .pdf" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [blocker]

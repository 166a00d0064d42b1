"""Compliance on the command line, each command in its output modes.

Requirements, the matrix, the due list, verify, the register, the audit trail, evidence packs.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC
from datetime import datetime

import pdfplumber
import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from iltdesk import formatting
from iltdesk.cli import run
from iltdesk.cli.common import EXIT_PROBLEMS
from iltdesk.documents.evidence import read_manifest
from iltdesk.settings import Preferences
from tests.fixtures import report_org


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database
    from iltdesk.services import certificates
    from iltdesk.services import lifecycle

    path = tmp_path_factory.mktemp("compliance") / "org.sqlite3"
    with open_database(database_url(path)) as db:
        built = report_org.build(db)
        lifecycle.complete_session(db, built.sessions["S1"])
        codes = [c.code for c in certificates.issue_certificates(db, built.sessions["S1"]).value]
    return str(path), built, codes


def cli(org, *args):
    return run(["--db", org[0], *args])


def as_json(org, capsys, *args):
    capsys.readouterr()
    assert cli(org, *args, "--json") == 0
    return json.loads(capsys.readouterr().out)


def test_requirements_compliance_and_due(org, capsys):
    added = as_json(
        org,
        capsys,
        "requirements",
        "add",
        "--name",
        "Forklift licence",
        "--course",
        "FS-101",
        "--every",
        "12",
    )
    assert added[0]["courses"] == ["FS-101"]
    assert added[0]["every_months"] == 12
    listed = as_json(org, capsys, "requirements", "list")
    assert [r["name"] for r in listed] == ["Forklift licence"]
    assert cli(org, "requirements", "list") == 0
    assert "Forklift licence" in capsys.readouterr().out
    # Without an action it lists them too ("Something went wrong" before: no --json to read).
    assert cli(org, "requirements") == 0
    assert "Forklift licence" in capsys.readouterr().out

    data = as_json(org, capsys, "compliance")
    by_learner = {r["learner"]: r for r in data["rows"]}
    # Ann completed S2 on 15 April 2026: current for twelve months from it.
    assert by_learner["ann@example.com"]["state"] == "current"
    assert by_learner["ann@example.com"]["date"] == "2027-04-15"
    assert by_learner["bo@example.com"]["state"] in ("never", "overdue")
    assert data["totals"]["Forklift licence"]["current"] >= 2  # Ann, Eve (S1)
    only_current = as_json(org, capsys, "compliance", "--state", "current")
    assert {r["state"] for r in only_current["rows"]} == {"current"}
    sales = as_json(org, capsys, "compliance", "--department", "Sales")
    assert {r["learner"] for r in sales["rows"]} <= {
        "ann@example.com",
        "dee@example.com",
        "eve@example.com",
        "gus@example.com",
    }
    assert cli(org, "compliance") == 0
    text = capsys.readouterr().out
    assert "Forklift licence:" in text
    ann = next(line for line in text.splitlines() if "ann@example.com" in line)
    assert ann.startswith("Ann ")  # the learner by name, then the address

    due = as_json(org, capsys, "due", "--days", "30")
    assert "bo@example.com" in {d["learner"] for d in due}
    assert all(d["state"] in ("overdue", "never", "expiring") for d in due)
    assert cli(org, "due", "--days", "30") == 0
    bo = next(line for line in capsys.readouterr().out.splitlines() if "bo@example.com" in line)
    assert bo.startswith("Bo ")


def test_compliance_files(org, capsys, tmp_path):
    cli(org, "requirements", "add", "--name", "Privacy", "--course", "DP-110")
    capsys.readouterr()
    assert cli(org, "compliance", "-o", str(tmp_path / "c.xlsx"), "--by-department") == 0
    book = load_workbook(tmp_path / "c.xlsx")
    assert "Sales" in book.sheetnames
    assert "Operations" in book.sheetnames
    sheet = book["Sales"]
    assert sheet.freeze_panes == "B2"
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "ann@example.com" in values
    assert cli(org, "compliance", "-o", str(tmp_path / "c.pdf")) == 0
    with pdfplumber.open(tmp_path / "c.pdf") as pdf:
        words = pdf.pages[0].extract_text()
    assert "Compliance" in words
    assert "Privacy" in words
    assert cli(org, "compliance", "-o", str(tmp_path / "c.docx")) == 1


def test_verify_and_the_register(org, capsys, tmp_path):
    code = org[2][0]
    found = as_json(org, capsys, "verify", code.lower())
    assert found["status"] == "valid"
    assert found["course_code"] == "FS-101"
    assert cli(org, "verify", code) == 0
    assert "Valid:" in capsys.readouterr().out
    # As read out over the phone or copied from a line break: without dashes, with spaces.
    for typed in (code.replace("-", ""), code.replace("-", " ").lower(), f" {code[:6]} {code[6:]}"):
        assert cli(org, "verify", typed) == 0, typed
        assert "Valid:" in capsys.readouterr().out
    assert cli(org, "verify", "NOPE-NOPE-NOPE") == EXIT_PROBLEMS
    assert "No certificate has the code" in capsys.readouterr().out
    assert cli(org, "verify", "NOPE-NOPE-NOPE", "--json") == EXIT_PROBLEMS
    assert json.loads(capsys.readouterr().out)["status"] == "unknown"

    assert cli(org, "certificates", "register", "-o", str(tmp_path / "r.csv")) == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "Code"
    assert {r[0] for r in rows[1:]} == set(org[2])
    assert cli(org, "certificates", "register", "-o", str(tmp_path / "r.html")) == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert code in page
    assert "location.hash" in page
    assert "<script>" in page


def test_audit_in_words_and_its_chain(org, capsys):
    entries = as_json(org, capsys, "audit", "--session", str(org[1].sessions["S1"]))
    texts = [e["text"] for e in entries]
    assert any("marked Bo Tester Absent on day 1" in t for t in texts)
    assert cli(org, "audit", "--learner", "ann@example.com") == 0
    out = capsys.readouterr().out
    assert "Ann Tester" in out
    # In the coordinator's zone and locale, labelled, as the app's history shows it.
    newest = as_json(org, capsys, "audit", "--learner", "ann@example.com")[0]
    zone = str(Preferences().get("default_timezone"))
    at = datetime.fromisoformat(newest["at"]).astimezone(UTC)
    assert formatting.format_datetime(at, zone) in out
    assert cli(org, "audit", "verify") == 0
    assert "intact" in capsys.readouterr().out
    check = as_json(org, capsys, "audit", "verify")
    assert check["intact"] is True
    assert check["checked"] > 10


def test_an_evidence_pack_holds_what_was_printed_and_rebuilds_the_same(org, capsys, tmp_path):
    session = str(org[1].sessions["S1"])
    assert cli(org, "print", "signin", session, "-o", str(tmp_path / "sheet.pdf")) == 0
    printed = (tmp_path / "sheet.pdf").read_bytes()
    assert cli(org, "evidence", session, "-o", str(tmp_path / "pack.zip")) == 0
    manifest, files = read_manifest((tmp_path / "pack.zip").read_bytes())
    held = len(zipfile.ZipFile(tmp_path / "pack.zip").namelist())
    assert f"({held} files)." in capsys.readouterr().out
    for entry in manifest["files"]:
        assert hashlib.sha256(files[entry["name"]]).hexdigest() == entry["sha256"]
    names = list(files)
    assert any(n.startswith("printed/") for n in names)
    copy = next(content for name, content in files.items() if name.startswith("printed/"))
    assert copy == printed  # the sheet exactly as printed
    assert {
        "attendance.xlsx",
        "certificates.pdf",
        "facilitator-guide.pdf",
        "audit.pdf",
        "audit.csv",
    } <= set(names)
    assert manifest["audit_last_hash"]
    assert manifest["audit_entries"] > 0
    assert any("scanned" in note for note in manifest["notes"])
    # Rebuilt for the unchanged session: the same bytes.
    assert cli(org, "evidence", session, "-o", str(tmp_path / "again.zip")) == 0
    assert (tmp_path / "again.zip").read_bytes() == (tmp_path / "pack.zip").read_bytes()
    # A session with nothing printed still gets its pack, and the manifest says so.
    other = str(org[1].sessions["S3"])
    assert cli(org, "evidence", other, "-o", str(tmp_path / "s3.zip")) == 0
    manifest, _files = read_manifest((tmp_path / "s3.zip").read_bytes())
    held = len(zipfile.ZipFile(tmp_path / "s3.zip").namelist())  # no certificates.pdf here
    assert f"({held} files)." in capsys.readouterr().out
    assert any("No sign-in sheet" in note for note in manifest["notes"])


def test_audit_verify_names_a_tampered_entry(db_url, capsys):
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database

    path = db_url
    with open_database(database_url(path)) as db:
        report_org.build(db)
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_entries SET reason = 'edited' WHERE id = 5"))
    assert run(["--db", str(path), "audit", "verify"]) == EXIT_PROBLEMS
    assert "broken at entry 5" in capsys.readouterr().err


def test_attach_scan_in_text_and_json(org, capsys, tmp_path):
    session = str(org[1].sessions["S2"])
    scan = tmp_path / "day1.jpg"
    scan.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a scan")
    capsys.readouterr()
    assert cli(org, "attach-scan", session, str(scan), "--day", "1") == 0
    assert "Attached day1.jpg." in capsys.readouterr().out
    assert cli(org, "attach-scan", session, str(scan), str(notes), "--json") == 1
    found = json.loads(capsys.readouterr().out)
    assert [a["file"] for a in found["attached"]] == ["day1.jpg"]
    assert found["attached"][0]["day"] is None  # no day given: the whole session
    assert "notes.txt is not a PDF, JPEG or PNG file" in found["refused"][0]["reason"]
    assert cli(org, "attach-scan", session, str(scan), "--day", "9") == 1
    assert "there is no day 9" in capsys.readouterr().err

"""Pre-work: ticked per place, read from an LMS export, counted, and printed on the sheet."""

from __future__ import annotations

import json
from datetime import UTC
from datetime import datetime

import pytest

from iltdesk.errors import UnreadableFileError
from iltdesk.services import enrollment
from iltdesk.services import prework
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session


@pytest.fixture
def blended(db):
    course = make_course(db, title="Data Protection", prework="Watch the 20-minute video.")
    session = make_session(db, course.id)
    people = {
        name: make_learner(db, name.title(), f"Example{name}", email=f"{name}@example.com")
        for name in ("ann", "bob", "cem")
    }
    places = {
        name: enrollment.enroll_learner(db, session.id, row.id).value.row.enrollment_id
        for name, row in people.items()
    }
    return session, places


def test_ticked_and_counted(db, blended):
    session, places = blended
    assert prework.prework_count(db, session.id) == prework.PreworkCount(0, 3)
    when = datetime(2026, 5, 20, 8, tzinfo=UTC)
    assert prework.set_prework(db, session.id, [places["ann"]], True, when=when).value == 1
    roster = {r.enrollment_id: r for r in enrollment.roster(db, session.id)}
    assert (roster[places["ann"]].prework_done, roster[places["ann"]].prework_done_at) == (
        True,
        when,
    )
    assert prework.prework_count(db, session.id) == prework.PreworkCount(1, 3)
    prework.set_prework(db, session.id, [places["ann"]], False)
    roster = {r.enrollment_id: r for r in enrollment.roster(db, session.id)}
    assert roster[places["ann"]].prework_done_at is None


def test_an_lms_export_marks_those_it_shows_complete(db, blended, tmp_path):
    import xlsxwriter

    session, places = blended
    path = tmp_path / "lms-completions.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Report")
    sheet.write_row(0, 0, ["Course completion report — Data Protection pre-work"])
    sheet.write_row(2, 0, ["User", "Email", "Completion Status", "Completion Date"])
    sheet.write_row(3, 0, ["Ann Example", "ANN@example.com", "Completed", "2026-05-19"])
    sheet.write_row(4, 0, ["Bob Example", "bob@example.com", "In progress", ""])
    sheet.write_row(5, 0, ["Zoe Other", "zoe@example.com", "Completed", "2026-05-18"])
    book.close()
    outcome = prework.import_prework(db, session.id, path)
    assert outcome.value.done == (places["ann"],)
    assert outcome.value.not_done == (places["bob"],)
    assert outcome.value.not_on_roster == ("zoe@example.com",)
    roster = {r.enrollment_id: r for r in enrollment.roster(db, session.id)}
    assert roster[places["ann"]].prework_done_at == datetime(2026, 5, 19, tzinfo=UTC)
    assert not roster[places["bob"]].prework_done
    plain = tmp_path / "no-headings.csv"
    plain.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="completion status or date"):
        prework.import_prework(db, session.id, plain)


def test_the_sign_in_sheet_can_show_a_pre_work_column(db, blended, tmp_path):
    from iltdesk.documents.signin import build_signin_pdf
    from iltdesk.domain.printing import DEFAULT_COLUMNS
    from iltdesk.domain.printing import SignInColumn
    from iltdesk.domain.printing import SignInOptions
    from iltdesk.services import printing

    session, places = blended
    prework.set_prework(db, session.id, [places["bob"]], True)
    options = SignInOptions(columns=(*DEFAULT_COLUMNS, SignInColumn.PREWORK))
    sheets = printing.signin_sheets(db, session.id, options=options)
    assert [p.prework_done for p in sheets[0].people] == [False, True, False]
    target = tmp_path / "signin.pdf"
    target.write_bytes(build_signin_pdf(sheets))
    import pdfplumber

    with pdfplumber.open(target) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Pre-work" in text
    assert "✓" in text


def test_cli_prework_in_both_modes(db, db_url, blended, capsys):
    from iltdesk.cli import run

    session, _places = blended
    db.close()
    capsys.readouterr()
    base = ["--db", db_url, "prework", str(session.id)]
    assert run([*base, "--done", "ann@example.com", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["done"], shown["total"]) == (1, 3)
    assert [r["email"] for r in shown["learners"] if r["done"]] == ["ann@example.com"]
    assert run(base) == 0
    assert "Pre-work: 1 of 3 done" in capsys.readouterr().out
    assert run([*base, "--done", "nobody@example.com"]) == 1
    assert "has no seat" in capsys.readouterr().err


def test_a_reminder_goes_to_those_without_pre_work_once_a_day(db, blended):
    from iltdesk.domain.enums import MessageKind
    from iltdesk.services import outbox

    session, places = blended
    prework.set_prework(db, session.id, [places["ann"]], True)
    composed = outbox.compose(db, MessageKind.PREWORK_REMINDER, session.id)
    assert sorted(d.recipient for d in composed.drafts) == ["bob@example.com", "cem@example.com"]
    first = composed.drafts[0]
    assert first.subject.startswith("Before Data Protection: your pre-work")
    assert "Watch the 20-minute video." in first.body
    outbox.queue(db, composed.drafts)
    again = outbox.compose(db, MessageKind.PREWORK_REMINDER, session.id)
    assert (again.drafts, again.already_queued) == ((), 2)  # not twice the same day

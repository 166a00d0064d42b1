"""Compliance from the GUI: the matrix, the due list's actions, requirements, evidence, tools."""

from __future__ import annotations

import gc
import json
import zipfile
from datetime import date
from datetime import timedelta

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtCore import Qt
from sqlalchemy import select

from iltdesk import credentials
from iltdesk.db.entities import InterestEntry
from iltdesk.domain.compliance import RequirementSpec
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import ComplianceState
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.enums import RequirementAnchor
from iltdesk.domain.register import register_row
from iltdesk.models.compliance import CELL_ROLE
from iltdesk.models.compliance import ComplianceTableModel
from iltdesk.models.compliance import DueTableModel
from iltdesk.models.compliance import RegisterTableModel
from iltdesk.services import compliance
from iltdesk.services import enrollment
from iltdesk.services import evidence
from iltdesk.services import requirements
from iltdesk.services.attendance import MarkSpec
from iltdesk.services.attendance import record_marks
from iltdesk.views import compliance_view
from iltdesk.views import mail
from iltdesk.views import session_evidence
from iltdesk.views import tools_menu
from iltdesk.views import undo
from iltdesk.views.compliance_view import CompliancePage
from iltdesk.views.dialogs import compliance_prompts
from iltdesk.views.dialogs import document_preview
from iltdesk.views.dialogs.requirements import RequirementsDialog
from iltdesk.views.session_detail import SessionDetailDialog
from tests.fixtures.builders import completed_session
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session
from tests.fixtures.smtp import configure

ZONE = "Europe/London"


@pytest.fixture(autouse=True)
def no_saved_passwords(monkeypatch):
    monkeypatch.delenv("ILTDESK_SMTP_PASSWORD", raising=False)
    monkeypatch.setattr(credentials, "keyring_available", lambda: False)
    credentials.forget_for_this_run()
    yield
    credentials.forget_for_this_run()


@pytest.fixture
def due_org(ctx):
    """An induction due within 30 days of hire: Ann overdue, Bo due soon, Cy long done."""
    ctx.prefs.set("default_timezone", ZONE)
    today = compliance.today_in(ZONE)
    course = make_course(ctx.db, code="IND-1", title="Induction")
    manager = {"manager_name": "Maria Boss", "manager_email": "maria@example.com"}
    ann = make_learner(
        ctx.db,
        "Ann",
        "Late",
        email="ann@example.com",
        hire_date=today - timedelta(days=45),
        department="Ops",
        **manager,
    )
    bo = make_learner(
        ctx.db,
        "Bo",
        "Soon",
        email="bo@example.com",
        hire_date=today - timedelta(days=10),
        department="Ops",
        **manager,
    )
    cy = make_learner(
        ctx.db,
        "Cy",
        "Done",
        email="cy@example.com",
        hire_date=today - timedelta(days=400),
        department="Sales",
    )
    past = make_session(
        ctx.db, course.id, days=(day_spec(today - timedelta(days=300), "09:00", "12:00", ZONE),)
    )
    place = enrollment.enroll_learner(ctx.db, past.id, cy.id).value.row.enrollment_id
    record_marks(ctx.db, past.id, [MarkSpec(place, past.days[0].id, AttendanceStatus.PRESENT)])
    requirement = requirements.create_requirement(
        ctx.db,
        RequirementSpec("Induction", (course.id,), within_days=30, anchor=RequirementAnchor.HIRE),
    ).value
    soon = today + timedelta(days=7)
    upcoming = make_session(
        ctx.db, course.id, days=(day_spec(soon, "09:00", "12:00", ZONE),), capacity=1
    )
    return {
        "course": course,
        "ann": ann,
        "bo": bo,
        "cy": cy,
        "requirement": requirement,
        "upcoming": upcoming,
        "today": today,
    }


def _page(qtbot, ctx):
    page = CompliancePage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.matrix is not None, timeout=10_000)
    return page


def _select_due(page, *emails):
    selection = page.due_table.selectionModel()
    selection.clearSelection()
    for row in range(page.due_model.rowCount()):
        if page.due_model.item_at(row).email in emails:
            selection.select(
                page.due_model.index(row, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )


def test_the_matrix_shows_states_dates_and_totals(qtbot, ctx, due_org, qtmodeltester):
    page = _page(qtbot, ctx)
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.due_model)
    people = {page.model.learner_at(r).email: r for r in range(page.model.rowCount())}
    assert set(people) == {"ann@example.com", "bo@example.com", "cy@example.com"}
    cell = page.model.index(people["ann@example.com"], 3).data(CELL_ROLE)
    assert cell.state is ComplianceState.OVERDUE
    assert cell.on == due_org["today"] - timedelta(days=15)
    assert page.model.index(people["cy@example.com"], 3).data(CELL_ROLE).state is (
        ComplianceState.CURRENT
    )
    assert "Induction: 1 current" in page.totals.text()
    assert "1 overdue" in page.totals.text()
    # Filtering by state narrows the rows.
    page.state.setCurrentIndex(page.state.findData(ComplianceState.OVERDUE.value))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.model.learner_at(0).email == "ann@example.com"
    # The manager filter was filled from the directory.
    assert page.manager.findData("Maria Boss") > 0


def test_the_due_list_opens_most_urgent_first(qtbot, ctx, due_org):
    """Overdue before due soon, as the service lists them (Qt's default would have been the
    learner column, descending: Bo's "due soon" above Ann's "overdue")."""
    page = _page(qtbot, ctx)
    header = page.due_table.horizontalHeader()
    assert header.sortIndicatorSection() == DueTableModel.DATE
    assert header.sortIndicatorOrder() is Qt.SortOrder.AscendingOrder
    due = [page.due_model.item_at(r) for r in range(page.due_model.rowCount())]
    assert [i.email for i in due] == ["ann@example.com", "bo@example.com"]
    assert due[0].state is ComplianceState.OVERDUE
    page.due_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # the user's choice stands
    page.refresh()
    qtbot.waitUntil(lambda: page.tasks.wait_for_done(50), timeout=10_000)
    qtbot.wait(50)
    assert page.due_model.item_at(0).email == "bo@example.com"


def test_the_matrix_keeps_the_users_sort_across_a_refresh(qtbot, ctx, due_org):
    page = _page(qtbot, ctx)
    header = page.table.horizontalHeader()
    assert header.sortIndicatorSection() == -1  # by surname, as listed: no column claims it

    def emails():
        return [page.model.learner_at(r).email for r in range(page.model.rowCount())]

    assert emails() == ["cy@example.com", "ann@example.com", "bo@example.com"]
    page.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # Induction: not done, overdue…
    expected = ["bo@example.com", "ann@example.com", "cy@example.com"]
    assert emails() == expected
    page.refresh()  # as after any change elsewhere
    qtbot.waitUntil(lambda: page.tasks.wait_for_done(50), timeout=10_000)
    qtbot.wait(50)
    assert emails() == expected
    assert header.sortIndicatorSection() == 3


def test_exempting_from_the_cell_menu_asks_for_a_reason(qtbot, ctx, due_org, monkeypatch):
    page = _page(qtbot, ctx)
    monkeypatch.setattr(compliance_prompts, "ask_reason", lambda *a: "On long-term leave")
    page.exempt(due_org["requirement"].id, due_org["ann"].id)
    qtbot.waitUntil(
        lambda: any(
            page.model.index(r, 3).data(CELL_ROLE).state is ComplianceState.EXEMPT
            for r in range(page.model.rowCount())
            if page.model.index(r, 3).data(CELL_ROLE) is not None
        ),
        timeout=10_000,
    )
    from iltdesk.services.audit import history

    words = [h.reason for h in history(ctx.db, learner_id=due_org["ann"].id)]
    assert "On long-term leave" in words


def test_enrol_the_due_in_the_next_session_respects_capacity(qtbot, ctx, due_org, monkeypatch):
    page = _page(qtbot, ctx)
    assert {page.due_model.item_at(r).email for r in range(page.due_model.rowCount())} == {
        "ann@example.com",
        "bo@example.com",
    }
    _select_due(page, "ann@example.com", "bo@example.com")
    offered = []

    def choose(parent, sessions, count):
        offered.append(([s.id for s in sessions], count))
        return sessions[0].id

    monkeypatch.setattr(compliance_view.SessionChoiceDialog, "ask", staticmethod(choose))
    told = []
    monkeypatch.setattr(
        compliance_prompts, "show_enrol_report", lambda parent, text: told.append(text)
    )
    page.enrol_button.click()
    assert offered == [([due_org["upcoming"].id], 2)]
    roster = enrollment.roster(ctx.db, due_org["upcoming"].id)
    statuses = sorted(r.status for r in roster)
    assert statuses == sorted([EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED])
    assert told
    assert "waitlist" in told[0].casefold()
    assert ctx.undo_stack.count() == 1  # undoable like any roster change


def test_enrol_asks_before_placing_someone_booked_elsewhere(qtbot, ctx, due_org, monkeypatch):
    other = make_session(
        ctx.db,
        days=(day_spec(due_org["today"] + timedelta(days=7), "10:00", "11:00", ZONE),),
        allow_clashes=True,
    )
    enrollment.enroll_learner(ctx.db, other.id, due_org["ann"].id)
    page = _page(qtbot, ctx)
    _select_due(page, "ann@example.com")
    monkeypatch.setattr(
        compliance_view.SessionChoiceDialog, "ask", staticmethod(lambda p, s, c: s[0].id)
    )
    monkeypatch.setattr(compliance_prompts, "show_enrol_report", lambda parent, text: None)
    asked = []
    monkeypatch.setattr(undo, "ask_enrol_anyway", lambda parent, m: asked.append(m) or False)
    page.enrol_button.click()
    assert asked
    assert "also enrolled" in asked[0][0]
    assert enrollment.roster(ctx.db, due_org["upcoming"].id) == []


def test_add_the_due_to_the_interest_list(qtbot, ctx, due_org):
    page = _page(qtbot, ctx)
    _select_due(page, "ann@example.com", "bo@example.com")
    page.interest_button.click()
    assert "2 learners added to the interest list" in page.due_note.text()
    page.interest_button.click()  # again: nobody is added twice
    with ctx.db.reading() as tx:
        waiting = list(tx.scalars(select(InterestEntry.learner_id)))
    assert sorted(waiting) == sorted([due_org["ann"].id, due_org["bo"].id])


def test_remind_sends_learners_and_one_summary_per_manager(
    qtbot, ctx, due_org, server, monkeypatch
):
    configure(ctx.db, server.port)
    page = _page(qtbot, ctx)
    _select_due(page, "ann@example.com", "bo@example.com")
    monkeypatch.setattr(compliance_prompts, "ask_reminder_audience", lambda parent: (True, True))
    confirmed = []
    monkeypatch.setattr(
        mail,
        "ask_send_confirmation",
        lambda parent, composed, kind: confirmed.append((kind, len(composed.drafts))) or True,
    )
    page.remind_button.click()
    qtbot.waitUntil(lambda: "sent" in page.due_note.text(), timeout=20_000)
    assert confirmed == [(MessageKind.REQUIREMENT_DUE, 3)]
    recipients = sorted(r for m in server.recorder.received for r in m.recipients)
    assert recipients == ["ann@example.com", "bo@example.com", "maria@example.com"]
    summary = next(m for m in server.recorder.received if m.recipients == ["maria@example.com"])
    body = summary.message.get_body(("plain",)).get_content()
    assert "Ann Late" in body
    assert "Bo Soon" in body


def test_requirements_dialog_adds_a_requirement_and_an_explicit_list(
    qtbot, ctx, due_org, monkeypatch
):
    dialog = RequirementsDialog(None, ctx)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1
    assert dialog.name.text() == "Induction"
    dialog.new()
    dialog.name.setText("Forklift licence")
    dialog.course.setCurrentIndex(dialog.course.findData(due_org["course"].id))
    dialog.repeats.setChecked(True)
    dialog.months.setValue(24)
    dialog.by_list.setChecked(True)
    assert dialog.save()
    saved = [r for r in requirements.list_requirements(ctx.db) if r.name == "Forklift licence"]
    assert saved
    assert saved[0].recurrence_months == 24
    assert saved[0].explicit
    assert dialog.members.add_button.isEnabled()
    from iltdesk.views.dialogs import learner_picker

    monkeypatch.setattr(
        learner_picker.LearnerPickerDialog,
        "ask",
        classmethod(lambda cls, parent, ctx, ok_text=None: [due_org["cy"].id]),
    )
    dialog.members.add()
    assert dialog.members.list.count() == 1
    assert requirements.list_members(ctx.db, saved[0].id)[0][2] == "cy@example.com"
    # A typed start date that is not a date is not saved silently.
    dialog.starts_on.edit.setText("31/02/2027")
    assert dialog.changed()


def test_leaving_a_changed_requirement_asks(qtbot, ctx, due_org, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    dialog = RequirementsDialog(None, ctx)
    qtbot.addWidget(dialog)
    dialog.name.setText("Induction (new hires)")
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a: QMessageBox.StandardButton.Save)
    )
    dialog.new()
    assert [r.name for r in requirements.list_requirements(ctx.db)] == ["Induction (new hires)"]


def test_scans_dropped_on_the_session_window_and_the_evidence_pack(
    qtbot, ctx, tmp_path, monkeypatch
):
    session = completed_session(ctx.db)
    window = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(window)
    scan = tmp_path / "signed-day1.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    fake = tmp_path / "notes.pdf"
    fake.write_bytes(b"not a pdf at all")
    reports = []
    monkeypatch.setattr(
        session_evidence,
        "show_scan_report",
        lambda p, text, problems: reports.append((text, problems)),
    )
    window.scans_dropped([scan, fake])
    assert reports[0][0] == "1 scan attached."
    assert "notes.pdf is not a PDF, JPEG or PNG file" in reports[0][1][0]
    assert [s.file_name for s in evidence.scans(ctx.db, session.id)] == ["signed-day1.png"]
    target = tmp_path / "pack.zip"
    monkeypatch.setattr(document_preview, "ask_save_path", lambda *a: target)
    written = []
    monkeypatch.setattr(session_evidence, "show_pack_written", lambda p, path: written.append(path))
    window.documents.pack_action.trigger()
    qtbot.waitUntil(lambda: written == [target], timeout=30_000)
    with zipfile.ZipFile(target) as pack:
        manifest = json.loads(pack.read("manifest.json"))
        names = pack.namelist()
    assert any(n.endswith("signed-day1.png") for n in names)
    assert any("No sign-in sheet" in note for note in manifest.get("notes", []))
    # The History tab tells the session's story in words.
    window.show()
    window.tabs.setCurrentWidget(window.history)
    qtbot.waitUntil(lambda: window.history.model.rowCount() > 0, timeout=5_000)
    texts = [window.history.model.row_at(r).text for r in range(window.history.model.rowCount())]
    assert texts[0] == f"{ctx.db.actor} attached the signed-sheet scan signed-day1.png to day 1"
    assert any(t.endswith("marked Zoë Müller Present on day 1") for t in texts)
    assert any("scheduled the session: 5 places, times in Europe/London" in t for t in texts)


def test_verify_register_and_audit_check_from_the_tools_menu(
    qtbot, ctx, tmp_path, monkeypatch, qtmodeltester
):
    from iltdesk.services.register import register as read_register

    completed_session(ctx.db)
    code = read_register(ctx.db, date(2026, 12, 2))[0].code
    verify = tools_menu.VerifyDialog(None, ctx)
    qtbot.addWidget(verify)
    verify.code.setText(code.lower())
    verify.check.click()
    assert f"{code}: Valid" in verify.answer.text()
    verify.code.setText("NOPE-NOPE")
    verify.check.click()
    assert "No certificate has the code NOPE-NOPE" in verify.answer.text()
    register = tools_menu.RegisterDialog(None, ctx)
    qtbot.addWidget(register)
    qtbot.waitUntil(lambda: register.model.rowCount() == 3, timeout=10_000)
    qtmodeltester.check(register.model)
    # Held as plain tuples, which the cyclic collector stops walking (223,191 RegisterRow
    # instances made one of its full passes hold the window 120 ms as the register opened).
    gc.collect()
    gc.collect()
    assert not any(gc.is_tracked(row) for row in register.model.rows())
    assert register.count.text() == "3 certificates"
    register.table.horizontalHeader().resizeSection(1, 333)  # the user widens a column
    register.search.setText(code[:9].lower())
    qtbot.waitUntil(lambda: register.model.rowCount() == 1, timeout=10_000)
    assert register.table.horizontalHeader().sectionSize(1) == 333  # searching keeps it
    assert register_row(register.model.row_at(0)).code == code
    assert register.count.text() == "1 of 3 certificates"
    # The CSV is the list as searched; the web page publishes every certificate for checking.
    listed = tmp_path / "register.csv"
    monkeypatch.setattr(document_preview, "ask_save_path", lambda *a: listed)
    register.csv_button.click()
    qtbot.waitUntil(listed.exists, timeout=10_000)
    lines = listed.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2
    assert code in lines[1]
    assert register.count.text() == f"1 certificate written to {listed}."
    target = tmp_path / "register.html"
    monkeypatch.setattr(document_preview, "ask_save_path", lambda *a: target)
    register.html_button.click()
    qtbot.waitUntil(target.exists, timeout=10_000)
    page = target.read_text(encoding="utf-8")
    assert all(row.code in page for row in read_register(ctx.db, date(2026, 12, 2)))
    assert register.count.text() == f"3 certificates written to {target}."
    register.reject()  # Close: the collector, paused while the register is open, runs again
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    help_menu = window.menuBar().addMenu("Help")
    tools = tools_menu.ToolsMenu(window, ctx, help_menu.menuAction())
    said = []
    monkeypatch.setattr(
        tools_menu, "show_chain_check", lambda p, intact, text: said.append((intact, text))
    )
    tools.audit_action.trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert said[0][0] is True
    assert "The audit trail is intact" in said[0][1]


def test_a_closed_register_lets_go_of_its_rows(qtbot, ctx):
    """Tools › Certificate register: closed, it is deleted and drops its rows. Left hidden as
    the window's child, it kept 223,191 rows alive, and every later full collection walked
    them (~30 ms each, found while making a session's certificates); each opening added more.
    """
    from PySide6.QtWidgets import QMainWindow
    from shiboken6 import isValid

    completed_session(ctx.db)
    window = QMainWindow()
    qtbot.addWidget(window)
    help_menu = window.menuBar().addMenu("Help")
    tools = tools_menu.ToolsMenu(window, ctx, help_menu.menuAction())
    register = tools.register()
    qtbot.waitUntil(lambda: register.model.rowCount() == 3, timeout=10_000)
    # Open, the register holds the collector (its rows would only be walked, never freed).
    assert not gc.isenabled()
    model = register.model
    register.reject()  # Close
    qtbot.waitUntil(lambda: not isValid(register), timeout=5000)  # deleted
    assert model.rowCount() == 0
    assert gc.isenabled()
    assert not window.findChildren(tools_menu.RegisterDialog)
    verify = tools.verify()
    with qtbot.waitSignal(verify.destroyed, timeout=5000):
        verify.reject()


def test_the_register_model_passes_the_model_tester(qtmodeltester, ctx):
    from iltdesk.services.register import register_rows

    completed_session(ctx.db)
    model = RegisterTableModel()
    model.set_rows(register_rows(ctx.db, date(2026, 12, 2)))
    qtmodeltester.check(model)
    assert DueTableModel().columnCount() == 6
    assert ComplianceTableModel().columnCount() == 0
    assert model.index(0, 5).data(Qt.ItemDataRole.DisplayRole) in ("Valid", "Expired")

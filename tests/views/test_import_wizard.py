"""The roster import wizard, driven like a coordinator would: file to committed roster, undo."""

from __future__ import annotations

import threading

import openpyxl
import pytest

from iltdesk.domain.enums import EnrollmentStatus as E
from iltdesk.services import enrollment
from iltdesk.services import learners
from iltdesk.services import roster_import
from iltdesk.views.dialogs import import_wizard
from iltdesk.views.dialogs.import_pages import file_page
from iltdesk.views.dialogs.import_pages import preview_page
from iltdesk.views.dialogs.import_wizard import COLUMNS
from iltdesk.views.dialogs.import_wizard import DONE
from iltdesk.views.dialogs.import_wizard import FILE
from iltdesk.views.dialogs.import_wizard import PREVIEW
from iltdesk.views.dialogs.import_wizard import SHEET
from iltdesk.views.dialogs.import_wizard import TARGET
from iltdesk.views.dialogs.import_wizard import ImportWizard
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session
from tests.fixtures.rosters import csv_bytes
from tests.fixtures.rosters import messy_workbook
from tests.fixtures.ui import threads_calling


def _advance(qtbot, wizard, page_id):
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == page_id, timeout=15_000)


@pytest.fixture
def wizard_for(qtbot, ctx):
    def make(**kw):
        wizard = ImportWizard(ctx, None, **kw)
        qtbot.addWidget(wizard)
        wizard.show()
        return wizard

    return make


def _save_rows_with_problems(qtbot, wizard, report, monkeypatch):
    """Press "Save rows with problems…" (the save dialog answers `report`); the sheet written.

    Written off the GUI thread: thousands of rows, and openpyxl's first import.
    """
    from iltdesk.documents import problem_report

    monkeypatch.setattr(preview_page, "ask_save_path", lambda *a: report)
    written_on = threads_calling(monkeypatch, problem_report, "save_problem_report")
    wizard.preview_page.save_problems.click()
    qtbot.waitUntil(lambda: wizard.saved_report == report, timeout=10_000)
    assert written_on
    assert threading.main_thread() not in written_on
    assert "Saved" in wizard.preview_page.details.text()
    return openpyxl.load_workbook(report).active


def test_walk_from_file_to_committed_roster_then_undo(
    qtbot, ctx, wizard_for, tmp_path, monkeypatch
):
    session = make_session(ctx.db, capacity=4)
    path = messy_workbook(tmp_path / "hr.xlsx")
    monkeypatch.setattr(file_page, "ask_roster_file", lambda parent: path)
    wizard = wizard_for(session_id=session.id)
    assert wizard.currentId() == FILE
    wizard.file_page.browse()
    assert wizard.file_page.path.text() == str(path)
    # An earlier import of the file is looked up off the GUI thread.
    looked_up_on = threads_calling(monkeypatch, roster_import, "earlier_import")
    _advance(qtbot, wizard, SHEET)
    assert looked_up_on
    assert threading.main_thread() not in looked_up_on
    assert wizard.sheet_page.sheets.currentItem().text().startswith("Training export")
    assert wizard.sheet_page.sheets.count() == 2
    _advance(qtbot, wizard, COLUMNS)
    page = wizard.columns_page
    assert page.header_spin.value() == 4
    assert not page.text_options.isVisibleTo(page)
    assert [c.currentData() for c in page.combos][:4] == [
        "employee_id",
        "first_name",
        "last_name",
        "email",
    ]
    # Unmap the email column: the wizard says why it cannot go on.
    email = page.combos[3]
    email.setCurrentIndex(0)
    assert not page.isComplete()
    assert "Email" in page.error.text()
    email.setCurrentIndex(email.findData("email"))
    assert page.isComplete()
    _advance(qtbot, wizard, TARGET)
    assert wizard.target_page.enrol.isChecked()
    assert wizard.target_page.session.currentData() == session.id
    # The preview's rows are made with the plan, off the GUI thread.
    made_on = threads_calling(monkeypatch, import_wizard, "preview_rows")
    _advance(qtbot, wizard, PREVIEW)
    assert made_on
    assert threading.main_thread() not in made_on
    preview = wizard.preview_page
    assert "6 new learners" in preview.counts.text()
    assert "2 rows with problems" in preview.counts.text()
    assert "4 enrolled · 2 to the waitlist" in preview.counts.text()
    assert preview.model.rowCount() == 9
    preview.only_problems.setChecked(True)
    assert preview.model.rowCount() == 3  # two rejected, one merged duplicate
    report = tmp_path / "back to HR.xlsx"
    sheet = _save_rows_with_problems(qtbot, wizard, report, monkeypatch)
    assert sheet.max_row == 3
    assert sheet.cell(1, sheet.max_column).value == "What is wrong"
    # The mapping is kept for the next file like it, off the GUI thread.
    remembered_on = threads_calling(monkeypatch, roster_import, "remember_mapping")
    _advance(qtbot, wizard, DONE)
    assert "Imported" in wizard.done_page.summary.text()
    assert remembered_on
    assert threading.main_thread() not in remembered_on
    parsed = wizard.parsed
    assert roster_import.remembered_mapping(ctx.db, parsed.headers) == parsed.mapping
    roster = enrollment.roster(ctx.db, session.id)
    assert [r.status for r in roster].count(E.ENROLLED) == 4
    waitlist = sorted(
        (r.waitlist_position, r.first_name) for r in roster if r.status is E.WAITLISTED
    )
    assert waitlist == [(1, '=HYPERLINK("x")'), (2, "Cached")]  # file order
    wizard.done_page.undo_button.click()
    qtbot.waitUntil(lambda: wizard.undone is not None, timeout=15_000)
    assert "Import undone: 6 learners removed" in wizard.done_page.summary.text()
    assert enrollment.roster(ctx.db, session.id) == []
    assert learners.count_learners(ctx.db) == 0


def test_csv_overrides_and_a_possible_duplicate_decision(qtbot, ctx, wizard_for, tmp_path):
    old = make_learner(ctx.db, "Zoë", "Müller", email="zoe@old.example.com")
    path = tmp_path / "liste.csv"
    rows = [
        ["Name", "E-Mail"],
        ["Müller, Zoë", "zoe@new.example.com"],
        ["Lee, Ann", "ann@example.com"],
    ]
    path.write_bytes(csv_bytes(rows, delimiter=";", encoding="cp1252"))
    wizard = wizard_for(path=path)
    _advance(qtbot, wizard, COLUMNS)  # one sheet: straight to the columns
    page = wizard.columns_page
    assert page.text_options.isVisibleTo(page)
    assert page.header_spin.value() == 3
    # Force the wrong separator, see one column, then go back to detection.
    page.delimiter.setCurrentIndex(page.delimiter.findData(","))
    page.delimiter.activated.emit(page.delimiter.currentIndex())
    qtbot.waitUntil(lambda: wizard.source.delimiter == ",", timeout=10_000)
    assert not page.isComplete()  # one column per line: no email, no name to map
    page.delimiter.setCurrentIndex(0)
    page.delimiter.activated.emit(0)
    qtbot.waitUntil(lambda: wizard.source.delimiter == ";", timeout=10_000)
    assert [c.currentData() for c in page.combos] == ["full_name", "email"]
    _advance(qtbot, wizard, TARGET)
    assert wizard.target_page.directory.isChecked()
    _advance(qtbot, wizard, PREVIEW)
    preview = wizard.preview_page
    assert "1 possible duplicate to decide" in preview.counts.text()
    preview.view.selectRow(0)
    assert preview.selected().values["first_name"] == "Zoë"  # in file order
    assert preview.decision.isVisibleTo(preview)
    use_old = preview.decision.findData(old.id)
    assert use_old > 0
    preview.decision.setCurrentIndex(use_old)
    preview.decision.activated.emit(use_old)
    qtbot.waitUntil(lambda: "1 updated" in preview.counts.text(), timeout=10_000)
    _advance(qtbot, wizard, DONE)
    assert learners.get_learner(ctx.db, old.id).email == "zoe@new.example.com"
    assert learners.count_learners(ctx.db) == 2


def test_a_bad_file_stays_on_the_first_page_with_a_sentence(qtbot, wizard_for, tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    wizard = wizard_for(path=path)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.file_page.error.isVisibleTo(wizard.file_page), timeout=10_000)
    assert "is empty" in wizard.file_page.error.text()
    assert wizard.currentId() == FILE


def test_cancelling_the_import_changes_nothing(qtbot, ctx, wizard_for, tmp_path):
    from tests.fixtures.rosters import plain_workbook
    from tests.fixtures.rosters import simple_rows

    path = plain_workbook(tmp_path / "big.xlsx", simple_rows(6000))
    wizard = wizard_for(path=path)
    _advance(qtbot, wizard, COLUMNS)
    _advance(qtbot, wizard, TARGET)
    _advance(qtbot, wizard, PREVIEW)
    assert "6,000 new learners" in wizard.preview_page.counts.text()
    wizard.next()  # Import …
    wizard.progress.cancel()  # … and the user presses Cancel at once
    page = wizard.preview_page
    qtbot.waitUntil(lambda: not wizard.busy, timeout=30_000)
    assert wizard.currentId() == PREVIEW
    assert page.error.text() == "Cancelled. Nothing was changed."
    assert learners.count_learners(ctx.db) == 0


def test_dropping_a_roster_on_the_main_window_opens_the_wizard(qtbot, ctx, tmp_path, monkeypatch):
    from PySide6.QtCore import QMimeData
    from PySide6.QtCore import QPointF
    from PySide6.QtCore import Qt
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDropEvent

    from iltdesk.views.main_window import MainWindow

    path = messy_workbook(tmp_path / "hr.xlsx")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    opened = []
    monkeypatch.setattr(
        import_wizard, "open_import_wizard", lambda ctx, parent, **kw: opened.append(kw)
    )
    mime = QMimeData()
    mime.setUrls(
        [QUrl.fromLocalFile(str(tmp_path / "notes.txt.pdf")), QUrl.fromLocalFile(str(path))]
    )
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert opened == [{"path": path}]


def test_a_hostile_workbook_is_refused_on_the_first_page(qtbot, wizard_for, tmp_path):
    from tests.faults import hostile

    path = hostile.xlsx(
        tmp_path / "far.xlsx",
        hostile.sheet_xml([("A1", "Name"), ("XFD90000", "x")], dimension="A1:XFD90000"),
    )
    wizard = wizard_for(path=path)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.file_page.error.isVisibleTo(wizard.file_page), timeout=10_000)
    assert "at most 256 columns" in wizard.file_page.error.text()
    assert wizard.currentId() == FILE


def test_the_collector_waits_while_the_wizard_holds_a_sheet(qtbot, ctx, wizard_for, tmp_path):
    """A wizard holding 50,000 rows, their plan and preview was walked by every full collection
    (40-60 ms of frozen window each, nothing freed): the collector waits while it is open, and
    runs again once it has let go of them, whether it finished or was closed with its window."""
    import gc

    from PySide6.QtWidgets import QWidget

    from tests.fixtures.rosters import plain_workbook
    from tests.fixtures.rosters import simple_rows

    assert gc.isenabled()
    path = plain_workbook(tmp_path / "hr.xlsx", simple_rows(40))
    wizard = wizard_for(path=path)
    assert not gc.isenabled()
    for page in (COLUMNS, TARGET, PREVIEW):
        _advance(qtbot, wizard, page)
    assert len(wizard.preview) == 40
    assert not gc.isenabled()
    wizard.reject()  # Cancel
    assert gc.isenabled()
    assert wizard.preview == []
    assert wizard.parsed is None
    assert wizard.source is None
    assert wizard.preview_page.model.rowCount() == 0

    window = QWidget()
    ImportWizard(ctx, window, path=path)  # never finished: its window closes under it
    assert not gc.isenabled()
    window.deleteLater()
    qtbot.waitUntil(gc.isenabled, timeout=5000)


def test_an_undo_of_one_learner_and_one_place_says_so():
    from iltdesk.domain.imports import UndoResult
    from iltdesk.views.dialogs.import_pages.common import undo_summary

    one = UndoResult(1, 0, 0, 0, 1, 0, 0)
    assert undo_summary(one) == "Import undone: 1 learner removed, 0 restored, 1 place removed."
    several = UndoResult(3, 0, 2, 0, 2, 0, 1)
    assert undo_summary(several) == (
        "Import undone: 3 learners removed, 2 restored, 3 places removed."
    )

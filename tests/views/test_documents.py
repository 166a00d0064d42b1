"""Documents from the session window: preview, save, print to a device, workbook round trip."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.printing import CertificateDesign
from iltdesk.services import attendance
from iltdesk.services import enrollment
from iltdesk.services.attendance import MarkSpec
from iltdesk.views import session_documents
from iltdesk.views.dialogs import document_preview
from iltdesk.views.session_detail import SessionDetailDialog
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session
from tests.fixtures.ui import press_save


@pytest.fixture
def detail(qtbot, ctx):
    course = make_course(ctx.db, title="Forklift Safety")
    session = make_session(
        ctx.db, course.id, days=(day_spec(date(2026, 2, 2), "09:00", "12:00", "UTC"),), zone="UTC"
    )
    for name in ("Adams", "Brown"):
        enrollment.enroll_learner(ctx.db, session.id, make_learner(ctx.db, "A", name).id)
    window = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(window)
    return window


def mark_everyone_present(ctx, detail):
    """Everyone on the roster attended the (single) day: they all complete."""
    day = detail.row.days[0]
    attendance.record_marks(
        ctx.db,
        detail.session_id,
        [
            MarkSpec(r.enrollment_id, day.id, AttendanceStatus.PRESENT)
            for r in enrollment.roster(ctx.db, detail.session_id)
        ],
    )


@pytest.fixture
def previews(monkeypatch):
    shown = []
    monkeypatch.setattr(
        document_preview,
        "show_pdf",
        lambda parent, title, pdf, name, on_output=None: shown.append((title, pdf, name)),
    )
    return shown


def finish(qtbot, detail):
    """Documents are built off the GUI thread: wait for the worker and its reply."""
    detail.documents.tasks.wait_for_done()
    qtbot.wait(10)  # the queued result reaches the GUI thread


def test_signin_and_guide_open_in_the_preview(qtbot, detail, previews):
    detail.documents.signin(None)
    qtbot.waitUntil(lambda: len(previews) == 1)
    detail.documents.guide()
    qtbot.waitUntil(lambda: len(previews) == 2)
    assert [p[0] for p in previews] == ["Sign-in sheets", "Facilitator guide"]
    assert all(p[1].startswith(b"%PDF") for p in previews)
    assert previews[0][2].endswith(".pdf")


def test_certificates_are_issued_then_previewed(qtbot, ctx, detail, previews):
    mark_everyone_present(ctx, detail)
    announced = []
    ctx.changes_applied.connect(announced.append)
    detail.documents.certificates(CertificateDesign.MODERN)
    qtbot.waitUntil(lambda: len(previews) == 1)
    assert previews[0][0] == "2 certificates · 2 newly issued"
    assert announced  # the runner announced the issued certificates itself
    detail.documents.certificates(CertificateDesign.CLASSIC)
    qtbot.waitUntil(lambda: len(previews) == 2)
    assert previews[1][0] == "2 certificates"  # the same codes, nothing new


def test_certificates_build_off_the_gui_thread_with_progress_and_cancel(
    qtbot, ctx, detail, previews
):
    """Each page reports progress; a cancel stops the build and nothing is previewed."""
    import threading

    from iltdesk.documents import certificates as documents

    mark_everyone_present(ctx, detail)
    threads, gui = [], threading.current_thread()
    real = documents.build_certificates_pdf

    def watched(docs, design, paper, step=None):
        threads.append(threading.current_thread())
        return real(docs, design, paper, step)

    documents.build_certificates_pdf = watched
    try:
        progress = detail.documents.certificates(CertificateDesign.CLASSIC)
        qtbot.waitUntil(lambda: len(previews) == 1)
    finally:
        documents.build_certificates_pdf = real
    assert threads
    assert threads[0] is not gui
    assert progress.snapshot()[:2] == (2, 2)  # page 2 of 2 reported
    go = threading.Event()

    def held(docs, design, paper, step=None):
        go.wait(5)  # until the user has pressed Cancel
        return real(docs, design, paper, step)

    documents.build_certificates_pdf = held
    try:
        progress = detail.documents.certificates(CertificateDesign.CLASSIC)
        progress.cancel()
        go.set()
        finish(qtbot, detail)
    finally:
        documents.build_certificates_pdf = real
    assert len(previews) == 1  # cancelled at the first page: no preview, no error dialog


def test_preview_dialog_renders_saves_and_prints(qtbot, detail, tmp_path, monkeypatch):
    from iltdesk.documents.signin import build_signin_pdf
    from iltdesk.services import printing

    pdf = build_signin_pdf(printing.signin_sheets(detail.ctx.db, detail.session_id))
    dialog = document_preview.DocumentPreviewDialog(None, "Sheets", pdf, "sheets.pdf")
    qtbot.addWidget(dialog)
    assert dialog.document.pageCount() == 1
    assert dialog.pages.text() == "1 page"
    image = dialog.document.render(0, QSize(400, 560))
    assert not image.isNull()
    target = tmp_path / "saved.pdf"
    monkeypatch.setattr(document_preview, "ask_save_path", lambda *a: target)
    assert dialog.save_as() == target
    assert target.read_bytes() == pdf
    canvas = QImage(800, 1100, QImage.Format.Format_RGB32)
    canvas.fill(0xFFFFFF)
    dialog.render_to(canvas)  # the same drawing a printer receives
    assert any(
        canvas.pixelColor(x, y).lightness() < 128
        for x in range(0, 800, 7)
        for y in range(0, 1100, 7)
    )


def test_workbook_out_and_back_in(qtbot, ctx, detail, tmp_path, monkeypatch):
    target = tmp_path / "att.xlsx"
    monkeypatch.setattr(document_preview, "ask_save_path", lambda *a: target)
    detail.documents.export_workbook()
    qtbot.waitUntil(lambda: detail.documents.last_output == target)
    book = load_workbook(target)
    grid = book.worksheets[1]
    grid["D4"] = "Present"
    grid["D5"] = "Absent"
    book.save(target)
    monkeypatch.setattr(session_documents, "ask_open_workbook", lambda parent: target)
    asked = []
    monkeypatch.setattr(
        session_documents,
        "confirm_attendance_import",
        lambda parent, plan: asked.append(plan) or True,
    )
    detail.documents.read_back()
    qtbot.waitUntil(lambda: len(asked) == 1)
    assert len(asked[0].changes) == 2
    statuses = sorted(r.status for r in enrollment.roster(ctx.db, detail.session_id))
    assert statuses == sorted([EnrollmentStatus.COMPLETED, EnrollmentStatus.NO_SHOW])
    assert detail.attendance_model.data(detail.attendance_model.index(0, 1)) in ("P", "A")


def test_the_question_before_reading_back_says_what_was_left_out(qtbot):
    from iltdesk.services.workbooks import AttendanceImportPlan

    problems = ("sheet “Grid”, row 4: Ann was marked Absent in ILT Desk after this workbook…",)
    box = session_documents.attendance_import_box(None, AttendanceImportPlan((), 3, problems))
    qtbot.addWidget(box)
    assert box.text() == "0 marks will change."
    assert box.informativeText() == "1 cell was left out; Show Details… says why."
    assert box.detailedText().endswith("Left out:\n" + problems[0])
    clean = session_documents.attendance_import_box(None, AttendanceImportPlan((), 3, ()))
    qtbot.addWidget(clean)
    assert clean.informativeText() == ""


def test_signin_options_dialog_saves_and_validates(qtbot, ctx, detail):
    from PySide6.QtCore import Qt

    from iltdesk.domain.printing import SignInColumn
    from iltdesk.services import printing
    from iltdesk.views.dialogs.signin_options import SignInOptionsDialog

    dialog = SignInOptionsDialog(None, ctx, detail.session_id)
    qtbot.addWidget(dialog)
    for i in range(dialog.columns.count()):
        dialog.columns.item(i).setCheckState(Qt.CheckState.Unchecked)
    press_save(dialog)
    assert "at least one column" in dialog.error.text()
    dialog.columns.item(0).setCheckState(Qt.CheckState.Checked)  # name
    dialog.columns.item(1).setCheckState(Qt.CheckState.Checked)  # employee ID
    dialog.headings[0].setText("Funder ref")
    dialog.blank_rows.setValue(8)
    dialog.landscape.setChecked(True)
    press_save(dialog)
    saved = printing.signin_options(ctx.db, detail.session_id)
    assert saved.columns == (SignInColumn.NAME, SignInColumn.EMPLOYEE_ID)
    assert saved.custom_headings == ("Funder ref",)
    assert saved.blank_rows == 8
    assert saved.landscape


def test_revoke_and_reissue_from_the_certificates_dialog(qtbot, ctx, detail, monkeypatch):
    from iltdesk.services import certificates
    from iltdesk.views.dialogs import certificates_dialog

    mark_everyone_present(ctx, detail)
    certificates.issue_certificates(ctx.db, detail.session_id)
    dialog = certificates_dialog.CertificatesDialog(None, ctx, detail.session_id)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    first = dialog.rows[0].code
    monkeypatch.setattr(certificates_dialog, "ask_reason", lambda *a: "Name corrected")
    dialog.table.selectRow(0)
    dialog.reissue()
    codes = {r.code for r in dialog.rows}
    assert first not in codes
    assert len(codes) == 2
    dialog.table.selectRow(0)
    dialog.revoke()
    assert dialog.table.rowCount() == 1


def test_certificates_saved_as_a_zip_of_per_learner_files(
    qtbot, ctx, detail, tmp_path, monkeypatch
):
    import zipfile

    mark_everyone_present(ctx, detail)
    target = tmp_path / "certs.zip"
    monkeypatch.setattr(document_preview, "ask_save_path", lambda *a: target)
    detail.documents.certificates_zip()
    qtbot.waitUntil(lambda: detail.documents.last_output == target)
    names = zipfile.ZipFile(target).namelist()
    assert len(names) == 2
    assert all(n.endswith(".pdf") for n in names)


def test_todays_sign_in_sheets_are_read_and_drawn_off_the_gui_thread(qtbot, ctx, monkeypatch):
    """File › Print today's sign-in sheets: every room's sheet in one preview, made on a
    worker (it read the sessions and drew the PDF on the GUI thread); none today, a sentence."""
    import threading
    from datetime import UTC
    from datetime import datetime

    from PySide6.QtWidgets import QMessageBox

    from iltdesk.documents import signin
    from iltdesk.views.main_window import MainWindow
    from tests.fixtures.builders import make_room
    from tests.fixtures.ui import threads_calling

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda *args: said.append(args[2]))
    window.today_action.trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert said == ["No session meets in a room today."]

    today = datetime.now(UTC).date()
    room = make_room(ctx.db, name="Harbour Room")
    course = make_course(ctx.db, title="Ladder Safety")
    session = make_session(
        ctx.db,
        course.id,
        zone="UTC",
        room_id=room.id,
        days=(day_spec(today, "09:00", "17:00", "UTC"),),
    )
    enrollment.enroll_learner(ctx.db, session.id, make_learner(ctx.db, "Ann", "Lee").id)
    drawn_on = threads_calling(monkeypatch, signin, "build_signin_pdf")
    previewed = []
    monkeypatch.setattr(document_preview, "show_pdf", lambda *args: previewed.append(args))
    window.today_action.trigger()
    qtbot.waitUntil(lambda: bool(previewed), timeout=10_000)
    assert previewed[0][2].startswith(b"%PDF")
    assert drawn_on
    assert threading.main_thread() not in drawn_on

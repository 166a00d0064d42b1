"""`make screenshots`: render the main screens on demo data, offscreen, into a folder.

Run as `python -m iltdesk.views.screenshots OUTPUT_DIR` with QT_QPA_PLATFORM=offscreen. Uses a
throwaway database and preferences, so the user's own data is never touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QWidget

    from iltdesk.views.context import AppContext
    from iltdesk.views.dialogs.import_wizard import ImportWizard
    from iltdesk.views.main_window import MainWindow
    from iltdesk.views.session_detail import SessionDetailDialog

    Shot = Callable[[QWidget, str], None]  # grabs a widget into the file of that name

TODAY = date(2026, 11, 28)


def render(output: Path, language: str) -> list[Path]:
    """Render the main screens on demo data in `language`; returns the files."""
    from iltdesk import formatting
    from iltdesk import i18n
    from iltdesk.app import make_application
    from iltdesk.app import open_database_file
    from iltdesk.app import translate_qt
    from iltdesk.services import scheduling
    from iltdesk.services.demo import load_demo
    from iltdesk.services.material_store import MaterialStore
    from iltdesk.settings import Preferences
    from iltdesk.views.context import AppContext
    from iltdesk.views.main_window import MainWindow

    app = make_application()
    i18n.install(language)
    formatting.set_locale("de_DE" if language == "de" else "en_GB")
    translate_qt(app, language)  # as the app starts: Qt's calendar and dialogs in it too
    work = Path(tempfile.mkdtemp(prefix="iltdesk-shots-"))
    db = open_database_file(work / "demo.sqlite3")
    written: list[Path] = []
    try:
        load_demo(db, today=TODAY)
        ctx = AppContext(db, Preferences(work / "prefs.json"), MaterialStore(work / "m"))
        window = MainWindow(ctx)
        window.resize(1280, 760)
        window.show()
        suffix = "" if language == "en" else f"-{language}"

        def shot(widget: QWidget, name: str) -> None:
            for _round in range(3):  # let screens computed off the GUI thread arrive
                window.tasks.wait_for_done()
                app.processEvents()
            path = output / f"{name}{suffix}.png"
            widget.grab().save(str(path))
            written.append(path)

        shot(window, "home")
        window.show_screen("sessions")
        window.sessions.when.setCurrentIndex(window.sessions.when.findData("all"))
        shot(window, "sessions")
        window.sessions.view_mode.setCurrentIndex(window.sessions.view_mode.findData("month"))
        first = scheduling.list_sessions(db)[20]
        start = first.days[0].start
        from PySide6.QtCore import QDate

        window.sessions.month.calendar.setSelectedDate(QDate(start.year, start.month, start.day))
        shot(window, "sessions-calendar")
        window.sessions.view_mode.setCurrentIndex(0)
        busy = max(scheduling.list_sessions(db), key=lambda s: s.enrolled + s.waitlisted)
        detail = session_window(window, busy.id)
        detail.resize(960, 640)
        shot(detail, "session-roster")
        window.show_screen("compliance")
        shot(window, "compliance")
        if language != "en":
            return written
        _dialogs_and_details(window, ctx, work, shot)
        _reports_and_outbox(window, ctx, shot, busy.id)
        for widget in app.topLevelWidgets():
            widget.close()
        return written
    finally:
        db.close()
        i18n.install("en")
        from PySide6.QtCore import QLocale

        QLocale.setDefault(QLocale("en_GB"))


def session_window(window: MainWindow, session_id: int) -> SessionDetailDialog:
    """Open the window on a session and wait for it (its data is read off the GUI thread)."""
    from PySide6.QtWidgets import QApplication

    window.sessions.open_session(session_id)
    for _round in range(100):
        detail = window.sessions.detail(session_id)
        if detail is not None and detail.isVisible():
            return detail
        window.sessions.tasks.wait_for_done()
        QApplication.processEvents()
    raise RuntimeError(f"the window on session {session_id} did not open")


def _dialogs_and_details(window: MainWindow, ctx: AppContext, work: Path, shot: Shot) -> None:
    """The session editor, attendance grid, courses, learners, agenda, preferences, import."""
    from iltdesk.services import catalogue
    from iltdesk.services import scheduling
    from iltdesk.views.dialogs.course_editor import CourseEditorDialog
    from iltdesk.views.dialogs.preferences import PreferencesDialog

    db = ctx.db
    from iltdesk.views.dialogs.session_editor import SessionEditorDialog

    upcoming = next(
        s for s in scheduling.list_sessions(db) if s.status.value in ("planned", "confirmed")
    )
    editor_dialog = SessionEditorDialog(window, ctx, upcoming)
    editor_dialog.show()
    shot(editor_dialog, "session-editor")
    editor_dialog.close()
    past = next(
        s for s in scheduling.list_sessions(db) if len(s.days) > 1 and s.status.value == "completed"
    )
    detail = session_window(window, past.id)
    detail.resize(960, 640)
    detail.tabs.setCurrentIndex(1)
    shot(detail, "attendance-grid")
    detail.tabs.setCurrentWidget(detail.feedback)
    shot(detail, "session-feedback")
    from iltdesk.views.dialogs.feedback_entry import FeedbackEntryDialog

    assert detail.feedback.found is not None
    entry = FeedbackEntryDialog(detail, ctx, past.id, detail.feedback.found.form)
    for column, value in enumerate(("", "5", "4", "4", "5", "5", "9", "The role plays"), start=0):
        if value:
            entry.model.setData(entry.model.index(0, column), value)
    entry.show()
    shot(entry, "feedback-entry")
    entry.close()
    window.show_screen("courses")
    shot(window, "courses")
    window.show_screen("learners")
    window.learners.search.setText("mü")
    window.learners.apply_filter()
    window.learners.table.selectRow(0)
    shot(window, "learners")
    course = catalogue.list_courses(db)[1]
    editor = CourseEditorDialog(window, ctx, course)
    editor.resize(820, 600)
    editor.tabs.setCurrentIndex(2)
    editor.show()
    shot(editor, "agenda-builder")
    editor.close()
    prefs = PreferencesDialog(window, ctx)
    prefs.show()
    shot(prefs, "preferences")
    prefs.close()
    wizard = import_preview(ctx, work)
    wizard.show()
    shot(wizard, "import-wizard")
    wizard.close()


def _reports_and_outbox(window: MainWindow, ctx: AppContext, shot: Shot, session_id: int) -> None:
    """Four reports, then the outbox with a few messages for `session_id` in it."""
    from iltdesk.views.reports_view import ReportsPage

    reports_page = window.show_screen("reports")
    assert isinstance(reports_page, ReportsPage)
    for row, name in (
        (0, "report-attendance"),
        (3, "report-instructor-hours"),
        (4, "report-cost"),
        (7, "report-feedback"),
    ):
        reports_page.list.setCurrentRow(row)
        shot(window, name)
    reports_page.list.setCurrentRow(5)
    reports_page.group.setCurrentIndex(reports_page.group.findData("month"))
    reports_page.refresh()
    shot(window, "report-fill-by-month")
    outbox_page(ctx, session_id)
    window.show_screen("outbox")
    shot(window, "outbox")


def import_preview(ctx: AppContext, work: Path) -> ImportWizard:
    """The import wizard's preview page on an HR-style sheet with a few problems in it."""
    from openpyxl import Workbook

    from iltdesk.importers.reading import read_file
    from iltdesk.models.imports import preview_rows
    from iltdesk.services import roster_import
    from iltdesk.views.dialogs.import_wizard import PREVIEW
    from iltdesk.views.dialogs.import_wizard import ImportWizard

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Training nominations — Q1"])
    sheet.append([])
    sheet.append(["Emp #", "Given Name", "Surname", "E-mail Address", "Dept.", "Office"])
    rows = [
        ("007", "Zoë", "Müller", "zoe.mueller@example.com", "Sales", "Berlin"),
        ("1042", "Liam", "O’Brien", "liam.obrien@example.com", "Operations", "Dublin"),
        ("1043", "ZOË", "MÜLLER", "ZOE.MUELLER@example.com", "Sales", "Berlin"),
        ("1044", "Priya", "Natarajan", "priya.natarajan@example", "Finance", "London"),
        ("1045", "", "", "no.name@example.com", "HR", "London"),
        ("1046", "Mateo", "García", "mateo.garcia@example.com", "Legal", "Madrid"),
    ]
    for row in rows:
        sheet.append(list(row))
    path = work / "HR nominations.xlsx"
    book.save(path)
    source = read_file(path)
    wizard = ImportWizard(ctx, None)
    wizard.set_source((source, None))
    wizard.set_parsed(roster_import.prepare(ctx.db, source))
    assert wizard.parsed is not None
    plan = roster_import.plan_import(ctx.db, wizard.parsed)
    wizard.set_plan((plan, preview_rows(wizard.parsed, plan)))
    wizard.setStartId(PREVIEW)
    wizard.resize(1000, 560)
    return wizard


def outbox_page(ctx: AppContext, session_id: int) -> None:
    """A few messages in the outbox: confirmations for one session, one refused by the server."""
    from iltdesk.domain.enums import MessageKind
    from iltdesk.services import outbox

    outbox.set_mail_settings(
        ctx.db,
        {
            "mail.sender_address": "training@example.com",
            "mail.sender_name": "Training Team",
            "mail.transport": "drafts",
            "mail.drafts_folder": str(Path(tempfile.mkdtemp(prefix="iltdesk-drafts-"))),
        },
    )
    composed = outbox.compose(
        ctx.db,
        MessageKind.CONFIRMATION,
        session_id,
        fallback_language=str(ctx.prefs.get("locale")),
    )
    ids = outbox.queue(ctx.db, composed.drafts).value
    settings = outbox.mail_settings(ctx.db)
    outbox.send_queue(
        ctx.db, outbox.make_transport(settings), settings.sender_address, only=ids[:-3]
    )


def main() -> int:
    """`make screenshots`: every screen, in English and German."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    output = Path(sys.argv[1] if len(sys.argv) > 1 else "build/screenshots")
    output.mkdir(parents=True, exist_ok=True)
    os.environ["ILTDESK_HOME"] = tempfile.mkdtemp(prefix="iltdesk-shots-home-")
    written = render(output, "en") + render(output, "de")
    for path in written:
        print(path)  # noqa: T201 - a command-line tool reporting its files
    return 0


if __name__ == "__main__":
    sys.exit(main())

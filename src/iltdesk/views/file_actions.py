"""The File menu's own work: printing the list on screen and today's sheets, backups, checks."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QWidget

from iltdesk.domain.rows import Problem
from iltdesk.i18n import _
from iltdesk.services import health
from iltdesk.services import maintenance
from iltdesk.services.maintenance import BackupInfo
from iltdesk.tasks.runner import Progress
from iltdesk.views.context import AppContext
from iltdesk.views.errors import show_task_error
from iltdesk.views.modal import run_modal

if TYPE_CHECKING:
    from iltdesk.views.main_window import MainWindow


class FileActions:
    """Print, back up, list backups and check the database, for the main window."""

    def __init__(self, window: MainWindow, ctx: AppContext) -> None:
        self.window = window
        self.ctx = ctx

    def print_current_list(self) -> None:
        """Print the table on screen as it is filtered and sorted, through the print dialog."""
        page = self.window.stack.currentWidget()
        table = getattr(page, "table", None)
        if table is None or table.model() is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog
        from PySide6.QtPrintSupport import QPrinter

        document = table_document(table.model(), self.window.nav.currentItem().text())
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if run_modal(QPrintDialog(printer, self.window)) == QPrintDialog.DialogCode.Accepted:
            document.print_(printer)

    def print_todays_sheets(self) -> Progress:
        """Every room's sign-in sheet for today in one preview, ready to print.

        Read and drawn off the GUI thread (the first PDF of a run also imports reportlab).
        """
        db, options = self.ctx.db, self.ctx.prefs.document_options()

        def work(_progress: Progress) -> bytes | None:
            from iltdesk.documents.signin import build_signin_pdf
            from iltdesk.services import printing

            sheets = printing.todays_signin_sheets(db, **options)
            return build_signin_pdf(sheets) if sheets else None

        def done(pdf: bytes | None) -> None:
            from iltdesk.views.dialogs import document_preview

            if pdf is None:
                QMessageBox.information(
                    self.window,
                    _("Today's sign-in sheets"),
                    _("No session meets in a room today."),
                )
                return
            document_preview.show_pdf(
                self.window, _("Today's sign-in sheets"), pdf, "sign-in-today.pdf"
            )

        return self.window.tasks.run(
            work, title=_("Today's sign-in sheets"), on_done=done, on_error=self._failed
        )

    def back_up_now(self) -> None:
        def done(info: BackupInfo | None) -> None:
            if info is not None:
                self.window.statusBar().showMessage(
                    _("Backup written to {path} and verified.").format(path=info.path), 8000
                )

        # On a file: a verified copy in its backup folder; on a server: a pg_dump.
        self.window.tasks.run(
            lambda _p: maintenance.back_up_now(self.ctx.db),
            title=_("Backing up…"),
            on_done=done,
            on_error=self._failed,
        )

    def check_database(self) -> None:
        self.window.tasks.run(
            lambda _p: health.check_database(self.ctx.db),
            title=_("Checking the database…"),
            on_done=self._show_problems,
            on_error=self._failed,
        )

    def _show_problems(self, problems: list[Problem]) -> None:
        note = health.checked_by_server(self.ctx.db)
        lead = [note] if note else []
        if problems:
            QMessageBox.warning(
                self.window,
                _("Check database"),
                "\n".join([*lead, *(p.message for p in problems[:20])]),
            )
        else:
            QMessageBox.information(
                self.window, _("Check database"), "\n\n".join([*lead, _("No problems found.")])
            )

    def show_backups(self) -> QWidget | None:
        from iltdesk.views.dialogs.backups_dialog import BackupsDialog

        if self.ctx.db.path is None:
            QMessageBox.information(
                self.window,
                _("Backups"),
                _("A database server keeps its own backups (pg_dump); there are none here."),
            )
            return None
        dialog = BackupsDialog(
            self.window, self.ctx.db.path, str(self.ctx.prefs.get("default_timezone"))
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def connect_team_database(self) -> None:
        """Choose a team database on a server (or the own file again); ILT Desk restarts on it."""
        from iltdesk.views.dialogs.connect_dialog import ConnectDialog
        from iltdesk.views.dialogs.preferences import restart_app

        chosen = ConnectDialog.ask(self.window, self.ctx.prefs)
        if chosen is not None:
            restart_app(database_changed=True)

    def save_local_copy(self) -> None:
        """The whole database into a new file, for a training room without network."""
        from PySide6.QtWidgets import QFileDialog

        suggested = Path.home() / "iltdesk-copy.sqlite3"
        chosen, _filter = QFileDialog.getSaveFileName(
            self.window,
            _("Save a local copy"),
            str(suggested),
            _("ILT Desk database (*.sqlite3)"),
        )
        if not chosen:
            return
        self.window.tasks.run(
            lambda _p: maintenance.save_local_copy(self.ctx.db, Path(chosen), force=True),
            title=_("Saving a local copy…"),
            on_done=lambda target: self.window.statusBar().showMessage(
                _("A copy of the database was saved to {path}.").format(path=target)
            ),
            on_error=self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        show_task_error(self.window, error)


def table_document(model: QAbstractItemModel, title: str) -> QTextDocument:
    """The rows of a table model as a printable document (headers, every row in view order)."""
    columns = model.columnCount()
    head = "".join(
        f"<th align='left'>{escape(str(model.headerData(c, Qt.Orientation.Horizontal) or ''))}</th>"
        for c in range(columns)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td>{escape(str(model.index(r, c).data() or ''))}</td>" for c in range(columns))
        + "</tr>"
        for r in range(model.rowCount())
    )
    document = QTextDocument()
    document.setHtml(
        f"<h2>{escape(title)}</h2><table border='1' cellspacing='0' cellpadding='4'>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
    return document

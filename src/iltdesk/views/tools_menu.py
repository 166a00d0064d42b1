"""The Tools menu: requirements, certificate verification and register, the audit check.

Each entry opens a small window or runs a check off the GUI thread; the command line has the
same (`iltdesk requirements`, `verify`, `certificates register`, `audit verify`).
"""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QMainWindow
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.collector import CollectorPause
from iltdesk.collector import paused_collector
from iltdesk.domain.enums import CertificateStatus
from iltdesk.domain.register import REG_CODE
from iltdesk.domain.register import REG_COURSE
from iltdesk.domain.register import REG_COURSE_CODE
from iltdesk.domain.register import REG_EMAIL
from iltdesk.domain.register import REG_LEARNER
from iltdesk.domain.register import REG_STATUS
from iltdesk.domain.register import RegisterRow
from iltdesk.domain.register import RegisterTuple
from iltdesk.domain.register import register_row
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.tasks.runner import CancelledError
from iltdesk.tasks.runner import TaskRunner
from iltdesk.views.context import AppContext
from iltdesk.views.errors import show_error
from iltdesk.views.errors import show_task_error
from iltdesk.views.widgets import CLOSE
from iltdesk.views.widgets import ERROR_COLOUR
from iltdesk.views.widgets import after_first_paint
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import fit_columns
from iltdesk.views.widgets import open_dialog
from iltdesk.views.widgets import worker_sorter


def _today(ctx: AppContext) -> date:
    from iltdesk.services.compliance import today_in

    return today_in(str(ctx.prefs.get("default_timezone")))


def verdict(row: RegisterRow | None, code: str) -> str:
    """What a verification says, in one or two sentences."""
    if row is None:
        return _("No certificate has the code {code}.").format(code=code)
    until = (
        _("valid until {date}").format(date=formatting.format_date(row.expires_on))
        if row.expires_on
        else _("no expiry")
    )
    head = _("{code}: {status}. {learner}, {course} ({course_code}), issued {issued}, {until}.")
    text = head.format(
        code=row.code,
        status=row.status.label(),
        learner=row.learner,
        course=row.course,
        course_code=row.course_code,
        issued=formatting.format_date(row.issued_on),
        until=until,
    )
    if row.status is CertificateStatus.REVOKED and row.revoke_reason:
        text += " " + _("Revoked: {reason}.").format(reason=row.revoke_reason)
    if row.replaced_by:
        text += " " + _("Replaced by {code}.").format(code=row.replaced_by)
    return text


class VerifyDialog(QDialog):
    """Type or scan a certificate's code; the answer appears as you press Check."""

    def __init__(self, parent: QWidget | None, ctx: AppContext) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Verify certificate"))
        self.resize(520, 200)
        self.code = QLineEdit()
        self.code.setPlaceholderText(_("Code, such as K7QX-M2PD-9WRT"))
        self.code.setAccessibleName(_("Certificate code"))
        self.check = QPushButton(_("&Check"))
        self.check.setDefault(True)
        self.check.clicked.connect(self.verify)
        self.code.returnPressed.connect(self.verify)
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.code, 1)
        row.addWidget(self.check)
        buttons = button_box(self, CLOSE)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.answer, 1)
        layout.addWidget(buttons)

    def verify(self) -> None:
        from iltdesk.services.register import verify_code

        code = "".join(self.code.text().split()).upper()
        if not code:
            self.answer.setText(_("Type the code printed on the certificate."))
            return
        found = self.ctx.attempt(self, lambda: verify_code(self.ctx.db, code, _today(self.ctx)))
        self.answer.setText(verdict(found, code))
        valid = found is not None and found.status is CertificateStatus.VALID
        self.answer.setStyleSheet("" if valid else f"color: {ERROR_COLOUR}")


SEARCH_DELAY_MS = 200  # the register searches once typing pauses


def search_text(row: RegisterTuple) -> str:
    """What the register's search looks in, folded: code, learner, email, course, status."""
    status = CertificateStatus(row[REG_STATUS]).label()
    texts = (row[REG_CODE], row[REG_LEARNER], row[REG_EMAIL], row[REG_COURSE_CODE], row[REG_COURSE])
    return " ".join((*texts, status)).casefold()


class RegisterDialog(QDialog):
    """Every certificate with its status; search by code, learner or course; export."""

    def __init__(self, parent: QWidget | None, ctx: AppContext) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tasks = TaskRunner(self)
        self.rows: list[RegisterTuple] = []
        self.setWindowTitle(_("Certificate register"))
        self.resize(960, 560)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by code, learner or course…"))
        self.search.setClearButtonEnabled(True)
        from iltdesk.models.compliance import RegisterTableModel  # on first use: start-up

        # Years of certificates run to hundreds of thousands: the search and the sort work on
        # the rows below Qt, off the GUI thread (a sorting proxy held the window 24 s when it
        # opened on 223,191 certificates, and 5.6 s per keystroke).
        self.model = RegisterTableModel(self)
        self.model.sort_off_thread(worker_sorter(self.tasks, self, _("Sorting the register…")))
        self._keys: list[str] = []  # each row's searchable text, folded
        self._searches = 0  # a newer search wins
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.table = QTableView()
        self.table.setModel(self.model)
        # Newest first, as read, until the user sorts by a column.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(_("Certificate register"))
        self.count = QLabel()
        self.csv_button = QPushButton(_("Export &CSV…"))
        self.csv_button.setToolTip(_("The certificates listed, as searched and sorted"))
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.html_button = QPushButton(_("Export &web page…"))
        self.html_button.setToolTip(
            _(
                "One HTML page of every certificate, searchable by code, that needs no server: "
                "publish it where the verification link on certificates points (Preferences)"
            )
        )
        self.html_button.clicked.connect(lambda: self.export("html"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.count, 1)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.html_button)
        close = button_box(self, CLOSE)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(close)
        # The collector waits while the register is open, as the import wizard does: reading
        # 223,191 certificates set off seven full collections of 23-40 ms (each holding the
        # interpreter, and so the window) that could free none of them, and a first pass
        # after a pause only around the reading took ~100 ms. Closed, the rows go by their
        # reference counts and the collector runs again.
        self._collector_pause = CollectorPause()
        self.destroyed.connect(self._collector_pause.end)  # closed without finishing, too
        self.finished.connect(self._let_go)
        after_first_paint(self, self.load)  # the read would slow the window's first paint

    def _let_go(self) -> None:
        """Closed: drop the rows now (~25 ms for 223,191), not in some later collection."""
        self._searches += 1  # a search still running finds nobody to show its rows to
        self.rows, self._keys = [], []
        self.model.set_rows([])
        self._collector_pause.end()

    def load(self) -> None:
        from iltdesk.services.register import register_rows

        db, today = self.ctx.db, _today(self.ctx)

        def work(_progress: object) -> tuple[list[RegisterTuple], list[str]]:
            rows = register_rows(db, today)
            return rows, [search_text(row) for row in rows]

        self.tasks.run(
            work,
            title=_("Reading the register…"),
            on_done=lambda found: self._loaded(*found),
            on_error=self._failed,
        )

    def _loaded(self, rows: list[RegisterTuple], keys: list[str]) -> None:
        self.rows, self._keys = rows, keys
        self.apply_search()

    def apply_search(self) -> None:
        """Show the certificates whose code, learner, email, course or status hold the text."""
        self._searches += 1
        search = self._searches
        text = self.search.text().strip().casefold()
        rows, keys, model = self.rows, self._keys, self.model
        order = model.sort_order()

        def work(_progress: object) -> list[RegisterTuple]:
            shown = [r for r, key in zip(rows, keys, strict=True) if text in key] if text else rows
            return model.ordered(shown, order)

        def done(shown: list[RegisterTuple]) -> None:
            if search != self._searches:
                return
            self.model.set_rows(shown, ordered_by=order)
            if search == 1:  # sized once, on the first rows: later the user's widths stand
                fit_columns(self.table)
            total = formatting.format_number(len(rows))
            self.count.setText(
                ngettext("{n} certificate", "{n} certificates", len(rows)).format(n=total)
                if len(shown) == len(rows)
                else ngettext(
                    "{shown} of {total} certificate", "{shown} of {total} certificates", len(rows)
                ).format(shown=formatting.format_number(len(shown)), total=total)
            )

        self.tasks.run(
            work, title=_("Searching the register…"), on_done=done, on_error=self._failed
        )

    def _failed(self, error: BaseException) -> None:
        show_task_error(self, error)

    def export(self, kind: str) -> None:
        from iltdesk.views.dialogs.document_preview import ask_save_path

        label = _("CSV files (*.csv)") if kind == "csv" else _("Web pages (*.html)")
        target = ask_save_path(self, _("Export the register"), f"register.{kind}", label)
        if target is None:
            return
        # The CSV is the list on screen; the web page is for checking any code, so it is whole.
        rows = self.model.rows() if kind == "csv" else list(self.rows)
        zone = str(self.ctx.prefs.get("default_timezone"))
        organisation = str(self.ctx.prefs.get("organisation_name"))

        def work(_progress: object) -> Path:
            from iltdesk.documents.files import write_atomic
            from iltdesk.documents.register import register_csv
            from iltdesk.documents.register import register_html

            # Rows for the writers, let go of once written: the collector need not walk them.
            with paused_collector():
                certificates = [register_row(row) for row in rows]
                if kind == "csv":
                    data = register_csv(certificates)
                else:
                    data = register_html(
                        certificates, datetime.now(UTC), zone, organisation=organisation
                    )
                del certificates
            return write_atomic(target, data, kind=kind, force=True)

        self.tasks.run(
            work,
            title=_("Exporting the register…"),
            on_done=lambda path: self.count.setText(
                ngettext(
                    "{n} certificate written to {path}.",
                    "{n} certificates written to {path}.",
                    len(rows),
                ).format(n=formatting.format_number(len(rows)), path=path)
            ),
            on_error=self._failed,
        )


def show_chain_check(parent: QWidget, intact: bool, sentence: str) -> None:
    """The audit check's answer (the one place tests patch)."""
    if intact:
        QMessageBox.information(parent, _("Audit trail"), sentence)
    else:
        QMessageBox.warning(parent, _("Audit trail"), sentence)


class ToolsMenu:
    """Builds the Tools menu of the main window and carries out its entries."""

    def __init__(self, window: QMainWindow, ctx: AppContext, before: QAction) -> None:
        self.window = window
        self.ctx = ctx
        self.tasks = TaskRunner(window)
        menu = QMenu(_("&Tools"), window)
        window.menuBar().insertMenu(before, menu)
        self.menu = menu
        self.requirements_action = menu.addAction(_("&Requirements…"), self.requirements)
        menu.addSeparator()
        self.verify_action = menu.addAction(_("&Verify certificate…"), self.verify)
        self.register_action = menu.addAction(_("Certificate &register…"), self.register)
        menu.addSeparator()
        self.audit_action = menu.addAction(_("Check the &audit trail"), self.check_audit)

    def requirements(self) -> None:
        from iltdesk.views.dialogs.requirements import RequirementsDialog

        RequirementsDialog.ask(self.window, self.ctx)

    def verify(self) -> QDialog:
        return open_dialog(VerifyDialog(self.window, self.ctx))

    def register(self) -> QDialog:
        return open_dialog(RegisterDialog(self.window, self.ctx))

    def check_audit(self) -> None:
        from iltdesk.services import audit

        db = self.ctx.db
        self.tasks.run(
            lambda _progress: audit.verify(db),
            title=_("Checking the audit trail…"),
            on_done=lambda check: show_chain_check(self.window, check.intact, check.sentence()),
            on_error=lambda error: (
                None if isinstance(error, CancelledError) else show_error(self.window, error)
            ),
        )

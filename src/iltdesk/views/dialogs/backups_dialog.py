"""File › Backups…: every backup with its time, size and reason; restore, look inside, reveal.

Restoring replaces the database file, so it happens after ILT Desk has closed it: the choice is
noted on the application, the window closes, `app.run_gui` restores the backup (moving the
current file aside, kept) and starts ILT Desk again, which says what happened.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QProcess
from PySide6.QtCore import QProcessEnvironment
from PySide6.QtCore import Qt
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.i18n import _
from iltdesk.services import backups
from iltdesk.services.backups import BackupRow
from iltdesk.views.widgets import fit_columns

RESTORE_PROPERTY = "iltdesk_restore"  # on the application: the backup to restore after quitting


def ask_restore(parent: QWidget | None, row: BackupRow, database: Path, zone: str) -> bool:
    """Confirm a restore (the one place tests patch)."""
    when = formatting.format_datetime(row.taken_at, zone)
    answer = QMessageBox.question(
        parent,
        _("Restore backup"),
        _(
            "Replace the database with the backup from {when}? The current file is moved "
            "aside and kept beside it, and ILT Desk starts again."
        ).format(when=when)
        + "\n\n"
        + str(database),
    )
    return answer == QMessageBox.StandardButton.Yes


def request_restore(backup: Path) -> None:
    """Quit, restore `backup` once the database is closed, and start again."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setProperty(RESTORE_PROPERTY, str(backup))
        app.closeAllWindows()
        app.quit()


def open_copy(row: BackupRow, label: str) -> Path:
    """Look inside a backup: a copy of it opens in a second ILT Desk; nothing flows back."""
    folder = Path(tempfile.mkdtemp(prefix="iltdesk-backup-copy-"))
    copy = folder / row.path.name
    shutil.copyfile(row.path, copy)
    process = QProcess()
    process.setProgram(sys.executable)
    module = [] if getattr(sys, "frozen", False) else ["-m", "iltdesk"]
    process.setArguments([*module, "--db", str(copy)])
    from iltdesk.app import NOTICE_VARIABLE

    env = QProcessEnvironment.systemEnvironment()
    env.insert(NOTICE_VARIABLE, label)
    process.setProcessEnvironment(env)
    process.startDetached()
    return copy


class BackupsDialog(QDialog):
    """The dialog; modeless, opened from File › Backups…."""

    def __init__(self, parent: QWidget | None, database: Path, zone: str) -> None:
        super().__init__(parent)
        self.database = database
        self.zone = zone
        self.setWindowTitle(_("Backups"))
        self.resize(760, 440)
        intro = QLabel(
            _(
                "Backups of {path}. ILT Desk takes one at start-up when data changed, before "
                "every upgrade and import, and when you ask; each is checked when it is taken."
            ).format(path=database)
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("Taken"), _("Why"), _("Size"), _("Check")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.restore_button = QPushButton(_("&Restore…"))
        self.open_button = QPushButton(_("&Look inside"))
        self.open_button.setToolTip(_("Open a copy of the backup in a second window"))
        self.check_button = QPushButton(_("&Check"))
        self.reveal_button = QPushButton(_("Show in &folder"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.open_button.clicked.connect(self.open_selected)
        self.check_button.clicked.connect(self.check_selected)
        self.reveal_button.clicked.connect(self.reveal)
        buttons = QHBoxLayout()
        for button in (self.restore_button, self.open_button, self.check_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.reveal_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.reload()

    def reload(self) -> None:
        self.rows = backups.list_backups(self.database)
        self.table.setRowCount(len(self.rows))
        for index, row in enumerate(self.rows):
            size = _("{n} KB").format(n=formatting.format_number(row.size // 1024))
            cells = (
                formatting.format_datetime(row.taken_at, self.zone),
                row.reason_label,
                size,
                _("Checked when taken"),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(index, column, item)
        fit_columns(self.table)
        if self.rows:
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> BackupRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        for button in (self.restore_button, self.open_button, self.check_button):
            button.setEnabled(chosen)

    def check_selected(self) -> list[str]:
        row = self.selected()
        if row is None:
            return []
        problems = backups.check_backup(row.path)
        text = _("Sound") if not problems else _("Damaged: {problem}").format(problem=problems[0])
        self.table.setItem(self.table.currentRow(), 3, QTableWidgetItem(text))
        return problems

    def restore_selected(self) -> bool:
        row = self.selected()
        if row is None or not ask_restore(self, row, self.database, self.zone):
            return False
        if self.check_selected():
            QMessageBox.warning(
                self,
                _("Restore backup"),
                _("This backup is damaged; it was not restored. Choose an older one."),
            )
            return False
        request_restore(row.path)
        return True

    def open_selected(self) -> Path | None:
        row = self.selected()
        if row is None:
            return None
        label = _("A copy of the backup from {when}: changes made here are not kept.").format(
            when=formatting.format_datetime(row.taken_at, self.zone)
        )
        return open_copy(row, label)

    def reveal(self) -> None:
        folder = backups.backup_folder(self.database)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

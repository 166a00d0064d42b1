"""Past roster imports, newest first, each of which can be undone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.imports import ImportBatchRow
from iltdesk.domain.imports import UndoResult
from iltdesk.i18n import _
from iltdesk.models.imports import ImportBatchesTableModel
from iltdesk.services import roster_import
from iltdesk.tasks.runner import TaskRunner
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs.import_wizard import undo_summary
from iltdesk.views.errors import error_text
from iltdesk.views.widgets import CLOSE
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import make_table


class ImportHistoryDialog(QDialog):
    """Earlier roster imports, each with Undo."""

    def __init__(self, ctx: AppContext, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tasks = TaskRunner(self, ctx)
        self.setWindowTitle(_("Import history"))
        self.resize(860, 420)
        self.model = ImportBatchesTableModel(self)
        self.view = make_table(self.model, _("Imports"), fit=True)
        self.view.selectionModel().selectionChanged.connect(self._update)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.undo_button = QPushButton(_("&Undo this import"))
        self.undo_button.clicked.connect(self.undo_selected)
        buttons = button_box(self, CLOSE)
        buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        ctx.changes_applied.connect(self._on_changes)
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(roster_import.list_import_batches(self.ctx.db))
        if self.model.rowCount():
            self.view.selectRow(0)
        self._update()

    def selected(self) -> ImportBatchRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update(self, *_args: object) -> None:
        row = self.selected()
        self.undo_button.setEnabled(row is not None and row.undone_at is None)

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(Entity.IMPORT):
            self.reload()

    def undo_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.undo_button.setEnabled(False)

        def done(undone: UndoResult) -> None:
            self.message.setText(undo_summary(undone))

        def failed(error: BaseException) -> None:
            self.message.setText(error_text(error))
            self._update()

        self.tasks.run_op(
            lambda _p: roster_import.undo_import(self.ctx.db, row.id),
            title=_("Undoing the import"),
            on_done=done,
            on_error=failed,
        )


def open_import_history(ctx: AppContext, parent: QWidget | None) -> ImportHistoryDialog:
    """Open the import history beside the window."""
    dialog = ImportHistoryDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog

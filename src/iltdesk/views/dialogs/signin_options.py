"""Choose a session's sign-in sheet columns and layout (remembered as the new default)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QListWidgetItem
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QWidget

from iltdesk.domain.printing import MAX_CUSTOM_HEADINGS
from iltdesk.domain.printing import SignInColumn
from iltdesk.domain.printing import SignInOptions
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.services import printing
from iltdesk.views.context import AppContext
from iltdesk.views.modal import run_modal
from iltdesk.views.widgets import SAVE_CANCEL
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import error_label


class SignInOptionsDialog(QDialog):
    """The dialog; use `ask`."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, session_id: int) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session_id = session_id
        self.setWindowTitle(_("Sign-in sheet options"))
        current = printing.signin_options(ctx.db, session_id)
        self.columns = QListWidget()
        self.columns.setAccessibleName(_("Columns"))
        for column in SignInColumn:
            item = QListWidgetItem(column.label())
            item.setData(Qt.ItemDataRole.UserRole, column.value)
            item.setCheckState(
                Qt.CheckState.Checked if column in current.columns else Qt.CheckState.Unchecked
            )
            self.columns.addItem(item)
        self.headings = [
            QLineEdit(current.custom_headings[i] if i < len(current.custom_headings) else "")
            for i in range(MAX_CUSTOM_HEADINGS)
        ]
        for edit in self.headings:
            edit.setPlaceholderText(_("e.g. Funder reference"))
        self.blank_rows = QSpinBox()
        self.blank_rows.setRange(0, 100)
        self.blank_rows.setValue(current.blank_rows)
        self.landscape = QCheckBox(_("Landscape"))
        self.landscape.setChecked(current.landscape)
        self.error = error_label()
        form = QFormLayout(self)
        form.addRow(_("&Columns"), self.columns)
        for number, edit in enumerate(self.headings, start=1):
            form.addRow(_("Own heading {n}").format(n=number), edit)
        form.addRow(_("&Blank rows for walk-ins"), self.blank_rows)
        form.addRow("", self.landscape)
        form.addRow(self.error)
        buttons = button_box(self, SAVE_CANCEL, self._save)
        form.addRow(buttons)
        self.saved: SignInOptions | None = None

    def options(self) -> SignInOptions:
        chosen = tuple(
            SignInColumn(self.columns.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.columns.count())
            if self.columns.item(i).checkState() == Qt.CheckState.Checked
        )
        headings = tuple(e.text().strip() for e in self.headings if e.text().strip())
        return SignInOptions(chosen, headings, self.blank_rows.value(), self.landscape.isChecked())

    def _save(self) -> None:
        options = self.options()
        try:
            self.ctx.apply(printing.save_signin_options(self.ctx.db, self.session_id, options))
        except UserError as error:
            self.error.setText(str(error))
            return
        self.saved = options
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext, session_id: int) -> SignInOptions | None:
        dialog = cls(parent, ctx, session_id)
        return dialog.saved if run_modal(dialog) == QDialog.DialogCode.Accepted else None

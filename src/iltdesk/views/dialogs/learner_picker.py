"""Find learners by typing and pick one or more to enrol."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.i18n import _
from iltdesk.models.learners import LearnersTableModel
from iltdesk.services import learners
from iltdesk.views.context import AppContext
from iltdesk.views.modal import run_modal
from iltdesk.views.widgets import MANY
from iltdesk.views.widgets import make_table


class LearnerPickerDialog(QDialog):
    """Search the directory and pick learners."""

    def __init__(self, parent: QWidget | None, ctx: AppContext) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Add learners"))
        self.resize(640, 480)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Type a name or email…"))
        self.search.setClearButtonEnabled(True)
        self.model = LearnersTableModel(
            lambda text, limit, offset: learners.search_learners(
                ctx.db, text, limit=limit, offset=offset
            ),
            self,
        )
        self.view = make_table(self.model, _("Learners"), selection=MANY)
        self.view.doubleClicked.connect(self.accept)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(lambda: self.model.set_filter(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._timer.start())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("&Enrol"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.view)
        self.hint = QLabel(_("Select several with Ctrl or Shift."))
        layout.addWidget(self.hint)
        layout.addWidget(buttons)

    def chosen(self) -> list[int]:
        return [self.model.row_at(i.row()).id for i in self.view.selectionModel().selectedRows()]

    @classmethod
    def ask_one(cls, parent: QWidget | None, ctx: AppContext, title: str) -> int | None:
        """One learner, for what is about a single person (a transcript)."""
        dialog = cls(parent, ctx)
        dialog.setWindowTitle(title)
        dialog.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        dialog.hint.hide()
        dialog.ok.setText(_("&Choose"))
        if run_modal(dialog) == QDialog.DialogCode.Accepted and dialog.chosen():
            return dialog.chosen()[0]
        return None

    @classmethod
    def ask(
        cls, parent: QWidget | None, ctx: AppContext, ok_text: str | None = None
    ) -> list[int] | None:
        dialog = cls(parent, ctx)
        if ok_text:
            dialog.ok.setText(ok_text)
        if run_modal(dialog) == QDialog.DialogCode.Accepted:
            return dialog.chosen()
        return None

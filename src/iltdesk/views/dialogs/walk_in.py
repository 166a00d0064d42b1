"""Quick entry of someone who turned up without being enrolled."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QWidget

from iltdesk.domain.specs import LearnerSpec
from iltdesk.i18n import _
from iltdesk.views.modal import run_modal
from iltdesk.views.widgets import OK_CANCEL
from iltdesk.views.widgets import button_box


class WalkInDialog(QDialog):
    """A learner who turns up unannounced: find them or type them in."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Walk-in"))
        self.first = QLineEdit()
        self.last = QLineEdit()
        self.email = QLineEdit()
        self.department = QLineEdit()
        form = QFormLayout(self)
        form.addRow(_("&First name"), self.first)
        form.addRow(_("&Last name"), self.last)
        form.addRow(_("&Email"), self.email)
        form.addRow(_("&Department"), self.department)
        buttons = button_box(self, OK_CANCEL)
        form.addRow(buttons)

    def spec(self) -> LearnerSpec:
        return LearnerSpec(
            self.first.text(),
            self.last.text(),
            self.email.text(),
            department=self.department.text(),
        )

    @classmethod
    def ask(cls, parent: QWidget | None) -> LearnerSpec | None:
        dialog = cls(parent)
        return dialog.spec() if run_modal(dialog) == QDialog.DialogCode.Accepted else None

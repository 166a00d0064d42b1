"""What the Compliance screen asks and tells in small dialogs (each the one place tests patch)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.i18n import _
from iltdesk.views.modal import run_modal
from iltdesk.views.widgets import OK_CANCEL
from iltdesk.views.widgets import button_box


def ask_reason(parent: QWidget, title: str, prompt: str) -> str | None:
    """A reason typed by the user (the one place tests patch)."""
    from iltdesk.views.dialogs.certificates_dialog import ask_reason as ask

    return ask(parent, title, prompt)


def show_enrol_report(parent: QWidget, text: str) -> None:
    """Where everyone went (the one place tests patch)."""
    QMessageBox.information(parent, _("Enrol in a session"), text)


def ask_reminder_audience(parent: QWidget) -> tuple[bool, bool] | None:
    """Remind the learners, their managers, or both (the one place tests patch)."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(_("Remind"))
    learners = QCheckBox(_("The &learners, one message each"))
    managers = QCheckBox(_("Their &managers, one summary each"))
    learners.setChecked(True)
    managers.setChecked(True)
    buttons = button_box(dialog, OK_CANCEL)
    layout = QVBoxLayout(dialog)
    for widget in (learners, managers, buttons):
        layout.addWidget(widget)
    if run_modal(dialog) != QDialog.DialogCode.Accepted:
        return None
    return learners.isChecked(), managers.isChecked()

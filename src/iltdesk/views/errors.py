"""Showing errors: a `UserError`'s sentence, or "something went wrong" with the log path."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QWidget

from iltdesk.errors import DamagedDatabaseError
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.logsetup import log_file
from iltdesk.tasks.runner import CancelledError
from iltdesk.views.modal import run_modal

log = logging.getLogger(__name__)


def error_text(error: BaseException) -> str:
    """An error as the user reads it: its sentence, or “Something went wrong” for a bug."""
    if isinstance(error, UserError):
        return str(error)
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    return _("Something went wrong — details were saved to the log: {path}").format(path=log_file())


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """Show an error in a message box; a bug is logged with its traceback."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("ILT Desk"))
    box.setText(error_text(error))
    backups = None
    if isinstance(error, DamagedDatabaseError):  # the way back is a backup: offer it here
        backups = box.addButton(_("Open &Backups…"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
    run_modal(box)
    if backups is not None and box.clickedButton() is backups:
        open_backups()


def open_backups() -> None:
    """File › Backups… of the main window, from wherever the damage was found."""
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        show = getattr(widget, "show_backups", None)
        if show is not None:
            show()
            return


def show_task_error(parent: QWidget | None, error: BaseException) -> None:
    """What stopped a task, shown over `parent`; nothing when the user cancelled it."""
    if not isinstance(error, CancelledError):
        show_error(parent, error)

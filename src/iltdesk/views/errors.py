"""Showing errors: a `UserError`'s sentence, or "something went wrong" with the log path."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.logsetup import log_file

log = logging.getLogger(__name__)


def error_text(error: BaseException) -> str:
    if isinstance(error, UserError):
        return str(error)
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    return _("Something went wrong — details were saved to the log: {path}").format(path=log_file())


def show_error(parent: QWidget | None, error: BaseException) -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("ILT Desk"))
    box.setText(error_text(error))
    box.exec()

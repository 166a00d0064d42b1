"""What to do when the database cannot be opened at start-up: a way back, not a dead end.

A damaged file: restore the newest sound backup (its time shown) or start with an empty
database — either way the damaged file is moved aside and kept. A failed upgrade: restore the
backup taken just before it.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.i18n import _
from iltdesk.services.backups import BackupRow
from iltdesk.views.modal import run_modal


class Recovery(Enum):
    """What the user chose when the database could not be opened."""

    RESTORE = "restore"
    EMPTY = "empty"
    QUIT = "quit"


def ask_recovery(
    parent: QWidget | None, problem: str, newest: BackupRow | None, zone: str
) -> Recovery:
    """Restore, start empty, or quit (the one place tests patch)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("The database cannot be opened"))
    box.setText(problem)
    restore = None
    if newest is not None:
        box.setInformativeText(
            _(
                "The newest sound backup is from {when}. Restore it? The damaged file is moved "
                "aside and kept, so nothing is deleted."
            ).format(when=formatting.format_datetime(newest.taken_at, zone))
        )
        restore = box.addButton(_("&Restore the backup"), QMessageBox.ButtonRole.AcceptRole)
    else:
        box.setInformativeText(
            _("There is no backup of it. The damaged file can be moved aside and kept.")
        )
    empty = box.addButton(_("Start with an &empty database"), QMessageBox.ButtonRole.ResetRole)
    box.addButton(_("&Quit"), QMessageBox.ButtonRole.RejectRole)
    run_modal(box)
    clicked = box.clickedButton()
    if restore is not None and clicked is restore:
        return Recovery.RESTORE
    if clicked is empty:
        return Recovery.EMPTY
    return Recovery.QUIT


def ask_restore_before_upgrade(parent: QWidget | None, problem: str, has_backup: bool) -> bool:
    """After a failed upgrade: restore the backup taken just before it? (then quit)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("The upgrade failed"))
    box.setText(problem)
    restore = None
    if has_backup:
        box.setInformativeText(
            _(
                "You can restore the backup taken just before the upgrade, then keep working "
                "with the previous version of ILT Desk until this is fixed."
            )
        )
        restore = box.addButton(_("&Restore that backup"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("&Quit"), QMessageBox.ButtonRole.RejectRole)
    run_modal(box)
    return restore is not None and box.clickedButton() is restore


def ask_upgrade_server(parent: QWidget | None, problem: str) -> bool:
    """Ask whether to upgrade a team database to this version's schema for everyone."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Upgrade the team database?"))
    box.setText(problem)
    box.setInformativeText(
        _(
            "Upgrade only when every coordinator is ready to move to this version, and after a "
            "backup (pg_dump) of the server. The upgrade runs as one change: if it fails, the "
            "database stays as it was."
        )
    )
    upgrade = box.addButton(_("&Upgrade"), QMessageBox.ButtonRole.AcceptRole)
    quit_button = box.addButton(_("&Quit"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(quit_button)
    run_modal(box)
    return box.clickedButton() is upgrade

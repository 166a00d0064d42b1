"""“Changed by someone else since you opened it”: Reload, Overwrite or Cancel."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.differences import stale_message
from iltdesk.errors import StaleEditError
from iltdesk.i18n import _
from iltdesk.views.modal import run_modal


class StaleChoice(Enum):
    """What the user does with a save refused because the record changed meanwhile."""

    RELOAD = "reload"  # show what is stored now (their own edits are dropped)
    OVERWRITE = "overwrite"  # save their version over the other coordinator's
    CANCEL = "cancel"  # keep the form open, nothing saved


def stale_text(error: StaleEditError, zone: str) -> str:
    """The refusal with the other change's time in the user's zone (the service says UTC)."""
    if error.at is None:
        return str(error)
    return stale_message(error.who, formatting.format_datetime(error.at, zone), error.differences)


def ask_stale(parent: QWidget | None, error: StaleEditError, zone: str = "UTC") -> StaleChoice:
    """Ask what to do; the differences are listed under “Show Details…”."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Changed by someone else"))
    box.setText(stale_text(error, zone))
    box.setInformativeText(
        _(
            "Reload shows what is stored now (your changes are dropped); Overwrite saves your "
            "version over theirs; Cancel keeps your changes in the form."
        )
    )
    if error.differences:
        box.setDetailedText(
            "\n".join(
                _("{field}: you saw “{seen}”, now “{now}”").format(field=f, seen=seen, now=now)
                for f, seen, now in error.differences
            )
        )
    reload = box.addButton(_("&Reload"), QMessageBox.ButtonRole.ResetRole)
    overwrite = box.addButton(_("&Overwrite"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    run_modal(box)
    clicked = box.clickedButton()
    if clicked is reload:
        return StaleChoice.RELOAD
    if clicked is overwrite:
        return StaleChoice.OVERWRITE
    return StaleChoice.CANCEL


def changed_elsewhere(who: str, changes: Changes, kind: Entity, record_id: int | None) -> str:
    """What an open editor says when another coordinator changed its record ("" otherwise).

    Editors connect `ctx.remote_changes` to a method of their own (a bound method: Qt drops
    the connection with the editor, and no closure keeps widgets alive in a cycle).
    """
    if record_id is None or record_id not in changes.ids(kind):
        return ""
    return _(
        "Changed by {who} since you opened it. Saving will ask whether to reload or overwrite."
    ).format(who=who or _("another coordinator"))

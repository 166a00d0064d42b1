"""“Changed by someone else since you opened it”: Reload, Overwrite or Cancel."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from enum import Enum

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget
from shiboken6 import isValid

from iltdesk.domain.changes import Changes, Entity
from iltdesk.errors import StaleEditError
from iltdesk.i18n import _
from iltdesk.views.context import AppContext


class StaleChoice(Enum):
    """What the user does with a save refused because the record changed meanwhile."""

    RELOAD = "reload"  # show what is stored now (their own edits are dropped)
    OVERWRITE = "overwrite"  # save their version over the other coordinator's
    CANCEL = "cancel"  # keep the form open, nothing saved


def ask_stale(parent: QWidget | None, error: StaleEditError) -> StaleChoice:
    """Ask what to do; the differences are listed under “Show Details…”."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Changed by someone else"))
    box.setText(str(error))
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
    box.exec()
    clicked = box.clickedButton()
    if clicked is reload:
        return StaleChoice.RELOAD
    if clicked is overwrite:
        return StaleChoice.OVERWRITE
    return StaleChoice.CANCEL


def watch_record(
    ctx: AppContext, label: QLabel, kind: Entity, record_id: Callable[[], int | None]
) -> None:
    """Show in `label` when another coordinator changes the record an editor has open."""

    def changed(who: str, changes: Changes) -> None:
        current = record_id()
        if current is not None and current in changes.ids(kind) and isValid(label):
            label.setText(
                _(
                    "Changed by {who} since you opened it. Saving will ask whether to reload "
                    "or overwrite."
                ).format(who=who or _("another coordinator"))
            )

    ctx.remote_changes.connect(changed)
    label.destroyed.connect(lambda *_args: _disconnect(ctx, changed))


def _disconnect(ctx: AppContext, slot: Callable[[str, Changes], None]) -> None:
    with contextlib.suppress(RuntimeError, TypeError):  # already gone with the context
        ctx.remote_changes.disconnect(slot)

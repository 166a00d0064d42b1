"""The first run on an empty database: offer a demo organisation, or an empty start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QWidget

from iltdesk.i18n import _
from iltdesk.views.errors import show_task_error
from iltdesk.views.modal import run_modal

if TYPE_CHECKING:
    from iltdesk.views.main_window import MainWindow


def offer_demo_if_empty(window: MainWindow) -> None:
    """On an empty database, ask whether to load the demo (loaded off the GUI thread)."""
    ctx = window.ctx
    # Imported here, after the first screen shows: the window needs neither to paint it.
    from iltdesk.services import catalogue
    from iltdesk.services import scheduling

    if scheduling.list_sessions(ctx.db, limit=1) or catalogue.list_courses(
        ctx.db, include_archived=True
    ):
        return
    if ask_load_demo(window):
        from iltdesk.services.demo import load_demo

        window.tasks.run_op(
            lambda _p: load_demo(ctx.db),
            title=_("Loading demo data…"),
            on_done=lambda _summary: None,
            on_error=lambda error: show_task_error(window, error),
        )


def ask_load_demo(parent: QWidget) -> bool:
    """First run: load the demo organisation (True) or start empty (False)."""
    box = QMessageBox(parent)
    box.setWindowTitle(_("Welcome to ILT Desk"))
    box.setText(
        _(
            "This database is empty. Load a demo organisation to look around, "
            "or start with an empty catalogue?"
        )
    )
    demo = box.addButton(_("Load &demo data"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Start &empty"), QMessageBox.ButtonRole.RejectRole)
    run_modal(box)
    return box.clickedButton() is demo

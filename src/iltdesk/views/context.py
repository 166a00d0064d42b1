"""What every screen needs: the database, preferences, the task runner, and the change relay.

Screens call services with `ctx.db`, then hand the `Changes` to `ctx.apply`, which relays them
to every open screen (each decides whether to refresh). Screens never call each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from iltdesk.domain.changes import Changes
from iltdesk.services.common import Database
from iltdesk.services.common import Outcome
from iltdesk.services.material_store import MaterialStore
from iltdesk.settings import Preferences
from iltdesk.views.errors import show_error

if TYPE_CHECKING:
    from iltdesk.services.dashboard import Overview
    from iltdesk.tasks.early import Early

T = TypeVar("T")


class AppContext(QObject):
    """Shared by the main window and its screens; lives as long as the window."""

    changes_applied = Signal(object)  # Changes
    # Changes another coordinator made on a shared server (after `changes_applied`): who,
    # Changes. Open editors use it to say their record changed underneath them.
    remote_changes = Signal(str, object)

    def __init__(
        self,
        db: Database,
        prefs: Preferences,
        store: MaterialStore,
        first_reading: Early[Overview] | None = None,
    ) -> None:
        super().__init__()
        self.db = db
        self.prefs = prefs
        self.store = store
        self.undo_stack = QUndoStack(self)
        # The home screen's lists, read while the window was built (`app.open_window`); the
        # home screen takes it once, then reads for itself.
        self.first_reading = first_reading

    def apply(self, outcome: Outcome[T]) -> T:
        """Announce what a service call changed and return its value."""
        if outcome.changes:
            self.changes_applied.emit(outcome.changes)
        return outcome.value

    def announce(self, changes: Changes) -> None:
        if changes:
            self.changes_applied.emit(changes)

    def op(
        self,
        parent: QWidget | None,
        call: Callable[[], Outcome[T]],
        *,
        passing: tuple[type[Exception], ...] = (),
    ) -> Outcome[T] | None:
        """Run a service call that changes data and announce its changes; returns the outcome.

        A `UserError` (or a bug) is shown in a dialog instead, and None returned (an outcome
        is returned even when its value is None, so `is None` always means "refused").
        Errors of the `passing` types reach the caller, which has its own answer to them.
        """
        outcome = self.attempt(parent, call, passing=passing)
        if outcome is not None:
            self.apply(outcome)
        return outcome

    def attempt(
        self,
        parent: QWidget | None,
        call: Callable[[], T],
        *,
        passing: tuple[type[Exception], ...] = (),
    ) -> T | None:
        """Run a service call; show a `UserError` (or a bug) in a dialog and return None."""
        try:
            return call()
        except passing:
            raise
        except Exception as error:  # shown to the user; bugs are logged by show_error
            show_error(parent, error)
            return None

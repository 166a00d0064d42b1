"""Work started on a plain thread before Qt is loaded: the first screen's reading.

`iltdesk` opens the database and starts the home screen's reading before it imports PySide6
and the window layer and builds the window (some 150 ms holding the interpreter). The reading
is mostly SQLite, which lets go of the interpreter, so the two overlap and the home screen
fills in as the window first shows. The screen takes the result over with `then` on the GUI
thread, whether it is in already or still to come. Nothing here imports Qt before `then`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any
from typing import Generic
from typing import TypeVar

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

T = TypeVar("T")

log = logging.getLogger(__name__)

_lock = threading.Lock()
# Still to be waited for when the app quits (Any: each has its own result type).
_started: list[Early[Any]] = []


class Early(Generic[T]):
    """`work()` running on its own thread from now on; its result is handed over once."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._lock = threading.Lock()
        # (succeeded, the result or the error raised); Any: T or a BaseException, by the flag.
        self._outcome: tuple[bool, Any] | None = None
        self._arrived: Callable[[], None] | None = None  # wakes the GUI thread once it listens
        self._thread = threading.Thread(
            target=self._run, args=(work,), name="first-reading", daemon=True
        )
        with _lock:
            _started[:] = [e for e in _started if e._thread.is_alive()]
            _started.append(self)
        self._thread.start()

    def _run(self, work: Callable[[], T]) -> None:
        try:
            outcome: tuple[bool, Any] = (True, work())  # Any: as `_outcome`
        except BaseException as error:  # handed to the screen, which says what went wrong
            outcome = (False, error)
        with self._lock:
            self._outcome = outcome
            arrived = self._arrived
        if arrived is not None:
            arrived()

    def then(
        self,
        owner: QObject,
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Hand the result to `owner` on the GUI thread, from its event loop.

        Never at once, even when the result is in: the screen is still being built and wired
        to the window (its "Home (n)" label listens for the count).
        """
        from iltdesk.tasks.runner import relay

        fire = relay(lambda: self._deliver(owner, on_done, on_error))  # queued, any thread
        with self._lock:
            ready = self._outcome is not None
            if not ready:
                self._arrived = fire
        if ready:
            fire()

    def wait(self, seconds: float) -> bool:
        """Wait for the work to end; True when it has."""
        self._thread.join(seconds)
        return not self._thread.is_alive()

    def _deliver(
        self,
        owner: QObject,
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        from shiboken6 import isValid

        outcome, self._outcome = self._outcome, None
        if outcome is None:
            return
        succeeded, value = outcome
        if not isValid(owner):
            if not succeeded:
                log.error("the first screen's reading failed after it closed", exc_info=value)
        elif succeeded:
            on_done(value)
        else:
            on_error(value)


def wait_for_all(seconds: float) -> bool:
    """Wait for every early work still running (the app quits); True when all have ended."""
    with _lock:
        running = list(_started)
    return all(early.wait(seconds) for early in running)

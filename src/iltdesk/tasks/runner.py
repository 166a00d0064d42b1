"""The bridge that runs long work on a worker thread and brings its result back as a signal.

A task is a plain function taking a `Progress`; it reports how far it got and checks
`progress.cancelled` between steps. The progress dialog appears only if the work is still
running after `DIALOG_DELAY_MS`, so quick work never flashes a dialog. Workers never touch
widgets: results and errors come back to the GUI thread through queued signals.

The worker threads belong to one application-wide pool, not to the window that started the
work: a window may close while its task runs (File › Quit while mail is going out). The work
then finishes, its result is not handed to widgets that are gone, and `shutdown()` at exit
cancels what is still running and waits for it before the database closes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from typing import Any
from typing import Protocol
from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtCore import QRunnable
from PySide6.QtCore import Qt
from PySide6.QtCore import QThreadPool
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QProgressDialog
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from iltdesk.domain.changes import Changes
from iltdesk.i18n import _

if TYPE_CHECKING:
    from iltdesk.services.common import Outcome

DIALOG_DELAY_MS = 500
T = TypeVar("T")


class Announcer(Protocol):
    """What tells the open windows that data changed (the application context)."""

    def announce(self, changes: Changes) -> None: ...


log = logging.getLogger(__name__)

_pool: QThreadPool | None = None
_running: set[Progress] = set()  # guarded by the GUI thread
# Signal carriers live here until their task reports back, whatever happens to their window.
_live: set[_Signals] = set()


def _thread_pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(2)
    return _pool


# Jobs started while a screen is built wait for the event loop's next turn (`after_building`).
_holding = False
_held: list[_Job] = []


def _launch(job: _Job) -> None:
    if _holding:
        _held.append(job)
    else:
        _thread_pool().start(job)


def _release_held() -> None:
    while _held:
        _thread_pool().start(_held.pop(0))


# How long the tasks a screen starts as it is built wait: until it has laid out and painted.
# Started in the event loop's next turn, they still ran beside the first paint (its calls into
# Python waiting for them). 60 ms later, the longest first visit of a screen held the GUI
# 23-25 ms where it held it 31-44 (the demo database, bench_gui's screens step one step at
# a time, two runs each).
HOLD_AFTER_BUILDING_MS = 60


@contextmanager
def after_building() -> Iterator[None]:
    """Hold the tasks started inside until what was built has painted.

    A worker running Python beside a screen's building and first paint slowed both (each of
    the window's calls into Python waits for the interpreter); a screen's reading takes far
    longer than the wait. `wait_for_done` starts held tasks at once.
    """
    global _holding
    if _holding:  # already inside
        yield
        return
    _holding = True
    try:
        yield
    finally:
        _holding = False
        if _held:
            QTimer.singleShot(HOLD_AFTER_BUILDING_MS, _release_held)


def shutdown(wait_ms: int = 10_000) -> bool:
    """Cancel every running task and wait for the workers (True when all have stopped).

    Called when the app quits, before the database is closed under them.
    """
    from iltdesk.tasks import early

    for progress in list(_running):
        progress.cancel()
    _release_held()  # cancelled: each settles at once
    first = early.wait_for_all(wait_ms / 1000)  # the first screen's reading, if still going
    if _pool is None:
        return first
    return bool(_pool.waitForDone(wait_ms)) and first


def in_background(work: Callable[[Progress], object]) -> Progress:
    """Run `work` on the pool with no dialog and no reply (warming caches, say).

    Errors are logged, never shown; quitting cancels it and waits, like any task.
    """
    progress = Progress()
    signals = _Signals()
    _running.add(progress)
    _live.add(signals)

    def settled(result: object) -> None:
        _running.discard(progress)
        _live.discard(signals)
        signals.deleteLater()  # see `_Signals`
        if isinstance(result, BaseException) and not isinstance(result, CancelledError):
            log.warning("background work failed", exc_info=result)

    signals.finished.connect(settled, Qt.ConnectionType.QueuedConnection)
    signals.failed.connect(settled, Qt.ConnectionType.QueuedConnection)
    _launch(_Job(work, progress, signals))
    return progress


class _Relay(QObject):
    fired = Signal()


_relays: set[_Relay] = set()  # alive until fired


def relay(callback: Callable[[], None]) -> Callable[[], None]:
    """A function any thread may call, once, to run `callback` on the GUI thread."""
    carrier = _Relay()
    _relays.add(carrier)

    def fired() -> None:
        _relays.discard(carrier)
        carrier.deleteLater()  # as `_Signals`
        callback()

    carrier.fired.connect(fired, Qt.ConnectionType.QueuedConnection)
    return carrier.fired.emit


class CancelledError(Exception):
    """Raised inside a task when the user cancelled it."""


class Progress:
    """What a running task reports, and how it learns it was cancelled (thread-safe)."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self.done = 0
        self.total = 0
        self.text = ""

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def report(self, done: int, total: int, text: str = "") -> None:
        with self._lock:
            self.done, self.total, self.text = done, total, text
        if self.cancelled:
            raise CancelledError

    def snapshot(self) -> tuple[int, int, str]:
        with self._lock:
            return self.done, self.total, self.text


class _Signals(QObject):
    """A task's way back to the GUI thread, deleted there once its result is delivered.

    Its connections hold the callbacks, and the callbacks hold it: dropped by reference only,
    nothing would ever free it (nor the progress window the callbacks reach). `deleteLater`
    ends the connections on the GUI thread, the thread it belongs to; the worker's reference
    to it, let go of on the worker, then finds an object Qt has already deleted.
    """

    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[Progress], object], progress: Progress, signals: _Signals):
        super().__init__()
        self.work = work
        self.progress = progress
        self.signals = signals

    def run(self) -> None:
        # The pool may keep a finished job's wrapper for a while: it lets go of its work (and
        # what that holds) and of its carrier now.
        work, signals = self.work, self.signals
        del self.work, self.signals
        try:
            result = work(self.progress)
        except BaseException as error:  # delivered to the GUI thread, which decides
            signals.failed.emit(error)
        else:
            signals.finished.emit(result)


class _ProgressWindow:
    """One task's progress dialog: hidden at first, then polled until the task settles."""

    def __init__(self, owner: QObject, parent: QWidget, title: str, progress: Progress) -> None:
        self.progress = progress
        self.dialog = QProgressDialog(title, _("Cancel"), 0, 0, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.reset()  # hidden until the timer decides it is needed
        self.dialog.canceled.connect(progress.cancel)
        self.poll = QTimer(owner)
        self.poll.setInterval(100)
        self.poll.timeout.connect(self.refresh)

    def start(self) -> None:
        if isValid(self.poll):
            self.poll.start()

    def refresh(self) -> None:
        dialog = self.dialog
        if self.progress.cancelled:
            dialog.setLabelText(_("Cancelling…"))
            return
        done, total, text = self.progress.snapshot()
        if not dialog.isVisible():
            dialog.setRange(0, 0)
            dialog.show()
        dialog.setMaximum(total)
        dialog.setValue(min(done, total) if total else 0)
        if text:
            dialog.setLabelText(text)

    def close(self) -> None:
        if isValid(self.poll):
            self.poll.stop()
            self.poll.deleteLater()
        if isValid(self.dialog):
            self.dialog.canceled.disconnect(self.progress.cancel)
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()


class TaskRunner(QObject):
    """Starts tasks for one window: its progress dialogs belong to that window.

    `announcer` (the application context) lets `run_op` announce what an operation changed.
    """

    def __init__(self, parent: QWidget, announcer: Announcer | None = None) -> None:
        super().__init__(parent)
        self._parent = parent
        self._announcer = announcer

    def run_op(
        self,
        work: Callable[[Progress], Outcome[T]],
        *,
        title: str,
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
    ) -> Progress:
        """Run an operation that changes data; its `Changes` are announced before `on_done`.

        Announced even when the window that asked has closed: other windows still show the
        data it changed.
        """
        announcer = self._announcer
        if announcer is None:
            raise RuntimeError("run_op needs a TaskRunner made with an announcer")

        def done(outcome: Outcome[T]) -> None:
            on_done(outcome.value)

        def announce(outcome: Outcome[T]) -> None:
            if outcome.changes:
                announcer.announce(outcome.changes)

        return self._start(work, title, done, on_error, always=announce)

    def run(
        self,
        work: Callable[[Progress], T],
        *,
        title: str,
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
    ) -> Progress:
        """Run `work` on a worker thread; `on_done` or `on_error` on the GUI thread after."""
        return self._start(work, title, on_done, on_error)

    def _start(
        self,
        work: Callable[[Progress], T],
        title: str,
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
        always: Callable[[T], None] | None = None,
    ) -> Progress:
        progress = Progress()
        signals = _Signals()
        _live.add(signals)
        _running.add(progress)
        window = _ProgressWindow(self, self._parent, title, progress)

        def settle() -> bool:
            """Tidy up; False when the window that asked is gone (nobody to tell)."""
            _live.discard(signals)
            _running.discard(progress)
            signals.deleteLater()
            window.close()
            return isValid(self)

        def finished(result: Any) -> None:  # Any: a Qt signal carries `object`
            if always is not None:
                always(result)
            if settle():
                on_done(result)
            else:
                log.info("%s finished after its window closed", title)

        def failed(error: object) -> None:
            assert isinstance(error, BaseException)
            if settle():
                on_error(error)
            elif not isinstance(error, CancelledError):
                log.error("%s failed after its window closed", title, exc_info=error)

        signals.finished.connect(finished, Qt.ConnectionType.QueuedConnection)
        signals.failed.connect(failed, Qt.ConnectionType.QueuedConnection)

        def show_if_still_running() -> None:
            if signals in _live:
                window.start()

        QTimer.singleShot(DIALOG_DELAY_MS, window.poll, show_if_still_running)
        _launch(_Job(work, progress, signals))
        return progress

    def wait_for_done(self, msecs: int = 30_000) -> bool:
        """Wait for every task to finish (those held for the next turn start now)."""
        _release_held()
        return bool(_thread_pool().waitForDone(msecs))

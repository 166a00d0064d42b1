"""The bridge that runs long work on a worker thread and brings its result back as a signal.

A task is a plain function taking a `Progress`; it reports how far it got and checks
`progress.cancelled` between steps. The progress dialog appears only if the work is still
running after `DIALOG_DELAY_MS`, so quick work never flashes a dialog. Workers never touch
widgets: results and errors come back to the GUI thread through queued signals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from iltdesk.i18n import _

DIALOG_DELAY_MS = 500


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
    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], progress: Progress, signals: _Signals):
        super().__init__()
        self.work = work
        self.progress = progress
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.work(self.progress)
        except BaseException as error:  # delivered to the GUI thread, which decides
            self.signals.failed.emit(error)
        else:
            self.signals.finished.emit(result)


class TaskRunner(QObject):
    """Starts tasks and keeps their signal objects alive until they report back."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._live: set[_Signals] = set()

    def run(
        self,
        work: Callable[[Progress], Any],
        *,
        title: str,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> Progress:
        progress = Progress()
        signals = _Signals()
        self._live.add(signals)
        dialog = QProgressDialog(title, _("Cancel"), 0, 0, self._parent)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.reset()  # hidden until the timer decides it is needed
        dialog.canceled.connect(progress.cancel)
        poll = QTimer(self)
        poll.setInterval(100)

        def refresh() -> None:
            if progress.cancelled:
                dialog.setLabelText(_("Cancelling…"))
                return
            done, total, text = progress.snapshot()
            if not dialog.isVisible():
                dialog.setRange(0, 0)
                dialog.show()
            dialog.setMaximum(total)
            dialog.setValue(min(done, total) if total else 0)
            if text:
                dialog.setLabelText(text)

        def settle() -> None:
            poll.stop()
            poll.deleteLater()
            dialog.canceled.disconnect(progress.cancel)
            dialog.reset()
            dialog.hide()
            dialog.deleteLater()
            self._live.discard(signals)

        def finished(result: object) -> None:
            settle()
            on_done(result)

        def failed(error: object) -> None:
            settle()
            assert isinstance(error, BaseException)
            on_error(error)

        signals.finished.connect(finished, Qt.ConnectionType.QueuedConnection)
        signals.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
        poll.timeout.connect(refresh)
        QTimer.singleShot(DIALOG_DELAY_MS, lambda: poll.start() if signals in self._live else None)
        self._pool.start(_Job(work, progress, signals))
        return progress

    def wait_for_done(self, msecs: int = 30_000) -> bool:
        return self._pool.waitForDone(msecs)

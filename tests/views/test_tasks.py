"""The task runner: results come back on the GUI thread; slow work shows progress and cancels."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QWidget

from iltdesk.tasks.runner import DIALOG_DELAY_MS
from iltdesk.tasks.runner import CancelledError
from iltdesk.tasks.runner import TaskRunner


def test_quick_work_never_shows_a_dialog(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    runner = TaskRunner(parent)
    results, threads = [], []

    def work(progress):
        threads.append(threading.current_thread())
        return 42

    runner.run(work, title="Quick", on_done=results.append, on_error=results.append)
    qtbot.waitUntil(lambda: results == [42], timeout=5000)
    assert threads[0] is not threading.main_thread()
    assert not [d for d in parent.findChildren(QProgressDialog) if d.isVisible()]


def test_slow_work_shows_progress_and_can_be_cancelled(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    runner = TaskRunner(parent)
    outcome = []

    def work(progress):
        for step in range(200):
            progress.report(step, 200, f"Step {step}")
            time.sleep(0.02)
        return "finished"

    progress = runner.run(work, title="Slow", on_done=outcome.append, on_error=outcome.append)
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in parent.findChildren(QProgressDialog)), timeout=3000
    )
    dialog = next(d for d in parent.findChildren(QProgressDialog) if d.isVisible())
    assert dialog.labelText().startswith("Step ")
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    assert isinstance(outcome[0], CancelledError)
    assert progress.cancelled


def test_errors_come_back_to_the_caller(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    runner = TaskRunner(parent)
    errors = []

    def work(progress):
        raise ValueError("bad file")

    runner.run(work, title="Fails", on_done=errors.append, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ValueError)


def test_closing_the_window_while_work_runs_loses_nothing_and_raises_nothing(qtbot, caplog):
    """The window that started a task may close first (File › Quit, or its own close box).

    The work finishes (mail sent stays sent), its result is not delivered to widgets that are
    gone, and no Qt object is used after deletion.
    """
    from PySide6.QtCore import Qt as QtNs
    from shiboken6 import isValid

    from iltdesk.tasks.runner import shutdown

    parent = QWidget()
    parent.setAttribute(QtNs.WidgetAttribute.WA_DeleteOnClose)
    runner = TaskRunner(parent)
    started, release, finished = threading.Event(), threading.Event(), threading.Event()
    delivered = []

    def work(progress):
        started.set()
        release.wait(10)
        finished.set()
        return "sent"

    runner.run(work, title="Sending", on_done=delivered.append, on_error=delivered.append)
    assert started.wait(5)
    qtbot.wait(700)  # the progress dialog and its timer exist by now
    parent.close()  # deletes the window, the runner, the dialog and its timer
    qtbot.waitUntil(lambda: not isValid(runner), timeout=5000)
    release.set()
    qtbot.waitUntil(finished.is_set, timeout=5000)
    qtbot.wait(200)  # the finished signal reaches the GUI thread
    assert delivered == []
    assert shutdown(5000)  # nothing left running
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


@pytest.mark.parametrize("settled_first", [True, False], ids=["in-before", "in-after"])
def test_work_started_before_its_screen_exists_is_handed_over(qtbot, settled_first):
    """The first screen's reading starts before Qt is loaded (`app.run_gui`): its result
    reaches the screen, from the event loop, whether it came in before the screen asked for it
    or after."""
    from iltdesk.tasks.early import Early

    release = threading.Event()
    threads = []

    def work():
        threads.append(threading.current_thread())
        release.wait(10)
        return "read"

    started = Early(work)
    if settled_first:
        release.set()
        assert started.wait(5)  # in, with nobody to hand it to yet
    page = QWidget()
    qtbot.addWidget(page)
    delivered = []
    started.then(page, delivered.append, delivered.append)
    assert delivered == []  # not at once: the screen is still being wired to the window
    release.set()
    qtbot.waitUntil(lambda: delivered == ["read"], timeout=5000)
    assert threads[0] is not threading.main_thread()
    qtbot.wait(100)
    assert delivered == ["read"]  # once


def test_work_started_early_brings_its_error_and_skips_a_screen_that_closed(qtbot, caplog):
    from iltdesk.tasks.early import Early
    from iltdesk.tasks.runner import shutdown

    def broken():
        raise RuntimeError("database locked")

    page = QWidget()
    qtbot.addWidget(page)
    errors = []
    Early(broken).then(page, errors.append, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], RuntimeError)

    from shiboken6 import isValid

    release = threading.Event()

    def broken_later():
        release.wait(10)
        raise RuntimeError("database locked")

    gone = QWidget()
    gone.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    delivered = []
    Early(broken_later).then(gone, delivered.append, delivered.append)
    gone.close()
    qtbot.waitUntil(lambda: not isValid(gone), timeout=5000)
    release.set()
    qtbot.wait(300)
    assert delivered == []  # nothing handed to a deleted widget
    assert "failed after it closed" in caplog.text
    assert shutdown(5000)


def test_shutdown_cancels_and_waits_for_running_work(qtbot):
    from iltdesk.tasks.runner import shutdown

    parent = QWidget()
    qtbot.addWidget(parent)
    runner = TaskRunner(parent)
    seen = []

    def work(progress):
        while True:
            progress.report(0, 0)  # raises CancelledError once cancelled
            time.sleep(0.01)

    def failed(error):
        seen.append(error)

    runner.run(work, title="Endless", on_done=seen.append, on_error=failed)
    qtbot.wait(100)
    assert shutdown(5000)


def test_background_work_runs_off_the_gui_thread_and_logs_its_failure(qtbot, caplog):
    from iltdesk.tasks import runner

    threads = []
    runner.in_background(lambda progress: threads.append(threading.current_thread()))

    def broken(progress):
        raise RuntimeError("cache warm-up failed")

    runner.in_background(broken)
    qtbot.waitUntil(lambda: not runner._running, timeout=5000)  # both settled
    assert threads
    assert threads[0] is not threading.main_thread()
    assert "background work failed" in caplog.text  # logged, never shown


def test_the_warm_up_imports_the_screens_writes_nothing_and_freezes_what_it_built(ctx):
    import gc
    import sys

    from sqlalchemy import func
    from sqlalchemy import select

    from iltdesk.db.entities import AuditEntry
    from iltdesk.services.demo import DemoSize
    from iltdesk.services.demo import load_demo
    from iltdesk.tasks.runner import Progress
    from iltdesk.views import warmup

    load_demo(ctx.db, DemoSize(learners=60, sessions=6))

    def trail():
        with ctx.db.reading() as tx:
            return tx.scalar(select(func.count()).select_from(AuditEntry))

    before = trail()
    progress = Progress()
    built = [object()]  # like a screen's module: alive from before the warm-up's end, for good
    try:
        warmup.warm_up(ctx, progress)
        # Frozen out of later collections (each would walk it again, holding the window).
        assert not any(item is built for item in gc.get_objects())
    finally:
        gc.unfreeze()
    assert all(name in sys.modules for name in warmup.SCREEN_MODULES)
    assert progress.snapshot()[0] == progress.snapshot()[1]  # reported to the end
    assert trail() == before


def test_finished_tasks_leave_nothing_behind(qtbot, monkeypatch):
    """Each task's signal carrier, progress window and callbacks go once it has settled, on
    the GUI thread (they held one another through their connections: a leak per task, every
    list refresh of a long day)."""
    import gc
    import weakref

    from PySide6.QtCore import QCoreApplication
    from PySide6.QtCore import QEvent

    from iltdesk.tasks import runner
    from iltdesk.tasks.early import Early

    made: weakref.WeakSet[object] = weakref.WeakSet()

    def counted(kind):
        class Counted(kind):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                made.add(self)

        return Counted

    for name in ("_Signals", "_Relay", "QProgressDialog"):
        monkeypatch.setattr(runner, name, counted(getattr(runner, name)))
    parent = QWidget()
    qtbot.addWidget(parent)
    task_runner = TaskRunner(parent)
    done: list[object] = []
    for number in range(20):
        task_runner.run(
            lambda progress, n=number: n, title="t", on_done=done.append, on_error=done.append
        )
        runner.in_background(lambda progress: None)
        Early(lambda: None).then(parent, done.append, done.append)
    assert len(made) == 80  # a carrier and a dialog a task, a carrier a background work, a relay
    qtbot.waitUntil(lambda: len(done) == 40 and not runner._running, timeout=10000)
    qtbot.wait(DIALOG_DELAY_MS + 100)  # the delayed dialog checks have run
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    assert sorted(type(item).__mro__[1].__name__ for item in made) == []

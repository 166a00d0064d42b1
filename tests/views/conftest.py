"""View tests: real widgets on a real temporary database, driven with qtbot."""

from __future__ import annotations

import pytest

from iltdesk.services.material_store import MaterialStore
from iltdesk.settings import Preferences


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch):
    """Fail at once if a test opens a modal dialog instead of patching its entry point."""
    from PySide6.QtWidgets import QDialog
    from PySide6.QtWidgets import QMessageBox

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"a modal {type(self).__name__} was opened: {self.windowTitle()!r}")

    monkeypatch.setattr(QDialog, "exec", refuse)
    monkeypatch.setattr(QMessageBox, "exec", refuse)


@pytest.fixture(autouse=True)
def collector_running_after_each_test():
    """A window that pauses the garbage collector (the import wizard) resumes it once closed."""
    import gc

    running = gc.isenabled()
    yield
    if running and not gc.isenabled():
        gc.enable()
        pytest.fail("the test left the garbage collector paused")


@pytest.fixture
def ctx(db, tmp_path, qapp):
    from iltdesk.views.context import AppContext

    prefs = Preferences(tmp_path / "prefs.json")
    context = AppContext(db, prefs, MaterialStore(tmp_path / "materials"))
    yield context
    # As the app quits: the test's tasks are cancelled and waited for before its database is
    # closed. Left running, a read of one test held one of the pool's two workers into the
    # next (on the server, a session window once took over five seconds to open).
    from iltdesk.tasks.runner import shutdown

    assert shutdown(), "a task of the test was still running 10 s after it was cancelled"
    context.undo_stack.clear()


@pytest.fixture
def server():
    """A real SMTP server on 127.0.0.1 that records what it receives."""
    from tests.fixtures.smtp import start_server

    running = start_server()
    yield running
    running.stop()

"""Backups in the window: File › Backups…, restoring, and a damaged database at start-up."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iltdesk import app as app_module
from iltdesk import paths
from iltdesk.db.engine import database_url
from iltdesk.db.opening import open_database
from iltdesk.services import learners
from iltdesk.services import maintenance
from iltdesk.views.dialogs import backups_dialog
from iltdesk.views.dialogs import recovery
from iltdesk.views.dialogs.backups_dialog import BackupsDialog
from tests.faults.test_database_faults import damage
from tests.fixtures.builders import make_learner

pytestmark = pytest.mark.sqlite_only  # backups of the own file; a server's: tests/team


def database_with_backup(path: Path) -> None:
    with open_database(database_url(path), backup_dir=paths.backup_dir_for(path)) as db:
        make_learner(db, "Kept", "Adams")
        maintenance.back_up_now(db)
        make_learner(db, "Lost", "Later")
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def test_a_damaged_database_at_start_up_restores_the_offered_backup(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "iltdesk.sqlite3"
    database_with_backup(path)
    damage(path, 1)
    offered = []

    def choose(parent, problem, newest, zone):
        offered.append((problem, newest))
        return recovery.Recovery.RESTORE

    monkeypatch.setattr(recovery, "ask_recovery", choose)
    db = app_module.open_with_recovery(str(path), "Europe/London")
    assert db is not None
    try:
        assert "is damaged" in offered[0][0]
        assert offered[0][1] is not None  # the newest sound backup, with its time
        names = {r.last_name for r in learners.search_learners(db, "")}
        assert names == {"Adams"}
    finally:
        db.close()
    kept = list(tmp_path.glob("iltdesk.sqlite3.damaged-*"))
    assert len(kept) == 1  # moved aside, never deleted
    assert "the damaged file is kept as" in os.environ.pop(app_module.NOTICE_VARIABLE)


def test_a_damaged_database_found_before_qt_loads_is_answered_once_it_has(
    qtbot, tmp_path, monkeypatch
):
    """`iltdesk` opens the database before loading Qt (app.run_gui); what that attempt said is
    answered with the recovery dialog once Qt is up."""
    from iltdesk.errors import DamagedDatabaseError

    path = tmp_path / "iltdesk.sqlite3"
    database_with_backup(path)
    damage(path, 1)
    with pytest.raises(DamagedDatabaseError) as first:
        app_module.open_app_database(str(path))
    offered = []
    monkeypatch.setattr(
        recovery, "ask_recovery", lambda *args: offered.append(args) or recovery.Recovery.EMPTY
    )
    db = app_module.open_with_recovery(str(path), "Europe/London", first.value)
    assert db is not None
    db.close()
    assert "is damaged" in offered[0][1]
    assert list(tmp_path.glob("iltdesk.sqlite3.damaged-*"))
    os.environ.pop(app_module.NOTICE_VARIABLE, None)


def test_starting_empty_keeps_the_damaged_file(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "iltdesk.sqlite3"
    database_with_backup(path)
    damage(path, 1)
    monkeypatch.setattr(recovery, "ask_recovery", lambda *a: recovery.Recovery.EMPTY)
    db = app_module.open_with_recovery(str(path), "Europe/London")
    assert db is not None
    db.close()
    assert list(tmp_path.glob("iltdesk.sqlite3.damaged-*"))
    os.environ.pop(app_module.NOTICE_VARIABLE, None)


def test_the_backups_dialog_lists_checks_and_restores_after_quitting(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QApplication

    path = tmp_path / "iltdesk.sqlite3"
    database_with_backup(path)
    dialog = BackupsDialog(None, path, "Europe/London")
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "By hand"
    assert dialog.check_selected() == []
    assert dialog.table.item(0, 3).text() == "Sound"
    asked, requested = [], []
    monkeypatch.setattr(backups_dialog, "ask_restore", lambda *a: asked.append(a) or True)
    monkeypatch.setattr(backups_dialog, "request_restore", requested.append)
    assert dialog.restore_selected()
    assert requested == [dialog.rows[0].path]
    # What run_gui does once the window has closed the database:
    app = QApplication.instance()
    app.setProperty(backups_dialog.RESTORE_PROPERTY, str(requested[0]))
    try:
        assert app_module.restore_after_quit(app, path, "Europe/London")
    finally:
        app.setProperty(backups_dialog.RESTORE_PROPERTY, None)
    notice = os.environ.pop(app_module.NOTICE_VARIABLE)
    assert notice.startswith("Restored from the backup of")
    assert list(tmp_path.glob("iltdesk.sqlite3.replaced-*"))
    with open_database(database_url(path)) as db:
        assert {r.last_name for r in learners.search_learners(db, "")} == {"Adams"}


def test_file_menu_has_backups(qtbot, ctx):
    from iltdesk.views.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    dialog = window.files.show_backups()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Backups"

"""Opening refuses what it must not touch and leaves such files exactly as they were."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import text

from iltdesk.db.backup import list_backups
from iltdesk.db.engine import database_url
from iltdesk.db.migrate import schema_state
from iltdesk.db.opening import open_database
from iltdesk.errors import DatabaseLockedError
from iltdesk.errors import NewerDatabaseError
from iltdesk.errors import NotADatabaseError
from tests.fixtures.builders import make_course
from tests.fixtures.sqlite_files import integrity


def test_new_file_is_created_at_head(db_path, backup_dir):
    with open_database(database_url(db_path), backup_dir=backup_dir) as db:
        with db.engine.connect() as conn:
            state = schema_state(conn)
        assert state.current == state.head
        assert not state.needs_upgrade
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    assert integrity(db_path) == "ok"


@pytest.mark.parametrize(
    "content",
    [b"", b"this is a spreadsheet, honest\n" * 50, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["zero-byte", "junk", "corrupt-sqlite"],
)
def test_refuses_non_database_and_keeps_it(db_path, backup_dir, content):
    db_path.write_bytes(content)
    with pytest.raises(NotADatabaseError) as caught:
        open_database(database_url(db_path), backup_dir=backup_dir)
    assert str(db_path) in str(caught.value) or "damaged" in str(caught.value)
    assert db_path.read_bytes() == content
    assert not list_backups(backup_dir)


def test_refuses_a_sqlite_database_of_another_program(db_path, backup_dir):
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO recipes (name) VALUES ('soup')")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(NotADatabaseError, match="another program"):
        open_database(database_url(db_path), backup_dir=backup_dir)
    assert db_path.read_bytes() == before


def test_a_page_damaged_database_is_refused_and_kept(db_path, backup_dir):
    with open_database(database_url(db_path), backup_dir=backup_dir) as db:
        for n in range(30):
            make_course(db, code=f"D-{n}", description="x" * 3000)
    # Overwrite the middle of the file (table b-tree pages) with garbage.
    data = bytearray(db_path.read_bytes())
    for offset in range(4096 * 3, min(len(data), 4096 * 12), 7):
        data[offset] = 0xA5
    db_path.write_bytes(bytes(data))
    with pytest.raises(NotADatabaseError):
        open_database(database_url(db_path), backup_dir=backup_dir)
    assert db_path.read_bytes() == bytes(data)


def test_refuses_database_from_a_newer_version(db_path, backup_dir):
    with open_database(database_url(db_path), backup_dir=backup_dir) as db:
        make_course(db)
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    before = db_path.read_bytes()
    with pytest.raises(NewerDatabaseError, match="newer version"):
        open_database(database_url(db_path), backup_dir=backup_dir)
    assert db_path.read_bytes() == before
    assert integrity(db_path) == "ok"


def test_second_instance_in_this_process_is_refused(db_path, backup_dir):
    with (
        open_database(database_url(db_path), backup_dir=backup_dir),
        pytest.raises(DatabaseLockedError, match="already open"),
    ):
        open_database(database_url(db_path), backup_dir=backup_dir)
    # Once closed, it opens again.
    open_database(database_url(db_path), backup_dir=backup_dir).close()


def test_second_instance_in_another_process_is_refused(db_path, backup_dir):
    script = (
        "import sys, time\n"
        "from iltdesk.db.engine import database_url\n"
        "from iltdesk.db.opening import open_database\n"
        f"db = open_database(database_url({str(db_path)!r}))\n"
        "print('open', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        result = subprocess.run(
            [sys.executable, "-m", "iltdesk", "--db", str(db_path), "sessions"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 4  # the database cannot be used now
        assert "already open" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        holder.communicate("\n", timeout=30)
    assert integrity(db_path) == "ok"


def test_lock_is_released_when_the_holder_dies(db_path):
    script = (
        "import os\n"
        "from iltdesk.db.engine import database_url\n"
        "from iltdesk.db.opening import open_database\n"
        f"db = open_database(database_url({str(db_path)!r}))\n"
        "os._exit(0)\n"  # no clean-up at all
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    open_database(database_url(db_path)).close()


def test_quick_check_is_skipped_only_for_a_file_unchanged_since_a_clean_close(
    db_path, backup_dir, monkeypatch
):
    from iltdesk.db.engine import Database

    calls = []
    original = Database.quick_check

    def counting(self):
        calls.append(self.path)
        return original(self)

    monkeypatch.setattr(Database, "quick_check", counting)
    url = database_url(db_path)
    with open_database(url, backup_dir=backup_dir) as db:
        make_course(db)
    calls.clear()
    open_database(url, backup_dir=backup_dir).close()
    assert len(calls) == 1  # only the check at close; the open trusted the note
    calls.clear()
    db_path.touch()  # anything that rewrites the file invalidates the note
    open_database(url, backup_dir=backup_dir).close()
    assert len(calls) == 2

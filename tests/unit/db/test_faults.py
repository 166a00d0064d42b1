"""Faults end with the database as it was before the failed work, and integrity_check = ok."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import select

from iltdesk.db.engine import database_url
from iltdesk.db.entities import Learner
from iltdesk.db.opening import open_database
from iltdesk.errors import DiskFullError
from iltdesk.services import demo
from iltdesk.services import learners
from iltdesk.services import people
from iltdesk.services import settings_store
from iltdesk.services.demo import DemoSize
from tests.fixtures.builders import make_learner
from tests.fixtures.sqlite_files import integrity


def learner_count(db) -> int:
    with db.transaction() as tx:
        return int(tx.scalar(select(func.count()).select_from(Learner)) or 0)


WRITER = """
import sys, time
from iltdesk.db.engine import database_url
from iltdesk.db.entities import Learner
from iltdesk.db.opening import open_database
from iltdesk.services.learners import learner_keys

db = open_database(database_url(sys.argv[1]))
with db.transaction() as tx:
    for n in range(2000):
        email = f"killed{n}@example.com"
        tx.add(Learner(first_name="K", last_name=str(n), email=email,
                       **learner_keys("K", str(n), email)))
        if n % 100 == 0:
            tx.flush()
    print("midway", flush=True)
    time.sleep(120)
"""


@pytest.mark.slow
def test_writer_killed_mid_change_leaves_database_as_before(db_path, backup_dir):
    with open_database(database_url(db_path), backup_dir=backup_dir) as db:
        make_learner(db, "Kept", "Before")
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "midway"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)

    with open_database(database_url(db_path), backup_dir=backup_dir) as db:
        assert learner_count(db) == 1
        assert [r.last_name for r in learners.search_learners(db)] == ["Before"]
    assert integrity(db_path) == "ok"


@pytest.mark.slow
def test_bulk_demo_killed_while_writing_leaves_database_empty(db_path, backup_dir):
    open_database(database_url(db_path), backup_dir=backup_dir).close()
    script = (
        "import sys\n"
        "from iltdesk.db.engine import database_url\n"
        "from iltdesk.db.opening import open_database\n"
        "from iltdesk.services.demo import DemoSize, load_demo\n"
        "db = open_database(database_url(sys.argv[1]))\n"
        "load_demo(db, DemoSize(learners=60000, sessions=400))\n"
    )
    writer = subprocess.Popen([sys.executable, "-c", script, str(db_path)])
    wal = Path(str(db_path) + "-wal")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not wal.exists() or wal.stat().st_size < 2_000_000):
        time.sleep(0.02)
    assert writer.poll() is None, "the writer finished before it could be interrupted"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    with open_database(database_url(db_path), backup_dir=backup_dir) as db:
        assert learner_count(db) == 0
    assert integrity(db_path) == "ok"


def test_full_disk_gives_a_sentence_and_loses_nothing(db_path, backup_dir):
    with open_database(database_url(db_path), backup_dir=backup_dir) as db:
        settings_store.set_setting(db, "organisation_name", "Kept Ltd")
        with db.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

        @event.listens_for(db.engine, "connect")
        def small_disk(dbapi_connection, _record):
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 5}")

        db.engine.dispose()
        with pytest.raises(DiskFullError) as caught:
            demo.load_demo(db, DemoSize(learners=3000, sessions=40))
        assert "full" in str(caught.value)
        assert "Free some space" in str(caught.value)
        assert learner_count(db) == 0
        assert people.list_rooms(db) == []
        assert settings_store.get_setting(db, "organisation_name") == "Kept Ltd"
        # Space comes back: the same work now succeeds.
        event.remove(db.engine, "connect", small_disk)
        db.engine.dispose()
        demo.load_demo(db, DemoSize(learners=3000, sessions=40))
        assert learner_count(db) == 3000
    assert integrity(db_path) == "ok"


def test_bulk_insert_binds_values_as_the_column_types_do(db):
    from datetime import UTC
    from datetime import datetime
    from datetime import timedelta

    from sqlalchemy import select

    from iltdesk.db.bulk import bulk_insert
    from iltdesk.db.entities import Learner

    first = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
    columns = (
        "first_name",
        "last_name",
        "email",
        "email_key",
        "first_key",
        "last_key",
        "sort_key",
        "employee_id",
        "created_at",
        "department",
        "manager_name",
        "manager_email",
        "location",
        "job_title",
        "preferred_language",
    )
    rows = [
        ("Ann", "Lee", "ann@example.com", "ann@example.com", "ann", "lee", "lee ann", None, first),
        ("Bo", "Chen", "bo@example.com", "bo@example.com", "bo", "chen", "chen bo", "7", first),
        (
            "Cy",
            "Ng",
            "cy@example.com",
            "cy@example.com",
            "cy",
            "ng",
            "ng cy",
            None,
            first + timedelta(hours=1),
        ),
    ]
    rows = [row + ("",) * 6 for row in rows]  # no Python-side defaults on this path
    with db.transaction() as tx:
        bulk_insert(tx, Learner.__table__, columns, rows)
    with db.transaction() as tx:
        stored = tx.execute(
            select(Learner.first_name, Learner.employee_id, Learner.created_at).order_by(Learner.id)
        ).all()
    assert stored == [
        ("Ann", None, first),
        ("Bo", "7", first),
        ("Cy", None, first + timedelta(hours=1)),
    ]

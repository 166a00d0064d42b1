"""Verified backups, start-up backups only when data changed, and thinning quotas."""

from __future__ import annotations

import threading
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func
from sqlalchemy import select

from iltdesk.db import backup
from iltdesk.db.engine import database_url
from iltdesk.db.entities import Learner
from iltdesk.db.opening import open_database
from iltdesk.services.learners import learner_keys
from tests.fixtures.builders import make_course

pytestmark = pytest.mark.sqlite_only  # a server's backups: tests/unit/db/test_server.py

NOW = datetime(2027, 6, 15, 12, tzinfo=UTC)


def test_backup_is_verified_and_named_by_time(db, backup_dir):
    make_course(db, title="In the backup")
    info = backup.back_up(db, backup_dir, reason="manual", now=NOW)
    assert info.path.name == "iltdesk-20270615T120000000000Z-manual.sqlite3"
    assert backup.verify_backup(info.path) == []
    assert backup.list_backups(backup_dir) == [info]
    assert not list(backup_dir.glob(".*partial"))


def test_startup_backup_only_when_data_changed_at_most_every_half_hour(db_path, backup_dir):
    url = database_url(db_path)
    with time_machine.travel(NOW, tick=False) as clock:
        open_database(url, backup_dir=backup_dir).close()
        assert backup.list_backups(backup_dir) == []  # a new, empty database needs none
        with open_database(url, backup_dir=backup_dir) as db:
            make_course(db)
        open_database(url, backup_dir=backup_dir).close()
        assert len(backup.list_backups(backup_dir)) == 1
        for _ in range(3):  # reading only: nothing new to back up
            open_database(url, backup_dir=backup_dir).close()
        assert len(backup.list_backups(backup_dir)) == 1
        # A script's commands, one after another: one copy, not one per command.
        for minutes in (1, 2, 29):
            clock.move_to(NOW + timedelta(minutes=minutes))
            with open_database(url, backup_dir=backup_dir) as db:
                make_course(db)
        assert len(backup.list_backups(backup_dir)) == 1
        clock.move_to(NOW + timedelta(minutes=30))  # the changes since are backed up then
        open_database(url, backup_dir=backup_dir).close()
        assert len(backup.list_backups(backup_dir)) == 2
        clock.move_to(NOW + timedelta(hours=2))  # nothing changed since: none
        open_database(url, backup_dir=backup_dir).close()
        assert len(backup.list_backups(backup_dir)) == 2


def test_backup_while_another_connection_writes_is_consistent(db, backup_dir):
    stop = threading.Event()
    written = []

    def writer() -> None:
        n = 0
        while not stop.is_set():
            with db.transaction() as tx:
                for _ in range(50):
                    email = f"w{n}@example.com"
                    tx.add(
                        Learner(
                            first_name="W",
                            last_name=str(n),
                            email=email,
                            **learner_keys("W", str(n), email),
                        )
                    )
                    n += 1
            written.append(n)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        infos = [backup.back_up(db, backup_dir, now=NOW + timedelta(seconds=i)) for i in range(5)]
    finally:
        stop.set()
        thread.join()
    assert written, "the writer never committed"
    for info in infos:
        assert backup.verify_backup(info.path) == []
        import sqlite3

        conn = sqlite3.connect(info.path)
        count = conn.execute("SELECT count(*) FROM learners").fetchone()[0]
        conn.close()
        assert count % 50 == 0  # whole transactions only
    with db.transaction() as tx:
        assert tx.scalar(select(func.count()).select_from(Learner)) == written[-1]


def simulate(days: int, per_day: int = 3) -> tuple[list[datetime], set[datetime]]:
    """Back up `per_day` times a day for `days` days, thinning after each, as the app does."""
    start = NOW - timedelta(days=days)
    kept: set[datetime] = set()
    taken: list[datetime] = []
    for day in range(days + 1):
        for slot in range(per_day):
            instant = start + timedelta(days=day, hours=2 + slot * 5)
            taken.append(instant)
            kept.add(instant)
            kept = backup.backups_to_keep(kept, instant)
    return taken, kept


def test_thinning_over_400_days_keeps_the_quotas():
    taken, kept = simulate(400)
    now = taken[-1]
    today = now.date()
    recent = {t for t in taken if t.date() >= today - timedelta(days=1)}
    assert recent <= kept, "everything from today and yesterday stays"
    older = sorted((t for t in kept if t not in recent), reverse=True)
    quotas = backup.BackupQuotas()
    assert len(older) <= quotas.daily + quotas.weekly + quotas.monthly
    days = {t.date() for t in older}
    assert len(days) == len(older), "at most one backup per older day"
    # The seven days before yesterday each keep their newest backup.
    for back in range(2, 2 + quotas.daily):
        day = today - timedelta(days=back)
        assert max(t for t in taken if t.date() == day) in kept
    # Coverage reaches back about a year through the monthly quota.
    assert min(kept) < now - timedelta(days=300)
    assert max(taken) in kept


def test_thinning_never_deletes_the_newest_backup_even_if_old():
    old = [NOW - timedelta(days=900), NOW - timedelta(days=800)]
    assert max(old) in backup.backups_to_keep(old, NOW)


def test_thin_backups_deletes_files_not_kept(db, backup_dir):
    make_course(db)
    instants = [NOW - timedelta(days=d) for d in range(0, 60)]
    for instant in instants:
        backup.back_up(db, backup_dir, now=instant)
    deleted = backup.thin_backups(backup_dir, now=NOW)
    remaining = {b.taken_at for b in backup.list_backups(backup_dir)}
    assert remaining == backup.backups_to_keep(instants, NOW)
    assert len(deleted) == len(instants) - len(remaining)
    assert all(not p.exists() for p in deleted)


def test_back_up_before_a_bulk_change(db, backup_dir):
    from iltdesk.services.maintenance import back_up_before
    from iltdesk.services.maintenance import last_backup

    make_course(db)
    info = back_up_before(db, "import")
    assert info is not None
    assert "-import" in info.path.name
    assert last_backup(db) == info
    assert backup.verify_backup(info.path) == []


def test_first_write_after_a_backup_always_stamps(db, backup_dir):
    from iltdesk.db.write_stamp import data_changed_at

    make_course(db)  # stamps; a second write within the second would not stamp again…
    first = data_changed_at(db)
    info = backup.back_up(db, backup_dir)
    make_course(db)  # … but this one follows a backup, so it must
    assert data_changed_at(db) >= info.taken_at > first

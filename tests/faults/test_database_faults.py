"""Database faults, each named after its scenario: a sentence, the exit code, the way back."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest

from iltdesk import paths
from iltdesk.cli import run
from iltdesk.db.engine import database_url
from iltdesk.db.opening import open_database
from iltdesk.errors import DamagedDatabaseError
from iltdesk.errors import DiskFullError
from iltdesk.errors import MigrationFailedError
from iltdesk.errors import ReadOnlyLocationError
from iltdesk.services import learners
from tests.faults.conftest import fill
from tests.fixtures.builders import make_learner

PAGE = 4096


def database_with_a_backup(path: Path, names: list[str]) -> Path:
    """A database holding `names`, a backup of it, then one more learner after the backup."""
    with open_database(database_url(path), backup_dir=paths.backup_dir_for(path)) as db:
        for name in names:
            make_learner(db, "Kept", name)
        from iltdesk.services import maintenance

        maintenance.back_up_now(db)
        make_learner(db, "After", "Backup")
    return path


def damage(path: Path, page: int) -> None:
    """Random bytes over one page, as a failing disk or a bad copy leaves them."""
    with path.open("r+b") as handle:
        handle.seek(page * PAGE)
        handle.write(os.urandom(PAGE))


def test_f05_damaged_page_moves_aside_and_offers_backup(tmp_path, capsys):
    path = database_with_a_backup(tmp_path / "iltdesk.sqlite3", ["Adams", "Brown"])
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    damage(path, 1)
    code = run(["--db", str(path), "sessions"])
    err = capsys.readouterr().err
    assert code == 4  # the database cannot be used — never 3 "Something went wrong"
    assert "is damaged" in err
    assert "Something went wrong" not in err
    assert "restore it with `iltdesk restore newest`" in err
    assert path.exists()  # untouched until asked
    assert run(["--db", str(path), "backups"]) == 0
    listing = capsys.readouterr().out
    assert "By hand" in listing
    assert run(["--db", str(path), "restore", "newest", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out
    kept = next(tmp_path.glob("iltdesk.sqlite3.replaced-*"))
    assert "kept as" in out
    assert kept.stat().st_size > 0  # the damaged file is kept, never deleted
    with open_database(database_url(path)) as db:
        names = {r.last_name for r in learners.search_learners(db, "")}
    assert names == {"Adams", "Brown"}  # as at the backup


def test_f05_a_damaged_page_found_while_working_is_a_sentence(tmp_path):
    path = database_with_a_backup(tmp_path / "iltdesk.sqlite3", ["Adams"] * 1)
    with open_database(database_url(path), quick_check=False) as db:
        for n in range(400):
            make_learner(db, "Many", f"Learner{n:04d}")
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    damage(path, 20)

    def open_and_read() -> None:
        with open_database(database_url(path)) as db:
            learners.search_learners(db, "", limit=1000)

    with pytest.raises(DamagedDatabaseError) as caught:  # at opening, or at the first read
        open_and_read()
    assert "damaged" in str(caught.value)


def test_f06_a_read_only_data_folder_is_a_sentence(read_only, capsys):
    source, view = read_only
    database_with_a_backup(source / "iltdesk.sqlite3", ["Adams"])
    (source / "iltdesk.sqlite3.lock").unlink(missing_ok=True)
    with pytest.raises(ReadOnlyLocationError, match="is read-only"):
        open_database(database_url(view / "iltdesk.sqlite3"))
    assert run(["--db", str(view / "iltdesk.sqlite3"), "sessions"]) == 4
    err = capsys.readouterr().err
    assert "is read-only" in err
    assert "Something went wrong" not in err


def test_f07_a_read_only_output_folder_for_prints_and_backups(tmp_path, read_only, capsys):
    from tests.fixtures.demo import demo_database

    _source, view = read_only
    db = demo_database(tmp_path)
    for args in (
        ["print", "certificates", "1", "-o", str(view / "certs")],
        ["print", "signin", "2", "-o", str(view / "signin.pdf")],
        ["backup", "-o", str(view / "copy.sqlite3")],
    ):
        code = run(["--db", str(db), *args])
        err = capsys.readouterr().err
        assert code in (1, 4), (args, err)
        assert "Read-only file system" in err or "read-only" in err, err
        assert "Something went wrong" not in err
    assert list(view.iterdir()) == []


def test_f08_a_full_disk_at_start_up_is_not_called_damage(small_disk):
    path = small_disk / "iltdesk.sqlite3"
    with open_database(database_url(path)) as db:
        make_learner(db, "Ann", "Lee")
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    fill(small_disk)
    with pytest.raises((DiskFullError, ReadOnlyLocationError)) as caught:
        open_database(database_url(path))
    message = str(caught.value)
    assert "full" in message
    assert "damaged" not in message
    assert "restore" not in message.lower()


def test_f09_backup_to_a_file_that_is_not_a_database_is_refused(tmp_path, capsys):
    from tests.fixtures.demo import demo_database

    db = demo_database(tmp_path)
    thesis = tmp_path / "thesis.docx"
    thesis.write_bytes(b"PK\x03\x04 my thesis, three years of work")
    assert run(["--db", str(db), "backup", "-o", str(thesis)]) == 1
    assert "already exists and is not an ILT Desk database" in capsys.readouterr().err
    assert thesis.read_bytes() == b"PK\x03\x04 my thesis, three years of work"
    assert run(["--db", str(db), "backup", "-o", str(thesis), "--force"]) == 0
    assert thesis.read_bytes().startswith(b"SQLite format 3")


def test_f09_exports_and_prints_refuse_files_of_another_kind(tmp_path, capsys):
    from tests.fixtures.demo import demo_database

    db = demo_database(tmp_path)
    notes = tmp_path / "notes.pdf"
    notes.write_text("my notes, not a PDF")
    book = tmp_path / "budget.xlsx"
    book.write_text("not a workbook")
    assert run(["--db", str(db), "print", "signin", "2", "-o", str(notes)]) == 1
    assert "already exists and is not a PDF file" in capsys.readouterr().err
    assert run(["--db", str(db), "export", "attendance", "2", "-o", str(book)]) == 1
    assert "already exists and is not an Excel workbook" in capsys.readouterr().err
    assert notes.read_text() == "my notes, not a PDF"
    assert book.read_text() == "not a workbook"


def test_f15_writers_in_one_process_wait_their_turn(db):
    """Threads writing at once queue on the busy timeout instead of failing at once."""
    from iltdesk.domain.specs import LearnerSpec

    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer(n: int) -> None:
        start.wait()
        for k in range(10):
            try:
                learners.create_learner(db, LearnerSpec("T", f"W{n}-{k}", f"w{n}.{k}@example.com"))
            except BaseException as error:
                errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert learners.count_learners(db) == 80


def test_f26_a_failed_migration_offers_the_backup_taken_before_it(tmp_path, monkeypatch):
    from iltdesk.db import migrate

    path = tmp_path / "old.sqlite3"
    with open_database(database_url(path), backup_dir=tmp_path / "b") as db:
        make_learner(db, "Ann", "Lee")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '0003'")
    conn.commit()
    conn.close()

    def broken(_db):
        raise RuntimeError("a migration step failed")

    monkeypatch.setattr(migrate, "upgrade_database", broken)
    with pytest.raises(MigrationFailedError) as caught:
        open_database(database_url(path), backup_dir=tmp_path / "b")
    assert caught.value.backup is not None
    assert caught.value.backup.name.endswith("-before-upgrade.sqlite3")
    assert str(caught.value.backup) in str(caught.value)


def test_f27_a_foreign_or_newer_database_is_named_as_such(tmp_path, capsys):
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    assert run(["--db", str(other), "sessions"]) == 4
    assert "belongs to another program" in capsys.readouterr().err
    newer = tmp_path / "newer.sqlite3"
    with open_database(database_url(newer)):
        pass
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    assert run(["--db", str(newer), "sessions"]) == 4
    assert "newer version of ILT Desk" in capsys.readouterr().err


def test_f28_another_program_holding_the_file_locked(tmp_path, capsys):
    path = tmp_path / "iltdesk.sqlite3"
    with open_database(database_url(path)) as db:
        make_learner(db, "Ann", "Lee")
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        from iltdesk.db import engine

        monkey_timeout = engine.BUSY_TIMEOUT_MS
        engine.BUSY_TIMEOUT_MS = 200
        try:
            code = run(["--db", str(path), "sessions"])
        finally:
            engine.BUSY_TIMEOUT_MS = monkey_timeout
    finally:
        holder.rollback()
        holder.close()
    err = capsys.readouterr().err
    assert code == 4
    assert "another program" in err


def test_f29_a_network_share_keeps_the_rollback_journal(tmp_path, monkeypatch):
    from iltdesk.db import opening
    from iltdesk.db import storage

    mounts = f"server:/export {tmp_path} nfs4 rw,relatime 0 0\n"
    assert storage.on_network_share(tmp_path / "x.sqlite3", mounts)
    assert not storage.on_network_share(Path("/"), "/dev/vda / ext4 rw 0 0\n")
    share = "//nas/share /mnt/a\\040b cifs rw 0 0\n"  # a space in the mount point
    assert storage.filesystem_type(Path("/mnt/a b/db.sqlite3"), share) == "cifs"
    monkeypatch.setattr(opening, "on_network_share", lambda _path: True)
    path = tmp_path / "shared.sqlite3"
    with open_database(database_url(path)) as db:
        assert "network share" in db.notices[0]
        with db.engine.connect() as conn:
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    assert mode == "delete"

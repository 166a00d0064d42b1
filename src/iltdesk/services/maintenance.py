"""Safety nets around big changes: a verified backup first, and the database check."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from pathlib import Path

from iltdesk.db import backup
from iltdesk.db import server
from iltdesk.db.backup import BackupInfo
from iltdesk.db.engine import Database
from iltdesk.documents.files import check_target
from iltdesk.errors import UserError
from iltdesk.i18n import _

__all__ = [
    "BackupInfo",
    "back_up_before",
    "back_up_now",
    "back_up_to",
    "last_backup",
    "save_local_copy",
]


def back_up_before(db: Database, reason: str) -> BackupInfo | None:
    """Take a verified backup before a bulk change (import, bulk edit); None on a server DB.

    Raises a `DatabaseError` with a sentence when the backup cannot be made, so the bulk change
    does not start without one.
    """
    if db.path is None or db.backup_dir is None:
        return None
    info = backup.back_up(db, db.backup_dir, reason=reason)
    backup.thin_backups(db.backup_dir)
    return info


def last_backup(db: Database) -> BackupInfo | None:
    """The newest backup of the database, if any (on a server: the last `iltdesk backup`)."""
    if db.is_server:
        dump = server.last_dump(db)
        return BackupInfo(dump.path, dump.taken_at, dump.size, "manual") if dump else None
    if db.backup_dir is None:
        return None
    backups = backup.list_backups(db.backup_dir)
    return backups[-1] if backups else None


def back_up_now(db: Database) -> BackupInfo:
    """A verified backup into the database's backup folder, by hand.

    On a server: a `pg_dump` into the per-user backup folder, named by the database and time.
    """
    from iltdesk import paths

    if db.is_server:
        stamp = datetime.now(UTC).strftime(backup.STAMP)
        name = f"{db.url.database or 'iltdesk'}-{stamp}{server.DUMP_SUFFIX}"
        taken = server.dump(db, paths.data_dir() / "backups" / name)
        return BackupInfo(taken.path, taken.taken_at, taken.size, "manual")

    folder = db.backup_dir or (
        paths.backup_dir_for(db.path) if db.path else paths.data_dir() / "backups"
    )
    info = backup.back_up(db, folder, reason="manual")
    backup.thin_backups(folder)
    return info


def back_up_to(db: Database, target: Path, *, force: bool = False) -> Path:
    """A verified copy at `target`; an existing file that is not a database is refused."""
    target = target.expanduser().resolve()
    if db.is_server:
        if target.exists() and not force and target.suffix != server.DUMP_SUFFIX:
            check_target(target, "sqlite", force=force)
        return server.dump(db, target).path
    check_target(target, "sqlite", force=force)
    backup.copy_verified(db, target)
    return target


def save_local_copy(db: Database, target: Path, *, force: bool = False) -> Path:
    """The whole database as a new SQLite file at `target` (a snapshot for offline use)."""
    target = target.expanduser().resolve()
    check_target(target, "sqlite", force=force)
    if db.path is not None and target == db.path:
        raise UserError(_("That is the open database itself; choose another file name."))
    return server.save_local_copy(db, target)

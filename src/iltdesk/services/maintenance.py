"""Safety nets around big changes: a verified backup first, and the database check."""

from __future__ import annotations

from pathlib import Path

from iltdesk.db import backup
from iltdesk.db.backup import BackupInfo
from iltdesk.db.engine import Database
from iltdesk.documents.files import check_target

__all__ = ["BackupInfo", "back_up_before", "back_up_now", "back_up_to", "last_backup"]


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
    """The newest backup of the database, if any."""
    if db.backup_dir is None:
        return None
    backups = backup.list_backups(db.backup_dir)
    return backups[-1] if backups else None


def back_up_now(db: Database) -> BackupInfo:
    """A verified backup into the database's backup folder, by hand."""
    from iltdesk import paths

    folder = db.backup_dir or (
        paths.backup_dir_for(db.path) if db.path else paths.data_dir() / "backups"
    )
    info = backup.back_up(db, folder, reason="manual")
    backup.thin_backups(folder)
    return info


def back_up_to(db: Database, target: Path, *, force: bool = False) -> Path:
    """A verified copy at `target`; an existing file that is not a database is refused."""
    target = target.expanduser().resolve()
    check_target(target, "sqlite", force=force)
    backup.copy_verified(db, target)
    return target

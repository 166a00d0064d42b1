"""Safety nets around big changes: a verified backup first, and the database check."""

from __future__ import annotations

from iltdesk.db import backup
from iltdesk.db.backup import BackupInfo

__all__ = ["BackupInfo", "back_up_before", "last_backup"]
from iltdesk.db.engine import Database


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
    if db.backup_dir is None:
        return None
    backups = backup.list_backups(db.backup_dir)
    return backups[-1] if backups else None

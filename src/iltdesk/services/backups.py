"""Backups you can use: list them, check one, restore one, recover from a damaged file.

These work on files, not on an open database: restoring replaces the file, so it happens
while nothing has it open (the app restores after closing it, then starts again). The current
file is always moved aside and kept, never deleted, and its new name is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from filelock import FileLock
from filelock import Timeout

from iltdesk import paths
from iltdesk.db import backup
from iltdesk.errors import DatabaseLockedError
from iltdesk.errors import NotFoundError
from iltdesk.i18n import N_
from iltdesk.i18n import _

REASON_LABELS = {
    "startup": N_("At start-up"),
    "before-upgrade": N_("Before an upgrade"),
    "manual": N_("By hand"),
    "import": N_("Before an import"),
    "undo-import": N_("Before undoing an import"),
}


@dataclass(frozen=True)
class BackupRow:
    """One backup as the Backups screen and `iltdesk backups` show it."""

    number: int  # 1 is the newest
    path: Path
    taken_at: datetime
    size: int
    reason: str

    @property
    def reason_label(self) -> str:
        label = REASON_LABELS.get(self.reason)
        return _(label) if label else self.reason.replace("-", " ")


def backup_folder(database: Path) -> Path:
    """Where the backups of a database file go."""
    return paths.backup_dir_for(database)


def list_backups(database: Path) -> list[BackupRow]:
    """Every backup of the database file, newest first, numbered from 1."""
    found = reversed(backup.list_backups(backup_folder(database)))
    return [
        BackupRow(number, info.path, info.taken_at, info.size, info.reason)
        for number, info in enumerate(found, start=1)
    ]


def find_backup(database: Path, which: str) -> BackupRow:
    """A backup by its number in `list_backups`, "newest", or its file path."""
    rows = list_backups(database)
    wanted = which.strip()
    if wanted == "newest" and rows:
        return rows[0]
    if wanted.isdigit():
        for row in rows:
            if row.number == int(wanted):
                return row
    candidate = Path(wanted).expanduser()
    if candidate.is_file():
        taken = backup.parse_backup_time(candidate.name)
        stat = candidate.stat()
        return BackupRow(
            0,
            candidate.resolve(),
            taken or datetime.fromtimestamp(stat.st_mtime).astimezone(),
            stat.st_size,
            backup.parse_backup_reason(candidate.name) if taken else "",
        )
    raise NotFoundError(
        _(
            "There is no backup “{which}”. `iltdesk backups` lists them; give its number, "
            "“newest”, or a backup file's path."
        ).format(which=which)
    )


def check_backup(path: Path) -> list[str]:
    """Problems `integrity_check` finds in a backup (empty when it is sound)."""
    return backup.verify_backup(path)


def newest_sound(database: Path) -> BackupRow | None:
    """The newest backup that still passes its integrity check."""
    for row in list_backups(database):
        if not check_backup(row.path):
            return row
    return None


def restore(database: Path, source: Path, *, why: str = "replaced") -> Path | None:
    """Replace the database file with a checked copy of `source`.

    Returns where the old file was moved (None when there was none). Refused while ILT Desk
    has the database open elsewhere.
    """
    lock = FileLock(str(database) + ".lock", timeout=0, is_singleton=False, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise DatabaseLockedError(
            _(
                "ILT Desk is open on {path}. Close it first, or restore from File › Backups… "
                "in that window."
            ).format(path=database)
        ) from None
    try:
        return backup.restore_backup(source, database, why=why)
    finally:
        lock.release()


def set_aside(database: Path, why: str = "damaged") -> Path:
    """Move a database file out of the way (kept, renamed), so a new one can start."""
    return backup.move_aside(database, why)

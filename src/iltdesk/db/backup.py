"""Verified SQLite backups and their thinning.

A backup is `VACUUM INTO` a temporary name, then `PRAGMA integrity_check` on the copy, then a
rename: a file with the final name has always been verified. Old backups are thinned so that
everything from today and yesterday stays, then the newest per day, per week and per month
within quotas; the newest verified backup is never deleted.

Opening a database backs it up when it changed since the newest backup and that backup is
at least `STARTUP_INTERVAL` old (Anki's default between automatic backups, 30 minutes): each
command of a script that enrolls fifty people took a full copy before (fifty copies of a
200 MB team file in a day, ~2 s each), though its own write is one transaction. Imports,
upgrades and restores take their own backup whatever the time.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from iltdesk.db.engine import Database
from iltdesk.db.write_stamp import data_changed_at
from iltdesk.errors import DatabaseError
from iltdesk.errors import DiskFullError
from iltdesk.i18n import _

log = logging.getLogger(__name__)

PREFIX = "iltdesk-"
SUFFIX = ".sqlite3"
STAMP = "%Y%m%dT%H%M%S%fZ"
STARTUP_INTERVAL = timedelta(minutes=30)


@dataclass(frozen=True)
class BackupQuotas:
    """How many backups survive thinning beyond today and yesterday."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12


@dataclass(frozen=True)
class BackupInfo:
    """One backup file. Only verified copies get a backup's name (see `copy_verified`)."""

    path: Path
    taken_at: datetime
    size: int
    reason: str = ""  # "startup", "before-upgrade", "manual", "import", "undo-import"…


def _slug(reason: str) -> str:
    return "-".join(reason.lower().split())


def backup_name(taken_at: datetime, reason: str = "") -> str:
    """A backup's file name: the instant it was taken and why."""
    tag = f"-{_slug(reason)}" if reason else ""
    return f"{PREFIX}{taken_at.astimezone(UTC).strftime(STAMP)}{tag}{SUFFIX}"


def parse_backup_time(name: str) -> datetime | None:
    """When a backup was taken, read from its file name."""
    if not (name.startswith(PREFIX) and name.endswith(SUFFIX)):
        return None
    stamp = name[len(PREFIX) :].split("-", 1)[0].removesuffix(SUFFIX)
    try:
        return datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def parse_backup_reason(name: str) -> str:
    """Why a backup was taken, read from its file name."""
    rest = name[len(PREFIX) :].removesuffix(SUFFIX)
    return rest.split("-", 1)[1] if "-" in rest else ""


def list_backups(folder: Path) -> list[BackupInfo]:
    """Verified backups in `folder`, oldest first."""
    found = []
    if folder.is_dir():
        for entry in folder.iterdir():
            taken = parse_backup_time(entry.name)
            if taken is not None and entry.is_file():
                reason = parse_backup_reason(entry.name)
                found.append(BackupInfo(entry, taken, entry.stat().st_size, reason))
    return sorted(found, key=lambda b: b.taken_at)


def newest_backup(folder: Path) -> BackupInfo | None:
    """The newest backup that still passes its integrity check (a copy may rot on disk)."""
    for info in reversed(list_backups(folder)):
        if not verify_backup(info.path):
            return info
    return None


def move_aside(path: Path, why: str, now: datetime | None = None) -> Path:
    """Rename a database file (with its -wal and -shm) out of the way, never deleting it.

    Returns the new name, e.g. `iltdesk.sqlite3.damaged-20270315T101500Z`.
    """
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{why}-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{why}-{stamp}-{n}")
    os.replace(path, target)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = Path(str(path) + suffix)
        if companion.exists():
            os.replace(companion, Path(str(target) + suffix))
    return target


def restore_backup(backup: Path, database: Path, *, why: str = "replaced") -> Path | None:
    """Put a verified copy of `backup` in place of `database` (which must not be open).

    The current file, if any, is first moved aside (never deleted) and its new name returned.
    The copy is checked before it takes the database's name, so a failed restore leaves the
    database folder as it was, the current file moved aside included.
    """
    problems = verify_backup(backup)
    if problems:
        raise DatabaseError(
            _(
                "The backup {path} fails its integrity check ({problem}), so it was not "
                "restored. Choose an older backup."
            ).format(path=backup.name, problem=problems[0])
        )
    database.parent.mkdir(parents=True, exist_ok=True)
    partial = database.with_name("." + database.name + ".restoring")
    partial.unlink(missing_ok=True)
    try:
        shutil.copyfile(backup, partial)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise DatabaseError(
            _("The backup could not be copied to {folder}: {reason}.").format(
                folder=database.parent, reason=error.strerror or error
            )
        ) from error
    if verify_backup(partial):
        partial.unlink(missing_ok=True)
        raise DatabaseError(
            _("The copy of the backup was damaged on the way; nothing was changed. Try again.")
        )
    moved = move_aside(database, why) if database.exists() else None
    os.replace(partial, database)
    log.info("restored %s from %s (the previous file: %s)", database, backup, moved)
    return moved


def verify_backup(path: Path) -> list[str]:
    """`integrity_check` on a backup file opened read-only; empty when sound."""
    uri = path.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    finally:
        conn.close()
    return [] if rows == ["ok"] else [str(r) for r in rows]


def changed_since_last_backup(db: Database, folder: Path) -> bool:
    """Whether any transaction wrote to `db` after the newest backup in `folder` was taken."""
    changed = data_changed_at(db)
    if changed is None:  # nothing was ever written
        return False
    backups = list_backups(folder)
    return not backups or changed > backups[-1].taken_at


def startup_backup_due(db: Database, folder: Path, now: datetime | None = None) -> bool:
    """Whether opening `db` takes a backup: changed since the newest, which is old enough."""
    if not changed_since_last_backup(db, folder):
        return False
    backups = list_backups(folder)
    return not backups or (now or datetime.now(UTC)) - backups[-1].taken_at >= STARTUP_INTERVAL


def back_up(
    db: Database, folder: Path, reason: str = "", now: datetime | None = None
) -> BackupInfo:
    """Take a verified backup of `db` into `folder` and return it.

    Raises `DatabaseError` with a sentence when the copy cannot be made or fails its check;
    no half-written file is left behind.
    """
    folder.mkdir(parents=True, exist_ok=True)
    taken_at = now or datetime.now(UTC)
    final = folder / backup_name(taken_at, reason)
    copy_verified(db, final)
    log.info("backed up %s to %s", db.path, final)
    return BackupInfo(final, taken_at, final.stat().st_size, _slug(reason))


def copy_verified(db: Database, target: Path) -> None:
    """`VACUUM INTO` a hidden temporary beside `target`, check it, then rename it into place."""
    if db.path is None:
        raise DatabaseError(
            _(
                "Backups of a database server are made on the server (for example with "
                "pg_dump); ILT Desk backs up local database files only."
            )
        )
    partial = target.with_name("." + target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
    except OSError as error:
        raise DatabaseError(
            _("The backup cannot be written to {folder}: {reason}.").format(
                folder=target.parent, reason=error.strerror or error
            )
        ) from error
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        db.stamp_fresh_until = 0.0  # writes after this copy must stamp again
        cursor.execute("VACUUM INTO ?", (str(partial),))
        cursor.close()
    except sqlite3.OperationalError as error:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        if "full" in str(error).lower():
            raise DiskFullError(
                _(
                    "There is not enough disk space to back up the database in {folder}. "
                    "Free some space and try again."
                ).format(folder=target.parent)
            ) from error
        reason = str(error)
        if not os.access(target.parent, os.W_OK) or "unable to open" in reason:
            reason = _("the folder cannot be written (read-only, or no permission)")
        raise DatabaseError(
            _("The database could not be backed up to {folder}: {reason}.").format(
                folder=target.parent, reason=reason
            )
        ) from error
    finally:
        raw.close()
    problems = verify_backup(partial)
    if problems:
        partial.unlink(missing_ok=True)
        raise DatabaseError(
            _(
                "The backup copy failed its integrity check ({problem}); it was discarded. "
                "Run “Check database” and contact support."
            ).format(problem=problems[0])
        )
    os.replace(partial, target)


def backups_to_keep(
    taken: Iterable[datetime], now: datetime, quotas: BackupQuotas = BackupQuotas()
) -> set[datetime]:
    """Which backup instants thinning keeps (pure; see the module docstring)."""
    ordered = sorted(set(taken), reverse=True)
    if not ordered:
        return set()
    today = now.astimezone(UTC).date()
    keep = {ordered[0]}
    days: set[date] = set()
    weeks: set[tuple[int, int]] = set()
    months: set[tuple[int, int]] = set()
    used = {"daily": 0, "weekly": 0, "monthly": 0}
    for instant in ordered:  # newest first, so each bucket keeps its newest backup
        day = instant.astimezone(UTC).date()
        if day >= today - timedelta(days=1):
            keep.add(instant)
            continue
        iso = day.isocalendar()
        week, month = (iso.year, iso.week), (day.year, day.month)
        if day not in days and used["daily"] < quotas.daily:
            used["daily"] += 1
        elif week not in weeks and used["weekly"] < quotas.weekly:
            used["weekly"] += 1
        elif month not in months and used["monthly"] < quotas.monthly:
            used["monthly"] += 1
        else:
            continue
        keep.add(instant)
        days.add(day)
        weeks.add(week)
        months.add(month)
    return keep


def thin_backups(folder: Path, now: datetime | None = None) -> list[Path]:
    """Delete backups that thinning does not keep; returns what was deleted."""
    backups = list_backups(folder)
    keep = backups_to_keep([b.taken_at for b in backups], now or datetime.now(UTC))
    deleted = []
    for backup in backups:
        if backup.taken_at not in keep:
            backup.path.unlink(missing_ok=True)
            deleted.append(backup.path)
    return deleted

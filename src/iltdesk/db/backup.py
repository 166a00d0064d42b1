"""Verified SQLite backups and their thinning.

A backup is `VACUUM INTO` a temporary name, then `PRAGMA integrity_check` on the copy, then a
rename: a file with the final name has always been verified. Old backups are thinned so that
everything from today and yesterday stays, then the newest per day, per week and per month
within quotas; the newest verified backup is never deleted.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from iltdesk.db.engine import Database, data_changed_at
from iltdesk.errors import DatabaseError, DiskFullError
from iltdesk.i18n import _

log = logging.getLogger(__name__)

PREFIX = "iltdesk-"
SUFFIX = ".sqlite3"
STAMP = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True)
class BackupQuotas:
    """How many backups survive thinning beyond today and yesterday."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    size: int


def backup_name(taken_at: datetime, reason: str = "") -> str:
    tag = f"-{reason}" if reason else ""
    return f"{PREFIX}{taken_at.astimezone(UTC).strftime(STAMP)}{tag}{SUFFIX}"


def parse_backup_time(name: str) -> datetime | None:
    if not (name.startswith(PREFIX) and name.endswith(SUFFIX)):
        return None
    stamp = name[len(PREFIX) :].split("-", 1)[0].removesuffix(SUFFIX)
    try:
        return datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def list_backups(folder: Path) -> list[BackupInfo]:
    """Verified backups in `folder`, oldest first."""
    found = []
    if folder.is_dir():
        for entry in folder.iterdir():
            taken = parse_backup_time(entry.name)
            if taken is not None and entry.is_file():
                found.append(BackupInfo(entry, taken, entry.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at)


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
    return BackupInfo(final, taken_at, final.stat().st_size)


def copy_verified(db: Database, target: Path) -> None:
    """`VACUUM INTO` a hidden temporary beside `target`, check it, then rename it into place."""
    if db.path is None:
        raise DatabaseError(
            _(
                "Backups of a database server are made on the server (for example with "
                "pg_dump); ILT Desk backs up local database files only."
            )
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name("." + target.name + ".partial")
    partial.unlink(missing_ok=True)
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        db.stamp_fresh_until = 0.0  # writes after this copy must stamp again
        cursor.execute("VACUUM INTO ?", (str(partial),))
        cursor.close()
    except sqlite3.OperationalError as error:
        partial.unlink(missing_ok=True)
        if "full" in str(error).lower():
            raise DiskFullError(
                _(
                    "There is not enough disk space to back up the database in {folder}. "
                    "Free some space and try again."
                ).format(folder=target.parent)
            ) from error
        raise DatabaseError(
            _("The database could not be backed up to {folder}: {reason}.").format(
                folder=target.parent, reason=error
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

"""Why a database cannot be opened or written, in a sentence.

Not SQLite, damaged, full, locked, read-only, or on a network share without WAL.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from iltdesk.errors import ConflictError
from iltdesk.errors import DamagedDatabaseError
from iltdesk.errors import DatabaseError
from iltdesk.errors import DatabaseLockedError
from iltdesk.errors import DiskFullError
from iltdesk.errors import DiskIOError
from iltdesk.errors import NotADatabaseError
from iltdesk.errors import ReadOnlyLocationError
from iltdesk.errors import ServerUnavailableError
from iltdesk.i18n import _

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"


def check_sqlite_file(path: Path) -> None:
    """Refuse a file at `path` that is not a SQLite database; a missing file is fine."""
    if not path.exists():
        return
    if path.is_dir():
        raise NotADatabaseError(
            _("{path} is a folder, not an ILT Desk database. Choose a file instead.").format(
                path=path
            )
        )
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise NotADatabaseError(
            _(
                "The file {path} is not an ILT Desk database (it may be empty or damaged). "
                "It was left untouched; move it away or choose another database."
            ).format(path=path)
        )


def disk_space_left(path: Path) -> int | None:
    """Free bytes on the disk holding `path` (None when it cannot be told)."""
    for candidate in (path, *path.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return None


def classify(message: str, path: Path | None) -> DatabaseError | None:
    """A sentence for a database failure the user can act on, or None for a bug.

    Read from SQLite's own message: damaged file, disk full, I/O error, read-only, locked by
    another program. `path` names the file in the sentence.
    """
    text = message.lower()
    where = str(path) if path is not None else _("the database")
    if "full" in text and ("disk" in text or "database" in text):
        return DiskFullError(
            _(
                "The disk holding {path} is full, so nothing was saved. Free some space and "
                "try again."
            ).format(path=where)
        )
    if "disk i/o error" in text or "ioerr" in text:
        free = disk_space_left(path) if path is not None else None
        if free is not None and free < 10 * 1024 * 1024:
            return DiskFullError(
                _(
                    "The disk holding {path} is full ({free} KB left), so the database cannot "
                    "be used. Nothing was changed; free some space and start again."
                ).format(path=where, free=free // 1024)
            )
        return DiskIOError(
            _(
                "The disk reported an error reading or writing {path} (it may be failing, "
                "removed or out of space). Nothing was changed; check the drive and try again."
            ).format(path=where)
        )
    if "readonly" in text or "read-only" in text:
        return ReadOnlyLocationError(
            _(
                "{path} cannot be written (the file or its folder is read-only), so nothing was "
                "saved. Check its permissions, or copy it to a folder you can write to."
            ).format(path=where)
        )
    if "locked" in text or "busy" in text:
        return DatabaseLockedError(
            _(
                "{path} is busy: another program is writing to it. Wait a moment and try "
                "again, or close the other program."
            ).format(path=where)
        )
    if "not a database" in text or "malformed" in text:
        return DamagedDatabaseError(
            _(
                "The database file {path} is damaged ({reason}). Restore it from a backup "
                "(File › Backups…, or `iltdesk backups` then `iltdesk restore`)."
            ).format(path=where, reason=message.strip().rstrip(".")),
            path,
        )
    return None


# SQLSTATE classes a PostgreSQL server answers with, for the failures a user can act on.
SERIALIZATION_FAILURE = "40001"
DEADLOCK_DETECTED = "40P01"
UNIQUE_VIOLATION = "23505"
RETRYABLE_STATES = frozenset({SERIALIZATION_FAILURE, DEADLOCK_DETECTED, UNIQUE_VIOLATION})


def sqlstate(error: BaseException) -> str:
    """The server's SQLSTATE code for a driver error ('' for SQLite or none)."""
    orig = getattr(error, "orig", error)
    return str(getattr(orig, "sqlstate", "") or "")


def classify_server(error: DBAPIError, where: str) -> DatabaseError | None:
    """A sentence for a PostgreSQL failure the user can act on (None: a bug)."""
    state = sqlstate(error)
    if state in RETRYABLE_STATES:
        return ConflictError(
            _(
                "Another coordinator changed the same records at the same moment, so nothing "
                "was saved. Try again: the screen shows the latest state."
            )
        )
    if state == "22001":
        return DatabaseError(
            _("A value is too long for the database ({reason}). Shorten it and save again.").format(
                reason=str(error.orig).strip().splitlines()[0]
            )
        )
    if (
        state.startswith("08")
        or state in ("57P01", "57P02", "57P03")
        or error.connection_invalidated
    ):
        return ServerUnavailableError(
            _(
                "The connection to the database server {server} was lost, so nothing was saved. "
                "Check the network and try again; ILT Desk reconnects by itself."
            ).format(server=where)
        )
    if state == "53100":
        return DiskFullError(
            _(
                "The database server {server} is out of disk space, so nothing was saved. "
                "Ask its administrator to free some space."
            ).format(server=where)
        )
    if state == "42501":  # insufficient privilege
        return ReadOnlyLocationError(
            _(
                "Your database user may not change this ({reason}). Ask the server's "
                "administrator for write access."
            ).format(reason=str(error.orig).strip().splitlines()[0])
        )
    return None


def translate_error(
    error: DBAPIError, path: Path | None = None, server: str | None = None
) -> DatabaseError | None:
    """A sentence for database failures the user can act on, or None for bugs.

    `server` names a PostgreSQL server (host/database) when the database is one.
    """
    if server is not None or sqlstate(error):
        return classify_server(error, server or _("the database server"))
    message = str(error.orig) if error.orig is not None else str(error)
    return classify(message, path)

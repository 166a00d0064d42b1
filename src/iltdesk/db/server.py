"""What only a shared PostgreSQL server needs: its backups (pg_dump) and a local snapshot.

A server's storage, durability and backups are the server's job. `iltdesk backup` on a server
runs `pg_dump` in its custom format when the program is on PATH, checks the dump with
`pg_restore --list`, renames it into place and notes when and by whom in `settings`, so the
status bar can say when the team last took one. `save_local_copy` writes the whole team
database into a new SQLite file: a snapshot to take into a training room without network.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.engine import URL

from iltdesk.db.engine import Database
from iltdesk.db.engine import database_url
from iltdesk.errors import DatabaseError
from iltdesk.i18n import _

log = logging.getLogger(__name__)

LAST_SERVER_BACKUP_KEY = "last_server_backup"
DUMP_SUFFIX = ".dump"


@dataclass(frozen=True)
class ServerBackup:
    """One `pg_dump` of the team database: where, when, by whom."""

    path: Path
    taken_at: datetime
    taken_by: str
    size: int


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it."""
    plain = url.set(drivername="postgresql", password=None)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return plain.render_as_string(hide_password=False), env


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DatabaseError(
            _(
                "{program} is not installed on this computer, so ILT Desk cannot back up the "
                "team database. Install PostgreSQL's client programs (on Debian or Ubuntu: "
                "postgresql-client) and try again, or ask the server's administrator for "
                "backups."
            ).format(program=name)
        )
    return found


def dump(db: Database, target: Path) -> ServerBackup:
    """`pg_dump` the team database to `target` (custom format), verified, renamed into place."""
    if not db.is_server:
        raise DatabaseError(_("Only a database server is backed up with pg_dump."))
    target = target.expanduser().resolve()
    if target.suffix != DUMP_SUFFIX:
        target = target.with_name(target.name + DUMP_SUFFIX)
    pg_dump, pg_restore = _program("pg_dump"), _program("pg_restore")
    conninfo, env = _libpq(db.url)
    partial = target.with_name("." + target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", f"--file={partial}", conninfo],
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )
        if done.returncode != 0:
            raise DatabaseError(
                _("pg_dump could not back up the team database: {reason}").format(
                    reason=(done.stderr.strip().splitlines() or ["?"])[-1]
                )
            )
        listing = subprocess.run(
            [pg_restore, "--list", str(partial)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if listing.returncode != 0 or "TABLE DATA" not in listing.stdout:
            raise DatabaseError(
                _(
                    "The dump written by pg_dump does not read back ({reason}); it was removed."
                ).format(reason=(listing.stderr.strip().splitlines() or ["no tables"])[-1])
            )
        partial.replace(target)
    except OSError as error:
        raise DatabaseError(
            _("The backup cannot be written to {folder}: {reason}.").format(
                folder=target.parent, reason=error.strerror or error
            )
        ) from error
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    taken = ServerBackup(target, datetime.now(UTC), db.actor, target.stat().st_size)
    _note_backup(db, taken)
    log.info("pg_dump of %s written to %s", db.label, target)
    return taken


def _note_backup(db: Database, taken: ServerBackup) -> None:
    value = json.dumps(
        {
            "at": taken.taken_at.isoformat(),
            "by": taken.taken_by,
            "path": str(taken.path),
            "size": taken.size,
        }
    )
    with db.core_transaction() as conn:
        conn.execute(
            text(
                "INSERT INTO settings (key, value) VALUES (:k, :v) ON CONFLICT (key) "
                "DO UPDATE SET value = excluded.value, version = settings.version + 1"
            ),
            {"k": LAST_SERVER_BACKUP_KEY, "v": value},
        )


def last_dump(db: Database) -> ServerBackup | None:
    """The last `iltdesk backup` of the team database (by anyone, anywhere), if any."""
    with db.engine.connect() as conn:
        value = conn.execute(
            text("SELECT value FROM settings WHERE key = :k"), {"k": LAST_SERVER_BACKUP_KEY}
        ).scalar()
    if not value:
        return None
    data = json.loads(value)
    return ServerBackup(
        Path(str(data.get("path", ""))),
        datetime.fromisoformat(data["at"]),
        str(data.get("by", "")),
        int(data.get("size", 0)),
    )


def save_local_copy(db: Database, target: Path) -> Path:
    """Copy the whole database into a new SQLite file at `target` (replaced atomically)."""
    from iltdesk.db.base import Base
    from iltdesk.db.opening import open_database

    target = target.expanduser().resolve()
    partial = target.with_name("." + target.name + ".partial")
    _remove_partial(partial)
    try:
        copy = open_database(database_url(partial), startup_backup=False)
    except OSError as error:
        raise DatabaseError(
            _("The copy cannot be written to {folder}: {reason}.").format(
                folder=target.parent, reason=error.strerror or error
            )
        ) from error
    try:
        with copy, db.reading() as source, copy.engine.begin() as sink:
            for table in Base.metadata.sorted_tables:
                result = source.connection().execute(select(table))
                while rows := result.mappings().fetchmany(5000):
                    sink.execute(insert(table), [dict(r) for r in rows])
        partial.replace(target)  # closed (checkpointed) first, by leaving `with copy`
    finally:
        _remove_partial(partial)  # its lock and log files; the copy itself when it failed
    log.info("local copy of %s saved to %s", db.label, target)
    return target


def _remove_partial(partial: Path) -> None:
    for path in (partial, *(Path(f"{partial}{extra}") for extra in ("-wal", "-shm", ".lock"))):
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)

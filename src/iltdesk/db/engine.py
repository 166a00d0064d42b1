"""Opening the database: URL resolution, SQLite pragmas, the lock, the unit of work.

`Database.open()` refuses what it must not touch (a file that is not an ILT Desk database, a
database from a newer version, a database another ILT Desk has open), backs up before it
migrates, and migrates to the current schema. Everything SQLite-specific lives in `db/`.
"""

from __future__ import annotations

import errno
import logging
import os
import random
import sqlite3
import time
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from typing import TypeVar

from filelock import FileLock
from filelock import Timeout
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy import make_url
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import ConnectionPoolEntry

from iltdesk.db.diagnosis import check_sqlite_file
from iltdesk.db.diagnosis import translate_error
from iltdesk.db.verified import write_verified_signature
from iltdesk.db.write_stamp import stamp_data_changed
from iltdesk.db.write_stamp import track_writes
from iltdesk.errors import ConflictError
from iltdesk.errors import DamagedDatabaseError
from iltdesk.errors import DatabaseError
from iltdesk.errors import DatabaseLockedError
from iltdesk.errors import DiskFullError
from iltdesk.errors import ReadOnlyLocationError
from iltdesk.errors import ServerUnavailableError
from iltdesk.errors import StaleEditError
from iltdesk.i18n import _

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000

T = TypeVar("T")


def database_url(path_or_url: str | os.PathLike[str]) -> URL:
    """A SQLAlchemy URL from a file path or a URL string (`postgresql://…`, `sqlite:///…`).

    A plain `postgresql://` URL gets the psycopg 3 driver (the `postgres` extra).
    """
    text_value = os.fspath(path_or_url)
    if "://" in text_value:
        url = make_url(text_value)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url
    return URL.create("sqlite+pysqlite", database=str(Path(text_value).expanduser().resolve()))


def describe_url(url: URL) -> str:
    """How the user knows this database: the file's path, or `user@host:port/database`."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    if url.get_backend_name() == "sqlite":
        return _("a database in memory")
    where = url.host or "localhost"
    if url.port:
        where += f":{url.port}"
    user = f"{url.username}@" if url.username else ""
    return f"{user}{where}/{url.database or ''}"


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for another backend or an in-memory database."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def driver_connection(conn: Connection) -> DBAPIConnection:
    """The DB-API connection under a SQLAlchemy connection, for PRAGMAs outside transactions."""
    raw: DBAPIConnection | None = conn.connection.driver_connection
    assert raw is not None
    return raw


def _set_sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _begin) rather than pysqlite's implicit handling,
    # so a transaction covers the reads that precede its writes.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


READ_ONLY = "iltdesk_read_only"  # execution option of `Database.reading()` connections


def _begin(conn: Connection) -> None:
    # IMMEDIATE: take the write lock when the transaction starts. A deferred transaction that
    # reads and then writes cannot wait for another writer (SQLite refuses at once with "busy"
    # to avoid a deadlock); an immediate one queues on the busy timeout like any writer.
    # Read-only work (reports, the dashboard) begins deferred: in WAL mode it never waits for
    # a writer and never makes one wait.
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """An open ILT Desk database: engine, unit of work, and (for SQLite) the instance lock."""

    def __init__(self, url: URL, engine: Engine, lock: FileLock | None) -> None:
        self.url = url
        self.engine = engine
        self._lock = lock
        # Where to note "verified at close" (see `verified_signature`); set by open_database.
        self.backup_dir: Path | None = None
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Until when the data-changed stamp is fresh enough to skip (monotonic seconds); a
        # backup resets it, so the first write after any backup always stamps.
        self.stamp_fresh_until = 0.0
        # Things the user should know about this database (a network share, server backups).
        self.notices: list[str] = []
        # On a server, what replaces the automatic backups a file gets (for the status bar).
        self.backup_note = ""
        # Who the audit trail names: the coordinator's name from Preferences (set by the app
        # and the command line), else the operating-system user.
        self.actor = default_actor()
        track_writes(self, self._sessions)
        from iltdesk.db import audit

        # Marks this client's change notifications on a server, so it ignores its own.
        self.client_id = uuid.uuid4().hex
        self.audit_hooks = audit.install(self._sessions, lambda: self.actor, self.client_id)

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def is_server(self) -> bool:
        """A shared PostgreSQL server (team mode) rather than a file of our own."""
        return self.url.get_backend_name() == "postgresql"

    @property
    def label(self) -> str:
        """The file's path, or `user@host:port/database` for a server."""
        return describe_url(self.url)

    def translate(self, error: DBAPIError) -> DatabaseError | None:
        """A sentence for a database failure the user can act on (None: a bug)."""
        return translate_error(error, self.path, self.label if self.is_server else None)

    def write(self, work: Callable[[OrmSession], T], *, attempts: int = 4) -> T:
        """Run `work` in one transaction; on a server, retry it when a race made it fail.

        For idempotent work only (it reads what it needs inside the transaction): a
        serialization failure, deadlock or duplicate key from a concurrent writer rolls back
        and the work runs again, a few times with a short random pause, before the sentence.
        """
        for attempt in range(1, attempts + 1):
            try:
                with self.transaction() as tx:
                    return work(tx)
            except ConflictError:
                if attempt == attempts or not self.is_server:
                    raise
                time.sleep(random.uniform(0.005, 0.03) * attempt)
        raise AssertionError("unreachable")

    @classmethod
    def connect(cls, url: URL, *, lock: bool = True) -> Database:
        """Connect without migrating: lock, sniff the file, set pragmas. See `open_database`."""
        path = sqlite_path(url)
        file_lock: FileLock | None = None
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise ReadOnlyLocationError(
                    _("The folder {folder} cannot be created: {reason}.").format(
                        folder=path.parent, reason=error.strerror or error
                    )
                ) from error
            if lock:
                file_lock = _acquire_lock(path)
        try:
            if path is not None:
                check_sqlite_file(path)
            engine = _create_engine(url)
        except BaseException:
            if file_lock is not None:
                file_lock.release()
            raise
        return cls(url, engine, file_lock)

    @contextmanager
    def transaction(self) -> Iterator[OrmSession]:
        """One unit of work: commits when the block ends, rolls everything back on error."""
        try:
            with self._sessions() as db_session, db_session.begin():
                yield db_session
        except DBAPIError as error:
            translated = self.translate(error)
            if translated is not None:
                raise translated from error
            raise
        except StaleDataError as error:
            raise StaleEditError(
                _(
                    "Another coordinator changed this record while you were saving, so nothing "
                    "was saved. Reload it and make your change again."
                )
            ) from error

    @contextmanager
    def reading(self) -> Iterator[OrmSession]:
        """A read-only unit of work (reports): a snapshot that takes no write lock."""
        options: dict[str, Any] = {READ_ONLY: True}  # Any: execution options are of any type
        if self.is_server:
            # One snapshot for the whole report (READ COMMITTED would see each statement's
            # own), and no locks taken.
            options.update(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        try:
            with (
                self.engine.connect().execution_options(**options) as conn,
                OrmSession(bind=conn, expire_on_commit=False) as db_session,
            ):
                # A write here would be rolled back unseen: SQLite is made to refuse it, as a
                # read-only transaction on a server does.
                driver = driver_connection(conn) if self.is_sqlite else None
                if driver is not None:
                    driver.execute("PRAGMA query_only = ON")
                try:
                    yield db_session
                    db_session.rollback()  # nothing to keep: a reader never commits
                finally:
                    if driver is not None:
                        driver.execute("PRAGMA query_only = OFF")
        except DBAPIError as error:
            translated = self.translate(error)
            if translated is not None:
                raise translated from error
            raise

    @contextmanager
    def core_transaction(self) -> Iterator[Connection]:
        """A unit of work on a plain Core connection, for hot loops that write.

        Cheaper than `transaction()` (no ORM session); stamps the data-changed time like it.
        """
        try:
            with self.engine.begin() as conn:
                yield conn
                stamp_data_changed(self, conn)
        except DBAPIError as error:
            translated = self.translate(error)
            if translated is not None:
                raise translated from error
            raise

    def enable_wal(self) -> None:
        """Switch a SQLite file to write-ahead logging (persistent; done once it is known ours)."""
        if self.is_sqlite:
            with self.engine.connect() as conn:
                driver_connection(conn).execute("PRAGMA journal_mode = WAL")

    def quick_check(self) -> list[str]:
        """SQLite's `quick_check`: an empty list when the file is sound."""
        if not self.is_sqlite:
            return []
        try:
            with self.engine.connect() as conn:
                rows = conn.exec_driver_sql("PRAGMA quick_check").scalars().all()
        except DBAPIError as error:  # too damaged even to check: that is the answer
            return [str(error.orig or error)]
        return [] if rows == ["ok"] else [str(r) for r in rows]

    def integrity_problems(self) -> list[str]:
        """Full `integrity_check` plus `foreign_key_check`, as raw messages."""
        if not self.is_sqlite:
            return []
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
            problems = [] if rows == ["ok"] else [str(r) for r in rows]
            for table, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check"):
                problems.append(f"{table} row {rowid} refers to a missing {parent} row")
        return problems

    def close(self) -> None:
        """Close; when we own the file, checkpoint and quick-check it first and note it sound.

        The next start-up skips its own quick check when the file is unchanged since then,
        which keeps opening a large database fast; after a crash the note is missing or stale
        and the check runs.
        """
        path = self.path
        verified = False
        if path is not None and self._lock is not None and self.backup_dir is not None:
            try:
                with self.engine.connect() as conn:
                    raw = driver_connection(conn)
                    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                verified = not self.quick_check()
            except DBAPIError:
                log.exception("final check of %s failed", path)
        self.engine.dispose()
        if verified and path is not None and self.backup_dir is not None:
            write_verified_signature(self.backup_dir, path)
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def default_actor() -> str:
    """The operating-system user, for the audit trail when no coordinator name is set."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (some containers)
        return ""


def _acquire_lock(path: Path) -> FileLock:
    lock = FileLock(str(path) + ".lock", timeout=0, is_singleton=False, thread_local=False)
    try:
        lock.acquire()
    except Timeout:  # first: filelock's Timeout is an OSError too
        raise DatabaseLockedError(
            _(
                "ILT Desk is already open on the database {path}. Switch to that window, "
                "or close it before opening the database again."
            ).format(path=path)
        ) from None
    except OSError as error:
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise ReadOnlyLocationError(
                _(
                    "The folder {folder} is read-only, so ILT Desk cannot use {path} there "
                    "(it needs to write the database and its lock beside it). Copy the file to "
                    "a folder you can write to and open it from there."
                ).format(folder=path.parent, path=path.name)
            ) from error
        if error.errno == errno.ENOSPC:
            raise DiskFullError(
                _(
                    "The disk holding {path} is full, so the database cannot be opened. Free "
                    "some space and start again."
                ).format(path=path)
            ) from error
        raise
    return lock


# A pooled server connection idle longer than this is pinged before use: a server restart or a
# network drop is then met with a fresh connection instead of an error. Pinging on every
# checkout (SQLAlchemy's pool_pre_ping) would add a round trip to every call.
IDLE_PING_S = 20.0


def _note_checkin(_dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_when_idle(
    dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry, _proxy: object
) -> None:
    since = record.info.get("checked_in_at")
    if since is None or time.monotonic() - since < IDLE_PING_S:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()
    except Exception as error:  # gone: the pool replaces it and retries the checkout
        raise DisconnectionError() from error


def _create_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT count(*) FROM sqlite_master"))
        except DBAPIError as error:
            engine.dispose()
            path = sqlite_path(url)
            translated = translate_error(error, path)
            if translated is not None:
                raise translated from error
            if isinstance(error.orig, sqlite3.DatabaseError):
                raise DamagedDatabaseError(
                    _(
                        "The file {path} cannot be opened as a database ({reason}). It was left "
                        "untouched; restore a backup or choose another database."
                    ).format(path=url.database, reason=error.orig),
                    path,
                ) from error
            raise
        return engine
    if url.get_backend_name() != "postgresql":
        raise DatabaseError(
            _(
                "ILT Desk works with its own database file or a PostgreSQL server; {url} is "
                "neither."
            ).format(url=url.render_as_string(hide_password=True))
        )
    try:
        engine = create_engine(
            url, connect_args={"application_name": "ILT Desk", "connect_timeout": 10}
        )
    except ImportError as error:
        raise DatabaseError(
            _(
                "Team mode needs the PostgreSQL driver, which is not installed. Install ILT "
                "Desk with its `postgres` extra (pip install 'iltdesk[postgres]') and start "
                "again."
            )
        ) from error
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", _ping_when_idle)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as error:
        engine.dispose()
        raise ServerUnavailableError(
            _(
                "Could not connect to the database server at {host}: {reason}. "
                "Check the address and that the server is running."
            ).format(host=describe_url(url), reason=str(error.orig).strip().splitlines()[0])
        ) from error
    return engine

"""The start-up sequence: connect, check, refuse what must not be touched, back up, migrate."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from iltdesk.db import backup
from iltdesk.db import migrate
from iltdesk.db.engine import Database
from iltdesk.db.storage import on_network_share
from iltdesk.db.verified import unchanged_since_verified
from iltdesk.errors import DamagedDatabaseError
from iltdesk.errors import MigrationFailedError
from iltdesk.errors import NewerDatabaseError
from iltdesk.errors import NotADatabaseError
from iltdesk.errors import ServerUpgradeNeededError
from iltdesk.i18n import _

log = logging.getLogger(__name__)


def open_database(
    url: URL,
    *,
    backup_dir: Path | None = None,
    lock: bool = True,
    quick_check: bool = True,
    startup_backup: bool = True,
    upgrade_server: bool = False,
) -> Database:
    """Open (creating if needed) and migrate the database at `url`.

    Refuses, leaving the file untouched: a file that is not a SQLite database or fails its
    quick check, a SQLite database without ILT Desk's schema, a database stamped by a newer
    version, and a database another ILT Desk process has open. Before migrating an existing
    database, and at start-up when data changed since the last backup, takes a verified backup
    into `backup_dir` (when given) and thins the old ones.

    A shared server is never migrated unless `upgrade_server` says the user agreed (every
    coordinator must then use this version): otherwise `ServerUpgradeNeededError` says what
    would happen. An empty server database gets the schema without asking.
    """
    db = Database.connect(url, lock=lock)
    db.backup_dir = backup_dir
    try:
        _prepare(
            db,
            backup_dir,
            quick_check=quick_check,
            startup_backup=startup_backup,
            upgrade_server=upgrade_server,
        )
    except DBAPIError as error:
        db.close()
        translated = db.translate(error)
        if translated is not None:
            raise translated from error
        raise
    except BaseException:
        db.close()
        raise
    return db


def _prepare(
    db: Database,
    backup_dir: Path | None,
    *,
    quick_check: bool,
    startup_backup: bool,
    upgrade_server: bool,
) -> None:
    path = db.path
    known_sound = (
        path is not None
        and backup_dir is not None
        and path.exists()
        and unchanged_since_verified(backup_dir, path)
    )
    if quick_check and not known_sound:
        problems = db.quick_check()
        if problems:
            raise DamagedDatabaseError(
                _(
                    "The database {path} is damaged ({problem}). It was left untouched; "
                    "restore a backup (File › Backups…, or `iltdesk restore`)."
                ).format(path=db.path, problem=problems[0]),
                db.path,
            )
    with db.engine.connect() as conn:
        state = migrate.schema_state(conn)
    if state.has_foreign_tables:
        raise NotADatabaseError(
            _(
                "The database {path} belongs to another program (it has tables but no ILT Desk "
                "schema). It was left untouched; choose another database."
            ).format(path=db.path or db.url.render_as_string(hide_password=True))
        )
    if not state.known:
        raise NewerDatabaseError(
            _(
                "This database was last used by a newer version of ILT Desk (schema {revision}). "
                "Install the newer version to open it; nothing was changed."
            ).format(revision=state.current)
        )
    if db.is_server:
        _server_notices(db, state.current is None)
        if state.needs_upgrade and state.current is not None and not upgrade_server:
            raise ServerUpgradeNeededError(
                _(
                    "The team database {server} is at schema {current}; this version of ILT "
                    "Desk needs {head}. Upgrading changes it for every coordinator, who must "
                    "then all use this version. Take a backup first (`iltdesk backup`, which "
                    "runs pg_dump), then upgrade (`iltdesk upgrade-db`, or confirm in ILT Desk)."
                ).format(server=db.label, current=state.current, head=state.head),
                state.current,
                state.head,
            )
    elif path is not None and on_network_share(path):
        # No write-ahead log on a share: it needs memory shared by every computer using it.
        db.notices.append(
            _(
                "{path} is on a network share. ILT Desk works there, but more slowly and only "
                "from one computer at a time; keep the database on this computer's own disk."
            ).format(path=path)
        )
        log.warning("%s is on a network filesystem: write-ahead logging left off", path)
    else:
        db.enable_wal()
    can_back_up = backup_dir is not None and db.path is not None
    before_upgrade: Path | None = None
    if state.needs_upgrade and state.current is not None and can_back_up:
        assert backup_dir is not None
        before_upgrade = backup.back_up(db, backup_dir, reason="before-upgrade").path
    elif startup_backup and can_back_up and not state.is_empty:
        assert backup_dir is not None
        if backup.startup_backup_due(db, backup_dir):
            backup.back_up(db, backup_dir, reason="startup")
            backup.thin_backups(backup_dir)
    if state.needs_upgrade:
        log.info("migrating %s from %s to %s", db.label, state.current, state.head)
        try:
            migrate.upgrade_database(db)
        except Exception as error:
            log.exception("migration of %s failed", db.path)
            raise MigrationFailedError(
                _(
                    "Bringing {path} up to this version of ILT Desk failed ({reason}). The "
                    "upgrade runs as one change, so the database should be as it was; a "
                    "backup from just before it is {backup}."
                ).format(
                    path=db.path or db.url.render_as_string(hide_password=True),
                    reason=type(error).__name__,
                    backup=before_upgrade or _("not available (no backup folder)"),
                ),
                before_upgrade,
            ) from error


def _server_notices(db: Database, empty: bool) -> None:
    """On a server: the line that replaces a file's automatic backups."""
    from iltdesk.db import server
    from iltdesk.formatting import format_datetime

    last = None if empty else server.last_dump(db)
    if last is None:
        text = _(
            "Server backups are the server's job: ILT Desk takes none automatically. No "
            "`iltdesk backup` of this team database has been taken yet."
        )
    else:
        taken_at, who = last.taken_at, last.taken_by
        text = _(
            "Server backups are the server's job: ILT Desk takes none automatically. Last "
            "`iltdesk backup`: {when} by {who}."
        ).format(when=format_datetime(taken_at, "UTC"), who=who or _("someone"))
    db.backup_note = text  # the status bar's line; not repeated by every command
    log.info("%s", text)

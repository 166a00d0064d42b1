"""Alembic, driven from code: where the database stands and bringing it to the current schema."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect
from sqlalchemy import text
from sqlalchemy.engine import Connection

from iltdesk.db.engine import Database
from iltdesk.db.engine import driver_connection

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest migration shipped. Start-up compares the database's stamp with this constant and
# imports Alembic (about 90 ms) only when they differ; a test keeps it in step with the scripts.
HEAD_REVISION = "0015"
# The advisory lock key migrations on a server hold (any fixed number; "ILTD" in ASCII).
MIGRATION_LOCK = 0x494C5444


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration for our migrations (and `url`, if given)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands against the migrations this version ships."""

    current: str | None  # None: no ILT Desk schema yet
    head: str
    known: bool  # False: stamped by a revision this version does not know (a newer version)
    has_foreign_tables: bool  # tables present but no ILT Desk stamp

    @property
    def is_empty(self) -> bool:
        return self.current is None and not self.has_foreign_tables

    @property
    def needs_upgrade(self) -> bool:
        return self.known and self.current != self.head


def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def stamped_revision(connection: Connection) -> str | None:
    """The revision the database is stamped with, read with plain SQL (None: no stamp)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value) if value is not None else None


def schema_state(connection: Connection) -> SchemaState:
    """Whether the database is empty, current, behind, ahead of, or foreign to this app."""
    current = stamped_revision(connection)
    if current == HEAD_REVISION:
        return SchemaState(current, HEAD_REVISION, True, False)
    script = _script()
    head = script.get_current_head()
    assert head is not None
    if current is None:
        tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
        return SchemaState(None, head, True, bool(tables))
    try:
        known = script.get_revision(current) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        known = False
    return SchemaState(current, head, known, False)


def upgrade(connection: Connection) -> None:
    """Migrate the database on `connection` to the newest schema."""
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def upgrade_database(db: Database) -> None:
    """Migrate `db` to head in one transaction.

    On SQLite, batch migrations rebuild tables; foreign keys are switched off around the
    migration (it cannot be done inside a transaction) so a rebuild cannot cascade, and a
    foreign-key check runs before the transaction commits.
    """
    with db.engine.connect() as conn:
        raw = driver_connection(conn)
        if db.is_sqlite:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                if not db.is_sqlite:
                    # Two clients starting a new version at once: the second waits here, then
                    # finds the schema current and does nothing.
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                    )
                    if stamped_revision(conn) == HEAD_REVISION:
                        return
                upgrade(conn)
                if db.is_sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
        finally:
            if db.is_sqlite:
                raw.execute("PRAGMA foreign_keys = ON")

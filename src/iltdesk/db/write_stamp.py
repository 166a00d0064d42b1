"""When the data last changed: a stamp in `settings` that start-up compares with the newest backup.

Every transaction that wrote (through the ORM, or Core statements that call `mark_written`)
stamps `settings.data_changed_at` as it commits.
"""

from __future__ import annotations

import json
import time
from datetime import UTC
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import event
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

if TYPE_CHECKING:
    from iltdesk.db.engine import Database


def mark_written(db_session: OrmSession) -> None:
    """Note that this transaction wrote (for Core statements run on its connection)."""
    db_session.info["wrote"] = True


DATA_CHANGED_KEY = "data_changed_at"


STAMP_INTERVAL_S = 1.0


def stamp_data_changed(db: Database, conn: Connection) -> None:
    """Note in `settings` when data last changed; start-up compares it with the newest backup.

    At most once a second (the stamp is one UPDATE per transaction otherwise), and always for
    the first write after a backup, which resets `stamp_fresh_until`.
    """
    now = time.monotonic()
    if now < db.stamp_fresh_until:
        return
    stamp = json.dumps(datetime.now(UTC).isoformat())
    # One statement, so two first writers on a server cannot both insert the key.
    conn.execute(
        text(
            "INSERT INTO settings (key, value) VALUES (:k, :v) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ),
        {"k": DATA_CHANGED_KEY, "v": stamp},
    )
    db.stamp_fresh_until = now + STAMP_INTERVAL_S


def track_writes(db: Database, factory: sessionmaker[OrmSession]) -> None:
    """Stamp `settings.data_changed_at` when a transaction wrote something (see above)."""

    def wrote(db_session: OrmSession, *_args: object) -> None:
        mark_written(db_session)

    def orm_execute(state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            mark_written(state.session)

    def before_commit(db_session: OrmSession) -> None:
        if db_session.info.pop("wrote", False):
            stamp_data_changed(db, db_session.connection())

    event.listen(factory, "after_flush", wrote)
    event.listen(factory, "do_orm_execute", orm_execute)
    event.listen(factory, "before_commit", before_commit)


def data_changed_at(db: Database) -> datetime | None:
    """When a transaction last wrote to the database (None: never, or before tracking)."""
    with db.engine.connect() as conn:
        value = conn.execute(
            text("SELECT value FROM settings WHERE key = :k"), {"k": DATA_CHANGED_KEY}
        ).scalar()
    return datetime.fromisoformat(json.loads(value)) if value else None

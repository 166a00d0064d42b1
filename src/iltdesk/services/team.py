"""Team mode for the window: server connections, and hearing other coordinators.

The views reach the database layer's server parts through here (they never import `db/`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import make_url
from sqlalchemy.engine import URL

from iltdesk.credentials import set_database_password
from iltdesk.credentials import with_database_password
from iltdesk.db.engine import Database
from iltdesk.db.live import Listener
from iltdesk.db.live import Notice

__all__ = ["Listener", "Notice", "ServerDetails", "listen", "try_connection"]


@dataclass(frozen=True)
class ServerDetails:
    """Where a team database is: what the connect form holds, without the password."""

    host: str
    port: int = 5432
    database: str = "iltdesk"
    user: str = ""
    tls: str = "prefer"  # libpq's sslmode: prefer, require, verify-full, disable

    def url(self, password: str | None = None) -> URL:
        return URL.create(
            "postgresql+psycopg",
            username=self.user or None,
            password=password or None,
            host=self.host or None,
            port=self.port,
            database=self.database or None,
            query={"sslmode": self.tls},
        )

    def label(self) -> str:
        """How the user knows it: `user@host:port/database`."""
        user = f"{self.user}@" if self.user else ""
        return f"{user}{self.host}:{self.port}/{self.database}"

    def text(self) -> str:
        """The connection as a URL without its password (kept in preferences)."""
        return self.url().render_as_string(hide_password=False)

    @classmethod
    def from_text(cls, text: str) -> ServerDetails:
        url = make_url(text)
        return cls(
            host=url.host or "",
            port=url.port or 5432,
            database=url.database or "",
            user=url.username or "",
            tls=str(url.query.get("sslmode", "prefer")),
        )


def try_connection(details: ServerDetails, password: str = "") -> str:
    """Connect once and close (a worker's job); returns how the database is labelled.

    Without a typed password, the one kept in the keyring is used. Raises a `DatabaseError`
    with a sentence when the server cannot be reached or the driver is missing.
    """
    url = details.url(password) if password else with_database_password(details.url())
    with Database.connect(url, lock=False) as db:
        return db.label


def keep_password(details: ServerDetails, password: str, *, remember: bool) -> bool:
    """Keep the password for this run, and in the keyring when `remember` (True: it is)."""
    return set_database_password(details.url(), password, remember=remember)


def listen(db: Database, on_notice: Callable[[Notice], None]) -> Listener | None:
    """Start hearing other clients' changes to `db` (None on a SQLite file: nobody else)."""
    if not db.is_server:
        return None
    listener = Listener(db.url, db.client_id, on_notice)
    listener.start()
    return listener

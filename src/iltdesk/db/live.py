"""Live updates on a shared server: each write publishes what it touched; clients listen.

Every transaction that leaves entries in the audit trail also sends one `NOTIFY` on
`iltdesk_changes` with who wrote, which client, and the (entity, id, session) it touched.
PostgreSQL delivers it when (and only if) the transaction commits. A `Listener` holds its own
connection on a thread of its own, waits for notifications and hands each to a callback (the
GUI turns it into a refresh of the affected rows). SQLite needs none of this: one ILT Desk
holds the file.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

CHANNEL = "iltdesk_changes"
# PostgreSQL refuses payloads of 8,000 bytes or more; past this a notice says "everything".
MAX_PAYLOAD = 7000


@dataclass(frozen=True)
class Notice:
    """One committed transaction of another client: who, and what it touched."""

    client: str
    who: str
    touched: tuple[tuple[str, int | None, int | None], ...]  # (entity, id, session id)
    everything: bool = False


def payload(client: str, who: str, touched: Iterable[tuple[str, int | None, int | None]]) -> str:
    """The transaction's notification: who wrote, from which client, and what it touched.

    The audit trail sends it (`pg_notify`) with its entries; the server delivers it at commit.
    """
    items = sorted(set(touched), key=lambda t: (t[0], t[1] or 0, t[2] or 0))
    text = json.dumps({"c": client, "w": who, "t": items}, separators=(",", ":"))
    if len(text.encode()) > MAX_PAYLOAD:
        text = json.dumps({"c": client, "w": who, "all": True}, separators=(",", ":"))
    return text


def parse(payload: str) -> Notice | None:
    """A notification's payload as a `Notice` (None when it is not one of ours)."""
    try:
        data = json.loads(payload)
        touched = tuple(
            (str(entity), _int(entity_id), _int(session_id))
            for entity, entity_id, session_id in data.get("t", [])
        )
        return Notice(str(data["c"]), str(data.get("w", "")), touched, bool(data.get("all")))
    except (ValueError, KeyError, TypeError):
        log.warning("ignored a malformed change notification: %.200s", payload)
        return None


def _int(value: Any) -> int | None:  # Any: a field of a notification's JSON payload
    return int(value) if value is not None else None


class Listener:
    """Waits for other clients' notifications on its own connection and thread.

    `on_notice` runs on the listener's thread: hand the notice over to the GUI thread (a
    queued signal) rather than touching widgets. A lost connection is retried every few
    seconds; `stop()` ends the thread within about a second.
    """

    def __init__(self, url: URL, client: str, on_notice: Callable[[Notice], None]) -> None:
        self.url = url
        self.client = client
        self.on_notice = on_notice
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="iltdesk-listener", daemon=True)
        self.listening = threading.Event()  # set once LISTEN is in place (tests wait on it)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._listen()
            except Exception:  # the server went away: wait, then listen again
                log.warning("change listener lost its connection; retrying", exc_info=True)
                self.listening.clear()
                self._stopping.wait(3.0)

    def _listen(self) -> None:
        import psycopg

        conninfo = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(
            conninfo, autocommit=True, application_name="ILT Desk listener"
        ) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            while not self._stopping.is_set():
                for message in conn.notifies(timeout=1.0):
                    notice = parse(message.payload)
                    if notice is not None and notice.client != self.client:
                        try:
                            self.on_notice(notice)
                        except Exception:  # a bug in the receiver must not stop listening
                            log.exception("change notification handler failed")

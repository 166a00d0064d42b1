"""The audit trail's hash chain: each entry's hash, and checking the whole chain in order.

An entry's hash covers its content and its predecessor's hash, so an entry edited, deleted or
added outside ILT Desk breaks the chain where it happened.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from iltdesk.db import entities as e
from iltdesk.db.expressions import ResultRow


def entry_hash(  # noqa: PLR0913, PLR0917 - the hashed fields, in their fixed order
    previous: str,
    at: datetime,
    actor: str,
    entity: str,
    entity_id: int | None,
    action: str,
    detail: str,
    reason: str,
    session_id: int | None,
    learner_id: int | None,
    course_id: int | None,
) -> str:
    """The SHA-256 of an entry's content and its predecessor's hash."""
    content = [
        previous,
        at.astimezone(UTC).isoformat(),
        actor,
        entity,
        entity_id,
        action,
        detail,
        reason,
        session_id,
        learner_id,
        course_id,
    ]
    canonical = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """Where the chain breaks: the entry, and whether its content or its link is wrong."""

    entry_id: int
    at: datetime
    entity: str
    entity_id: int | None
    kind: str  # "content": edited or forged; "link": an entry before it is missing or added


def _entries(conn: Connection, batch: int = 5000) -> Iterator[ResultRow]:
    table = e.AuditEntry.__table__
    last = 0
    while True:
        rows = conn.execute(
            select(table).where(table.c.id > last).order_by(table.c.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def verify_chain(conn: Connection) -> tuple[int, ChainBreak | None]:
    """Check every entry in order; returns how many were checked and the first break."""
    previous = ""
    checked = 0
    for row in _entries(conn):
        at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
        digest = entry_hash(
            row.prev_hash or "",
            at,
            row.actor or "",
            row.entity,
            row.entity_id,
            row.action,
            row.detail or "",
            row.reason or "",
            row.session_id,
            row.learner_id,
            row.course_id,
        )
        if digest != row.hash:
            return checked, ChainBreak(row.id, at, row.entity, row.entity_id, "content")
        if (row.prev_hash or "") != previous:
            return checked, ChainBreak(row.id, at, row.entity, row.entity_id, "link")
        previous = row.hash
        checked += 1
    return checked, None

"""What every service shares: the outcome type, lookups that fail with a sentence, auditing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from typing import Generic
from typing import Protocol
from typing import TypeVar

from sqlalchemy import Column
from sqlalchemy import bindparam
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk import formatting
from iltdesk.db import audit as audit_trail
from iltdesk.db.engine import Database
from iltdesk.db.entities import AuditEntry
from iltdesk.db.entities import Enrollment
from iltdesk.db.expressions import Query
from iltdesk.domain.changes import Changes
from iltdesk.domain.differences import stale_message
from iltdesk.domain.jsontypes import JsonObject
from iltdesk.errors import NotFoundError
from iltdesk.errors import StaleEditError
from iltdesk.i18n import _

__all__ = ["Database", "Outcome", "audit", "get_or_fail"]  # Database: for type hints above

# Covariant: an Outcome[SessionRow] is an Outcome[object], for code that passes outcomes on
# without reading their values (the undo stack, a dialog's save call).
T_co = TypeVar("T_co", covariant=True)
E = TypeVar("E")

# Rows a long read turns into result rows at a time (`execution_options(yield_per=BATCH_ROWS)`):
# made in one go, 223,191 rows held the interpreter (and so the window, reading on a worker) 40 ms.
BATCH_ROWS = 2000


@dataclass(frozen=True)
class Outcome(Generic[T_co]):
    """The result of a write: its value and what it changed."""

    value: T_co
    changes: Changes


def last_change(tx: OrmSession, entity: str, entity_id: int) -> tuple[str, datetime | None]:
    """Who last changed a record, and when, as the audit trail has it ("", None: unknown)."""
    row = tx.execute(
        select(AuditEntry.actor, AuditEntry.at)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    return (row.actor, row.at) if row is not None else ("", None)


class Versioned(Protocol):
    """A record edited with optimistic locking: its id, and a version moved on by each save."""

    @property
    def id(self) -> int: ...

    @property
    def version(self) -> int: ...


def check_unchanged(
    tx: OrmSession,
    entity: str,
    record: Versioned | None,
    seen_version: int | None,
    differences: Sequence[tuple[str, str, str]] = (),
) -> None:
    """Refuse a save based on an older reading of `record` (optimistic locking).

    `seen_version` is the version the user's form was filled from (None: do not check);
    `differences` lists (field, what the form showed, what is stored now) for the message.
    """
    if seen_version is None or record is None or record.version == seen_version:
        return
    who, when = last_change(tx, entity, record.id)
    who = who or _("another coordinator")
    # In UTC here (a service knows no user's zone); the window says it in the user's zone.
    shown = formatting.format_datetime(when, "UTC") if when is not None else _("an unknown time")
    raise StaleEditError(
        stale_message(who, shown, differences),
        who=who,
        at=when,
        differences=list(differences),
    )


_LOCKED_READS: dict[type, Query] = {}


def _locked_read(entity: type) -> Query:
    """`SELECT … FOR UPDATE` of one row by id, refreshing what the unit of work holds.

    Built once per entity: `Session.get` builds it anew on every call, and on a server that
    costs more than the round trip.
    """
    statement = _LOCKED_READS.get(entity)
    if statement is None:
        key: Column[Any] = inspect(entity).primary_key[0]
        statement = (
            select(entity)
            .where(key == bindparam("pk"))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        _LOCKED_READS[entity] = statement
    return statement


def get_or_fail(
    tx: OrmSession, entity: type[E], entity_id: int, message: str, *, lock: bool = False
) -> E:
    """The entity with `entity_id`, or a `NotFoundError` carrying `message`.

    `lock`: hold its row until the transaction ends (`FOR UPDATE` on a server), so a version
    check on it sees any change committed meanwhile rather than racing it.
    """
    found: E | None
    if lock:
        found = tx.execute(_locked_read(entity), {"pk": entity_id}).scalar_one_or_none()
    else:
        found = tx.get(entity, entity_id)
    if found is None:
        raise NotFoundError(message)
    return found


def audit(
    tx: OrmSession,
    entity: str,
    entity_id: int | None,
    action: str,
    detail: JsonObject | None = None,
    reason: str = "",
) -> None:
    """A summary entry in the audit trail (field changes are recorded by the trail itself)."""
    session_id = learner_id = course_id = None
    if entity == "session":
        session_id = entity_id
    elif entity == "course":
        course_id = entity_id
    elif entity == "learner":
        learner_id = entity_id
    elif entity == "enrollment" and entity_id is not None:
        place = tx.get(Enrollment, entity_id)
        if place is not None:
            session_id, learner_id = place.session_id, place.learner_id
    audit_trail.record(
        tx,
        entity,
        entity_id,
        action,
        detail,
        reason,
        session_id=session_id,
        learner_id=learner_id,
        course_id=course_id,
    )

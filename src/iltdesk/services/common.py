"""What every service shares: the outcome type, lookups that fail with a sentence, auditing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.engine import Database
from iltdesk.db.entities import AuditEntry
from iltdesk.domain.changes import Changes
from iltdesk.errors import NotFoundError

__all__ = ["Database", "Outcome", "audit", "get_or_fail"]  # Database: for type hints above

T = TypeVar("T")
E = TypeVar("E")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """The result of a write: its value and what it changed."""

    value: T
    changes: Changes


def get_or_fail(tx: OrmSession, entity: type[E], entity_id: int, message: str) -> E:
    """The entity with `entity_id`, or a `NotFoundError` carrying `message`."""
    found = tx.get(entity, entity_id)
    if found is None:
        raise NotFoundError(message)
    return found


def audit(
    tx: OrmSession,
    entity: str,
    entity_id: int | None,
    action: str,
    detail: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Record who-did-what for the history; `detail` is stored as JSON."""
    tx.add(
        AuditEntry(
            entity=entity,
            entity_id=entity_id,
            action=action,
            detail=json.dumps(detail or {}, default=str, ensure_ascii=False),
            reason=reason,
        )
    )

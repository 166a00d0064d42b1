"""What every service shares: the outcome type, lookups that fail with a sentence, auditing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session as OrmSession

from iltdesk.db import audit as audit_trail
from iltdesk.db.engine import Database
from iltdesk.db.entities import Enrollment
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

"""What a write changed, so that open views can decide whether to refresh."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Entity(StrEnum):
    """The kinds of record a change can touch."""

    COURSE = "course"
    MATERIAL = "material"
    ROOM = "room"
    INSTRUCTOR = "instructor"
    SESSION = "session"
    LEARNER = "learner"
    ENROLLMENT = "enrollment"
    ATTENDANCE = "attendance"
    CERTIFICATE = "certificate"
    SETTING = "setting"
    IMPORT = "import"
    OUTBOX = "outbox"
    COST = "cost"  # cost lines, budgets and exchange rates
    REQUIREMENT = "requirement"  # requirements, their lists and exemptions
    EVIDENCE = "evidence"  # printed copies and scans kept for a session


@dataclass(frozen=True)
class Changes:
    """A set of (entity kind, id) pairs that a unit of work created, changed or removed."""

    touched: frozenset[tuple[Entity, int]] = field(default_factory=frozenset)

    @classmethod
    def of(cls, kind: Entity, *ids: int) -> Changes:
        return cls(frozenset((kind, i) for i in ids))

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.touched | other.touched)

    def __bool__(self) -> bool:
        return bool(self.touched)

    def touches(self, kind: Entity) -> bool:
        return any(k == kind for k, _ in self.touched)

    def ids(self, kind: Entity) -> frozenset[int]:
        return frozenset(i for k, i in self.touched if k == kind)

"""What a write changed, so that open views can decide whether to refresh."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
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
    FEEDBACK = "feedback"  # feedback responses of a session (announced by session id)


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


# What the audit trail's entity names (db/audit.py) mean as change kinds, for the changes
# another coordinator made (live updates); related records are named by their session.
_TRAIL_KINDS: dict[str, Entity] = {
    "course": Entity.COURSE,
    "objective": Entity.COURSE,
    "agenda_item": Entity.COURSE,
    "material": Entity.MATERIAL,
    "room": Entity.ROOM,
    "instructor": Entity.INSTRUCTOR,
    "qualification": Entity.INSTRUCTOR,
    "session": Entity.SESSION,
    "session_day": Entity.SESSION,
    "session_instructor": Entity.SESSION,
    "learner": Entity.LEARNER,
    "enrollment": Entity.ENROLLMENT,
    "attendance": Entity.ATTENDANCE,
    "certificate": Entity.CERTIFICATE,
    "cost_line": Entity.COST,
    "budget": Entity.COST,
    "exchange_rate": Entity.COST,
    "setting": Entity.SETTING,
    "requirement": Entity.REQUIREMENT,
    "requirement_course": Entity.REQUIREMENT,
    "requirement_member": Entity.REQUIREMENT,
    "exemption": Entity.REQUIREMENT,
    "interest": Entity.REQUIREMENT,
    "print": Entity.EVIDENCE,
    "scan": Entity.EVIDENCE,
    "feedback": Entity.FEEDBACK,
    "series": Entity.SESSION,
    "time_off": Entity.INSTRUCTOR,
}


def from_trail(
    touched: Iterable[tuple[str, int | None, int | None]], *, everything: bool
) -> Changes:
    """The changes another client's transaction made, from its (entity, id, session id) list.

    Attendance is announced by session (as `record_marks` does); anything on a session also
    touches that session, so its window and the sessions list refresh.
    """
    if everything:
        return Changes(frozenset((kind, 0) for kind in Entity))
    pairs: set[tuple[Entity, int]] = set()
    for name, entity_id, session_id in touched:
        kind = _TRAIL_KINDS.get(name)
        if kind is None:
            continue
        if kind in (Entity.ATTENDANCE, Entity.FEEDBACK):
            pairs.add((kind, session_id or 0))
        elif kind is Entity.SESSION:
            pairs.add((kind, session_id or entity_id or 0))
        else:
            pairs.add((kind, entity_id or 0))
        if session_id is not None:
            pairs.add((Entity.SESSION, session_id))
    return Changes(frozenset(pairs))

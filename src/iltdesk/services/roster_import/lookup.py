"""Looking learners up for an import: by email, employee ID and name, in chunks."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from typing import TypeVar
from typing import cast

from sqlalchemy import Table
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.entities import Learner
from iltdesk.domain.imports import FieldChange
from iltdesk.domain.imports import ImportPlan
from iltdesk.domain.imports import Placement
from iltdesk.domain.text import search_key
from iltdesk.importers.roster import LEARNER_FIELDS
from iltdesk.importers.roster import ParsedRow

T = TypeVar("T")
CHUNK = 2000  # keys per IN (...) lookup: well under SQLite's 32,766 parameters
SKIP = 0  # a decision: leave this row out
Report = Callable[[int, int, str], None]
# Fields compared without regard to case: HR exports often shout names in capitals.
_CASELESS = frozenset({"first_name", "last_name", "email", "manager_email"})


@dataclass
class _Existing:
    id: int
    values: dict[str, str]


@dataclass
class _Work:
    """What a plan will write: computed by `_plan`, applied by `commit_import`."""

    plan: ImportPlan
    creates: list[ParsedRow] = field(default_factory=list)
    updates: list[tuple[int, dict[str, str], tuple[FieldChange, ...]]] = field(default_factory=list)
    placements: list[tuple[int, int, Placement]] = field(default_factory=list)  # row, learner
    name_keys: dict[int, dict[str, str]] = field(default_factory=dict)  # row → search keys


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_LEARNERS = cast(Table, Learner.__table__)
_COLUMNS = [_LEARNERS.c[name] for name in LEARNER_FIELDS]


def _load(tx: OrmSession, column_name: str, keys: Iterable[str]) -> dict[str, _Existing]:
    """Live (not merged) learners whose `column_name` is one of `keys`, by that key.

    Plain Core rows on the session's connection: no ORM row processing for 50,000 learners.
    """
    found: dict[str, _Existing] = {}
    wanted = sorted(set(keys))
    column = _LEARNERS.c[column_name]
    conn = tx.connection()
    for chunk in _chunks(wanted):
        query = select(_LEARNERS.c.id, column, *_COLUMNS).where(
            column.in_(chunk), _LEARNERS.c.merged_into_id.is_(None)
        )
        for row in conn.execute(query):
            values = dict(zip(LEARNER_FIELDS, (_stored_text(v) for v in row[2:]), strict=True))
            found[row[1]] = _Existing(row[0], values)
    return found


def _stored_text(value: object) -> str:
    """A learner column as the text the import compares (dates as ISO dates)."""
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if value else ""


def _stored_value(name: str, text: str) -> str | date | None:
    """The text of a learner field as its column stores it."""
    if name == "hire_date":
        return date.fromisoformat(text) if text else None
    if name == "employee_id":
        return text or None
    return text


def _name_keys(values: Mapping[str, str]) -> dict[str, str]:
    """The search keys of a name, as `learner_keys` stores them (each part normalised once)."""
    first, last = search_key(values["first_name"]), search_key(values["last_name"])
    return {
        "first_key": first,
        "last_key": last,
        "sort_key": f"{last} {first}" if last and first else last or first,
    }


def _load_ids(tx: OrmSession, ids: Sequence[int]) -> dict[int, _Existing]:
    found: dict[int, _Existing] = {}
    for chunk in _chunks(sorted(set(ids))):
        query = select(Learner.id, *_COLUMNS).where(
            Learner.id.in_(chunk), Learner.merged_into_id.is_(None)
        )
        for row in tx.execute(query):
            values = {name: _stored_text(row[1 + i]) for i, name in enumerate(LEARNER_FIELDS)}
            found[row[0]] = _Existing(row[0], values)
    return found


def _differences(existing: Mapping[str, str], values: Mapping[str, str]) -> tuple[FieldChange, ...]:
    changes = []
    for name in LEARNER_FIELDS:
        new, old = values[name], existing[name]
        if not new:
            continue  # a blank in the file never erases what the directory knows
        same = new.casefold() == old.casefold() if name in _CASELESS else new == old
        if not same:
            changes.append(FieldChange(name, old, new))
    return tuple(changes)


def _name(values: Mapping[str, str]) -> str:
    return f"{values['first_name']} {values['last_name']}".strip()

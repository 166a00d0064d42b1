"""Pre-work for blended courses: who has done it, ticked by hand or read from an LMS export.

Each place on a session keeps whether its learner's pre-work is done, and when. The session
window shows "11 of 14 done"; the sign-in sheet can show a Pre-work column. An LMS completion
export (xlsx or CSV, in whatever layout the LMS writes) is read by its headings: the learner's
email (or employee ID), and a status ("Completed", "Done", "100%"…) or a completion date.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import Enrollment
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.errors import UnreadableFileError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.importers.reading import read_file
from iltdesk.services import enrollment
from iltdesk.services.common import Outcome


@dataclass(frozen=True)
class PreworkCount:
    """How many learners with a seat have done the pre-work."""

    done: int
    total: int


def prework_count(db: Database, session_id: int) -> PreworkCount:
    """Pre-work done among the learners holding a seat."""
    seated = [r for r in enrollment.roster(db, session_id) if r.status in SEAT_HOLDING]
    return PreworkCount(sum(1 for r in seated if r.prework_done), len(seated))


def set_prework(
    db: Database,
    session_id: int,
    enrollment_ids: Collection[int],
    done: bool,
    *,
    when: datetime | None = None,
) -> Outcome[int]:
    """Mark the places' pre-work done (now, or `when`) or not done; returns how many changed."""
    wanted = set(enrollment_ids)
    with db.transaction() as tx:
        places = tx.scalars(
            select(Enrollment).where(Enrollment.session_id == session_id, Enrollment.id.in_(wanted))
        ).all()
        if len(places) != len(wanted):
            raise ValidationError(_("A place named is not on this session."))
        changed = 0
        for place in places:
            if place.prework_done == done and (not done or when is None):
                continue
            place.prework_done = done
            place.prework_done_at = (when or utcnow()) if done else None
            changed += 1
        return Outcome(
            changed, Changes.of(Entity.ENROLLMENT, *wanted) | Changes.of(Entity.SESSION, session_id)
        )


@dataclass(frozen=True)
class PreworkImport:
    """What an LMS export said: who is done, who is not, and who the roster does not hold."""

    done: tuple[int, ...]  # enrollment ids
    not_done: tuple[int, ...]
    not_on_roster: tuple[str, ...]  # emails or employee IDs from the file
    changed: int = 0


_EMAIL = ("email", "e-mail", "email address", "user email", "learner email", "login")
_EMPLOYEE = ("employee id", "employee number", "personnel number", "user id", "personalnummer")
_STATUS = (
    "status",
    "completion status",
    "completion",
    "progress",
    "completed",
    "course status",
    "state",
)
_DATE = ("completion date", "completed on", "date completed", "completed at", "finished")
_DONE_WORDS = {
    "completed",
    "complete",
    "done",
    "passed",
    "finished",
    "yes",
    "y",
    "true",
    "1",
    "100%",
    "100",
    "abgeschlossen",
    "erledigt",
    "bestanden",
    "ja",
}


def import_prework(
    db: Database, session_id: int, path: Path, *, dry_run: bool = False
) -> Outcome[PreworkImport]:
    """Read an LMS completion export and mark the pre-work of those it shows as done."""
    source = read_file(path)
    rows = source.sheet(None).rows
    header_at, columns = _header(rows)
    if header_at is None:
        raise UnreadableFileError(
            _(
                "{name} has no heading for the learners' email (or employee ID) and their "
                "completion status or date, so ILT Desk cannot tell who has done the pre-work."
            ).format(name=path.name)
        )
    roster = [r for r in enrollment.roster(db, session_id) if r.status in SEAT_HOLDING]
    by_email = {r.email.casefold(): r.enrollment_id for r in roster if r.email}
    by_employee = {r.employee_id.casefold(): r.enrollment_id for r in roster if r.employee_id}
    done: dict[int, datetime | None] = {}
    not_done: list[int] = []
    strangers: list[str] = []
    for row in rows[header_at + 1 :]:
        cells = [str(c).strip() if c is not None else "" for c in row]
        key = _value(cells, columns.get("email")) or _value(cells, columns.get("employee"))
        if not key:
            continue
        place = by_email.get(key.casefold()) or by_employee.get(key.casefold())
        if place is None:
            strangers.append(key)
            continue
        finished = _finished(row, cells, columns)
        if finished is False:
            not_done.append(place)
        else:
            done[place] = finished if isinstance(finished, datetime) else None
    changed = 0
    changes = Changes()
    if not dry_run:
        for place, when in done.items():
            outcome = set_prework(db, session_id, [place], True, when=when)
            changed += outcome.value
            changes |= outcome.changes
    return Outcome(PreworkImport(tuple(done), tuple(not_done), tuple(strangers), changed), changes)


def _header(rows: Sequence[Sequence[object]]) -> tuple[int | None, dict[str, int]]:
    for index, row in enumerate(rows[:30]):
        folded = [re.sub(r"\s+", " ", str(c or "")).strip().casefold() for c in row]
        columns: dict[str, int] = {}
        for position, heading in enumerate(folded):
            for kind, names in (
                ("email", _EMAIL),
                ("employee", _EMPLOYEE),
                ("status", _STATUS),
                ("date", _DATE),
            ):
                if heading in names and kind not in columns:
                    columns[kind] = position
        if ("email" in columns or "employee" in columns) and (
            "status" in columns or "date" in columns
        ):
            return index, columns
    return None, {}


def _value(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _finished(row: Sequence[object], cells: list[str], columns: dict[str, int]) -> datetime | bool:
    """When the row says the pre-work was finished (True: done, date unknown; False: not)."""
    index = columns.get("date")
    raw = row[index] if index is not None and index < len(row) else None
    when = _as_instant(raw)
    if when is not None:
        return when
    return _value(cells, columns.get("status")).casefold() in _DONE_WORDS


def _as_instant(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    text = str(value or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

"""Where every learner stands against every requirement: the matrix and the due list.

The rule is in `domain/compliance.py`. The database is read once per call, not once per
requirement: the learners (their scope attributes and anchors), the latest completion of each
required course per learner, active exemptions, explicit lists. Each requirement is then a
pass over its learners in Python, with the rule evaluated once per distinct combination of
dates (most learners share theirs). 50,000 learners × 10 requirements take a fraction of a
second; see `bench/bench_compliance.py`. Requirements themselves are kept by
`services/requirements.py`.
"""

from __future__ import annotations

from collections import Counter
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import and_
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.engine import Database
from iltdesk.db.entities import Certificate
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Exemption
from iltdesk.db.entities import Learner
from iltdesk.db.entities import RequirementMember
from iltdesk.db.entities import TrainingSession
from iltdesk.db.sqlfunctions import date_of
from iltdesk.domain.compliance import DUE_NAME
from iltdesk.domain.compliance import DUE_ON
from iltdesk.domain.compliance import DUE_REQUIREMENT
from iltdesk.domain.compliance import EXPIRY_WINDOW_DAYS
from iltdesk.domain.compliance import LEARNER_DEPARTMENT
from iltdesk.domain.compliance import LEARNER_EMAIL
from iltdesk.domain.compliance import LEARNER_ID
from iltdesk.domain.compliance import LEARNER_MANAGER
from iltdesk.domain.compliance import LEARNER_MANAGER_EMAIL
from iltdesk.domain.compliance import LEARNER_NAME
from iltdesk.domain.compliance import ComplianceCell
from iltdesk.domain.compliance import ComplianceMatrix
from iltdesk.domain.compliance import DueItem
from iltdesk.domain.compliance import DueRow
from iltdesk.domain.compliance import LearnerTuple
from iltdesk.domain.compliance import RequirementRow
from iltdesk.domain.compliance import due_item
from iltdesk.domain.dates import add_months
from iltdesk.domain.enums import ComplianceState
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import RequirementAnchor
from iltdesk.domain.sorting import sorted_in_steps
from iltdesk.services.common import BATCH_ROWS
from iltdesk.services.requirements import list_requirements

S = ComplianceState
_DUE_STATES = frozenset({S.OVERDUE, S.EXPIRING, S.NEVER})


def _date(value: object) -> date | None:
    """A date as the driver returns it (SQLite: ISO text, from an aggregate); None stays."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _day(value: object) -> date:
    """A date that a NOT NULL column (or the greatest of several) always has."""
    day = _date(value)
    if day is None:
        raise ValueError("a date was expected, not NULL")
    return day


class _Rule:
    """The rule for one requirement on one day, each distinct input evaluated once."""

    def __init__(self, requirement: RequirementRow, today: date, window_days: int) -> None:
        self.months = requirement.recurrence_months
        self.within = timedelta(days=requirement.within_days or 0)
        self.starts = requirement.starts_on
        self.on_hire = requirement.anchor is RequirementAnchor.HIRE
        self.today = today
        self.horizon = today + timedelta(days=window_days)
        self.exempt = ComplianceCell(S.EXEMPT, None)
        self._done: dict[date, ComplianceCell] = {}
        self._never: dict[date | None, ComplianceCell] = {}

    def done(self, day: date) -> ComplianceCell:
        """The cell of a learner whose latest counting completion ended on `day`."""
        found = self._done.get(day)
        if found is None:
            if not self.months:
                found = ComplianceCell(S.CURRENT, day, lasting=True)
            else:
                until = add_months(day, self.months)
                if until < self.today:
                    found = ComplianceCell(S.OVERDUE, until)
                else:
                    found = ComplianceCell(
                        S.EXPIRING if until <= self.horizon else S.CURRENT, until
                    )
            self._done[day] = found
        return found

    def never(self, anchor: date | None) -> ComplianceCell:
        """The cell of a learner who never completed, counted from `anchor`."""
        found = self._never.get(anchor)
        if found is None:
            if anchor is None and self.on_hire:
                found = ComplianceCell(S.HIRE_DATE_MISSING, None)
            else:
                start = anchor or self.starts or self.today
                if self.starts is not None and start < self.starts:
                    start = self.starts
                due = start + self.within
                found = ComplianceCell(S.OVERDUE if due < self.today else S.NEVER, due)
            self._never[anchor] = found
        return found


@dataclass
class _Facts:
    """What one read of the database tells about every learner the requirements concern."""

    # (id, department, job title, location, hire date, joined, manager)
    people: list[tuple[Any, ...]]
    done: dict[int, dict[int, date]]  # course id → learner id → latest counting completion
    exempt: dict[int, set[int]]  # requirement id → exempt learner ids
    members: dict[int, dict[int, date]]  # requirement id → learner id → on the list since

    def narrowed(self, manager: str | None, location: str | None) -> _Facts:
        """The same facts about only the learners of `manager` at `location` (None: any)."""
        if manager is None and location is None:
            return self
        people = [
            p
            for p in self.people
            if (manager is None or p[6] == manager) and (location is None or p[3] == location)
        ]
        return _Facts(people, self.done, self.exempt, self.members)


def _facts(
    tx: OrmSession, requirements: list[RequirementRow], filters: list[ColumnElement[bool]]
) -> _Facts:
    people = [
        (i, dept, job, place, _date(hired), _date(joined), manager)
        for i, dept, job, place, hired, joined, manager in tx.execute(
            select(
                Learner.id,
                Learner.department,
                Learner.job_title,
                Learner.location,
                Learner.hire_date,
                date_of(Learner.created_at),
                Learner.manager_name,
            )
            .where(Learner.merged_into_id.is_(None), *filters)
            .execution_options(yield_per=BATCH_ROWS)
        )
    ]
    courses = sorted({c for r in requirements for c in r.course_ids})
    revoked = exists().where(
        Certificate.enrollment_id == Enrollment.id, Certificate.revoked_at.is_not(None)
    )
    valid = exists().where(
        Certificate.enrollment_id == Enrollment.id, Certificate.revoked_at.is_(None)
    )
    done: dict[int, dict[int, date]] = defaultdict(dict)
    if courses:
        for course_id, learner_id, day in tx.execute(
            select(
                TrainingSession.course_id,
                Enrollment.learner_id,
                func.max(TrainingSession.last_date),
            )
            .join(Enrollment, Enrollment.session_id == TrainingSession.id)
            .where(
                TrainingSession.course_id.in_(courses),
                Enrollment.status == EnrollmentStatus.COMPLETED,
                ~and_(revoked, ~valid),  # a revoked certificate stops counting
            )
            .group_by(TrainingSession.course_id, Enrollment.learner_id)
            .execution_options(yield_per=BATCH_ROWS)
        ):
            done[course_id][learner_id] = _day(day)
    ids = [r.id for r in requirements]
    exempt: dict[int, set[int]] = defaultdict(set)
    for requirement_id, learner_id in tx.execute(
        select(Exemption.requirement_id, Exemption.learner_id).where(
            Exemption.requirement_id.in_(ids), Exemption.revoked_at.is_(None)
        )
    ):
        exempt[requirement_id].add(learner_id)
    members: dict[int, dict[int, date]] = defaultdict(dict)
    explicit = [r.id for r in requirements if r.explicit]
    if explicit:
        for requirement_id, learner_id, since in tx.execute(
            select(
                RequirementMember.requirement_id,
                RequirementMember.learner_id,
                RequirementMember.added_on,
            ).where(RequirementMember.requirement_id.in_(explicit))
        ):
            members[requirement_id][learner_id] = _day(since)
    return _Facts(people, done, exempt, members)


def _completions(facts: _Facts, requirement: RequirementRow) -> dict[int, date]:
    """The latest completion of the requirement's course or any equivalent, per learner."""
    found = [facts.done.get(c, {}) for c in requirement.course_ids]
    if len(found) == 1:
        return found[0]
    merged: dict[int, date] = {}
    for by_learner in found:
        for learner_id, day in by_learner.items():
            if learner_id not in merged or day > merged[learner_id]:
                merged[learner_id] = day
    return merged


def _scope(facts: _Facts, requirement: RequirementRow) -> list[tuple[int, date | None]]:
    """(learner id, anchor) for everyone the requirement applies to."""
    on_hire = requirement.anchor is RequirementAnchor.HIRE
    if requirement.explicit:
        listed = facts.members.get(requirement.id, {})
        return [(p[0], p[4] if on_hire else listed[p[0]]) for p in facts.people if p[0] in listed]
    wanted = [
        (position, value)
        for position, value in (
            (1, requirement.department),
            (2, requirement.job_title),
            (3, requirement.location),
        )
        if value
    ]
    anchor = 4 if on_hire else 5
    return [(p[0], p[anchor]) for p in facts.people if all(p[k] == v for k, v in wanted)]


def _cells(facts: _Facts, requirement: RequirementRow, rule: _Rule) -> dict[int, ComplianceCell]:
    completed = _completions(facts, requirement)
    exempt = facts.exempt.get(requirement.id, set())
    done, never, exempt_cell = rule.done, rule.never, rule.exempt
    cells: dict[int, ComplianceCell] = {}
    for learner_id, anchor in _scope(facts, requirement):
        if learner_id in exempt:
            cells[learner_id] = exempt_cell
            continue
        day = completed.get(learner_id)
        cells[learner_id] = done(day) if day is not None else never(anchor)
    return cells


def _learner_filters(
    department: str | None, manager: str | None = None, location: str | None = None
) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = []
    if department is not None:
        filters.append(Learner.department == department)
    if manager is not None:
        filters.append(Learner.manager_name == manager)
    if location is not None:
        filters.append(Learner.location == location)
    return filters


def matrix(
    db: Database,
    today: date,
    *,
    window_days: int = EXPIRY_WINDOW_DAYS,
    department: str | None = None,
    manager: str | None = None,
    location: str | None = None,
    states: Iterable[ComplianceState] | None = None,
    requirement_ids: Iterable[int] | None = None,
) -> ComplianceMatrix:
    """Every learner in scope of any requirement, and their state against each."""
    wanted_ids = set(requirement_ids) if requirement_ids is not None else None
    requirements = [r for r in list_requirements(db) if wanted_ids is None or r.id in wanted_ids]
    with db.reading() as tx:
        facts = _facts(tx, requirements, _learner_filters(department, manager, location))
        return _matrix(tx, facts, requirements, today, window_days, states)


def matrix_and_due(
    db: Database,
    today: date,
    due_days: int,
    *,
    window_days: int = EXPIRY_WINDOW_DAYS,
    department: str | None = None,
    manager: str | None = None,
    location: str | None = None,
    states: Iterable[ComplianceState] | None = None,
) -> tuple[ComplianceMatrix, list[DueRow]]:
    """`matrix` and `due_rows` (which narrows by department only) from one read of the facts.

    The compliance screen shows both: on 50,000 learners each read took ~400 ms.
    """
    requirements = list_requirements(db)
    with db.reading() as tx:
        facts = _facts(tx, requirements, _learner_filters(department))
        narrowed = facts.narrowed(manager, location)
        found = _matrix(tx, narrowed, requirements, today, window_days, states)
        # The matrix's rows name most of those due (all, unless it is narrowed further).
        known = {
            row[LEARNER_ID]: (
                row[LEARNER_NAME],
                row[LEARNER_EMAIL],
                row[LEARNER_MANAGER],
                row[LEARNER_MANAGER_EMAIL],
                row[LEARNER_DEPARTMENT],
            )
            for row in found.learner_rows
        }
        due = _due_rows(tx, facts, requirements, today, due_days, known)
    return found, due


def _matrix(
    tx: OrmSession,
    facts: _Facts,
    requirements: list[RequirementRow],
    today: date,
    window_days: int,
    states: Iterable[ComplianceState] | None,
) -> ComplianceMatrix:
    wanted_states = set(states) if states else None
    cells: list[dict[int, ComplianceCell]] = []
    totals: list[dict[ComplianceState, int]] = []
    seen: set[int] = set()
    for requirement in requirements:
        found = _cells(facts, requirement, _Rule(requirement, today, window_days))
        totals.append(dict(Counter(c.state for c in found.values())))
        if wanted_states is not None:
            found = {i: c for i, c in found.items() if c.state in wanted_states}
        seen.update(found)
        cells.append(found)
    people = _learners(tx, seen)
    return ComplianceMatrix(
        tuple(requirements), people, tuple(cells), today, window_days, tuple(totals)
    )


def matrix_choices(db: Database) -> dict[str, list[str]]:
    """Departments, managers and locations in use, for the matrix's filters."""
    found: dict[str, list[str]] = {}
    with db.reading() as tx:
        for key, column in (
            ("departments", Learner.department),
            ("managers", Learner.manager_name),
            ("locations", Learner.location),
        ):
            found[key] = list(
                tx.scalars(
                    select(column)
                    .where(column != "", Learner.merged_into_id.is_(None))
                    .distinct()
                    .order_by(column)
                )
            )
    return found


def _learners(tx: OrmSession, ids: set[int]) -> tuple[LearnerTuple, ...]:
    """The matrix's rows, in the directory's order."""
    if not ids:
        return ()
    rows = tx.execute(
        select(
            Learner.id,
            Learner.first_name,
            Learner.last_name,
            Learner.email,
            Learner.department,
            Learner.manager_name,
            Learner.manager_email,
            Learner.location,
        )
        .where(Learner.merged_into_id.is_(None))
        .order_by(Learner.sort_key)
        .execution_options(yield_per=BATCH_ROWS)
    )
    return tuple(
        (i, f"{first} {last}".strip(), email, dept, manager, manager_email, place)
        for i, first, last, email, dept, manager, manager_email, place in rows
        if i in ids
    )


def due(db: Database, today: date, days: int, *, department: str | None = None) -> list[DueItem]:
    """Learners overdue, or due (or expiring) within `days`, most urgent first."""
    return [due_item(row) for row in due_rows(db, today, days, department=department)]


def due_rows(
    db: Database, today: date, days: int, *, department: str | None = None
) -> list[DueRow]:
    """`due` as plain tuples (see `DueRow`): for the screen, which holds 200,000 of them."""
    requirements = list_requirements(db)
    with db.reading() as tx:
        facts = _facts(tx, requirements, _learner_filters(department))
        return _due_rows(tx, facts, requirements, today, days)


def _due_rows(
    tx: OrmSession,
    facts: _Facts,
    requirements: list[RequirementRow],
    today: date,
    days: int,
    known: dict[int, tuple[str, str, str, str, str]] | None = None,
) -> list[DueRow]:
    """`due_rows` from `facts`.

    `known`: names already read (as `_names` gives them), by learner id; the others are added.
    """
    horizon = today + timedelta(days=days)
    # (date, learner id, requirement's position, state): tuples of plain values throughout.
    found: list[tuple[date, int, int, str]] = []
    for position, requirement in enumerate(requirements):
        cells = _cells(facts, requirement, _Rule(requirement, today, days))
        found.extend(
            (cell.on, learner_id, position, cell.state.value)
            for learner_id, cell in cells.items()
            if cell.state in _DUE_STATES and cell.on is not None and cell.on <= horizon
        )
    names = {} if known is None else known
    names.update(_names(tx, {i for _on, i, _r, _s in found if i not in names}))
    # Fresh tuples of the course ids: the requirement's own has lived long enough to be tracked
    # until a full collection, and would keep every row holding it tracked as well.
    facts_of = [(r.id, r.name, r.course_ids[0], (*r.course_ids,)) for r in requirements]
    rows: list[DueRow] = []
    for on, learner_id, position, state in found:
        requirement_id, name, course_id, course_ids = facts_of[position]
        rows.append(
            (learner_id, *names[learner_id], requirement_id, name, course_id, state, on, course_ids)
        )
    # In steps: the list can run to 200,000 items, and one sort of it would hold the
    # interpreter (and so the window) for ~150 ms although it runs off the GUI thread.
    return sorted_in_steps(
        rows, lambda r: (r[DUE_ON] or date.max, r[DUE_NAME].casefold(), r[DUE_REQUIREMENT])
    )


def _names(tx: OrmSession, ids: set[int]) -> dict[int, tuple[str, str, str, str, str]]:
    """(name, email, manager, manager's email, department) of each learner in `ids`."""
    found: dict[int, tuple[str, str, str, str, str]] = {}
    chunk = sorted(ids)
    for start in range(0, len(chunk), 2000):
        for i, first, last, email, manager, manager_email, dept in tx.execute(
            select(
                Learner.id,
                Learner.first_name,
                Learner.last_name,
                Learner.email,
                Learner.manager_name,
                Learner.manager_email,
                Learner.department,
            ).where(Learner.id.in_(chunk[start : start + 2000]))
        ):
            found[i] = (f"{first} {last}".strip(), email, manager, manager_email, dept)
    return found


def today_in(zone: str, now: datetime | None = None) -> date:
    """The organisation's today, in its zone (compliance dates change at its midnight)."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    return (now or datetime.now(UTC)).astimezone(ZoneInfo(zone)).date()

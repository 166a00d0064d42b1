"""Planning an import: each row matched to the directory and placed on the session."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.collector import paused_collector
from iltdesk.db.engine import Database
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Learner
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.imports import Candidate
from iltdesk.domain.imports import FieldChange
from iltdesk.domain.imports import ImportCounts
from iltdesk.domain.imports import ImportPlan
from iltdesk.domain.imports import Placement
from iltdesk.domain.imports import RowAction
from iltdesk.domain.imports import RowPlan
from iltdesk.domain.imports import RowProblem
from iltdesk.domain.rules import free_seats
from iltdesk.i18n import _
from iltdesk.importers.fields import Field
from iltdesk.importers.roster import ParsedRoster
from iltdesk.importers.roster import ParsedRow
from iltdesk.services.clashes import learner_clashes
from iltdesk.services.placing import open_session
from iltdesk.services.roster_import.lookup import SKIP
from iltdesk.services.roster_import.lookup import Report
from iltdesk.services.roster_import.lookup import _chunks
from iltdesk.services.roster_import.lookup import _differences
from iltdesk.services.roster_import.lookup import _Existing
from iltdesk.services.roster_import.lookup import _load
from iltdesk.services.roster_import.lookup import _load_ids
from iltdesk.services.roster_import.lookup import _name
from iltdesk.services.roster_import.lookup import _name_keys
from iltdesk.services.roster_import.lookup import _Work
from iltdesk.services.seats import seats_taken


@dataclass
class _Lookup:
    """Who the file's rows may be: found by email, employee ID, the user's choice, or name."""

    anyone: bool  # False: an empty directory (the first import) matches nobody
    by_email: dict[str, _Existing]
    by_employee: dict[str, _Existing]
    chosen: dict[int, _Existing]  # learners the user picked for possible duplicates
    name_keys: dict[int, dict[str, str]]  # row → name keys, for rows nobody matched
    look_alikes: dict[str, list[Candidate]]  # sort key → learners with that name


def _look_up(tx: OrmSession, parsed: ParsedRoster, decisions: Mapping[int, int]) -> _Lookup:
    """One query per kind of key, in chunks, for the whole file."""
    importable = parsed.importable
    anyone = tx.scalar(select(Learner.id).limit(1)) is not None
    by_email = _load(tx, "email_key", (r.key for r in importable)) if anyone else {}
    # By employee ID: rows no email matched, and rows whose matched learner has another ID
    # (which may belong to someone else). A file of known learners needs no second query.
    employee_ids = (
        r.values["employee_id"]
        for r in (importable if anyone else ())
        if r.values["employee_id"]
        and (
            r.key not in by_email
            or by_email[r.key].values["employee_id"] != r.values["employee_id"]
        )
    )
    by_employee = _load(tx, "employee_id", employee_ids)
    chosen = _load_ids(tx, [v for v in decisions.values() if v != SKIP])
    # Name-only look-alikes, for rows that match nobody by email or ID.
    name_keys = {
        r.row: _name_keys(r.values)
        for r in (importable if anyone else ())
        if r.key not in by_email
        and (not r.values["employee_id"] or r.values["employee_id"] not in by_employee)
    }
    look_alikes: dict[str, list[Candidate]] = {}
    for chunk in _chunks(sorted({keys["sort_key"] for keys in name_keys.values()})):
        query = select(
            Learner.id, Learner.sort_key, Learner.first_name, Learner.last_name, Learner.email
        ).where(Learner.sort_key.in_(chunk), Learner.merged_into_id.is_(None))
        for lid, key, first, last, mail in tx.execute(query):
            look_alikes.setdefault(key, []).append(Candidate(lid, f"{first} {last}".strip(), mail))
    return _Lookup(anyone, by_email, by_employee, chosen, name_keys, look_alikes)


@dataclass
class _Seats:
    """The session the rows join: its free seats and who already holds a place."""

    session: TrainingSession
    free: int
    places: dict[int, EnrollmentStatus]


def _seats(tx: OrmSession, session_id: int, lookup: _Lookup) -> _Seats:
    session = open_session(tx, session_id)
    free = free_seats(session.capacity, seats_taken(tx, session.id))
    known = [e.id for e in (*lookup.by_email.values(), *lookup.by_employee.values())]
    known += [e.id for e in lookup.chosen.values()]
    places: dict[int, EnrollmentStatus] = {}
    for id_chunk in _chunks(sorted(set(known))):
        place_query = select(Enrollment.learner_id, Enrollment.status).where(
            Enrollment.session_id == session.id, Enrollment.learner_id.in_(id_chunk)
        )
        places.update({lid: status for lid, status in tx.execute(place_query)})
    return _Seats(session, free, places)


class _Planner:
    """Walks the rows once: match each to a learner, then place it on the session."""

    def __init__(
        self,
        tx: OrmSession,
        parsed: ParsedRoster,
        session_id: int | None,
        lookup: _Lookup,
        seats: _Seats | None,
    ) -> None:
        self.tx, self.parsed, self.lookup, self.seats = tx, parsed, lookup, seats
        self.problems: list[RowProblem] = []
        self.plans: list[RowPlan] = []
        self.work = _Work(
            ImportPlan(session_id, (), ImportCounts(), ()), name_keys=lookup.name_keys
        )
        self.counts: dict[str, int] = dict.fromkeys(ImportCounts().as_dict(), 0)
        self.counts["rows"] = len(parsed.rows)
        self.seen: set[int] = set()

    def settle(self, row: ParsedRow, action: RowAction, count: str) -> None:
        """A row that neither creates nor updates anyone: rejected, merged or skipped."""
        self.counts[count] += 1
        self.plans.append(RowPlan(row.row, action))

    def note(self, row: ParsedRow, message: str) -> None:
        self.problems.append(RowProblem(row.row, "", message, blocking=False))

    def match(self, row: ParsedRow, decision: int | None) -> _Existing | RowProblem | None:
        """The learner a row is (None: nobody yet), or why it cannot be imported."""
        lookup, employee_id = self.lookup, row.values["employee_id"]
        existing = lookup.by_email.get(row.key)
        by_id = lookup.by_employee.get(employee_id) if employee_id else None
        if decision is not None and decision in lookup.chosen:
            existing = lookup.chosen[decision]
        elif existing is None:
            existing = by_id
        if existing is not None and by_id is not None and by_id.id != existing.id:
            return RowProblem(
                row.row,
                _header_for(self.parsed, Field.EMPLOYEE_ID),
                _("Employee ID {employee_id} belongs to another learner ({name}, {email}).").format(
                    employee_id=employee_id, name=_name(by_id.values), email=by_id.values["email"]
                ),
            )
        return existing

    def create(self, row: ParsedRow) -> tuple[Candidate, ...]:
        """A new learner; look-alikes by name are offered, never merged silently."""
        candidates: tuple[Candidate, ...] = ()
        if self.lookup.anyone:
            key = self.lookup.name_keys[row.row]["sort_key"]
            candidates = tuple(self.lookup.look_alikes.get(key, ()))
        if candidates:
            self.counts["possible_duplicates"] += 1
            self.note(
                row,
                _(
                    "Possibly the same person as {name} ({email}) already in the "
                    "directory: choose whether to use that learner or create a new one."
                ).format(name=candidates[0].name, email=candidates[0].email),
            )
        self.counts["new"] += 1
        self.work.creates.append(row)
        return candidates

    def update(
        self, row: ParsedRow, existing: _Existing
    ) -> tuple[RowAction, tuple[FieldChange, ...]]:
        self.seen.add(existing.id)
        changes = _differences(existing.values, row.values)
        if not changes:
            self.counts["unchanged"] += 1
            return RowAction.UNCHANGED, changes
        self.counts["updated"] += 1
        self.work.updates.append((existing.id, existing.values, changes))
        existing.values = {**existing.values, **{c.field: c.new for c in changes}}
        return RowAction.UPDATE, changes

    def place(self, row: ParsedRow, learner_id: int | None) -> Placement:
        """A seat while seats are free, then the waitlist; clashes are noted, not refused."""
        seats = self.seats
        if seats is None:
            return Placement.NONE
        status = seats.places.get(learner_id) if learner_id is not None else None
        if status is not None and status.is_active:
            self.counts["already_enrolled"] += 1
            return Placement.ALREADY
        if learner_id is not None:
            clashes = learner_clashes(self.tx, learner_id, seats.session)
            if clashes:
                self.note(
                    row,
                    _("Also booked at an overlapping time: {clash}").format(
                        clash=clashes[0].message
                    ),
                )
        placement = Placement.SEAT if seats.free > 0 else Placement.WAITLIST
        seats.free -= 1
        self.counts["enrolled" if placement is Placement.SEAT else "waitlisted"] += 1
        self.work.placements.append((row.row, learner_id or 0, placement))
        return placement

    def row(self, row: ParsedRow, decision: int | None) -> None:
        self.problems.extend(row.problems)
        if row.rejected:
            return self.settle(row, RowAction.REJECTED, "rejected")
        if row.duplicate_of is not None:
            return self.settle(row, RowAction.MERGED, "duplicates_merged")
        if decision == SKIP:
            return self.settle(row, RowAction.SKIP, "skipped")
        existing = self.match(row, decision)
        if isinstance(existing, RowProblem):
            self.problems.append(existing)
            return self.settle(row, RowAction.REJECTED, "rejected")
        if existing is not None and existing.id in self.seen:
            self.note(
                row,
                _(
                    "This row is the same learner as an earlier row ({name}); merged into it."
                ).format(name=_name(existing.values)),
            )
            return self.settle(row, RowAction.MERGED, "duplicates_merged")
        candidates: tuple[Candidate, ...] = ()
        changes: tuple[FieldChange, ...] = ()
        if existing is None:
            action, learner_id = RowAction.CREATE, None
            candidates = self.create(row)
        else:
            learner_id = existing.id
            action, changes = self.update(row, existing)
        placement = self.place(row, learner_id)
        self.plans.append(RowPlan(row.row, action, learner_id, changes, candidates, placement))
        return None

    def finish(self, session_id: int | None) -> _Work:
        self.problems.sort(key=lambda p: p.row)
        self.work.plan = ImportPlan(
            session_id, tuple(self.plans), ImportCounts(**self.counts), tuple(self.problems)
        )
        return self.work


def _plan(
    tx: OrmSession,
    parsed: ParsedRoster,
    session_id: int | None,
    decisions: Mapping[int, int],
    report: Report | None = None,
) -> _Work:
    """Match every row (lookup), decide create/update (match), then seat or waitlist it."""
    lookup = _look_up(tx, parsed, decisions)
    seats = _seats(tx, session_id, lookup) if session_id is not None else None
    planner = _Planner(tx, parsed, session_id, lookup, seats)
    for index, row in enumerate(parsed.rows):
        if report is not None and index % 1000 == 0:
            report(index, len(parsed.rows), _("Matching rows…"))
        planner.row(row, decisions.get(row.row))
    return planner.finish(session_id)


def _header_for(parsed: ParsedRoster, wanted: Field) -> str:
    for index, f in parsed.mapping.items():
        if f is wanted and index < len(parsed.headers):
            return parsed.headers[index]
    return ""


def plan_import(
    db: Database,
    parsed: ParsedRoster,
    session_id: int | None = None,
    decisions: Mapping[int, int] | None = None,
    report: Report | None = None,
) -> ImportPlan:
    """What importing `parsed` would do, without writing anything (the dry run)."""
    with db.transaction() as tx, paused_collector():
        return _plan(tx, parsed, session_id, decisions or {}, report).plan

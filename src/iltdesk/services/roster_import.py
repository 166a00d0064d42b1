"""Roster imports: match parsed rows to the directory, plan, commit as one batch, undo a batch.

Matching: an existing learner is found by email (any case), then by employee ID. A learner
who only shares a name with a row is a *possible duplicate*: flagged, never merged unless the
coordinator decides so (`decisions`). The plan is computed again inside the committing
transaction, so what is written always matches the database it is written to; a plan that
changes nothing writes nothing (importing the same file twice is a no-op).

A batch records what it created and, for what it changed, the old values; undoing it removes
what it added (keeping anything that has gathered history since) and restores what it changed
where nobody edited it afterwards.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database, bulk_insert
from iltdesk.db.entities import (
    Attendance,
    Certificate,
    Course,
    Enrollment,
    ImportBatch,
    Learner,
    Setting,
    TrainingSession,
)
from iltdesk.documents.problem_report import ProblemRow
from iltdesk.domain.changes import Changes, Entity
from iltdesk.domain.enums import EnrollmentSource, EnrollmentStatus
from iltdesk.domain.imports import (
    Candidate,
    FieldChange,
    ImportBatchRow,
    ImportCounts,
    ImportPlan,
    ImportResult,
    ImportSource,
    Placement,
    RowAction,
    RowPlan,
    RowProblem,
    UndoResult,
)
from iltdesk.domain.rules import free_seats
from iltdesk.domain.text import search_key
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.importers.cells import cell_text, header_key
from iltdesk.importers.fields import Field, find_header_row, guess_mapping, mapping_problem
from iltdesk.importers.reading import SourceFile
from iltdesk.importers.roster import (
    LEARNER_FIELDS,
    ParsedRoster,
    ParsedRow,
    parse_rows,
    paused_collector,
)
from iltdesk.services import journal
from iltdesk.services.clashes import learner_clashes
from iltdesk.services.common import Outcome, audit, get_or_fail
from iltdesk.services.enrollment import _open_session, remove_place
from iltdesk.services.learners import learner_keys
from iltdesk.services.maintenance import back_up_before
from iltdesk.services.seats import (
    fill_free_seats,
    next_waitlist_position,
    renumber_waitlist,
    seats_taken,
)
from iltdesk.services.settings_store import DOMAIN_DEFAULTS, get_setting, set_setting

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


def _stored_value(name: str, text: str) -> Any:
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


def _plan(
    tx: OrmSession,
    parsed: ParsedRoster,
    session_id: int | None,
    decisions: Mapping[int, int],
    report: Report | None = None,
) -> _Work:
    importable = parsed.importable
    # An empty directory (the first import) matches nothing: skip the lookups altogether.
    anyone = tx.scalar(select(Learner.id).limit(1)) is not None
    by_email = _load(tx, "email_key", (r.key for r in importable)) if anyone else {}
    # By employee ID: rows no email matched, and rows whose matched learner has another ID
    # (which may belong to someone else). A file of known learners needs no second query.
    by_employee = _load(
        tx,
        "employee_id",
        ()
        if not anyone
        else (
            r.values["employee_id"]
            for r in importable
            if r.values["employee_id"]
            and (
                r.key not in by_email
                or by_email[r.key].values["employee_id"] != r.values["employee_id"]
            )
        ),
    )
    chosen = _load_ids(tx, [v for v in decisions.values() if v != SKIP])
    # Name-only look-alikes, for rows that match nobody by email or ID.
    # Name-only look-alikes can only exist in a directory that holds someone.
    name_keys = {
        r.row: _name_keys(r.values)
        for r in (importable if anyone else ())
        if r.key not in by_email
        and (not r.values["employee_id"] or r.values["employee_id"] not in by_employee)
    }
    unmatched_keys = {keys["sort_key"] for keys in name_keys.values()}
    look_alikes: dict[str, list[Candidate]] = {}
    for chunk in _chunks(sorted(unmatched_keys)):
        query = select(
            Learner.id, Learner.sort_key, Learner.first_name, Learner.last_name, Learner.email
        ).where(Learner.sort_key.in_(chunk), Learner.merged_into_id.is_(None))
        for lid, key, first, last, mail in tx.execute(query):
            look_alikes.setdefault(key, []).append(Candidate(lid, f"{first} {last}".strip(), mail))

    session = _open_session(tx, session_id) if session_id is not None else None
    places: dict[int, EnrollmentStatus] = {}
    free = 0
    if session is not None:
        free = free_seats(session.capacity, seats_taken(tx, session.id))
        known_ids = [e.id for e in (*by_email.values(), *by_employee.values(), *chosen.values())]
        for id_chunk in _chunks(sorted(set(known_ids))):
            place_query = select(Enrollment.learner_id, Enrollment.status).where(
                Enrollment.session_id == session.id, Enrollment.learner_id.in_(id_chunk)
            )
            places.update({lid: status for lid, status in tx.execute(place_query)})

    problems: list[RowProblem] = []
    plans: list[RowPlan] = []
    work = _Work(ImportPlan(session_id, (), ImportCounts(), ()), name_keys=name_keys)
    counts: dict[str, int] = dict.fromkeys(ImportCounts().as_dict(), 0)
    counts["rows"] = len(parsed.rows)
    seen_learners: set[int] = set()
    for index, row in enumerate(parsed.rows):
        if report is not None and index % 1000 == 0:
            report(index, len(parsed.rows), _("Matching rows…"))
        problems.extend(row.problems)
        if row.rejected:
            counts["rejected"] += 1
            plans.append(RowPlan(row.row, RowAction.REJECTED))
            continue
        if row.duplicate_of is not None:
            counts["duplicates_merged"] += 1
            plans.append(RowPlan(row.row, RowAction.MERGED))
            continue
        values = row.values
        decision = decisions.get(row.row)
        if decision == SKIP:
            counts["skipped"] += 1
            plans.append(RowPlan(row.row, RowAction.SKIP))
            continue
        existing = by_email.get(row.key)
        by_id = by_employee.get(values["employee_id"]) if values["employee_id"] else None
        if decision is not None and decision in chosen:
            existing = chosen[decision]
        elif existing is None:
            existing = by_id
        if existing is not None and by_id is not None and by_id.id != existing.id:
            problem = RowProblem(
                row.row,
                _header_for(parsed, Field.EMPLOYEE_ID),
                _("Employee ID {employee_id} belongs to another learner ({name}, {email}).").format(
                    employee_id=values["employee_id"],
                    name=_name(by_id.values),
                    email=by_id.values["email"],
                ),
            )
            problems.append(problem)
            counts["rejected"] += 1
            plans.append(RowPlan(row.row, RowAction.REJECTED))
            continue
        if existing is not None and existing.id in seen_learners:
            problems.append(
                RowProblem(
                    row.row,
                    "",
                    _(
                        "This row is the same learner as an earlier row ({name}); merged into it."
                    ).format(name=_name(existing.values)),
                    blocking=False,
                )
            )
            counts["duplicates_merged"] += 1
            plans.append(RowPlan(row.row, RowAction.MERGED))
            continue
        candidates: tuple[Candidate, ...] = ()
        changes: tuple[FieldChange, ...] = ()
        learner_id: int | None
        if existing is None:
            action, learner_id = RowAction.CREATE, None
            if anyone:
                candidates = tuple(look_alikes.get(name_keys[row.row]["sort_key"], ()))
            if candidates:
                counts["possible_duplicates"] += 1
                problems.append(
                    RowProblem(
                        row.row,
                        "",
                        _(
                            "Possibly the same person as {name} ({email}) already in the "
                            "directory: choose whether to use that learner or create a new one."
                        ).format(name=candidates[0].name, email=candidates[0].email),
                        blocking=False,
                    )
                )
            counts["new"] += 1
            work.creates.append(row)
        else:
            learner_id = existing.id
            seen_learners.add(learner_id)
            changes = _differences(existing.values, values)
            if changes:
                action = RowAction.UPDATE
                counts["updated"] += 1
                work.updates.append((learner_id, existing.values, changes))
                existing.values = {**existing.values, **{c.field: c.new for c in changes}}
            else:
                action = RowAction.UNCHANGED
                counts["unchanged"] += 1
        placement = Placement.NONE
        if session is not None:
            status = places.get(learner_id) if learner_id is not None else None
            if status is not None and status.is_active:
                placement = Placement.ALREADY
                counts["already_enrolled"] += 1
            else:
                if learner_id is not None:
                    clashes = learner_clashes(tx, learner_id, session)
                    if clashes:
                        problems.append(
                            RowProblem(
                                row.row,
                                "",
                                _("Also booked at an overlapping time: {clash}.").format(
                                    clash=clashes[0].message
                                ),
                                blocking=False,
                            )
                        )
                placement = Placement.SEAT if free > 0 else Placement.WAITLIST
                free -= 1
                counts["enrolled" if placement is Placement.SEAT else "waitlisted"] += 1
                work.placements.append((row.row, learner_id or 0, placement))
        plans.append(RowPlan(row.row, action, learner_id, changes, candidates, placement))
    problems.sort(key=lambda p: p.row)
    work.plan = ImportPlan(session_id, tuple(plans), ImportCounts(**counts), tuple(problems))
    return work


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


_TEXT_FIELDS = tuple(name for name in LEARNER_FIELDS if name not in ("employee_id", "hire_date"))
_INSERT_COLUMNS = (
    *_TEXT_FIELDS,
    "hire_date",
    "employee_id",  # None when blank: the unique index allows many NULLs, not many ""
    "first_key",
    "last_key",
    "sort_key",
    "email_key",
    "preferred_language",
    "created_at",
)


def _learner_values(values: Mapping[str, str]) -> dict[str, Any]:
    return {
        **{name: _stored_value(name, values[name]) for name in LEARNER_FIELDS},
        **learner_keys(values["first_name"], values["last_name"], values["email"]),
    }


def commit_import(
    db: Database,
    parsed: ParsedRoster,
    source: ImportSource,
    *,
    session_id: int | None = None,
    decisions: Mapping[int, int] | None = None,
    report: Report | None = None,
) -> Outcome[ImportResult]:
    """Import `parsed` as one batch in one transaction, after a verified backup.

    `report` may raise (the task runner's cancel): the transaction then rolls back and the
    database is exactly as before.
    """
    decisions = decisions or {}
    with (
        journal.in_progress(db, "import", source.file_name),
        db.transaction() as tx,
        paused_collector(),
    ):
        # Planned in the transaction that writes, so the plan is the database's own; the
        # backup is taken from another connection after planning and before the first write.
        work = _plan(tx, parsed, session_id, decisions, report)
        plan = work.plan
        if not plan.changes_anything:
            known = tuple(dict.fromkeys(p.learner_id for p in plan.rows if p.learner_id))
            return Outcome(ImportResult(None, plan.counts, plan.problems, known), Changes())
        if report is not None:
            report(0, 0, _("Backing up the database…"))
        back_up_before(db, "import")
        batch = ImportBatch(
            file_name=source.file_name,
            sha256=source.sha256,
            sheet_name=source.sheet,
            column_mapping=json.dumps(
                {
                    parsed.headers[i] if i < len(parsed.headers) else str(i): f.value
                    for i, f in parsed.mapping.items()
                },
                ensure_ascii=False,
            ),
            counts=json.dumps(plan.counts.as_dict()),
            session_id=session_id,
        )
        tx.add(batch)
        tx.flush()
        total = len(work.creates) + len(work.updates) + len(work.placements)
        done = 0
        now = utcnow()
        created: dict[int, int] = {}  # sheet row → new learner id
        before = tx.scalar(select(func.max(Learner.id))) or 0
        learners_table = cast(Table, Learner.__table__)
        for chunk in _chunks(work.creates, 2000):
            if report is not None:
                report(done, total, _("Adding learners…"))
            rows = []
            for r in chunk:
                v = r.values
                keys = work.name_keys.get(r.row) or _name_keys(v)
                rows.append(
                    (
                        *(v[name] for name in _TEXT_FIELDS),
                        _stored_value("hire_date", v["hire_date"]),
                        v["employee_id"] or None,
                        keys["first_key"],
                        keys["last_key"],
                        keys["sort_key"],
                        r.key,
                        "",
                        now,
                    )
                )
            bulk_insert(tx, learners_table, _INSERT_COLUMNS, rows)
            done += len(chunk)
        if work.creates:
            query = select(_LEARNERS.c.email_key, _LEARNERS.c.id).where(_LEARNERS.c.id > before)
            new_ids: dict[str, int] = {key: lid for key, lid in tx.connection().execute(query)}
            created = {r.row: new_ids[r.key] for r in work.creates}
        updated: dict[str, dict[str, list[str]]] = {}
        for update_chunk in _chunks(work.updates, 1000):
            if report is not None:
                report(done, total, _("Updating learners…"))
            params = []
            for learner_id, old, field_changes in update_chunk:
                merged = {**old, **{c.field: c.new for c in field_changes}}
                params.append({"id": learner_id, **_learner_values(merged)})
                updated[str(learner_id)] = {c.field: [c.old, c.new] for c in field_changes}
            tx.execute(update(Learner), params)
            done += len(update_chunk)
        placed_new: list[int] = []
        placed_again: dict[str, dict[str, Any]] = {}
        if session_id is not None and work.placements:
            if report is not None:
                report(done, total, _("Enrolling learners…"))
            position = next_waitlist_position(tx, session_id)
            learner_ids = [lid or created[row] for row, lid, _p in work.placements]
            old_rows = {
                e.learner_id: e
                for chunk in _chunks(learner_ids)
                for e in tx.scalars(
                    select(Enrollment).where(
                        Enrollment.session_id == session_id, Enrollment.learner_id.in_(chunk)
                    )
                )
            }
            new_rows = []
            for (_row, _lid, placement), learner_id in zip(
                work.placements, learner_ids, strict=True
            ):
                waitlisted = placement is Placement.WAITLIST
                values: dict[str, Any] = {
                    "status": EnrollmentStatus.WAITLISTED
                    if waitlisted
                    else EnrollmentStatus.ENROLLED,
                    "waitlist_position": position if waitlisted else None,
                    "enrolled_at": now,
                    "cancelled_at": None,
                    "cancel_reason": "",
                    "moved_to_id": None,
                    "source": EnrollmentSource.IMPORT,
                    "import_batch_id": batch.id,
                }
                position += waitlisted
                old_row = old_rows.get(learner_id)
                if old_row is None:
                    new_rows.append(
                        {
                            "session_id": session_id,
                            "learner_id": learner_id,
                            "prework_done": False,
                            **values,
                        }
                    )
                    continue
                placed_again[str(old_row.id)] = {
                    "status": old_row.status.value,
                    "waitlist_position": old_row.waitlist_position,
                    "enrolled_at": old_row.enrolled_at.isoformat(),
                    "cancelled_at": old_row.cancelled_at.isoformat()
                    if old_row.cancelled_at
                    else None,
                    "cancel_reason": old_row.cancel_reason,
                    "moved_to_id": old_row.moved_to_id,
                    "source": old_row.source.value,
                    "import_batch_id": old_row.import_batch_id,
                }
                for key, value in values.items():
                    setattr(old_row, key, value)
            if new_rows:
                placed_new = list(
                    tx.scalars(
                        insert(Enrollment).returning(Enrollment.id, sort_by_parameter_order=True),
                        new_rows,
                    )
                )
            tx.flush()
        batch.undo_data = json.dumps(
            {
                "created_learners": sorted(created.values()),
                "updated_learners": updated,
                "created_enrollments": placed_new,
                "reactivated_enrollments": placed_again,
            },
            ensure_ascii=False,
        )
        audit(tx, "import", batch.id, "import", {"file": source.file_name, **plan.counts.as_dict()})
        if report is not None:
            report(total, total, _("Saving…"))
        changes = (
            Changes.of(Entity.IMPORT, batch.id)
            | Changes.of(Entity.LEARNER, *created.values(), *(u[0] for u in work.updates))
            | Changes.of(Entity.ENROLLMENT, *placed_new, *(int(k) for k in placed_again))
        )
        if session_id is not None:
            changes |= Changes.of(Entity.SESSION, session_id)
        everyone = tuple(
            dict.fromkeys(
                lid
                for p in sorted(plan.rows, key=lambda p: p.row)
                if (lid := p.learner_id or created.get(p.row))
            )
        )
        return Outcome(ImportResult(batch.id, plan.counts, plan.problems, everyone), changes)


def undo_import(db: Database, batch_id: int) -> Outcome[UndoResult]:
    """Reverse one import batch as far as history allows, after a verified backup."""
    with db.transaction() as tx:
        batch = get_or_fail(tx, ImportBatch, batch_id, _("That import no longer exists."))
        if batch.undone_at is not None:
            raise ValidationError(_("This import was already undone."))
    back_up_before(db, "undo import")
    with db.transaction() as tx:
        batch = get_or_fail(tx, ImportBatch, batch_id, _("That import no longer exists."))
        data = json.loads(batch.undo_data or "{}")
        places_removed = places_kept = places_restored = 0
        touched_enrollments: list[int] = []

        def has_history(enrollment_id: int) -> bool:
            marks = tx.scalar(select(func.count()).where(Attendance.enrollment_id == enrollment_id))
            certs = tx.scalar(
                select(func.count()).where(Certificate.enrollment_id == enrollment_id)
            )
            return bool(marks or certs)

        for enrollment_id in data.get("created_enrollments", []):
            enrollment = tx.get(Enrollment, enrollment_id)
            if enrollment is None:
                continue
            touched_enrollments.append(enrollment_id)
            if has_history(enrollment_id):
                places_kept += 1
                continue
            remove_place(tx, enrollment)
            places_removed += 1
        for key, old in data.get("reactivated_enrollments", {}).items():
            enrollment = tx.get(Enrollment, int(key))
            if enrollment is None:
                continue
            touched_enrollments.append(enrollment.id)
            if has_history(enrollment.id) and old["status"] != EnrollmentStatus.ENROLLED.value:
                places_kept += 1
                continue
            enrollment.status = EnrollmentStatus(old["status"])
            enrollment.waitlist_position = None  # renumbered below
            enrollment.enrolled_at = datetime.fromisoformat(old["enrolled_at"])
            enrollment.cancelled_at = (
                datetime.fromisoformat(old["cancelled_at"]) if old["cancelled_at"] else None
            )
            enrollment.cancel_reason = old["cancel_reason"]
            enrollment.moved_to_id = old["moved_to_id"]
            enrollment.source = EnrollmentSource(old["source"])
            enrollment.import_batch_id = old["import_batch_id"]
            if enrollment.status is EnrollmentStatus.WAITLISTED:
                enrollment.waitlist_position = old["waitlist_position"] or 10**6
            places_restored += 1
        tx.flush()
        learners_removed = learners_kept = 0
        created = data.get("created_learners", [])
        for chunk in _chunks(created):
            busy = set(
                tx.scalars(select(Enrollment.learner_id).where(Enrollment.learner_id.in_(chunk)))
            ) | set(
                tx.scalars(select(Learner.merged_into_id).where(Learner.merged_into_id.in_(chunk)))
            )
            free = [lid for lid in chunk if lid not in busy]
            learners_kept += len(chunk) - len(free)
            if free:
                tx.execute(delete(Learner).where(Learner.id.in_(free)))
                learners_removed += len(free)
        learners_restored = fields_kept = 0
        for key, fields in data.get("updated_learners", {}).items():
            learner = tx.get(Learner, int(key))
            if learner is None or learner.merged_into_id is not None:
                fields_kept += len(fields)
                continue
            restored = False
            for name, (old, new) in fields.items():
                if _stored_text(getattr(learner, name)) == new:
                    setattr(learner, name, _stored_value(name, old))
                    restored = True
                else:
                    fields_kept += 1
            if restored:
                for k, v in learner_keys(
                    learner.first_name, learner.last_name, learner.email
                ).items():
                    setattr(learner, k, v)
                learners_restored += 1
        if batch.session_id is not None:
            session = tx.get(TrainingSession, batch.session_id)
            renumber_waitlist(tx, batch.session_id)
            if session is not None:
                fill_free_seats(tx, session)
        batch.undone_at = utcnow()
        result = UndoResult(
            learners_removed,
            learners_kept,
            learners_restored,
            fields_kept,
            places_removed,
            places_kept,
            places_restored,
        )
        audit(tx, "import", batch.id, "undo", asdict(result))
        changes = (
            Changes.of(Entity.IMPORT, batch.id)
            | Changes.of(
                Entity.LEARNER, *created, *(int(k) for k in data.get("updated_learners", {}))
            )
            | Changes.of(Entity.ENROLLMENT, *touched_enrollments)
        )
        if batch.session_id is not None:
            changes |= Changes.of(Entity.SESSION, batch.session_id)
        return Outcome(result, changes)


def _batch_rows(tx: OrmSession, where: Any, limit: int) -> list[ImportBatchRow]:
    from iltdesk import formatting

    query = (
        select(ImportBatch, Course.code, TrainingSession.first_start, TrainingSession.timezone)
        .outerjoin(TrainingSession, TrainingSession.id == ImportBatch.session_id)
        .outerjoin(Course, Course.id == TrainingSession.course_id)
        .where(where)
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        .limit(limit)
    )
    setting = tx.get(Setting, "default_timezone")
    home = json.loads(setting.value) if setting is not None else DOMAIN_DEFAULTS["default_timezone"]
    rows = []
    for batch, code, start, zone in tx.execute(query):
        label = f"{code} · {formatting.format_date(start, zone)}" if start is not None else ""
        rows.append(
            ImportBatchRow(
                batch.id,
                batch.file_name,
                batch.sheet_name,
                batch.created_at,
                batch.session_id,
                label,
                json.loads(batch.counts or "{}"),
                batch.undone_at,
                str(home),
            )
        )
    return rows


def list_import_batches(db: Database, limit: int = 200) -> list[ImportBatchRow]:
    """Recent imports, newest first."""
    with db.transaction() as tx:
        return _batch_rows(tx, ImportBatch.id.is_not(None), limit)


def earlier_import(db: Database, sha256: str) -> ImportBatchRow | None:
    """The latest batch (not undone) that imported a file with exactly this content, if any."""
    with db.transaction() as tx:
        where = (ImportBatch.sha256 == sha256) & ImportBatch.undone_at.is_(None)
        rows = _batch_rows(tx, where, 1)
        return rows[0] if rows else None


def _mapping_key(headers: Sequence[str]) -> str:
    joined = "\x1f".join(header_key(h) for h in headers)
    return "import_mapping:" + hashlib.sha1(joined.encode()).hexdigest()


def remembered_mapping(db: Database, headers: Sequence[str]) -> dict[int, Field] | None:
    """The mapping last used for a file with exactly these headers, if any."""
    stored = get_setting(db, _mapping_key(headers))
    if not isinstance(stored, dict):
        return None
    try:
        return {int(k): Field(v) for k, v in stored.items() if int(k) < len(headers)}
    except ValueError:
        return None


def remember_mapping(db: Database, headers: Sequence[str], mapping: Mapping[int, Field]) -> None:
    set_setting(db, _mapping_key(headers), {str(k): f.value for k, f in mapping.items()})


def prepare(
    db: Database,
    source: SourceFile,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Mapping[int, Field] | None = None,
    report: Report | None = None,
) -> ParsedRoster:
    """Parse one sheet of a read file into rows with their problems.

    The header row is found unless given; the mapping is the one given, else the one remembered
    for these headers, else guessed from them.
    """
    raw = source.sheet(sheet)
    if header_row is None:
        header_row = find_header_row(raw.rows, raw.merged_rows)
        if header_row is None:
            raise ValidationError(
                _(
                    "No row in “{sheet}” looks like a header (a row naming columns such as "
                    "Email, First name, Last name). Add one above the learners and import again."
                ).format(sheet=raw.name)
            )
    headers = [cell_text(c) for c in raw.rows[header_row]] if header_row < len(raw.rows) else []
    if mapping is None:
        mapping = remembered_mapping(db, headers) or guess_mapping(headers)
    problem = mapping_problem(mapping)
    if problem is not None:
        raise ValidationError(problem)

    def progress(done: int, total: int) -> None:
        if report is not None:
            report(done, total, _("Reading rows…"))

    parsed = parse_rows(raw, header_row, mapping, progress)
    if not parsed.rows:
        raise ValidationError(
            _(
                "“{sheet}” has a header row (row {row}) but no learners below it: there is "
                "nothing to import."
            ).format(sheet=raw.name, row=header_row + 1)
        )
    return parsed


def problem_rows(parsed: ParsedRoster, plan: ImportPlan) -> list[ProblemRow]:
    """The rows that will not be imported, with every blocking problem of each, in file order."""
    rejected = {p.row for p in plan.rows if p.action is RowAction.REJECTED}
    messages: dict[int, list[str]] = {}
    for problem in plan.problems:
        if problem.blocking and problem.row in rejected:
            where = f"{problem.column}: " if problem.column else ""
            messages.setdefault(problem.row, []).append(where + problem.message)
    return [
        ProblemRow(row.row, row.cells, tuple(messages.get(row.row, ())))
        for row in parsed.rows
        if row.row in rejected
    ]

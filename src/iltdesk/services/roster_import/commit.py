"""Committing an import as one batch that records what it created and changed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import cast

from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session as OrmSession

from iltdesk.collector import paused_collector
from iltdesk.db.base import utcnow
from iltdesk.db.bulk import bulk_insert
from iltdesk.db.engine import Database
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import ImportBatch
from iltdesk.db.entities import Learner
from iltdesk.db.expressions import ColumnValues
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import EnrollmentSource
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.imports import ImportCounts
from iltdesk.domain.imports import ImportResult
from iltdesk.domain.imports import ImportSource
from iltdesk.domain.imports import Placement
from iltdesk.domain.jsontypes import JsonObject
from iltdesk.i18n import _
from iltdesk.importers.roster import LEARNER_FIELDS
from iltdesk.importers.roster import ParsedRoster
from iltdesk.services import journal
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit
from iltdesk.services.learners import learner_keys
from iltdesk.services.maintenance import back_up_before
from iltdesk.services.roster_import.lookup import _LEARNERS
from iltdesk.services.roster_import.lookup import Report
from iltdesk.services.roster_import.lookup import _chunks
from iltdesk.services.roster_import.lookup import _name_keys
from iltdesk.services.roster_import.lookup import _stored_value
from iltdesk.services.roster_import.lookup import _Work
from iltdesk.services.roster_import.plan import _plan
from iltdesk.services.seats import next_waitlist_position

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


def _learner_values(values: Mapping[str, str]) -> ColumnValues:
    return {
        **{name: _stored_value(name, values[name]) for name in LEARNER_FIELDS},
        **learner_keys(values["first_name"], values["last_name"], values["email"]),
    }


class _Steps:
    """Progress through the writes, for the task runner (which may cancel at any step)."""

    def __init__(self, report: Report | None, total: int) -> None:
        self.report, self.total, self.done = report, total, 0

    def __call__(self, text: str, finished: int = 0) -> None:
        self.done += finished
        if self.report is not None:
            self.report(self.done, self.total, text)


def _batch(
    parsed: ParsedRoster, source: ImportSource, counts: ImportCounts, session_id: int | None
) -> ImportBatch:
    return ImportBatch(
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
        counts=json.dumps(counts.as_dict()),
        session_id=session_id,
    )


def _insert_learners(tx: OrmSession, work: _Work, now: datetime, step: _Steps) -> dict[int, int]:
    """The new learners in bulk; returns sheet row → new learner id."""
    before = tx.scalar(select(func.max(Learner.id))) or 0
    learners_table = cast(Table, Learner.__table__)
    for chunk in _chunks(work.creates, 2000):
        step(_("Adding learners…"))
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
        step.done += len(chunk)
    if not work.creates:
        return {}
    query = select(_LEARNERS.c.email_key, _LEARNERS.c.id).where(_LEARNERS.c.id > before)
    new_ids: dict[str, int] = {key: lid for key, lid in tx.connection().execute(query)}
    return {r.row: new_ids[r.key] for r in work.creates}


def _update_learners(tx: OrmSession, work: _Work, step: _Steps) -> dict[str, dict[str, list[str]]]:
    """The changed fields in bulk; returns learner id → field → [old, new], for the undo."""
    updated: dict[str, dict[str, list[str]]] = {}
    for update_chunk in _chunks(work.updates, 1000):
        step(_("Updating learners…"))
        params = []
        for learner_id, old, field_changes in update_chunk:
            merged = {**old, **{c.field: c.new for c in field_changes}}
            params.append({"learner_id": learner_id, **_learner_values(merged)})
            updated[str(learner_id)] = {c.field: [c.old, c.new] for c in field_changes}
        # Core, by id, bumping each row's version: an edit form opened before the import
        # then learns the learner changed instead of overwriting the import's values.
        columns = [key for key in params[0] if key != "learner_id"]
        statement = (
            update(_LEARNERS)
            .where(_LEARNERS.c.id == bindparam("learner_id"))
            .values(
                {**{key: bindparam(key) for key in columns}, "version": _LEARNERS.c.version + 1}
            )
        )
        tx.connection().execute(statement, params)
        step.done += len(update_chunk)
    return updated


def _earlier_place(row: Enrollment) -> JsonObject:
    """A place as it was before the import reactivated it (what the undo restores)."""
    return {
        "status": row.status.value,
        "waitlist_position": row.waitlist_position,
        "enrolled_at": row.enrolled_at.isoformat(),
        "cancelled_at": row.cancelled_at.isoformat() if row.cancelled_at else None,
        "cancel_reason": row.cancel_reason,
        "moved_to_id": row.moved_to_id,
        "source": row.source.value,
        "import_batch_id": row.import_batch_id,
    }


def _place_learners(
    tx: OrmSession, work: _Work, session_id: int, batch_id: int, created: dict[int, int]
) -> tuple[list[int], dict[str, JsonObject]]:
    """Seats and waitlist places in plan order: new places, and old ones reactivated.

    Returns the new places' ids and, per reactivated place, what it was before.
    """
    now = utcnow()
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
    placed_again: dict[str, JsonObject] = {}
    for (_row, _lid, placement), learner_id in zip(work.placements, learner_ids, strict=True):
        waitlisted = placement is Placement.WAITLIST
        values: ColumnValues = {
            "status": EnrollmentStatus.WAITLISTED if waitlisted else EnrollmentStatus.ENROLLED,
            "waitlist_position": position if waitlisted else None,
            "enrolled_at": now,
            "cancelled_at": None,
            "cancel_reason": "",
            "moved_to_id": None,
            "source": EnrollmentSource.IMPORT,
            "import_batch_id": batch_id,
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
        placed_again[str(old_row.id)] = _earlier_place(old_row)
        for key, value in values.items():
            setattr(old_row, key, value)
    placed_new: list[int] = []
    if new_rows:
        placed_new = list(
            tx.scalars(
                insert(Enrollment).returning(Enrollment.id, sort_by_parameter_order=True),
                new_rows,
            )
        )
    tx.flush()
    return placed_new, placed_again


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
        step = _Steps(report, len(work.creates) + len(work.updates) + len(work.placements))
        step(_("Backing up the database…"))
        back_up_before(db, "import")
        batch = _batch(parsed, source, plan.counts, session_id)
        tx.add(batch)
        tx.flush()
        created = _insert_learners(tx, work, utcnow(), step)
        updated = _update_learners(tx, work, step)
        placed_new: list[int] = []
        placed_again: dict[str, JsonObject] = {}
        if session_id is not None and work.placements:
            step(_("Enrolling learners…"))
            placed_new, placed_again = _place_learners(tx, work, session_id, batch.id, created)
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
        step.done = step.total
        step(_("Saving…"))
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

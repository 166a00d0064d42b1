"""Committing an import as one batch that records what it created and changed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database, bulk_insert
from iltdesk.db.entities import (
    Enrollment,
    ImportBatch,
    Learner,
)
from iltdesk.domain.changes import Changes, Entity
from iltdesk.domain.enums import EnrollmentSource, EnrollmentStatus
from iltdesk.domain.imports import (
    ImportResult,
    ImportSource,
    Placement,
)
from iltdesk.i18n import _
from iltdesk.importers.roster import (
    LEARNER_FIELDS,
    ParsedRoster,
    paused_collector,
)
from iltdesk.services import journal
from iltdesk.services.common import Outcome, audit
from iltdesk.services.learners import learner_keys
from iltdesk.services.maintenance import back_up_before
from iltdesk.services.roster_import.lookup import (
    _LEARNERS,
    Report,
    _chunks,
    _name_keys,
    _stored_value,
)
from iltdesk.services.roster_import.plan import _plan
from iltdesk.services.seats import (
    next_waitlist_position,
)

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

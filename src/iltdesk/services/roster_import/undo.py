"""Undoing a batch: what it added goes, what it changed comes back where nobody edited it."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import Attendance
from iltdesk.db.entities import Certificate
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import ImportBatch
from iltdesk.db.entities import Learner
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import EnrollmentSource
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.imports import UndoResult
from iltdesk.domain.jsontypes import JsonObject
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit
from iltdesk.services.common import get_or_fail
from iltdesk.services.learners import learner_keys
from iltdesk.services.maintenance import back_up_before
from iltdesk.services.roster_import.lookup import _chunks
from iltdesk.services.roster_import.lookup import _stored_text
from iltdesk.services.roster_import.lookup import _stored_value
from iltdesk.services.roster_undo import remove_place
from iltdesk.services.seats import fill_free_seats
from iltdesk.services.seats import renumber_waitlist


def _has_history(tx: OrmSession, enrollment_id: int) -> bool:
    """Whether a place has marks or a certificate: then an undo leaves it as it is."""
    marks = tx.scalar(select(func.count()).where(Attendance.enrollment_id == enrollment_id))
    certs = tx.scalar(select(func.count()).where(Certificate.enrollment_id == enrollment_id))
    return bool(marks or certs)


def _restore_place(enrollment: Enrollment, old: JsonObject) -> None:
    """A place the import reactivated, back as it was before."""
    enrollment.status = EnrollmentStatus(old["status"])
    enrollment.waitlist_position = None  # renumbered afterwards
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


def _undo_places(tx: OrmSession, data: JsonObject) -> tuple[list[int], int, int, int]:
    """Places created go, places reactivated come back; those with history stay.

    Returns the places touched, and how many were removed, kept and restored.
    """
    touched: list[int] = []
    removed = kept = restored = 0
    for enrollment_id in data.get("created_enrollments", []):
        enrollment = tx.get(Enrollment, enrollment_id)
        if enrollment is None:
            continue
        touched.append(enrollment_id)
        if _has_history(tx, enrollment_id):
            kept += 1
            continue
        remove_place(tx, enrollment)
        removed += 1
    for key, old in data.get("reactivated_enrollments", {}).items():
        enrollment = tx.get(Enrollment, int(key))
        if enrollment is None:
            continue
        touched.append(enrollment.id)
        if _has_history(tx, enrollment.id) and old["status"] != EnrollmentStatus.ENROLLED.value:
            kept += 1
            continue
        _restore_place(enrollment, old)
        restored += 1
    tx.flush()
    return touched, removed, kept, restored


def _remove_learners(tx: OrmSession, created: list[int]) -> tuple[int, int]:
    """Learners the import created go unless they have places or merges since: (gone, kept)."""
    removed = kept = 0
    for chunk in _chunks(created):
        busy = set(
            tx.scalars(select(Enrollment.learner_id).where(Enrollment.learner_id.in_(chunk)))
        ) | set(tx.scalars(select(Learner.merged_into_id).where(Learner.merged_into_id.in_(chunk))))
        free = [lid for lid in chunk if lid not in busy]
        kept += len(chunk) - len(free)
        if free:
            tx.execute(delete(Learner).where(Learner.id.in_(free)))
            removed += len(free)
    return removed, kept


def _restore_learners(tx: OrmSession, updated: JsonObject) -> tuple[int, int]:
    """Fields the import changed come back where nobody edited them since: (learners, kept)."""
    restored_learners = fields_kept = 0
    for key, fields in updated.items():
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
            for k, v in learner_keys(learner.first_name, learner.last_name, learner.email).items():
                setattr(learner, k, v)
            restored_learners += 1
    return restored_learners, fields_kept


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
        touched, places_removed, places_kept, places_restored = _undo_places(tx, data)
        created = data.get("created_learners", [])
        learners_removed, learners_kept = _remove_learners(tx, created)
        updated = data.get("updated_learners", {})
        learners_restored, fields_kept = _restore_learners(tx, updated)
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
            | Changes.of(Entity.LEARNER, *created, *(int(k) for k in updated))
            | Changes.of(Entity.ENROLLMENT, *touched)
        )
        if batch.session_id is not None:
            changes |= Changes.of(Entity.SESSION, batch.session_id)
        return Outcome(result, changes)

"""Undoing a batch: what it added goes, what it changed comes back where nobody edited it."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import delete, func, select

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import (
    Attendance,
    Certificate,
    Enrollment,
    ImportBatch,
    Learner,
    TrainingSession,
)
from iltdesk.domain.changes import Changes, Entity
from iltdesk.domain.enums import EnrollmentSource, EnrollmentStatus
from iltdesk.domain.imports import (
    UndoResult,
)
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.common import Outcome, audit, get_or_fail
from iltdesk.services.enrollment import remove_place
from iltdesk.services.learners import learner_keys
from iltdesk.services.maintenance import back_up_before
from iltdesk.services.roster_import.lookup import _chunks, _stored_text, _stored_value
from iltdesk.services.seats import (
    fill_free_seats,
    renumber_waitlist,
)


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

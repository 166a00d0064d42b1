"""Requirements: what learners must complete, who is in scope, and who is exempt (and why).

Where each learner stands is computed by `services/compliance.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.audit import set_reason
from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import Course
from iltdesk.db.entities import Exemption
from iltdesk.db.entities import Learner
from iltdesk.db.entities import Requirement
from iltdesk.db.entities import RequirementCourse
from iltdesk.db.entities import RequirementMember
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.compliance import RequirementRow
from iltdesk.domain.compliance import RequirementSpec
from iltdesk.domain.compliance import validate_reason
from iltdesk.domain.compliance import validate_requirement
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit
from iltdesk.services.common import get_or_fail


def _row(tx: OrmSession, requirement: Requirement) -> RequirementRow:
    course_ids = [requirement.course_id] + [
        c
        for c in tx.scalars(
            select(RequirementCourse.course_id)
            .where(RequirementCourse.requirement_id == requirement.id)
            .order_by(RequirementCourse.course_id)
        )
        if c != requirement.course_id
    ]
    found = tx.execute(
        select(Course.id, Course.code, Course.archived).where(Course.id.in_(course_ids))
    ).all()
    names = {course_id: code for course_id, code, _archived in found}
    archived = {course_id for course_id, _code, gone in found if gone}
    members = tx.scalar(
        select(func.count())
        .select_from(RequirementMember)
        .where(RequirementMember.requirement_id == requirement.id)
    )
    return RequirementRow(
        requirement.id,
        requirement.name,
        tuple(course_ids),
        tuple(names.get(c, "?") for c in course_ids),
        requirement.recurrence_months,
        requirement.within_days,
        requirement.anchor,
        requirement.starts_on,
        requirement.department,
        requirement.job_title,
        requirement.location,
        requirement.explicit,
        requirement.archived,
        int(members or 0),
        tuple(names[c] for c in course_ids if c in archived),
    )


def _apply(
    tx: OrmSession, requirement: Requirement, spec: RequirementSpec, *, add: bool = False
) -> None:
    before = (
        set()
        if add
        else set(
            tx.scalars(
                select(RequirementCourse.course_id).where(
                    RequirementCourse.requirement_id == requirement.id
                )
            )
        )
    )
    for course_id in spec.course_ids:
        course = get_or_fail(tx, Course, course_id, _("That course no longer exists."))
        if course.archived and course_id not in before:
            raise ValidationError(
                _(
                    "{code} is archived: restore it in Courses first, or choose another course."
                ).format(code=course.code)
            )
    requirement.name = spec.name
    requirement.course_id = spec.course_ids[0]
    requirement.recurrence_months = spec.recurrence_months
    requirement.within_days = spec.within_days
    requirement.anchor = spec.anchor
    requirement.starts_on = spec.starts_on
    requirement.department = spec.department
    requirement.job_title = spec.job_title
    requirement.location = spec.location
    requirement.explicit = spec.explicit
    if add:
        tx.add(requirement)
    tx.flush()
    tx.execute(delete(RequirementCourse).where(RequirementCourse.requirement_id == requirement.id))
    for course_id in spec.course_ids:
        tx.add(RequirementCourse(requirement_id=requirement.id, course_id=course_id))


def create_requirement(db: Database, spec: RequirementSpec) -> Outcome[RequirementRow]:
    """Add a requirement."""
    spec = validate_requirement(spec)
    with db.transaction() as tx:
        requirement = Requirement()
        with tx.no_autoflush:  # the course checks must not insert a half-made requirement
            _apply(tx, requirement, spec, add=True)
        tx.flush()
        return Outcome(_row(tx, requirement), Changes.of(Entity.REQUIREMENT, requirement.id))


def update_requirement(
    db: Database, requirement_id: int, spec: RequirementSpec
) -> Outcome[RequirementRow]:
    """Change a requirement."""
    spec = validate_requirement(spec)
    with db.transaction() as tx:
        requirement = get_or_fail(
            tx, Requirement, requirement_id, _("That requirement no longer exists.")
        )
        _apply(tx, requirement, spec)
        tx.flush()
        return Outcome(_row(tx, requirement), Changes.of(Entity.REQUIREMENT, requirement.id))


def archive_requirement(db: Database, requirement_id: int, archived: bool = True) -> Outcome[None]:
    """Archive a requirement (or bring it back); exemptions and lists stay."""
    with db.transaction() as tx:
        requirement = get_or_fail(
            tx, Requirement, requirement_id, _("That requirement no longer exists.")
        )
        requirement.archived = archived
        return Outcome(None, Changes.of(Entity.REQUIREMENT, requirement_id))


def list_requirements(db: Database, *, include_archived: bool = False) -> list[RequirementRow]:
    """Requirements by name, archived ones if asked."""
    with db.reading() as tx:
        query = select(Requirement).order_by(Requirement.name)
        if not include_archived:
            query = query.where(Requirement.archived.is_(False))
        return [_row(tx, r) for r in tx.scalars(query)]


def set_members(
    db: Database, requirement_id: int, learner_ids: Iterable[int], added_on: date
) -> Outcome[int]:
    """Add learners to an explicit requirement's list (eligible from `added_on`)."""
    with db.transaction() as tx:
        get_or_fail(tx, Requirement, requirement_id, _("That requirement no longer exists."))
        present = set(
            tx.scalars(
                select(RequirementMember.learner_id).where(
                    RequirementMember.requirement_id == requirement_id
                )
            )
        )
        added = 0
        for learner_id in dict.fromkeys(learner_ids):
            if learner_id in present:
                continue
            tx.add(
                RequirementMember(
                    requirement_id=requirement_id, learner_id=learner_id, added_on=added_on
                )
            )
            added += 1
        return Outcome(added, Changes.of(Entity.REQUIREMENT, requirement_id))


def list_members(db: Database, requirement_id: int) -> list[tuple[int, str, str, date]]:
    """An explicit requirement's learners: (id, name, email, on the list since)."""
    with db.reading() as tx:
        rows = tx.execute(
            select(
                Learner.id,
                Learner.first_name,
                Learner.last_name,
                Learner.email,
                RequirementMember.added_on,
            )
            .join(RequirementMember, RequirementMember.learner_id == Learner.id)
            .where(RequirementMember.requirement_id == requirement_id)
            .order_by(Learner.sort_key)
        )
        return [(i, f"{first} {last}".strip(), email, on) for i, first, last, email, on in rows]


def remove_members(db: Database, requirement_id: int, learner_ids: Iterable[int]) -> Outcome[int]:
    """Take learners off a requirement's explicit list."""
    ids = list(dict.fromkeys(learner_ids))
    with db.transaction() as tx:
        get_or_fail(tx, Requirement, requirement_id, _("That requirement no longer exists."))
        gone = 0
        for member in tx.scalars(
            select(RequirementMember).where(
                RequirementMember.requirement_id == requirement_id,
                RequirementMember.learner_id.in_(ids),
            )
        ):
            tx.delete(member)
            gone += 1
        return Outcome(gone, Changes.of(Entity.REQUIREMENT, requirement_id))


def _standing_exemption(tx: OrmSession, requirement_id: int, learner_id: int) -> Exemption | None:
    """The learner's exemption from the requirement that has not been lifted, if any."""
    return tx.scalar(
        select(Exemption).where(
            Exemption.requirement_id == requirement_id,
            Exemption.learner_id == learner_id,
            Exemption.revoked_at.is_(None),
        )
    )


def exempt(
    db: Database, requirement_id: int, learner_id: int, reason: str, granted_by: str
) -> Outcome[int]:
    """Excuse a learner from a requirement; the reason is required and kept."""
    text = validate_reason(reason)
    with db.transaction() as tx:
        get_or_fail(tx, Requirement, requirement_id, _("That requirement no longer exists."))
        get_or_fail(tx, Learner, learner_id, _("That learner no longer exists."))
        set_reason(tx, text)
        current = _standing_exemption(tx, requirement_id, learner_id)
        if current is not None:
            raise ValidationError(_("This learner is already exempt from that requirement."))
        exemption = Exemption(
            requirement_id=requirement_id,
            learner_id=learner_id,
            reason=text,
            granted_by=granted_by,
        )
        tx.add(exemption)
        tx.flush()
        return Outcome(exemption.id, Changes.of(Entity.REQUIREMENT, requirement_id))


def revoke_exemption(
    db: Database, requirement_id: int, learner_id: int, reason: str
) -> Outcome[None]:
    """Lift an exemption, keeping when and why it was granted."""
    text = validate_reason(reason)
    with db.transaction() as tx:
        set_reason(tx, text)
        current = _standing_exemption(tx, requirement_id, learner_id)
        if current is None:
            raise ValidationError(_("This learner is not exempt from that requirement."))
        current.revoked_at = utcnow()
        audit(tx, "learner", learner_id, "exemption revoked", {"requirement": requirement_id}, text)
        return Outcome(None, Changes.of(Entity.REQUIREMENT, requirement_id))

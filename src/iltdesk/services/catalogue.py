"""The course catalogue: courses with objectives and agenda, and their materials."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import AgendaItem
from iltdesk.db.entities import Course
from iltdesk.db.entities import CourseMaterial
from iltdesk.db.entities import LearningObjective
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.costs import CostLineSpec
from iltdesk.domain.differences import course_differences
from iltdesk.domain.enums import Audience
from iltdesk.domain.enums import MaterialKind
from iltdesk.domain.rows import AgendaItemRow
from iltdesk.domain.rows import CourseRow
from iltdesk.domain.rows import MaterialRow
from iltdesk.domain.specs import AgendaItemSpec
from iltdesk.domain.specs import CourseSpec
from iltdesk.domain.text import clean_text
from iltdesk.domain.text import search_key
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit
from iltdesk.services.common import check_unchanged
from iltdesk.services.common import get_or_fail
from iltdesk.services.costs import set_course_costs_in
from iltdesk.services.material_store import MaterialStore


def _course_row(course: Course) -> CourseRow:
    return CourseRow(
        id=course.id,
        code=course.code,
        title=course.title,
        description=course.description,
        objectives=tuple(o.text for o in course.objectives),
        default_minutes=course.default_minutes,
        delivery_format=course.delivery_format,
        certificate_validity_months=course.certificate_validity_months,
        currency=course.currency,
        prework=course.prework,
        prework_link=course.prework_link,
        completion_threshold=course.completion_threshold,
        archived=course.archived,
        version=course.version,
    )


def _validate(spec: CourseSpec) -> CourseSpec:
    code, title = clean_text(spec.code), clean_text(spec.title)
    if not code:
        raise ValidationError(_("Give the course a code, for example “FS-101”."))
    if not title:
        raise ValidationError(_("Give the course a title."))
    if spec.default_minutes <= 0:
        raise ValidationError(_("The course's default duration must be more than zero minutes."))
    if spec.completion_threshold is not None and not 0 <= spec.completion_threshold <= 100:
        raise ValidationError(_("The completion threshold is a percentage from 0 to 100."))
    if spec.certificate_validity_months is not None and spec.certificate_validity_months <= 0:
        raise ValidationError(_("A certificate's validity must be at least one month."))
    objectives = tuple(t for t in (clean_text(o) for o in spec.objectives) if t)
    return replace(
        spec,
        code=code,
        title=title,
        objectives=objectives,
        currency=clean_text(spec.currency).upper() or "EUR",
    )


def _apply(course: Course, spec: CourseSpec) -> None:
    course.code = spec.code
    course.title = spec.title
    course.title_key = search_key(spec.code, spec.title)
    course.description = spec.description
    course.default_minutes = spec.default_minutes
    course.delivery_format = spec.delivery_format
    course.certificate_validity_months = spec.certificate_validity_months
    course.currency = spec.currency
    course.prework = spec.prework
    course.prework_link = spec.prework_link
    course.completion_threshold = spec.completion_threshold


def _check_code_free(tx: OrmSession, code: str, course_id: int | None) -> None:
    clash = tx.scalar(select(Course.id).where(Course.code == code))
    if clash is not None and clash != course_id:
        raise ValidationError(
            _("Another course already uses the code {code}. Choose a different code.").format(
                code=code
            )
        )


def _set_objectives(course: Course, texts: tuple[str, ...]) -> None:
    # Keep existing rows (agenda items link to them) and edit their text in place.
    existing = list(course.objectives)
    for index, text_value in enumerate(texts):
        if index < len(existing):
            existing[index].text = text_value
        else:
            course.objectives.append(LearningObjective(position=index, text=text_value))
    for stale in existing[len(texts) :]:
        course.objectives.remove(stale)


def _create_in(tx: OrmSession, spec: CourseSpec) -> Course:
    """A new course from a spec `_validate` returned."""
    _check_code_free(tx, spec.code, None)
    course = Course()
    _apply(course, spec)
    _set_objectives(course, spec.objectives)
    tx.add(course)
    tx.flush()
    return course


def create_course(db: Database, spec: CourseSpec) -> Outcome[CourseRow]:
    """Add a course to the catalogue."""
    spec = _validate(spec)  # before the transaction: a form's mistake takes no write lock
    with db.transaction() as tx:
        course = _create_in(tx, spec)
        return Outcome(_course_row(course), Changes.of(Entity.COURSE, course.id))


def spec_for_row(row: CourseRow) -> CourseSpec:
    """The spec that would save `row` as it is (undo, and edits of a field or two)."""
    return CourseSpec(
        code=row.code,
        title=row.title,
        description=row.description,
        objectives=row.objectives,
        default_minutes=row.default_minutes,
        delivery_format=row.delivery_format,
        certificate_validity_months=row.certificate_validity_months,
        currency=row.currency,
        prework=row.prework,
        prework_link=row.prework_link,
        completion_threshold=row.completion_threshold,
    )


def update_course(
    db: Database, course_id: int, spec: CourseSpec, *, seen: CourseRow | None = None
) -> Outcome[CourseRow]:
    """Change a course's details.

    With `seen` (the row the form was filled from), a course changed since then is refused
    with `StaleEditError` naming who changed what, instead of being overwritten.
    """
    spec = _validate(spec)
    with db.transaction() as tx:
        course = _update_in(tx, course_id, spec, seen)
        return Outcome(_course_row(course), Changes.of(Entity.COURSE, course.id))


def _update_in(tx: OrmSession, course_id: int, spec: CourseSpec, seen: CourseRow | None) -> Course:
    """The course changed to a spec `_validate` returned (refused when stale against `seen`)."""
    course = get_or_fail(
        tx, Course, course_id, _("That course no longer exists."), lock=seen is not None
    )
    if seen is not None and seen.version != course.version:
        check_unchanged(
            tx, "course", course, seen.version, course_differences(seen, _course_row(course))
        )
    _check_code_free(tx, spec.code, course_id)
    _apply(course, spec)
    tx.flush()
    _set_objectives(course, spec.objectives)
    tx.flush()
    return course


def save_course(
    db: Database,
    course_id: int | None,
    spec: CourseSpec,
    agenda: list[AgendaItemSpec],
    cost_lines: Sequence[CostLineSpec],
    *,
    seen: CourseRow | None = None,
) -> Outcome[CourseRow]:
    """The course editor's Save: details, agenda and default costs in one transaction.

    A new course when `course_id` is None. A mistake in any part (a blank agenda title, a cost
    with no amount) saves nothing, and a stale `seen` is refused as in `update_course`.
    """
    spec = _validate(spec)
    _check_agenda(agenda)
    with db.transaction() as tx:
        if course_id is None:
            course = _create_in(tx, spec)
        else:
            course = _update_in(tx, course_id, spec, seen)
        _set_agenda_in(tx, course, agenda)
        set_course_costs_in(tx, course.id, cost_lines)
        return Outcome(
            _course_row(course), Changes.of(Entity.COURSE, course.id) | Changes.of(Entity.COST, 0)
        )


def set_course_archived(db: Database, course_id: int, archived: bool) -> Outcome[CourseRow]:
    """Archive a course (or bring it back); its history stays."""
    with db.transaction() as tx:
        course = get_or_fail(tx, Course, course_id, _("That course no longer exists."))
        course.archived = archived
        return Outcome(_course_row(course), Changes.of(Entity.COURSE, course.id))


def get_course(db: Database, course_id: int) -> CourseRow:
    """One course."""
    with db.reading() as tx:
        return _course_row(get_or_fail(tx, Course, course_id, _("That course no longer exists.")))


def find_course_by_code(db: Database, code: str) -> CourseRow | None:
    """The course with this code (any case), if any."""
    with db.reading() as tx:
        course = tx.scalar(select(Course).where(Course.code == clean_text(code)))
        return _course_row(course) if course else None


def list_courses(
    db: Database, text_filter: str = "", include_archived: bool = False
) -> list[CourseRow]:
    """Courses ordered by code; `text_filter` matches the start of any word of code or title."""
    with db.reading() as tx:
        query = select(Course).order_by(Course.code)
        if not include_archived:
            query = query.where(Course.archived.is_(False))
        key = search_key(text_filter)
        if key:
            query = query.where(Course.title_key.contains(key, autoescape=True))
        return [_course_row(c) for c in tx.scalars(query)]


# --- agenda -----------------------------------------------------------------------------------


def _agenda_row(item: AgendaItem, objective_ids: list[int]) -> AgendaItemRow:
    index = objective_ids.index(item.objective_id) if item.objective_id in objective_ids else None
    return AgendaItemRow(
        id=item.id,
        course_id=item.course_id,
        position=item.position,
        title=item.title,
        minutes=item.minutes,
        activity=item.activity,
        objective_index=index,
        facilitator_notes=item.facilitator_notes,
    )


def get_agenda(db: Database, course_id: int) -> list[AgendaItemRow]:
    """A course's agenda blocks, in order."""
    with db.reading() as tx:
        course = get_or_fail(tx, Course, course_id, _("That course no longer exists."))
        objective_ids = [o.id for o in course.objectives]
        return [_agenda_row(i, objective_ids) for i in course.agenda]


def set_agenda(
    db: Database, course_id: int, items: list[AgendaItemSpec]
) -> Outcome[list[AgendaItemRow]]:
    """Replace the course's agenda with `items`, in order."""
    _check_agenda(items)
    with db.transaction() as tx:
        course = get_or_fail(tx, Course, course_id, _("That course no longer exists."))
        rows = _set_agenda_in(tx, course, items)
        return Outcome(rows, Changes.of(Entity.COURSE, course.id))


def _check_agenda(items: list[AgendaItemSpec]) -> None:
    for number, spec in enumerate(items, start=1):
        if not clean_text(spec.title):
            raise ValidationError(_("Agenda item {n} needs a title.").format(n=number))
        if spec.minutes <= 0:
            raise ValidationError(
                _("Agenda item {n} (“{title}”) must last at least one minute.").format(
                    n=number, title=spec.title
                )
            )


def _set_agenda_in(
    tx: OrmSession, course: Course, items: list[AgendaItemSpec]
) -> list[AgendaItemRow]:
    objectives = list(course.objectives)
    course.agenda.clear()
    tx.flush()
    for position, spec in enumerate(items):
        objective = None
        if spec.objective_index is not None:
            if not 0 <= spec.objective_index < len(objectives):
                raise ValidationError(
                    _("Agenda item “{title}” links to an objective that does not exist.").format(
                        title=spec.title
                    )
                )
            objective = objectives[spec.objective_index]
        course.agenda.append(
            AgendaItem(
                position=position,
                title=clean_text(spec.title),
                minutes=spec.minutes,
                activity=spec.activity,
                objective=objective,
                facilitator_notes=spec.facilitator_notes,
            )
        )
    tx.flush()
    audit(tx, "course", course.id, "set_agenda", {"items": len(items)})
    objective_ids = [o.id for o in objectives]
    return [_agenda_row(i, objective_ids) for i in course.agenda]


# --- materials --------------------------------------------------------------------------------


def _material_row(material: CourseMaterial) -> MaterialRow:
    return MaterialRow(
        id=material.id,
        course_id=material.course_id,
        title=material.title,
        kind=material.kind,
        audience=material.audience,
        file_name=material.file_name,
        sha256=material.sha256,
        size=material.size,
        version=material.version,
        added_at=material.added_at,
    )


def add_material(
    db: Database,
    store: MaterialStore,
    course_id: int,
    source: Path,
    title: str,
    kind: MaterialKind,
    audience: Audience,
) -> Outcome[MaterialRow]:
    """Store a file as one of a course's materials."""
    sha, size = store.put(source)
    with db.transaction() as tx:
        get_or_fail(tx, Course, course_id, _("That course no longer exists."))
        material = CourseMaterial(
            course_id=course_id,
            title=clean_text(title) or source.stem,
            kind=kind,
            audience=audience,
            file_name=source.name,
            sha256=sha,
            size=size,
            version=1,
        )
        tx.add(material)
        tx.flush()
        audit(tx, "material", material.id, "add", {"file": source.name, "sha256": sha})
        return Outcome(_material_row(material), Changes.of(Entity.MATERIAL, material.id))


def replace_material(
    db: Database, store: MaterialStore, material_id: int, source: Path
) -> Outcome[MaterialRow]:
    """A new version of a material; the old file stays in the store for the history."""
    sha, size = store.put(source)
    with db.transaction() as tx:
        material = get_or_fail(tx, CourseMaterial, material_id, _("That material is gone."))
        previous = {"file": material.file_name, "sha256": material.sha256, "v": material.version}
        material.file_name = source.name
        material.sha256 = sha
        material.size = size
        material.version += 1
        audit(tx, "material", material.id, "replace", {"previous": previous, "sha256": sha})
        return Outcome(_material_row(material), Changes.of(Entity.MATERIAL, material.id))


def remove_material(db: Database, material_id: int) -> Outcome[None]:
    """Take a material off the course; the row stays (marked removed) for the history."""
    with db.transaction() as tx:
        material = get_or_fail(tx, CourseMaterial, material_id, _("That material is gone."))
        material.removed_at = utcnow()
        audit(tx, "material", material.id, "remove", {"file": material.file_name})
        return Outcome(None, Changes.of(Entity.MATERIAL, material.id))


def list_materials(db: Database, course_id: int) -> list[MaterialRow]:
    """A course's materials."""
    with db.reading() as tx:
        query = (
            select(CourseMaterial)
            .where(CourseMaterial.course_id == course_id, CourseMaterial.removed_at.is_(None))
            .order_by(CourseMaterial.id)
        )
        return [_material_row(m) for m in tx.scalars(query)]

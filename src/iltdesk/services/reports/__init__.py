"""Reports: one aggregate query each, returning the `ReportTable` every output is drawn from.

`build_report(db, name, filters)` is the one entry point the screen, the exports and
`iltdesk report` share.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import Course
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import Learner
from iltdesk.domain.reporting import GROUPINGS
from iltdesk.domain.reporting import ReportFilters
from iltdesk.domain.reporting import ReportName
from iltdesk.domain.reporting import ReportTable
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services import naming

Builder = Callable[[OrmSession, ReportFilters, datetime], ReportTable]


def _builders() -> dict[ReportName, Builder]:
    from iltdesk.services.reports.attendance import attendance_report
    from iltdesk.services.reports.cost import cost_report
    from iltdesk.services.reports.feedback import feedback_report
    from iltdesk.services.reports.fill import fill_report
    from iltdesk.services.reports.hours import department_hours_report
    from iltdesk.services.reports.hours import instructor_hours_report
    from iltdesk.services.reports.learners import no_shows_report
    from iltdesk.services.reports.learners import transcript_report

    return {
        ReportName.ATTENDANCE: attendance_report,
        ReportName.NO_SHOWS: no_shows_report,
        ReportName.TRANSCRIPT: transcript_report,
        ReportName.INSTRUCTOR_HOURS: instructor_hours_report,
        ReportName.COST: cost_report,
        ReportName.FILL: fill_report,
        ReportName.DEPARTMENT_HOURS: department_hours_report,
        ReportName.FEEDBACK: feedback_report,
    }


def check_filters(name: ReportName, filters: ReportFilters) -> None:
    """Refuse filters the report cannot honour, with a sentence naming what it offers."""
    offered = GROUPINGS[name]
    if filters.group_by is not None and filters.group_by not in offered:
        if not offered:
            raise ValidationError(
                _("The {report} report has no grouping of its own to change.").format(
                    report=name.value
                )
            )
        raise ValidationError(
            _("The {report} report groups by {choices}, not by {group}.").format(
                report=name.value,
                choices=", ".join(g.value for g in offered),
                group=filters.group_by.value,
            )
        )
    if filters.start and filters.end and filters.end < filters.start:
        raise ValidationError(_("The period ends before it starts: swap the two dates."))
    if name is ReportName.TRANSCRIPT and filters.learner_id is None:
        raise ValidationError(_("Choose the learner whose transcript you want."))


def build_report(
    db: Database, name: ReportName, filters: ReportFilters, *, now: datetime | None = None
) -> ReportTable:
    """Compute report `name` for `filters` (one read transaction)."""
    check_filters(name, filters)
    moment = now or utcnow()
    with db.reading() as tx:
        table = _builders()[name](tx, filters, moment)
        return dataclasses.replace(table, filter_labels=describe_filters(tx, table))


def describe_filters(tx: OrmSession, table: ReportTable) -> tuple[tuple[str, str], ...]:
    """The filters in words, for the PDF and workbook headers."""
    from iltdesk import formatting

    filters = table.filters
    labels: list[tuple[str, str]] = []
    if filters.start or filters.end:
        start = formatting.format_date(filters.start) if filters.start else "…"
        end = formatting.format_date(filters.end) if filters.end else "…"
        labels.append((_("Period"), f"{start} – {end}"))
    else:
        labels.append((_("Period"), _("All time")))
    if filters.course_id is not None:
        course = tx.get(Course, filters.course_id)
        labels.append((_("Course"), f"{course.code} {course.title}" if course else "?"))
    if filters.department is not None:
        labels.append((_("Department"), filters.department or _("(no department)")))
    if filters.location is not None:
        labels.append((_("Location"), filters.location or _("(no location)")))
    if filters.instructor_id is not None:
        instructor = tx.get(Instructor, filters.instructor_id)
        labels.append((_("Instructor"), instructor.name if instructor else "?"))
    if filters.mode is not None:
        labels.append((_("Delivery mode"), filters.mode.label()))
    if table.group_by is not None:
        labels.append((_("Grouped by"), table.group_by.label()))
    return tuple(labels)


def find_learner_id(db: Database, email: str) -> int:
    """The learner with `email` (any case), or a sentence saying there is none."""
    with db.reading() as tx:
        learner_id = tx.scalar(
            select(Learner.id).where(
                Learner.email_key == email.strip().lower(), Learner.merged_into_id.is_(None)
            )
        )
    if learner_id is None:
        raise ValidationError(_("No learner has the email address {email}.").format(email=email))
    return learner_id


def find_course_id(db: Database, code: str) -> int:
    """The course with `code` (any case), or a sentence saying there is none."""
    with db.reading() as tx:
        course_id = tx.scalar(select(Course.id).where(Course.code.ilike(code.strip())))
    if course_id is None:
        raise ValidationError(naming.no_course(db, code))
    return course_id


def find_instructor_id(db: Database, name: str) -> int:
    """The instructor called `name` (forgiving case and accents), or a sentence."""
    from iltdesk.domain.text import search_key

    with db.reading() as tx:
        found = tx.scalars(select(Instructor.id).where(Instructor.name_key == search_key(name)))
        ids = list(found)
    if len(ids) != 1:
        raise ValidationError(
            naming.no_instructor(db, name)
            if not ids
            else _("Several instructors are called {name}; use the app to choose.").format(
                name=name
            )
        )
    return ids[0]


@dataclasses.dataclass(frozen=True)
class FilterChoices:
    """What the Reports screen's filters offer."""

    courses: list[tuple[int, str]]
    departments: list[str]
    locations: list[str]
    instructors: list[tuple[int, str]]


def filter_choices(db: Database) -> FilterChoices:
    """Courses, departments, locations and instructors that exist, in order."""
    with db.reading() as tx:
        courses = [
            (i, f"{code} — {title}")
            for i, code, title in tx.execute(
                select(Course.id, Course.code, Course.title).order_by(Course.code)
            )
        ]
        departments = list(
            tx.scalars(
                select(Learner.department)
                .where(Learner.department != "", Learner.merged_into_id.is_(None))
                .distinct()
                .order_by(Learner.department)
            )
        )
        locations = list(
            tx.scalars(
                select(Learner.location)
                .where(Learner.location != "", Learner.merged_into_id.is_(None))
                .distinct()
                .order_by(Learner.location)
            )
        )
        instructors = [
            (i, name)
            for i, name in tx.execute(
                select(Instructor.id, Instructor.name).order_by(Instructor.name_key)
            )
        ]
    return FilterChoices(courses, departments, locations, instructors)

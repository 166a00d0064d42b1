"""Attendance and completion: places, attended, completed, no-shows and late cancellations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.entities import Course
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Learner
from iltdesk.db.entities import TrainingSession
from iltdesk.db.expressions import Query
from iltdesk.db.expressions import ResultRow
from iltdesk.db.expressions import SqlExpression
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.report_rules import ATTENDED_RULE
from iltdesk.domain.report_rules import COMPLETED_RULE
from iltdesk.domain.report_rules import DEPARTMENT_RULE
from iltdesk.domain.report_rules import INSTRUCTOR_RULE
from iltdesk.domain.report_rules import NO_SHOW_RULE
from iltdesk.domain.report_rules import PERIOD_RULE
from iltdesk.domain.report_rules import PLACE_RULE
from iltdesk.domain.report_rules import late_cancel_rule
from iltdesk.domain.reporting import ChartSpec
from iltdesk.domain.reporting import Column
from iltdesk.domain.reporting import ColumnKind
from iltdesk.domain.reporting import GroupBy
from iltdesk.domain.reporting import ReportFilters
from iltdesk.domain.reporting import ReportName
from iltdesk.domain.reporting import ReportTable
from iltdesk.domain.reporting import Value
from iltdesk.domain.reporting import rate
from iltdesk.i18n import _
from iltdesk.services.reports.common import Grouping
from iltdesk.services.reports.common import count_if
from iltdesk.services.reports.common import grouping
from iltdesk.services.reports.common import has_learner_filter
from iltdesk.services.reports.common import holds_place
from iltdesk.services.reports.common import in_period
from iltdesk.services.reports.common import join_instructors
from iltdesk.services.reports.common import late_cancellation
from iltdesk.services.reports.common import learner_conditions
from iltdesk.services.reports.common import session_conditions
from iltdesk.services.reports.common import took_place

MEASURES = (
    Column("sessions", "", ColumnKind.COUNT),
    Column("enrolled", "", ColumnKind.COUNT),
    Column("attended", "", ColumnKind.COUNT),
    Column("completed", "", ColumnKind.COUNT),
    Column("no_shows", "", ColumnKind.COUNT),
    Column("late_cancellations", "", ColumnKind.COUNT),
    Column("completion_rate", "", ColumnKind.RATE),
    Column("no_show_rate", "", ColumnKind.RATE),
    Column("late_cancellation_rate", "", ColumnKind.RATE),
)


def _measures() -> tuple[Column, ...]:
    labels = {
        "sessions": _("Sessions"),
        "enrolled": _("Places"),
        "attended": _("Attended"),
        "completed": _("Completed"),
        "no_shows": _("No-shows"),
        "late_cancellations": _("Late cancellations"),
        "completion_rate": _("Completion rate"),
        "no_show_rate": _("No-show rate"),
        "late_cancellation_rate": _("Late-cancellation rate"),
    }
    return tuple(Column(c.key, labels[c.key], c.kind) for c in MEASURES)


def _aggregates() -> list[ColumnElement[int]]:
    """Per place: held a seat, attended, completed, no-show, late cancellation (0 or 1 each)."""
    place = holds_place()
    return [
        count_if(place),
        count_if(and_(place, Enrollment.attended_minutes > 0)),
        count_if(Enrollment.status == EnrollmentStatus.COMPLETED),
        count_if(Enrollment.status == EnrollmentStatus.NO_SHOW),
        count_if(late_cancellation()),
    ]


def _by_session(
    tx: OrmSession, key: Grouping, held: list[ColumnElement[bool]]
) -> tuple[list[ResultRow], Sequence[Any]]:  # Any: the totals row's values
    """Count per session first (an index range per session), then group the sessions."""
    per_session = (
        select(
            TrainingSession.id.label("session_id"),
            *(a.label(f"m{i}") for i, a in enumerate(_aggregates())),
        )
        .join(Enrollment, Enrollment.session_id == TrainingSession.id)
        .where(*held)
        .group_by(TrainingSession.id)
        .having(count_if(holds_place()) + count_if(late_cancellation()) > 0)
        .subquery("per_session")
    )
    sums = [func.count(), *(func.sum(per_session.c[f"m{i}"]) for i in range(5))]

    def query(*group: SqlExpression) -> Query:
        built = (
            select(*group, *sums)
            .select_from(per_session)
            .join(TrainingSession, TrainingSession.id == per_session.c.session_id)
            .join(Course, Course.id == TrainingSession.course_id)
        )
        return join_instructors(built) if key.needs_instructor else built

    grouped = query(*key.expressions).group_by(*key.expressions).order_by(*key.expressions)
    found = list(tx.execute(grouped))
    if key.needs_instructor:  # a session with two instructors is in two rows: count it once
        return found, tx.execute(select(*sums).select_from(per_session)).one()
    # Each session is in exactly one row: the totals are the rows' sums.
    width = len(key.expressions)
    return found, tuple(sum(int(row[width + i] or 0) for row in found) for i in range(6))


def _by_place(
    tx: OrmSession, key: Grouping, held: list[ColumnElement[bool]], filters: ReportFilters
) -> tuple[list[ResultRow], Sequence[Any]]:  # Any: the totals row's values
    """Per place, when learners' departments or locations group or filter the rows."""
    conditions = [*held, *learner_conditions(filters), or_(holds_place(), late_cancellation())]

    def base(*columns: SqlExpression) -> Query:
        return (
            select(*columns)
            .select_from(Enrollment)
            .join(TrainingSession, TrainingSession.id == Enrollment.session_id)
            .join(Course, Course.id == TrainingSession.course_id)
            .join(Learner, Learner.id == Enrollment.learner_id)
            .where(*conditions)
        )

    sessions = func.count(func.distinct(TrainingSession.id))
    grouped = base(*key.expressions, sessions, *_aggregates())
    if key.needs_instructor:
        grouped = join_instructors(grouped)
    grouped = grouped.group_by(*key.expressions).order_by(*key.expressions)
    total = tx.execute(base(sessions, *_aggregates())).one()
    return list(tx.execute(grouped)), total


def _figures(values: Sequence[Any]) -> tuple[Value, ...]:  # Any: a row's counts
    sessions, places, attended, completed, no_shows, late = (int(v or 0) for v in values)
    return (
        sessions,
        places,
        attended,
        completed,
        no_shows,
        late,
        rate(completed, places),
        rate(no_shows, places),
        rate(late, places + late),
    )


def attendance_report(tx: OrmSession, filters: ReportFilters, now: datetime) -> ReportTable:
    """Enrolled, attended, completed and the rates, grouped as asked."""
    group_by = filters.group_by or GroupBy.COURSE
    key = grouping(group_by, TrainingSession.first_date)
    held = [
        took_place(now),
        *in_period(TrainingSession.first_date, filters),
        *session_conditions(filters),
    ]
    width = len(key.expressions)
    if key.needs_learner or has_learner_filter(filters):
        found, total = _by_place(tx, key, held, filters)
    else:
        found, total = _by_session(tx, key, held)
    rows = tuple(key.to_cells(row[:width]) + _figures(row[width:]) for row in found)
    measures = _measures()
    totals = dict(zip((c.key for c in measures), _figures(tuple(total)), strict=True))
    definitions = [
        _(PERIOD_RULE),
        _(PLACE_RULE),
        _(ATTENDED_RULE),
        _(COMPLETED_RULE),
        _(NO_SHOW_RULE),
        late_cancel_rule(),
    ]
    if key.needs_learner:
        definitions.append(_(DEPARTMENT_RULE))
    if key.needs_instructor:
        definitions.append(_(INSTRUCTOR_RULE))
    return ReportTable(
        name=ReportName.ATTENDANCE,
        title=ReportName.ATTENDANCE.title(),
        filters=filters,
        group_by=group_by,
        columns=key.columns + measures,
        rows=rows,
        totals=totals,
        definitions=tuple(definitions),
        chart=ChartSpec(key.columns[0].key, ("enrolled", "attended", "completed", "no_shows")),
        empty_message=_("No session took place in this period with these filters."),
    )

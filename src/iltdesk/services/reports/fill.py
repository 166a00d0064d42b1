"""Fill and demand: capacity against places and attendance, waitlists, cancelled sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.entities import Course
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import TrainingSession
from iltdesk.db.expressions import Query
from iltdesk.db.expressions import SqlExpression
from iltdesk.domain.enums import CancelCause
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.report_rules import ATTENDED_RULE
from iltdesk.domain.report_rules import FILL_RULE
from iltdesk.domain.report_rules import PERIOD_RULE
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
from iltdesk.services.reports.common import count_if
from iltdesk.services.reports.common import grouping
from iltdesk.services.reports.common import holds_place
from iltdesk.services.reports.common import in_period
from iltdesk.services.reports.common import session_conditions


def fill_report(tx: OrmSession, filters: ReportFilters, now: datetime) -> ReportTable:  # noqa: ARG001 - every report takes the hour
    """Every session whose first day is in the period, cancelled ones counted apart."""
    group_by = filters.group_by or GroupBy.COURSE
    cancelled = TrainingSession.status == SessionStatus.CANCELLED
    held = ~cancelled
    per_session = (
        select(
            TrainingSession.id.label("session_id"),
            count_if(and_(held, holds_place())).label("places"),
            count_if(and_(held, holds_place(), Enrollment.attended_minutes > 0)).label("attended"),
            count_if(Enrollment.status == EnrollmentStatus.WAITLISTED).label("waiting"),
        )
        .outerjoin(Enrollment, Enrollment.session_id == TrainingSession.id)
        .where(*in_period(TrainingSession.first_date, filters), *session_conditions(filters))
        .group_by(TrainingSession.id)
        .subquery("per_session")
    )
    key = grouping(group_by, TrainingSession.first_date)
    measures = (
        count_if(held),
        func.coalesce(func.sum(case((held, TrainingSession.capacity), else_=0)), 0),
        func.coalesce(func.sum(per_session.c.places), 0),
        func.coalesce(func.sum(per_session.c.attended), 0),
        func.coalesce(func.sum(per_session.c.waiting), 0),
        count_if(cancelled),
        count_if(and_(cancelled, TrainingSession.cancel_cause == CancelCause.LOW_NUMBERS)),
    )

    def query(*group: SqlExpression) -> Query:
        return (
            select(*group, *measures)
            .select_from(per_session)
            .join(TrainingSession, TrainingSession.id == per_session.c.session_id)
            .join(Course, Course.id == TrainingSession.course_id)
        )

    width = len(key.expressions)
    grouped = query(*key.expressions).group_by(*key.expressions).order_by(*key.expressions)
    grouped_rows = list(tx.execute(grouped))
    rows = tuple(key.to_cells(row[:width]) + _figures(row[width:]) for row in grouped_rows)
    columns = (
        Column("sessions", _("Sessions"), ColumnKind.COUNT),
        Column("capacity", _("Capacity"), ColumnKind.COUNT),
        Column("enrolled", _("Places"), ColumnKind.COUNT),
        Column("fill_rate", _("Fill"), ColumnKind.RATE),
        Column("attended", _("Attended"), ColumnKind.COUNT),
        Column("waitlist", _("Waitlist"), ColumnKind.COUNT),
        Column("cancelled", _("Cancelled"), ColumnKind.COUNT),
        Column("cancelled_low_numbers", _("Cancelled for low numbers"), ColumnKind.COUNT),
    )
    # Each session is in exactly one row of every grouping: the totals are the rows' sums.
    total = tuple(sum(int(row[width + i] or 0) for row in grouped_rows) for i in range(7))
    totals = dict(zip((c.key for c in columns), _figures(total), strict=True))
    return ReportTable(
        name=ReportName.FILL,
        title=ReportName.FILL.title(),
        filters=filters,
        group_by=group_by,
        columns=key.columns + columns,
        rows=rows,
        totals=totals,
        definitions=(_(PERIOD_RULE), _(FILL_RULE), _(ATTENDED_RULE)),
        chart=ChartSpec(key.columns[0].key, ("capacity", "enrolled", "attended", "waitlist")),
        empty_message=_("No session is scheduled in this period with these filters."),
    )


def _figures(values: Sequence[Any]) -> tuple[Value, ...]:  # Any: a row's figures
    sessions, capacity, places, attended, waiting, cancelled, low = (int(v or 0) for v in values)
    return (sessions, capacity, places, rate(places, capacity), attended, waiting, cancelled, low)

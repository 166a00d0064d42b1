"""Hours: delivered by instructors (for payroll and billing), received by departments."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.entities import CostLine
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import Learner
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import TrainingSession
from iltdesk.db.expressions import Query
from iltdesk.db.expressions import ResultRow
from iltdesk.db.expressions import SqlExpression
from iltdesk.domain.enums import CostCategory
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.report_rules import DEPARTMENT_RULE
from iltdesk.domain.report_rules import FEEDBACK_SCORE_RULE
from iltdesk.domain.report_rules import FEES_RULE
from iltdesk.domain.report_rules import HEADCOUNT_RULE
from iltdesk.domain.report_rules import HOURS_RULE
from iltdesk.domain.report_rules import INSTRUCTOR_RULE
from iltdesk.domain.reporting import Amounts
from iltdesk.domain.reporting import ChartSpec
from iltdesk.domain.reporting import Column
from iltdesk.domain.reporting import ColumnKind
from iltdesk.domain.reporting import GroupBy
from iltdesk.domain.reporting import ReportFilters
from iltdesk.domain.reporting import ReportName
from iltdesk.domain.reporting import ReportTable
from iltdesk.domain.reporting import Value
from iltdesk.domain.reporting import hours
from iltdesk.domain.reporting import month_key
from iltdesk.domain.reporting import rate
from iltdesk.i18n import _
from iltdesk.services.reports.common import cost_factor
from iltdesk.services.reports.common import in_period
from iltdesk.services.reports.common import join_instructors
from iltdesk.services.reports.common import learner_conditions
from iltdesk.services.reports.common import session_conditions
from iltdesk.services.reports.common import year_month


def instructor_hours_report(tx: OrmSession, filters: ReportFilters, now: datetime) -> ReportTable:
    """Per instructor and month: sessions, days, hours delivered, learners taught and fees."""
    year, month = year_month(SessionDay.local_date)
    delivered = [
        TrainingSession.status != SessionStatus.CANCELLED,
        SessionDay.end <= now,
        *in_period(SessionDay.local_date, filters),
        *session_conditions(filters),
    ]
    if filters.instructor_id is not None:
        delivered.append(Instructor.id == filters.instructor_id)

    def days_query(*columns: SqlExpression) -> Query:
        query = (
            select(*columns)
            .select_from(SessionDay)
            .join(TrainingSession, TrainingSession.id == SessionDay.session_id)
        )
        return join_instructors(query).where(*delivered)

    key = (Instructor.id, Instructor.name, Instructor.external, year, month)
    measures = (
        func.count(func.distinct(TrainingSession.id)),
        func.count(SessionDay.id),
        func.coalesce(func.sum(SessionDay.minutes), 0),
    )
    # (instructor, year, month) → [sessions, days, minutes, learners, fees]; Any: by place.
    found: dict[tuple[int, int, int], list[Any]] = {}
    names: dict[int, tuple[str, bool]] = {}
    for found_row in tx.execute(days_query(*key, *measures).group_by(*key)):
        instructor_id, name, external, y, m, sessions, days, minutes = found_row
        names[instructor_id] = (name, bool(external))
        found[(instructor_id, int(y), int(m))] = [sessions, days, minutes, 0, None]
    # Learners taught: those who attended, once per session, in the month of the session's
    # first day (counted per session from the places' index, then added up).
    first_year, first_month = year_month(TrainingSession.first_date)
    held = [
        TrainingSession.status != SessionStatus.CANCELLED,
        TrainingSession.last_end <= now,
        *in_period(TrainingSession.first_date, filters),
        *session_conditions(filters),
    ]
    attended = (
        select(Enrollment.session_id.label("session_id"), func.count().label("learners"))
        .select_from(TrainingSession)  # the period's sessions first, then their places
        .join(Enrollment, Enrollment.session_id == TrainingSession.id)
        .where(*held, Enrollment.attended_minutes > 0)
        .group_by(Enrollment.session_id)
        .subquery("attended")
    )
    taught_query = join_instructors(
        select(Instructor.id, first_year, first_month, func.sum(attended.c.learners))
        .select_from(attended)
        .join(TrainingSession, TrainingSession.id == attended.c.session_id)
    )
    if filters.instructor_id is not None:
        taught_query = taught_query.where(Instructor.id == filters.instructor_id)
    taught = taught_query.group_by(Instructor.id, first_year, first_month)
    total_learners = 0
    for instructor_id, y, m, count in tx.execute(taught):
        found.setdefault((instructor_id, int(y), int(m)), [0, 0, 0, 0, None])[3] = count
        total_learners += int(count or 0)
    for instructor_id, y, m, currency, amount in _fees(tx, filters, now):
        entry = found.setdefault((instructor_id, int(y), int(m)), [0, 0, 0, 0, None])
        paid_so_far = entry[4] or Amounts()
        entry[4] = paid_so_far + Amounts.of(Decimal(str(amount or 0)), currency)
        if instructor_id not in names:
            instructor = tx.get(Instructor, instructor_id)
            names[instructor_id] = (instructor.name if instructor else "?", True)
    from iltdesk.services.reports.feedback import instructor_scores

    scores = instructor_scores(tx, filters, now)
    rows: list[tuple[Value, ...]] = []
    fees = Amounts()
    no_fees = Amounts()
    for (instructor_id, y, m), (sessions, days, minutes, count, paid) in sorted(
        found.items(), key=lambda item: (names[item[0][0]][0].casefold(), item[0][1:])
    ):
        name, external = names[instructor_id]
        row = (name, external, month_key(y, m), sessions, days, hours(minutes), count)
        score = scores.get((instructor_id, y, m))
        rows.append((*row, paid or no_fees, round(score[0], 2) if score else None))
        if paid is not None:  # most months have no fees: adding nothing costs time
            fees = fees + paid
    # The totals add up the rows, as a payroll or billing sheet does: a session taught by two
    # instructors counts for each of them.
    total_sessions = sum(int(entry[0] or 0) for entry in found.values())
    total_days = sum(int(entry[1] or 0) for entry in found.values())
    total_minutes = sum(int(entry[2] or 0) for entry in found.values())
    return ReportTable(
        name=ReportName.INSTRUCTOR_HOURS,
        title=ReportName.INSTRUCTOR_HOURS.title(),
        filters=filters,
        group_by=None,
        columns=(
            Column("instructor", _("Instructor"), ColumnKind.TEXT),
            Column("external", _("External"), ColumnKind.FLAG),
            Column("month", _("Month"), ColumnKind.PERIOD),
            Column("sessions", _("Sessions"), ColumnKind.COUNT),
            Column("days", _("Days"), ColumnKind.COUNT),
            Column("hours", _("Hours"), ColumnKind.HOURS),
            Column("learners", _("Learners taught"), ColumnKind.COUNT),
            Column("fees", _("Fees"), ColumnKind.MONEY),
            Column("feedback_score", _("Feedback score"), ColumnKind.SCORE),
        ),
        rows=tuple(rows),
        totals={
            "sessions": int(total_sessions or 0),
            "days": int(total_days or 0),
            "hours": hours(total_minutes),
            "learners": int(total_learners or 0),
            "fees": fees,
            "feedback_score": _weighted(scores.values()),
        },
        definitions=(_(INSTRUCTOR_RULE), _(HOURS_RULE), _(FEES_RULE), _(FEEDBACK_SCORE_RULE)),
        chart=ChartSpec("instructor", ("hours",), horizontal=True),
        empty_message=_("No instructor delivered a session in this period with these filters."),
    )


def _weighted(scores: Iterable[tuple[float, int]]) -> float | None:
    """The average of averages, each weighted by how many answered."""
    pairs = list(scores)
    answered = sum(count for _average, count in pairs)
    if not answered:
        return None
    return round(sum(average * count for average, count in pairs) / answered, 2)


def _fees(tx: OrmSession, filters: ReportFilters, now: datetime) -> Sequence[ResultRow]:
    """Instructor-fee lines of sessions held in the period, per instructor, month, currency."""
    year, month = year_month(TrainingSession.first_date)
    query = (
        select(
            CostLine.instructor_id,
            year,
            month,
            CostLine.currency,
            func.sum(CostLine.amount * cost_factor()),
        )
        .join(TrainingSession, TrainingSession.id == CostLine.session_id)
        .where(
            CostLine.category == CostCategory.INSTRUCTOR_FEE,
            CostLine.instructor_id.is_not(None),
            TrainingSession.status != SessionStatus.CANCELLED,
            TrainingSession.last_end <= now,
            *in_period(TrainingSession.first_date, filters),
            *session_conditions(filters),
        )
        .group_by(CostLine.instructor_id, year, month, CostLine.currency)
    )
    if filters.instructor_id is not None:
        query = query.where(CostLine.instructor_id == filters.instructor_id)
    return list(tx.execute(query))


def department_hours_report(tx: OrmSession, filters: ReportFilters, now: datetime) -> ReportTable:
    """Hours of training received per department (or location), and per head."""
    group_by = filters.group_by or GroupBy.DEPARTMENT
    group = Learner.department if group_by is GroupBy.DEPARTMENT else Learner.location
    # Minutes per learner first (a scan of the places' covering index), then per group.
    per_learner = (
        select(
            Enrollment.learner_id.label("learner_id"),
            func.sum(Enrollment.attended_minutes).label("minutes"),
        )
        .join(TrainingSession, TrainingSession.id == Enrollment.session_id)
        .where(
            TrainingSession.status != SessionStatus.CANCELLED,
            TrainingSession.last_end <= now,
            Enrollment.attended_minutes > 0,
            *in_period(TrainingSession.first_date, filters),
            *session_conditions(filters),
        )
        .group_by(Enrollment.learner_id)
        .subquery("per_learner")
    )
    received = (
        select(group, func.count(), func.coalesce(func.sum(per_learner.c.minutes), 0))
        .select_from(per_learner)
        .join(Learner, Learner.id == per_learner.c.learner_id)
        .where(*learner_conditions(filters))
    )
    headcount = select(group, func.count()).where(
        Learner.merged_into_id.is_(None), *learner_conditions(filters)
    )
    heads = {name: int(n) for name, n in tx.execute(headcount.group_by(group))}
    trained: dict[str, tuple[int, int]] = {
        name: (int(n), int(minutes)) for name, n, minutes in tx.execute(received.group_by(group))
    }
    empty = _("(no department)") if group_by is GroupBy.DEPARTMENT else _("(no location)")
    rows = []
    for name in sorted(set(heads) | set(trained), key=lambda n: (n == "", n.casefold())):
        count = heads.get(name, 0)
        people, minutes = trained.get(name, (0, 0))
        total = hours(minutes)
        rows.append(
            (
                name or empty,
                count,
                people,
                rate(people, count),
                total,
                round(total / count, 2) if count else None,
            )
        )
    all_heads = sum(heads.values())
    # Each learner is in one group: the totals are the groups' sums.
    everyone = (sum(n for n, _m in trained.values()), sum(m for _n, m in trained.values()))
    total_hours = hours(everyone[1])
    key_column = Column(group_by.value, group_by.label(), ColumnKind.TEXT)
    return ReportTable(
        name=ReportName.DEPARTMENT_HOURS,
        title=ReportName.DEPARTMENT_HOURS.title(),
        filters=filters,
        group_by=group_by,
        columns=(
            key_column,
            Column("headcount", _("Headcount"), ColumnKind.COUNT),
            Column("trained", _("Learners trained"), ColumnKind.COUNT),
            Column("trained_rate", _("Share trained"), ColumnKind.RATE),
            Column("hours", _("Hours"), ColumnKind.HOURS),
            Column("hours_per_head", _("Hours per head"), ColumnKind.HOURS),
        ),
        rows=tuple(rows) if trained else (),
        totals={
            "headcount": all_heads,
            "trained": int(everyone[0] or 0),
            "trained_rate": rate(int(everyone[0] or 0), all_heads),
            "hours": total_hours,
            "hours_per_head": round(total_hours / all_heads, 2) if all_heads else None,
        },
        definitions=(_(HOURS_RULE), _(HEADCOUNT_RULE), _(DEPARTMENT_RULE)),
        chart=ChartSpec(key_column.key, ("hours_per_head",)),
        empty_message=_("Nobody attended training in this period with these filters."),
    )

"""Feedback: responses, response rate and average scores by course, instructor or month."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.entities import Course
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import FeedbackAnswer
from iltdesk.db.entities import FeedbackResponse
from iltdesk.db.entities import TrainingSession
from iltdesk.db.expressions import Query
from iltdesk.domain.feedback import DEFAULT_QUESTIONS
from iltdesk.domain.feedback import INSTRUCTOR
from iltdesk.domain.feedback import OVERALL
from iltdesk.domain.feedback import RECOMMEND
from iltdesk.domain.feedback import SHORT_LABELS
from iltdesk.domain.report_rules import FEEDBACK_RULE
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
from iltdesk.services.reports.common import join_instructors
from iltdesk.services.reports.common import session_conditions
from iltdesk.services.reports.common import took_place
from iltdesk.services.reports.common import year_month

# The rated questions of the default form, as columns (a customised form keeps these keys for
# the questions it kept; its own questions are in the session window, not in this report).
_SCORED = tuple(q.key for q in DEFAULT_QUESTIONS if q.kind.value == "scale")


def question_average(key: str) -> ColumnElement[Any]:
    """SQL: the average score of the answers to question `key` among the rows aggregated."""
    return func.avg(case((FeedbackAnswer.question == key, FeedbackAnswer.score)))


def feedback_report(tx: OrmSession, filters: ReportFilters, now: datetime) -> ReportTable:
    """Per course (or instructor, month…): sessions held, responses, rate and averages."""
    group_by = filters.group_by or GroupBy.COURSE
    key = grouping(group_by, TrainingSession.first_date)
    held = [
        took_place(now),
        *in_period(TrainingSession.first_date, filters),
        *session_conditions(filters),
    ]

    def scoped(query: Query) -> Query:
        query = query.join(Course, Course.id == TrainingSession.course_id).where(*held)
        return join_instructors(query) if key.needs_instructor else query

    width = len(key.expressions)
    # Sessions and learners who attended, per group (places first, per session).
    per_session = (
        select(
            TrainingSession.id.label("session_id"),
            count_if(and_(holds_place(), Enrollment.attended_minutes > 0)).label("attended"),
        )
        .select_from(TrainingSession)
        .outerjoin(Enrollment, Enrollment.session_id == TrainingSession.id)
        .where(*held)
        .group_by(TrainingSession.id)
        .subquery("per_session")
    )
    delivered = scoped(
        select(*key.expressions, func.count(), func.coalesce(func.sum(per_session.c.attended), 0))
        .select_from(per_session)
        .join(TrainingSession, TrainingSession.id == per_session.c.session_id)
    ).group_by(*key.expressions)
    groups: dict[tuple[Any, ...], list[Any]] = {  # Any: a group's key values, and rows
        tuple(row[:width]): [int(row[width]), int(row[width + 1])] + [None] * 7
        for row in tx.execute(delivered)
    }
    recommend = and_(FeedbackAnswer.question == RECOMMEND, FeedbackAnswer.score.is_not(None))
    answered = scoped(
        select(
            *key.expressions,
            func.count(func.distinct(FeedbackResponse.id)),
            *(question_average(k) for k in _SCORED),
            count_if(and_(recommend, FeedbackAnswer.score >= 9)),  # promoters
            count_if(and_(recommend, FeedbackAnswer.score <= 6)),  # detractors
            count_if(recommend),
        )
        .select_from(FeedbackAnswer)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .join(TrainingSession, TrainingSession.id == FeedbackResponse.session_id)
    ).group_by(*key.expressions)
    totals_found = [0, 0, 0]  # promoters, detractors, recommend answers
    for row in tx.execute(answered):
        entry = groups.setdefault(tuple(row[:width]), [0, 0] + [None] * 7)
        entry[2] = int(row[width])
        for position in range(len(_SCORED)):
            value = row[width + 1 + position]
            entry[3 + position] = round(float(value), 2) if value is not None else None
        promoters, detractors, given = (int(v or 0) for v in row[width + 6 : width + 9])
        entry[8] = round(100 * (promoters - detractors) / given) if given else None
        for i, value in enumerate((promoters, detractors, given)):
            totals_found[i] += value
    rows: list[tuple[Value, ...]] = []
    for group in sorted(groups, key=_order):
        sessions, attended, responses, *scores, nps = groups[group]
        rows.append(
            (
                *key.to_cells(group),
                sessions,
                attended,
                responses or 0,
                rate(responses or 0, attended),
                *scores,
                nps,
            )
        )
    totals = _totals(tx, held, totals_found)
    columns = (
        Column("sessions", _("Sessions"), ColumnKind.COUNT),
        Column("attended", _("Attended"), ColumnKind.COUNT),
        Column("responses", _("Responses"), ColumnKind.COUNT),
        Column("response_rate", _("Response rate"), ColumnKind.RATE),
        *(Column(f"{k}_score", _(SHORT_LABELS[k]), ColumnKind.SCORE) for k in _SCORED),
        Column("net_promoter", _("Net promoter score"), ColumnKind.COUNT),
    )
    return ReportTable(
        name=ReportName.FEEDBACK,
        title=ReportName.FEEDBACK.title(),
        filters=filters,
        group_by=group_by,
        columns=key.columns + columns,
        rows=tuple(rows) if any(r[width + 2] for r in rows) else (),
        totals=totals,
        definitions=(_(PERIOD_RULE), _(FEEDBACK_RULE)),
        chart=ChartSpec(key.columns[0].key, (f"{OVERALL}_score", f"{INSTRUCTOR}_score")),
        empty_message=_("No feedback was recorded for sessions in this period with these filters."),
    )


def _order(group: tuple[Any, ...]) -> tuple[tuple[int, Any], ...]:  # Any: key values
    """Numbers (years, months) in order, names by their folded text."""
    return tuple((0, v) if isinstance(v, int) else (1, str(v).casefold()) for v in group)


def _totals(
    tx: OrmSession, held: list[ColumnElement[bool]], nps_parts: list[int]
) -> dict[str, Value]:
    """The whole period's figures (each session once, whatever the grouping)."""
    sessions = int(
        tx.scalar(select(func.count()).select_from(TrainingSession).join(Course).where(*held)) or 0
    )
    attended = int(
        tx.scalar(
            select(count_if(and_(holds_place(), Enrollment.attended_minutes > 0)))
            .select_from(Enrollment)
            .join(TrainingSession, TrainingSession.id == Enrollment.session_id)
            .join(Course, Course.id == TrainingSession.course_id)
            .where(*held)
        )
        or 0
    )
    found = tx.execute(
        select(
            func.count(func.distinct(FeedbackResponse.id)), *(question_average(k) for k in _SCORED)
        )
        .select_from(FeedbackAnswer)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .join(TrainingSession, TrainingSession.id == FeedbackResponse.session_id)
        .join(Course, Course.id == TrainingSession.course_id)
        .where(*held)
    ).one()
    responses = int(found[0] or 0)
    promoters, detractors, given = nps_parts
    return {
        "sessions": sessions,
        "attended": attended,
        "responses": responses,
        "response_rate": rate(responses, attended),
        **{
            f"{k}_score": round(float(v), 2) if v is not None else None
            for k, v in zip(_SCORED, found[1:], strict=True)
        },
        "net_promoter": round(100 * (promoters - detractors) / given) if given else None,
    }


def instructor_scores(
    tx: OrmSession, filters: ReportFilters, now: datetime
) -> dict[tuple[int, int, int], tuple[float, int]]:
    """The instructor question's average and answer count per instructor and month.

    Keyed by (instructor id, year, month of the session's first day), over the sessions the
    instructor taught (lead or co-facilitator).
    """
    from iltdesk.db.entities import Instructor

    year, month = year_month(TrainingSession.first_date)
    query = join_instructors(
        select(
            Instructor.id,
            year,
            month,
            func.avg(FeedbackAnswer.score),
            func.count(FeedbackAnswer.score),
        )
        .select_from(FeedbackAnswer)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .join(TrainingSession, TrainingSession.id == FeedbackResponse.session_id)
    ).where(
        FeedbackAnswer.question == INSTRUCTOR,
        FeedbackAnswer.score.is_not(None),
        took_place(now),
        *in_period(TrainingSession.first_date, filters),
        *session_conditions(filters),
    )
    if filters.instructor_id is not None:
        query = query.where(Instructor.id == filters.instructor_id)
    return {
        (int(i), int(y), int(m)): (float(average), int(count))
        for i, y, m, average, count in tx.execute(query.group_by(Instructor.id, year, month))
    }

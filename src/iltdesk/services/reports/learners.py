"""Reports about learners: repeated no-shows for follow-up, and one learner's transcript."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.entities import Certificate
from iltdesk.db.entities import Course
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Learner
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import TrainingSession
from iltdesk.db.expressions import Query
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.report_rules import COMPLETED_RULE
from iltdesk.domain.report_rules import DEPARTMENT_RULE
from iltdesk.domain.report_rules import HOURS_RULE
from iltdesk.domain.report_rules import NO_SHOW_RULE
from iltdesk.domain.report_rules import PERIOD_RULE
from iltdesk.domain.report_rules import late_cancel_rule
from iltdesk.domain.report_rules import no_show_list_rule
from iltdesk.domain.reporting import NO_SHOW_FOLLOW_UP
from iltdesk.domain.reporting import ChartSpec
from iltdesk.domain.reporting import Column
from iltdesk.domain.reporting import ColumnKind
from iltdesk.domain.reporting import ReportFilters
from iltdesk.domain.reporting import ReportName
from iltdesk.domain.reporting import ReportTable
from iltdesk.domain.reporting import Value
from iltdesk.domain.reporting import hours
from iltdesk.errors import NotFoundError
from iltdesk.i18n import _
from iltdesk.services.reports.common import count_if
from iltdesk.services.reports.common import in_period
from iltdesk.services.reports.common import late_cancellation
from iltdesk.services.reports.common import learner_conditions
from iltdesk.services.reports.common import session_conditions
from iltdesk.services.reports.common import took_place


def no_shows_report(tx: OrmSession, filters: ReportFilters, now: datetime) -> ReportTable:
    """Learners with at least `NO_SHOW_FOLLOW_UP` no-shows and late cancellations together."""
    no_show = Enrollment.status == EnrollmentStatus.NO_SHOW
    late = late_cancellation()
    missed = count_if(no_show) + count_if(late)
    query = (
        select(
            Learner.first_name,
            Learner.last_name,
            Learner.email,
            Learner.department,
            Learner.manager_name,
            count_if(no_show),
            count_if(late),
            missed,
            func.max(TrainingSession.first_date),
        )
        .select_from(Enrollment)
        .join(TrainingSession, TrainingSession.id == Enrollment.session_id)
        .join(Learner, Learner.id == Enrollment.learner_id)
        .where(
            took_place(now),
            or_(no_show, late),
            *in_period(TrainingSession.first_date, filters),
            *session_conditions(filters),
            *learner_conditions(filters),
        )
        .group_by(Learner.id)
        .having(missed >= NO_SHOW_FOLLOW_UP)
        .order_by(missed.desc(), Learner.sort_key)
    )
    rows: list[tuple[Value, ...]] = []
    sums = [0, 0, 0]
    for first, last, email, department, manager, no_shows, lates, total, last_date in tx.execute(
        query
    ):
        name = f"{first} {last}".strip()
        rows.append(
            (
                name,
                email,
                department or _("(no department)"),
                manager,
                no_shows,
                lates,
                total,
                last_date,
            )
        )
        sums = [sums[0] + int(no_shows), sums[1] + int(lates), sums[2] + int(total)]
    return ReportTable(
        name=ReportName.NO_SHOWS,
        title=ReportName.NO_SHOWS.title(),
        filters=filters,
        group_by=None,
        columns=(
            Column("learner", _("Learner"), ColumnKind.TEXT),
            Column("email", _("Email"), ColumnKind.TEXT),
            Column("department", _("Department"), ColumnKind.TEXT),
            Column("manager", _("Manager"), ColumnKind.TEXT),
            Column("no_shows", _("No-shows"), ColumnKind.COUNT),
            Column("late_cancellations", _("Late cancellations"), ColumnKind.COUNT),
            Column("total", _("Together"), ColumnKind.COUNT),
            Column("last", _("Last"), ColumnKind.DATE),
        ),
        rows=tuple(rows),
        totals={
            "learner": len(rows),
            "no_shows": sums[0],
            "late_cancellations": sums[1],
            "total": sums[2],
        },
        definitions=(
            no_show_list_rule(NO_SHOW_FOLLOW_UP),
            _(NO_SHOW_RULE),
            late_cancel_rule(),
            _(DEPARTMENT_RULE),
        ),
        chart=ChartSpec("department", ("no_shows", "late_cancellations")),
        empty_message=_("Nobody missed training repeatedly in this period."),
    )


def transcript_report(tx: OrmSession, filters: ReportFilters, now: datetime) -> ReportTable:
    """One learner's sessions: dates, hours attended, result and certificate."""
    assert filters.learner_id is not None
    learner = tx.get(Learner, filters.learner_id)
    if learner is None:
        raise NotFoundError(_("That learner no longer exists."))
    certificate = (
        select(
            Certificate.enrollment_id.label("enrollment_id"),
            func.max(Certificate.code).label("code"),
            func.max(Certificate.expires_at).label("expires_at"),
        )
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .where(Enrollment.learner_id == learner.id, Certificate.revoked_at.is_(None))
        .group_by(Certificate.enrollment_id)
        .subquery("certificate")
    )
    days = (
        select(func.count())
        .where(SessionDay.session_id == TrainingSession.id)
        .correlate(TrainingSession)
        .scalar_subquery()
    )
    query: Query = (
        select(
            TrainingSession.first_date,
            Course.code,
            Course.title,
            days,
            func.coalesce(Enrollment.attended_minutes, 0),
            Enrollment.status,
            certificate.c.code,
            certificate.c.expires_at,
        )
        .select_from(Enrollment)
        .join(TrainingSession, TrainingSession.id == Enrollment.session_id)
        .join(Course, Course.id == TrainingSession.course_id)
        .outerjoin(certificate, certificate.c.enrollment_id == Enrollment.id)
        .where(
            Enrollment.learner_id == learner.id,
            Enrollment.status.in_(SEAT_HOLDING),
            TrainingSession.status != SessionStatus.CANCELLED,
            *in_period(TrainingSession.first_date, filters),
            *session_conditions(filters),
        )
        .order_by(TrainingSession.first_start)
    )
    rows: list[tuple[Value, ...]] = []
    total_days, total_hours, completed, current = 0, 0.0, 0, 0
    for first_date, code, title, day_count, minutes, status, cert, expires in tx.execute(query):
        valid_until = expires.date() if isinstance(expires, datetime) else None
        result = EnrollmentStatus(status)
        rows.append(
            (
                first_date,
                code,
                title,
                int(day_count),
                hours(minutes),
                result,
                cert or "",
                valid_until,
            )
        )
        total_days += int(day_count)
        total_hours += hours(minutes)
        completed += result is EnrollmentStatus.COMPLETED
        current += bool(cert) and (valid_until is None or valid_until >= now.date())
    subject = " · ".join(
        part
        for part in (
            f"{learner.first_name} {learner.last_name}".strip(),
            learner.email,
            learner.department,
            learner.employee_id or "",
        )
        if part
    )
    return ReportTable(
        name=ReportName.TRANSCRIPT,
        title=ReportName.TRANSCRIPT.title(),
        filters=filters,
        group_by=None,
        columns=(
            Column("date", _("Date"), ColumnKind.DATE),
            Column("code", _("Code"), ColumnKind.TEXT),
            Column("course", _("Course"), ColumnKind.TEXT),
            Column("days", _("Days"), ColumnKind.COUNT),
            Column("hours", _("Hours attended"), ColumnKind.HOURS),
            Column("result", _("Result"), ColumnKind.STATUS),
            Column("certificate", _("Certificate"), ColumnKind.TEXT),
            Column("valid_until", _("Valid until"), ColumnKind.DATE),
        ),
        rows=tuple(rows),
        totals={
            "course": len(rows),
            "days": total_days,
            "hours": round(total_hours, 2),
            "result": completed,
            "certificate": current,
        },
        definitions=(_(HOURS_RULE), _(COMPLETED_RULE), _(PERIOD_RULE)),
        chart=ChartSpec("course", ("hours",), horizontal=True),
        subject=subject,
        empty_message=_("{learner} has no training on record in this period.").format(
            learner=f"{learner.first_name} {learner.last_name}".strip() or learner.email
        ),
    )

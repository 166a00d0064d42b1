"""What the report queries share: filters as SQL conditions, group keys, hour arithmetic.

Every report is SQLAlchemy Core grouped in the database; Python only divides (rates, per-head
figures) and formats keys. Definitions of places, attendance and hours are in
`domain/reporting.py` and are the ones these expressions implement.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import Integer
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import cast
from sqlalchemy import exists
from sqlalchemy import extract
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select

from iltdesk.db.entities import Attendance
from iltdesk.db.entities import CostLine
from iltdesk.db.entities import Course
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import Learner
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import SessionInstructor
from iltdesk.db.entities import TrainingSession
from iltdesk.db.expressions import Query
from iltdesk.db.expressions import SqlExpression
from iltdesk.db.sqlfunctions import hours_before
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import CostBasis
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.reporting import LATE_CANCELLATION_HOURS
from iltdesk.domain.reporting import Column
from iltdesk.domain.reporting import ColumnKind
from iltdesk.domain.reporting import GroupBy
from iltdesk.domain.reporting import ReportFilters
from iltdesk.domain.reporting import Value
from iltdesk.domain.reporting import month_key
from iltdesk.domain.reporting import quarter_key
from iltdesk.i18n import _

ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)
TEACHING = (InstructorRole.LEAD, InstructorRole.CO_FACILITATOR)
NO_VALUE = "—"


def took_place(now: datetime) -> ColumnElement[bool]:
    """A session that was held: not cancelled and its last day has ended."""
    return and_(TrainingSession.status != SessionStatus.CANCELLED, TrainingSession.last_end <= now)


def in_period(column: SqlExpression, filters: ReportFilters) -> list[ColumnElement[bool]]:
    """`column` (a local date) inside the filters' inclusive period."""
    conditions: list[ColumnElement[bool]] = []
    if filters.start is not None:
        conditions.append(column >= filters.start)
    if filters.end is not None:
        conditions.append(column <= filters.end)
    return conditions


def session_conditions(filters: ReportFilters) -> list[ColumnElement[bool]]:
    """Course, delivery mode and instructor filters on `TrainingSession`."""
    conditions: list[ColumnElement[bool]] = []
    if filters.course_id is not None:
        conditions.append(TrainingSession.course_id == filters.course_id)
    if filters.mode is not None:
        conditions.append(TrainingSession.mode == filters.mode)
    if filters.instructor_id is not None:
        conditions.append(
            exists().where(
                SessionInstructor.session_id == TrainingSession.id,
                SessionInstructor.instructor_id == filters.instructor_id,
                SessionInstructor.role.in_(TEACHING),
            )
        )
    return conditions


def learner_conditions(filters: ReportFilters) -> list[ColumnElement[bool]]:
    """Department and location filters on `Learner`."""
    conditions: list[ColumnElement[bool]] = []
    if filters.department is not None:
        conditions.append(Learner.department == filters.department)
    if filters.location is not None:
        conditions.append(Learner.location == filters.location)
    return conditions


def has_learner_filter(filters: ReportFilters) -> bool:
    """Whether the filters narrow learners (department, location)."""
    return filters.department is not None or filters.location is not None


def holds_place() -> ColumnElement[bool]:
    """SQL: the place held a seat (not waitlisted, cancelled or moved)."""
    return Enrollment.status.in_(SEAT_HOLDING)


def attended_some_day() -> ColumnElement[bool]:
    """The enrollment has a present, late or left-early mark (an index lookup per place)."""
    return exists().where(
        Attendance.enrollment_id == Enrollment.id, Attendance.status.in_(ATTENDED)
    )


def late_cancellation() -> ColumnElement[bool]:
    """A place given up less than the limit before the session's first start (or after)."""
    return and_(
        Enrollment.status == EnrollmentStatus.CANCELLED,
        Enrollment.cancelled_seat.is_(True),
        Enrollment.cancelled_at
        >= hours_before(TrainingSession.first_start, LATE_CANCELLATION_HOURS),
    )


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """SQL: how many rows meet `condition`."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def attended_minutes() -> ColumnElement[int]:
    """`domain.rules.attended_minutes` in SQL, for a row joining Attendance and SessionDay."""
    recorded_or_whole = case(
        (
            or_(
                Attendance.minutes_attended.is_(None),
                Attendance.minutes_attended > SessionDay.minutes,
            ),
            SessionDay.minutes,
        ),
        else_=Attendance.minutes_attended,
    )
    return case(
        (Attendance.status == AttendanceStatus.PRESENT, SessionDay.minutes),
        (
            Attendance.status.in_((AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)),
            recorded_or_whole,
        ),
        else_=0,
    )


def cost_factor() -> ColumnElement[int]:
    """What a `CostLine` of a session is multiplied by: 1, its days, or its places."""
    days = (
        select(func.count())
        .where(SessionDay.session_id == TrainingSession.id)
        .correlate(TrainingSession)
        .scalar_subquery()
    )
    places = (
        select(func.count())
        .where(Enrollment.session_id == TrainingSession.id, holds_place())
        .correlate(TrainingSession)
        .scalar_subquery()
    )
    return case(
        (CostLine.basis == CostBasis.PER_DAY, days),
        (CostLine.basis == CostBasis.PER_LEARNER, places),
        else_=1,
    )


# --- grouping -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grouping:
    """How rows are keyed: SQL expressions to select and group by, and the columns they make."""

    expressions: tuple[SqlExpression, ...]
    columns: tuple[Column, ...]
    to_cells: Callable[[Sequence[Any]], tuple[Value, ...]]  # Any: a result row's key values
    needs_learner: bool = False
    needs_instructor: bool = False


def _int(expression: ColumnElement[Any]) -> ColumnElement[int]:
    return cast(expression, Integer)


def year_month(column: SqlExpression) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """SQL: the year and month of a date column, as integers."""
    return _int(extract("year", column)), _int(extract("month", column))


def grouping(group_by: GroupBy, local_date: SqlExpression) -> Grouping:
    """The key of `group_by`; `local_date` is the date column months and years are read from."""
    if group_by is GroupBy.COURSE:
        return Grouping(
            (Course.code, Course.title),
            (
                Column("code", _("Code"), ColumnKind.TEXT),
                Column("course", _("Course"), ColumnKind.TEXT),
            ),
            lambda key: (key[0], key[1]),
        )
    if group_by is GroupBy.DEPARTMENT:
        return Grouping(
            (Learner.department,),
            (Column("department", _("Department"), ColumnKind.TEXT),),
            lambda key: (key[0] or _("(no department)"),),
            needs_learner=True,
        )
    if group_by is GroupBy.LOCATION:
        return Grouping(
            (Learner.location,),
            (Column("location", _("Location"), ColumnKind.TEXT),),
            lambda key: (key[0] or _("(no location)"),),
            needs_learner=True,
        )
    year, month = year_month(local_date)
    if group_by is GroupBy.MONTH:
        return Grouping(
            (year, month),
            (Column("month", _("Month"), ColumnKind.PERIOD),),
            lambda key: (month_key(int(key[0]), int(key[1])),),
        )
    if group_by is GroupBy.QUARTER:
        quarter = (month - literal(1)) / literal(3) + literal(1)
        return Grouping(
            (year, _int(quarter)),
            (Column("quarter", _("Quarter"), ColumnKind.PERIOD),),
            lambda key: (quarter_key(int(key[0]), int(key[1])),),
        )
    if group_by is GroupBy.YEAR:
        return Grouping(
            (year,),
            (Column("year", _("Year"), ColumnKind.PERIOD),),
            lambda key: (f"{int(key[0]):04d}",),
        )
    if group_by is GroupBy.INSTRUCTOR:
        return Grouping(
            (Instructor.name,),
            (Column("instructor", _("Instructor"), ColumnKind.TEXT),),
            lambda key: (key[0],),
            needs_instructor=True,
        )
    return Grouping(
        (TrainingSession.mode,),
        (Column("mode", _("Delivery mode"), ColumnKind.MODE),),
        lambda key: (DeliveryMode(key[0]).value,),
    )


def join_instructors(query: Query) -> Query:
    """Join each session's teaching instructors (a session with two appears twice)."""
    return query.join(
        SessionInstructor,
        and_(
            SessionInstructor.session_id == TrainingSession.id,
            SessionInstructor.role.in_(TEACHING),
        ),
    ).join(Instructor, Instructor.id == SessionInstructor.instructor_id)

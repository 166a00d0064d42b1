"""Reading sessions: one session as a row, and lists of them filtered in SQL.

Apart from `scheduling` (creating and changing sessions) so that the home screen's first
reading imports only what reading needs, before the window is built.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy import Table
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.engine import Database
from iltdesk.db.entities import Course
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import Room
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import SessionInstructor
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.rows import SessionDayRow
from iltdesk.domain.rows import SessionInstructorRow
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import _
from iltdesk.services.common import get_or_fail


def _counts(tx: OrmSession, session_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    seats = func.sum(case((Enrollment.status.in_(SEAT_HOLDING), 1), else_=0))
    waiting = func.sum(case((Enrollment.status == EnrollmentStatus.WAITLISTED, 1), else_=0))
    query = (
        select(Enrollment.session_id, seats, waiting)
        .where(Enrollment.session_id.in_(session_ids))
        .group_by(Enrollment.session_id)
    )
    return {sid: (int(s or 0), int(w or 0)) for sid, s, w in tx.execute(query)}


def _by_role(
    teachers: Sequence[SessionInstructorRow], order: list[InstructorRole]
) -> tuple[SessionInstructorRow, ...]:
    """Lead first, then co-facilitators, then backups; by name within a role."""
    if len(teachers) < 2:  # most sessions: nothing to sort
        return tuple(teachers)
    return tuple(sorted(teachers, key=lambda t: (order.index(t.role), t.name)))


def session_row(
    tx: OrmSession, session: TrainingSession, counts: tuple[int, int] | None = None
) -> SessionRow:
    """A session as a row, with its days, instructors and seat counts."""
    if counts is None:
        counts = _counts(tx, [session.id]).get(session.id, (0, 0))
    return SessionRow(
        id=session.id,
        course_id=session.course_id,
        course_code=session.course.code,
        course_title=session.course.title,
        cohort=session.cohort,
        mode=session.mode,
        room_id=session.room_id,
        room_name=session.room.name if session.room else "",
        meeting_link=session.meeting_link,
        timezone=session.timezone,
        capacity=session.capacity,
        min_size=session.min_size,
        status=session.status,
        notes=session.notes,
        cancelled_at=session.cancelled_at,
        cancel_reason=session.cancel_reason,
        completed_at=session.completed_at,
        completion_note=session.completion_note,
        version=session.version,
        survey_link=session.survey_link,
        series_id=session.series_id,
        pilot=session.pilot,
        debrief=session.debrief,
        go_no_go=session.go_no_go,
        days=tuple(SessionDayRow(d.id, d.start, d.end, d.meeting_link) for d in session.days),
        instructors=tuple(
            SessionInstructorRow(link.instructor_id, link.instructor.name, link.role)
            for link in sorted(session.instructors, key=_role_order)
        ),
        enrolled=counts[0],
        waitlisted=counts[1],
    )


def _role_order(link: SessionInstructor) -> tuple[int, str]:
    order = list(InstructorRole)
    return order.index(link.role), link.instructor.name


def get_session(db: Database, session_id: int) -> SessionRow:
    """One session."""
    with db.reading() as tx:
        session = get_or_fail(
            tx, TrainingSession, session_id, _("There is no session {id}.").format(id=session_id)
        )
        return session_row(tx, session)


def _table(entity: type) -> Table:
    table = getattr(entity, "__table__", None)  # every mapped entity has one
    if not isinstance(table, Table):
        raise TypeError(f"{entity.__name__} is not a mapped table")
    return table


def list_sessions(  # noqa: PLR0913 - filters after `*`, each with its default
    db: Database,
    *,
    status: SessionStatus | None = None,
    course_id: int | None = None,
    instructor_id: int | None = None,
    starts_after: datetime | None = None,
    starts_before: datetime | None = None,
    ends_after: datetime | None = None,
    ends_before: datetime | None = None,
    first_from: date | None = None,
    first_to: date | None = None,
    limit: int | None = None,
) -> list[SessionRow]:
    """Sessions ordered by first start, filtered in SQL.

    `first_from` / `first_to`: the first day's date as the venue's calendar shows it, both
    ends included (the reports' period counts sessions the same way).

    Read as plain columns in four Core queries (sessions, days, instructors, counts) over the
    tables rather than the mapped classes: the sessions screen lists thousands, hydrating
    objects cost most of the time, and Core statements need no ORM set-up before the first
    screen paints.
    """
    sessions_t, courses_t, rooms_t = _table(TrainingSession), _table(Course), _table(Room)
    days_t, teaching_t = _table(SessionDay), _table(SessionInstructor)
    instructors_t, enrollments_t = _table(Instructor), _table(Enrollment)
    conditions: list[ColumnElement[bool]] = []
    if status is not None:
        conditions.append(sessions_t.c.status == status)
    if course_id is not None:
        conditions.append(sessions_t.c.course_id == course_id)
    if instructor_id is not None:
        conditions.append(
            sessions_t.c.id.in_(
                select(teaching_t.c.session_id).where(teaching_t.c.instructor_id == instructor_id)
            )
        )
    if starts_after is not None:
        conditions.append(sessions_t.c.first_start >= starts_after)
    if starts_before is not None:
        conditions.append(sessions_t.c.first_start < starts_before)
    if ends_after is not None:
        conditions.append(sessions_t.c.last_end >= ends_after)
    if ends_before is not None:
        conditions.append(sessions_t.c.last_end < ends_before)
    if first_from is not None:
        conditions.append(sessions_t.c.first_date >= first_from)
    if first_to is not None:
        conditions.append(sessions_t.c.first_date <= first_to)
    chosen = select(sessions_t.c.id).where(*conditions)
    if limit is not None:
        chosen = chosen.order_by(sessions_t.c.first_start, sessions_t.c.id).limit(limit)
    ids = chosen.scalar_subquery() if limit is None else chosen.subquery().select()
    with db.reading() as tx:
        conn = tx.connection()
        sessions = conn.execute(
            select(
                sessions_t.c.id,
                sessions_t.c.course_id,
                courses_t.c.code,
                courses_t.c.title,
                sessions_t.c.cohort,
                sessions_t.c.mode,
                sessions_t.c.room_id,
                rooms_t.c.name,
                sessions_t.c.meeting_link,
                sessions_t.c.timezone,
                sessions_t.c.capacity,
                sessions_t.c.min_size,
                sessions_t.c.status,
                sessions_t.c.notes,
                sessions_t.c.cancelled_at,
                sessions_t.c.cancel_reason,
                sessions_t.c.completed_at,
                sessions_t.c.completion_note,
                sessions_t.c.version,
                sessions_t.c.survey_link,
                sessions_t.c.series_id,
                sessions_t.c.pilot,
                sessions_t.c.debrief,
                sessions_t.c.go_no_go,
            )
            .join(courses_t, courses_t.c.id == sessions_t.c.course_id)
            .outerjoin(rooms_t, rooms_t.c.id == sessions_t.c.room_id)
            .where(sessions_t.c.id.in_(ids))
            .order_by(sessions_t.c.first_start, sessions_t.c.id)
        ).all()
        days: dict[int, list[SessionDayRow]] = defaultdict(list)
        for session_id, day_id, start, end, link in conn.execute(
            select(
                days_t.c.session_id,
                days_t.c.id,
                days_t.c.start,
                days_t.c.end,
                days_t.c.meeting_link,
            )
            .where(days_t.c.session_id.in_(ids))
            .order_by(days_t.c.start)
        ).all():  # all at once: psycopg fetches row by row when iterated (8,000 calls)
            days[session_id].append(SessionDayRow(day_id, start, end, link))
        teachers: dict[int, list[SessionInstructorRow]] = defaultdict(list)
        for session_id, teacher_id, name, role in conn.execute(
            select(
                teaching_t.c.session_id,
                teaching_t.c.instructor_id,
                instructors_t.c.name,
                teaching_t.c.role,
            )
            .join(instructors_t, instructors_t.c.id == teaching_t.c.instructor_id)
            .where(teaching_t.c.session_id.in_(ids))
        ).all():
            teachers[session_id].append(SessionInstructorRow(teacher_id, name, role))
        order = list(InstructorRole)
        seats = func.sum(case((enrollments_t.c.status.in_(SEAT_HOLDING), 1), else_=0))
        waiting = func.sum(
            case((enrollments_t.c.status == EnrollmentStatus.WAITLISTED, 1), else_=0)
        )
        counts = {
            sid: (int(a or 0), int(w or 0))
            for sid, a, w in conn.execute(
                select(enrollments_t.c.session_id, seats, waiting)
                .where(enrollments_t.c.session_id.in_(ids))
                .group_by(enrollments_t.c.session_id)
            ).all()
        }
        return [
            SessionRow(
                id=r[0],
                course_id=r[1],
                course_code=r[2],
                course_title=r[3],
                cohort=r[4],
                mode=r[5],
                room_id=r[6],
                room_name=r[7] or "",
                meeting_link=r[8],
                timezone=r[9],
                capacity=r[10],
                min_size=r[11],
                status=r[12],
                notes=r[13],
                cancelled_at=r[14],
                cancel_reason=r[15],
                completed_at=r[16],
                completion_note=r[17],
                version=r[18],
                survey_link=r[19],
                series_id=r[20],
                pilot=bool(r[21]),
                debrief=r[22],
                go_no_go=r[23],
                days=tuple(days.get(r[0], ())),
                instructors=_by_role(teachers.get(r[0], ()), order),
                enrolled=counts.get(r[0], (0, 0))[0],
                waitlisted=counts.get(r[0], (0, 0))[1],
            )
            for r in sessions
        ]

"""The tables the dashboard's queries read, as Core tables.

Not the mapped classes: the dashboard is the first screen, and Core statements need no ORM
set-up (mapper configuration costs tens of milliseconds at start-up).
"""

from __future__ import annotations

from sqlalchemy import select

from iltdesk.db.entities import Attendance
from iltdesk.db.entities import Certificate
from iltdesk.db.entities import Course
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import OutboxMessage
from iltdesk.db.entities import Room
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import SessionInstructor
from iltdesk.db.entities import TrainingSession
from iltdesk.db.expressions import Query
from iltdesk.db.expressions import SqlExpression
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus

sessions_t = TrainingSession.__table__
courses_t = Course.__table__
enrollments_t = Enrollment.__table__
attendance_t = Attendance.__table__
days_t = SessionDay.__table__
teaching_t = SessionInstructor.__table__
instructors_t = Instructor.__table__
rooms_t = Room.__table__
outbox_t = OutboxMessage.__table__
certificates_t = Certificate.__table__

OPEN = (SessionStatus.PLANNED, SessionStatus.CONFIRMED)
TEACHING = (InstructorRole.LEAD, InstructorRole.CO_FACILITATOR)


def about_sessions(*extra: SqlExpression) -> Query:
    """Sessions with the columns an attention item names one by, then `extra`.

    The first four columns are the session's id, its course's title, its first start and its
    zone (`attention_staffing.labelled` makes them the id and a label); the course is joined.
    """
    return (
        select(
            sessions_t.c.id,
            courses_t.c.title,
            sessions_t.c.first_start,
            sessions_t.c.timezone,
            *extra,
        )
        .select_from(sessions_t)
        .join(courses_t, courses_t.c.id == sessions_t.c.course_id)
    )

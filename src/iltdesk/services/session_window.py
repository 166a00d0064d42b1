"""Everything a session's window shows, read in one go.

The window asks for it off the GUI thread when it opens (`SessionsPage.open_session`), and
again after every change that touches the session; both then show the same snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass

from iltdesk.db.engine import Database
from iltdesk.domain.rows import AgendaItemRow
from iltdesk.domain.rows import AttendanceMarkRow
from iltdesk.domain.rows import CourseRow
from iltdesk.domain.rows import RosterRow
from iltdesk.domain.rows import SessionRow
from iltdesk.services import attendance
from iltdesk.services import catalogue
from iltdesk.services import readiness
from iltdesk.services import roster_read
from iltdesk.services import session_reads
from iltdesk.services.readiness import ReadinessItem


@dataclass(frozen=True)
class SessionWindowData:
    """A session with its roster, course, marks, agenda and readiness checklist."""

    session: SessionRow
    roster: list[RosterRow]
    course: CourseRow
    marks: list[AttendanceMarkRow]
    agenda: list[AgendaItemRow]
    checks: list[ReadinessItem]


def read_session_window(db: Database, session_id: int) -> SessionWindowData:
    """What the window on session `session_id` shows; safe off the GUI thread."""
    session = session_reads.get_session(db, session_id)
    return SessionWindowData(
        session=session,
        roster=roster_read.roster(db, session_id),
        course=catalogue.get_course(db, session.course_id),
        marks=attendance.marks_for_session(db, session_id),
        agenda=catalogue.get_agenda(db, session.course_id),
        checks=readiness.readiness(db, session_id),
    )

"""Reading a session's roster: the query every roster view, document and count runs.

Built once at import (a roster is read after every change, and building the statement cost as
much as running it on a server) and read as plain columns into `RosterRow`s.
"""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import select

from iltdesk.db.engine import Database
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Learner
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.rows import RosterRow
from iltdesk.errors import NotFoundError
from iltdesk.i18n import _

_STATUS_ORDER = case(
    (Enrollment.status == EnrollmentStatus.WAITLISTED, 1),
    (Enrollment.status.in_([EnrollmentStatus.CANCELLED, EnrollmentStatus.MOVED]), 2),
    else_=0,
)


# The learner's part of a roster row, in `RosterRow`'s order (a draft roster reads it alone).
ROSTER_LEARNER_COLUMNS = (
    Learner.id,
    Learner.first_name,
    Learner.last_name,
    Learner.email,
    Learner.employee_id,
    Learner.department,
)
_ROSTER_COLUMNS = (
    Enrollment.id,
    *ROSTER_LEARNER_COLUMNS,
    Enrollment.status,
    Enrollment.waitlist_position,
    Enrollment.source,
    Enrollment.enrolled_at,
    Enrollment.cancelled_at,
    Enrollment.cancel_reason,
    Enrollment.prework_done,
    Enrollment.prework_done_at,
)


# Built once: a roster is read after every change, and building the statement (coercing
# each column and clause) cost as much as running it on a server.
_SESSION_EXISTS = select(TrainingSession.id).where(TrainingSession.id == bindparam("session_id"))
_ROSTER = (
    select(*_ROSTER_COLUMNS)
    .join(Learner, Learner.id == Enrollment.learner_id)
    .where(Enrollment.session_id == bindparam("session_id"))
    .order_by(_STATUS_ORDER, Enrollment.waitlist_position, Learner.sort_key, Learner.id)
)
_ACTIVE_ROSTER = _ROSTER.where(
    Enrollment.status.not_in([EnrollmentStatus.CANCELLED, EnrollmentStatus.MOVED])
)


def roster(db: Database, session_id: int, *, include_inactive: bool = True) -> list[RosterRow]:
    """Seat holders by last name, then the waitlist in order, then cancelled and moved."""
    with db.reading() as tx:
        conn = tx.connection()
        values = {"session_id": session_id}
        if conn.execute(_SESSION_EXISTS, values).scalar() is None:
            raise NotFoundError(_("There is no session {id}.").format(id=session_id))
        # Plain columns through Core, not entities: a roster is read often, and hydrating
        # objects costs 3x; `all()` fetches at once (psycopg iterated fetches row by row).
        query = _ROSTER if include_inactive else _ACTIVE_ROSTER
        rows = conn.execute(query, values).all()
        # mypy reads `*row` of a Row (a TypeVarTuple) as one argument; it is the whole row.
        return [RosterRow(*row) for row in rows]  # type: ignore[call-arg]

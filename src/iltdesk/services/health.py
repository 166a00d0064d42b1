"""“Check database”: the storage checks plus the domain's own invariants, in sentences.

Read-only: running it twice reports the same problems and changes nothing.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func
from sqlalchemy import select

from iltdesk.db.engine import Database
from iltdesk.db.entities import Attendance
from iltdesk.db.entities import Certificate
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.rows import Problem
from iltdesk.i18n import _


def checked_by_server(db: Database) -> str | None:
    """What a database server checks itself (None for a SQLite file, which we check)."""
    if db.is_sqlite:
        return None
    return _(
        "The database server {server} checks its own storage and foreign keys; ILT Desk "
        "checked the training records against its rules."
    ).format(server=db.label)


def check_database(db: Database) -> list[Problem]:
    """Integrity and our own rules, checked; each problem in a sentence."""
    problems = [
        Problem("storage", _("Storage check: {detail}").format(detail=detail))
        for detail in db.integrity_problems()
    ]
    with db.transaction() as tx:
        stray = tx.execute(
            select(Attendance.id, Enrollment.session_id, SessionDay.session_id)
            .join(Enrollment, Enrollment.id == Attendance.enrollment_id)
            .join(SessionDay, SessionDay.id == Attendance.day_id)
            .where(Enrollment.session_id != SessionDay.session_id)
            .order_by(Attendance.id)
        ).all()
        for mark_id, enrolled_in, day_of in stray:
            problems.append(
                Problem(
                    "attendance",
                    _(
                        "Attendance mark {mark} is for a day of session {day_session}, but its "
                        "learner is enrolled in session {session}."
                    ).format(mark=mark_id, day_session=day_of, session=enrolled_in),
                )
            )
        orphans = tx.scalars(
            select(Certificate.code)
            .outerjoin(Enrollment, Enrollment.id == Certificate.enrollment_id)
            .where(Enrollment.id.is_(None))
            .order_by(Certificate.code)
        ).all()
        for code in orphans:
            problems.append(
                Problem(
                    "certificate",
                    _("Certificate {code} belongs to no enrollment.").format(code=code),
                )
            )
        positions: dict[int, list[int]] = defaultdict(list)
        for session_id, position in tx.execute(
            select(Enrollment.session_id, Enrollment.waitlist_position)
            .where(Enrollment.status == EnrollmentStatus.WAITLISTED)
            .order_by(Enrollment.session_id, Enrollment.waitlist_position)
        ):
            positions[session_id].append(position or 0)
        for session_id, found in sorted(positions.items()):
            if found != list(range(1, len(found) + 1)):
                problems.append(
                    Problem(
                        "waitlist",
                        _(
                            "The waitlist of session {session} has gaps or repeats "
                            "(positions {positions})."
                        ).format(session=session_id, positions=", ".join(map(str, found))),
                    )
                )
        day_span = (
            select(
                SessionDay.session_id,
                func.min(SessionDay.start).label("first"),
                func.max(SessionDay.end).label("last"),
            )
            .group_by(SessionDay.session_id)
            .subquery()
        )
        mismatched = tx.execute(
            select(TrainingSession.id, TrainingSession.first_start, day_span.c.first)
            .outerjoin(day_span, day_span.c.session_id == TrainingSession.id)
            .order_by(TrainingSession.id)
        ).all()
        for session_id, stored, actual in mismatched:
            if actual is None:
                problems.append(
                    Problem("session", _("Session {id} has no days.").format(id=session_id))
                )
            elif stored != actual:
                problems.append(
                    Problem(
                        "session",
                        _("Session {id}'s start date does not match its days.").format(
                            id=session_id
                        ),
                    )
                )
    return problems

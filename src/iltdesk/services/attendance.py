"""Attendance marks per learner and day, and the completion each learner earns.

The completion rule is the course's threshold (or the default 80%) of scheduled minutes;
late and left-early marks count the minutes recorded. When every day of the session has a mark
for a learner, their enrollment becomes completed, incomplete or no-show; clearing a mark
returns them to enrolled.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import Attendance
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.rows import AttendanceMarkRow
from iltdesk.domain.rules import DEFAULT_COMPLETION_THRESHOLD
from iltdesk.domain.rules import DayMark
from iltdesk.domain.rules import attended_minutes
from iltdesk.domain.rules import completion_status
from iltdesk.errors import StaleEditError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.i18n import in_sentence
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit
from iltdesk.services.common import check_unchanged
from iltdesk.services.common import get_or_fail


@dataclass(frozen=True)
class MarkSpec:
    """One mark to record; `status` None clears the mark."""

    enrollment_id: int
    day_id: int
    status: AttendanceStatus | None
    minutes_attended: int | None = None
    note: str = ""
    # The mark's version the user saw (0: no mark yet); None records regardless (imports).
    seen_version: int | None = None


def _threshold(session: TrainingSession, default: int) -> int:
    course_threshold = session.course.completion_threshold
    return course_threshold if course_threshold is not None else default


def evaluate_enrollment(
    tx: OrmSession,
    enrollment: Enrollment,
    default_threshold: int = DEFAULT_COMPLETION_THRESHOLD,
    marks: Sequence[Attendance] | None = None,
) -> EnrollmentStatus:
    """Set and return the enrollment's outcome from its marks (seat holders only).

    `marks`: all of the place's marks when the caller holds them already; otherwise they are
    read (a query per place, each flushing the last place's change: slow for a whole roster).
    """
    if enrollment.status not in SEAT_HOLDING:
        return enrollment.status
    session = enrollment.session
    minutes_by_day = {d.id: int((d.end - d.start).total_seconds() // 60) for d in session.days}
    if marks is None:
        marks = tx.scalars(
            select(Attendance).where(Attendance.enrollment_id == enrollment.id)
        ).all()
    day_marks = [
        DayMark(m.status, minutes_by_day[m.day_id], m.minutes_attended)
        for m in marks
        if m.day_id in minutes_by_day
    ]
    status = completion_status(
        day_marks, len(minutes_by_day), _threshold(session, default_threshold)
    )
    enrollment.status = status
    enrollment.attended_minutes = sum(attended_minutes(m) for m in day_marks) if day_marks else None
    return status


def refresh_attended_minutes(tx: OrmSession, session_id: int) -> None:
    """Recount the session's places' attended minutes (after its days changed length)."""
    from sqlalchemy import update

    from iltdesk.services.reports.common import attended_minutes as counted

    total = (
        select(func.sum(counted()))
        .select_from(Attendance)
        .join(SessionDay, SessionDay.id == Attendance.day_id)
        .where(Attendance.enrollment_id == Enrollment.id)
        .scalar_subquery()
    )
    tx.execute(
        update(Enrollment)
        .where(Enrollment.session_id == session_id)
        .values(attended_minutes=total)
        .execution_options(synchronize_session=False)
    )


def record_marks(
    db: Database,
    session_id: int,
    marks: Iterable[MarkSpec],
    *,
    default_threshold: int = DEFAULT_COMPLETION_THRESHOLD,
) -> Outcome[dict[int, EnrollmentStatus]]:
    """Record (or clear) marks for one session in one transaction.

    Returns each touched enrollment's resulting status. Refuses marks for a locked (completed)
    or cancelled session, for learners without a seat, and for days of another session.
    """
    marks = list(marks)

    def work(tx: OrmSession) -> Outcome[dict[int, EnrollmentStatus]]:
        results = record_marks_in(tx, session_id, marks, default_threshold)
        audit(tx, "session", session_id, "attendance", {"marks": len(marks)})
        changes = Changes.of(Entity.ATTENDANCE, session_id) | Changes.of(
            Entity.ENROLLMENT, *results
        )
        return Outcome(results, changes)

    # Two first marks on one cell at once: the loser's insert hits the unique key, is retried,
    # and then finds the other's mark (refused as stale when the user saw none).
    return db.write(work)


def record_marks_in(
    tx: OrmSession, session_id: int, marks: list[MarkSpec], default_threshold: int
) -> dict[int, EnrollmentStatus]:
    """`record_marks` inside a caller's transaction (an import records several sessions)."""
    session = get_or_fail(
        tx, TrainingSession, session_id, _("There is no session {id}.").format(id=session_id)
    )
    if session.status is SessionStatus.COMPLETED:
        raise ValidationError(
            _("This session is completed and locked. Unlock it to change attendance.")
        )
    if session.status is SessionStatus.CANCELLED:
        raise ValidationError(_("This session was cancelled; it takes no attendance."))
    days = {d.id: d for d in session.days}
    enrollments = {
        e.id: e
        for e in tx.scalars(
            select(Enrollment).where(
                Enrollment.session_id == session_id,
                Enrollment.id.in_({m.enrollment_id for m in marks}),
            )
        )
    }
    existing = {
        (a.enrollment_id, a.day_id): a
        for a in tx.scalars(
            select(Attendance).where(Attendance.enrollment_id.in_(list(enrollments)))
        )
    }
    now = utcnow()
    for mark in marks:
        enrollment = enrollments.get(mark.enrollment_id)
        if enrollment is None:
            raise ValidationError(_("A mark names a learner who is not on this session."))
        if mark.day_id not in days:
            raise ValidationError(_("A mark names a day that is not part of this session."))
        if enrollment.status not in SEAT_HOLDING:
            raise ValidationError(
                _("{learner} has no seat on this session ({status}); enrol them first.").format(
                    learner=f"{enrollment.learner.first_name} {enrollment.learner.last_name}",
                    status=in_sentence(enrollment.status.label()),
                )
            )
        day = days[mark.day_id]
        scheduled = int((day.end - day.start).total_seconds() // 60)
        if mark.minutes_attended is not None and not 0 <= mark.minutes_attended <= scheduled:
            raise ValidationError(
                _("Minutes attended must be between 0 and {minutes} for that day.").format(
                    minutes=scheduled
                )
            )
        row = existing.get((mark.enrollment_id, mark.day_id))
        if mark.seen_version is not None:
            _check_mark_unchanged(tx, enrollment, day, row, mark.seen_version)
        if mark.status is None:
            if row is not None:
                tx.delete(row)
                del existing[(mark.enrollment_id, mark.day_id)]
            continue
        if row is None:
            row = Attendance(enrollment_id=mark.enrollment_id, day_id=mark.day_id)
            tx.add(row)
            existing[(mark.enrollment_id, mark.day_id)] = row
        row.status = mark.status
        row.minutes_attended = mark.minutes_attended
        row.note = mark.note
        row.recorded_at = now
    tx.flush()
    held: dict[int, list[Attendance]] = {}
    for (enrollment_id, _day), row in existing.items():
        held.setdefault(enrollment_id, []).append(row)
    return {
        e.id: evaluate_enrollment(tx, e, default_threshold, held.get(e.id, []))
        for e in enrollments.values()
    }


def _check_mark_unchanged(
    tx: OrmSession,
    enrollment: Enrollment,
    day: SessionDay,
    row: Attendance | None,
    seen_version: int,
) -> None:
    """Refuse to change a mark someone else set or changed since the grid showed it."""
    if (row.version if row is not None else 0) == seen_version:
        return
    learner = f"{enrollment.learner.first_name} {enrollment.learner.last_name}".strip()
    now = row.status.label() if row is not None else _("no mark")
    field = _("{learner}, day {day}").format(
        learner=learner, day=(day.local_date or day.start.date()).isoformat()
    )
    if row is None:  # the mark the user saw was cleared meanwhile
        raise StaleEditError(
            _("{field}: the mark was cleared by someone else since you opened the grid.").format(
                field=field
            )
        )
    check_unchanged(tx, "attendance", row, seen_version, [(field, _("what you saw"), now)])


def marks_before(db: Database, session_id: int, marks: Iterable[MarkSpec]) -> list[MarkSpec]:
    """What the cells of `marks` hold now, as marks that would put them back (for undo)."""
    held = {(m.enrollment_id, m.day_id): m for m in marks_for_session(db, session_id)}
    before = []
    for mark in marks:
        old = held.get((mark.enrollment_id, mark.day_id))
        before.append(
            MarkSpec(
                mark.enrollment_id,
                mark.day_id,
                old.status if old else None,
                old.minutes_attended if old else None,
                old.note if old else "",
            )
        )
    return before


def marks_for_session(db: Database, session_id: int) -> list[AttendanceMarkRow]:
    """Every attendance mark of a session, learner by learner, day by day."""
    with db.reading() as tx:
        query = (
            select(Attendance)
            .join(SessionDay, SessionDay.id == Attendance.day_id)
            .where(SessionDay.session_id == session_id)
            .order_by(Attendance.enrollment_id, SessionDay.start)
        )
        return [
            AttendanceMarkRow(
                a.enrollment_id, a.day_id, a.status, a.minutes_attended, a.note, a.version
            )
            for a in tx.scalars(query)
        ]

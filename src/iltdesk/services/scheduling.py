"""Sessions and their days: schedule, edit, read and list.

Status changes (confirm, cancel, complete, unlock) are use cases of their own in
`services/lifecycle.py`; clash detection lives in `services/clashes.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC
from datetime import date
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy import Table
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.engine import Database
from iltdesk.db.entities import Attendance
from iltdesk.db.entities import Course
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import Room
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import SessionInstructor
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.differences import session_differences
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.lifecycle import closed_reason
from iltdesk.domain.localtime import local_date
from iltdesk.domain.localtime import minutes_between
from iltdesk.domain.rows import Clash
from iltdesk.domain.rows import SessionDayRow
from iltdesk.domain.rows import SessionInstructorRow
from iltdesk.domain.rows import SessionRow
from iltdesk.domain.specs import DaySpec
from iltdesk.domain.specs import SessionSpec
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.attendance import refresh_attended_minutes
from iltdesk.services.clashes import clash_error
from iltdesk.services.clashes import find_clashes_in
from iltdesk.services.clashes import qualification_warnings
from iltdesk.services.clashes import utc_days
from iltdesk.services.clashes import validate_session
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit
from iltdesk.services.common import check_unchanged
from iltdesk.services.common import get_or_fail
from iltdesk.services.costs import copy_costs_in
from iltdesk.services.seats import fill_free_seats

# --- saving -----------------------------------------------------------------------------------


def _apply(tx: OrmSession, session: TrainingSession, spec: SessionSpec) -> None:
    get_or_fail(tx, Course, spec.course_id, _("The chosen course no longer exists."))
    if spec.room_id is not None:
        get_or_fail(tx, Room, spec.room_id, _("The chosen room no longer exists."))
    session.course_id = spec.course_id
    session.cohort = spec.cohort.strip()
    session.mode = spec.mode
    session.room_id = spec.room_id
    session.meeting_link = spec.meeting_link.strip()
    session.survey_link = spec.survey_link.strip()
    session.pilot = spec.pilot
    session.go_no_go = spec.go_no_go
    session.timezone = spec.timezone
    session.capacity = spec.capacity
    session.min_size = spec.min_size
    session.notes = spec.notes
    ordered = utc_days(spec)
    links = {
        (d.start.astimezone(UTC), d.end.astimezone(UTC)): d.meeting_link.strip() for d in spec.days
    }
    # Keep existing day rows where possible: attendance marks point at them.
    existing = list(session.days)
    for index, (start, end) in enumerate(ordered):
        if index < len(existing):
            day = existing[index]
            day.start, day.end = start, end
        else:
            day = SessionDay(start=start, end=end)
            session.days.append(day)
        day.minutes = minutes_between(start, end)
        day.local_date = local_date(start, spec.timezone)
        day.meeting_link = links.get((start, end), "")
    for stale in existing[len(ordered) :]:
        session.days.remove(stale)
    session.first_start = ordered[0][0]
    session.first_date = local_date(ordered[0][0], spec.timezone)
    session.last_date = max(local_date(start, spec.timezone) for start, _end in ordered)
    session.last_end = max(end for _start, end in ordered)
    wanted = dict(spec.instructors)
    for link in list(session.instructors):
        if link.instructor_id not in wanted:
            session.instructors.remove(link)
        else:
            link.role = wanted.pop(link.instructor_id)
    for instructor_id, role in wanted.items():
        session.instructors.append(SessionInstructor(instructor_id=instructor_id, role=role))


def create_session(
    db: Database,
    spec: SessionSpec,
    *,
    allow_clashes: bool = False,
    costs_from: int | None = None,
) -> Outcome[SessionRow]:
    """Schedule a session; raises `ClashError` on clashes unless `allow_clashes`.

    The session gets the course's default cost lines, or those of session `costs_from` (a
    duplicate keeps what its original costs).
    """
    validate_session(spec)
    with db.transaction() as tx:
        qualification_warnings(tx, spec)
        clashes = find_clashes_in(tx, spec, None)
        if clashes and not allow_clashes:
            raise clash_error(clashes)
        session = create_in(tx, spec, clashes, costs_from=costs_from)
        return Outcome(session_row(tx, session), Changes.of(Entity.SESSION, session.id))


def create_in(
    tx: OrmSession,
    spec: SessionSpec,
    clashes: Sequence[Clash],
    *,
    costs_from: int | None = None,
    series_id: int | None = None,
) -> TrainingSession:
    """Add the session `spec` describes to the unit of work (clashes already checked)."""
    session = TrainingSession(series_id=series_id)
    _apply(tx, session, spec)
    tx.add(session)
    tx.flush()
    copy_costs_in(tx, session.id, course_id=spec.course_id, from_session=costs_from)
    if clashes:  # scheduled anyway: the trail keeps what was accepted
        audit(
            tx,
            "session",
            session.id,
            "clashes accepted",
            {"clashes": [c.message for c in clashes]},
        )
    return session


def update_session(
    db: Database,
    session_id: int,
    spec: SessionSpec,
    *,
    allow_clashes: bool = False,
    seen: SessionRow | None = None,
) -> Outcome[SessionRow]:
    """Change a session: times, place, capacity, instructors.

    With `seen` (the row the editor was filled from), a session changed since then is refused
    with `StaleEditError` naming who changed what, instead of being overwritten.
    """
    validate_session(spec)
    with db.transaction() as tx:
        session = get_or_fail(
            tx,
            TrainingSession,
            session_id,
            _("That session no longer exists."),
            lock=seen is not None,
        )
        if seen is not None and seen.version != session.version:
            now = session_row(tx, session)
            check_unchanged(tx, "session", session, seen.version, session_differences(seen, now))
        refuse_if_closed(session)
        qualification_warnings(tx, spec)
        clashes = find_clashes_in(tx, spec, session_id)
        if clashes and not allow_clashes:
            raise clash_error(clashes)
        changes = update_in(tx, session, spec, clashes)
        return Outcome(session_row(tx, session), changes)


def update_in(
    tx: OrmSession, session: TrainingSession, spec: SessionSpec, clashes: Sequence[Clash]
) -> Changes:
    """Change `session` as `spec` says inside the unit of work (clashes already checked)."""
    if len(spec.days) < len(session.days):
        _refuse_dropping_marked_days(tx, session, len(spec.days))
    _apply(tx, session, spec)
    tx.flush()
    refresh_attended_minutes(tx, session.id)  # a present day counts the day's new length
    promoted = fill_free_seats(tx, session)  # a larger capacity seats the waitlist
    audit(
        tx,
        "session",
        session.id,
        "update",
        {"clashes": [c.message for c in clashes], "promoted": [p.id for p in promoted]},
    )
    changes = Changes.of(Entity.SESSION, session.id)
    if promoted:
        changes |= Changes.of(Entity.ENROLLMENT, *(p.id for p in promoted))
    return changes


def _refuse_dropping_marked_days(tx: OrmSession, session: TrainingSession, keep: int) -> None:
    dropped = [d.id for d in session.days[keep:]]
    marked = tx.scalar(select(func.count()).where(Attendance.day_id.in_(dropped)))
    if marked:
        raise ValidationError(
            _(
                "A day you removed already has attendance marks. Clear its marks first, "
                "or keep the day."
            )
        )


def spec_for_row(row: SessionRow) -> SessionSpec:
    """The spec that would save `row` exactly as it is (undo, duplicate, scripted edits)."""
    return SessionSpec(
        course_id=row.course_id,
        mode=row.mode,
        timezone=row.timezone,
        capacity=row.capacity,
        days=tuple(DaySpec(d.start, d.end, d.meeting_link) for d in row.days),
        cohort=row.cohort,
        room_id=row.room_id,
        meeting_link=row.meeting_link,
        survey_link=row.survey_link,
        pilot=row.pilot,
        go_no_go=row.go_no_go,
        min_size=row.min_size,
        notes=row.notes,
        instructors=tuple((i.instructor_id, i.role) for i in row.instructors),
    )


def refuse_if_closed(session: TrainingSession) -> None:
    """A cancelled or completed session keeps its record as it was: refuse changing it."""
    reason = closed_reason(session.status)
    if reason is not None:
        raise ValidationError(reason)


# --- reading ----------------------------------------------------------------------------------


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
    table = entity.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
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

"""Sessions and their days: schedule, edit, list, cancel — and catch clashes.

A clash is an instructor, a room or a learner booked into two sessions whose days overlap.
Days are compared as UTC instants, so sessions in different zones clash exactly when they
really overlap, daylight-saving changes included.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, Table, and_, case, func, or_, select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import selectinload

from iltdesk import formatting
from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import (
    Attendance,
    Course,
    Enrollment,
    Instructor,
    Learner,
    Room,
    SessionDay,
    SessionInstructor,
    TrainingSession,
)
from iltdesk.domain.changes import Changes, Entity
from iltdesk.domain.enums import (
    SEAT_HOLDING,
    DeliveryMode,
    EnrollmentStatus,
    InstructorRole,
    SessionStatus,
)
from iltdesk.domain.rows import Clash, SessionDayRow, SessionInstructorRow, SessionRow
from iltdesk.domain.rules import Interval
from iltdesk.domain.specs import DaySpec, SessionSpec
from iltdesk.errors import ClashError, ValidationError
from iltdesk.i18n import _, ngettext
from iltdesk.services.common import Outcome, audit, get_or_fail
from iltdesk.services.seats import fill_free_seats

ACTIVE_STATUSES = tuple(s for s in EnrollmentStatus if s.is_active)


# --- validation -------------------------------------------------------------------------------


def validate_session(spec: SessionSpec) -> list[Clash]:
    """Raise for what cannot be saved; return warnings for what can but looks wrong."""
    try:
        ZoneInfo(spec.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("“{zone}” is not a known time zone; pick one from the list.").format(
                zone=spec.timezone
            )
        ) from None
    if not spec.days:
        raise ValidationError(_("A session needs at least one day."))
    if spec.capacity < 0:
        raise ValidationError(_("The capacity cannot be negative."))
    if spec.min_size < 0:
        raise ValidationError(_("The minimum size cannot be negative."))
    if spec.min_size > spec.capacity:
        raise ValidationError(
            _("The minimum size ({minimum}) is larger than the capacity ({capacity}).").format(
                minimum=spec.min_size, capacity=spec.capacity
            )
        )
    for number, day in enumerate(spec.days, start=1):
        if day.start.tzinfo is None or day.end.tzinfo is None:
            raise ValidationError(_("Day {n} has a time without a time zone.").format(n=number))
        if day.end <= day.start:
            raise ValidationError(
                _("Day {n} ends ({end}) before it starts ({start}).").format(
                    n=number,
                    start=formatting.format_datetime(day.start, spec.timezone),
                    end=formatting.format_datetime(day.end, spec.timezone),
                )
            )
    ordered = sorted(spec.days, key=lambda d: d.start)
    for first, second in zip(ordered, ordered[1:], strict=False):
        if second.start < first.end:
            raise ValidationError(
                _("Two days of this session overlap ({first} and {second}).").format(
                    first=formatting.format_span(first.start, first.end, spec.timezone),
                    second=formatting.format_span(second.start, second.end, spec.timezone),
                )
            )
    roles = [role for _id, role in spec.instructors]
    ids = [instructor_id for instructor_id, _role in spec.instructors]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("An instructor is listed twice on this session."))
    warnings = []
    if spec.instructors and InstructorRole.LEAD not in roles:
        warnings.append(Clash("lead", _("No lead instructor is assigned."), is_warning=True))
    if spec.mode is DeliveryMode.IN_PERSON and spec.room_id is None:
        warnings.append(Clash("room", _("No room is booked yet."), is_warning=True))
    if spec.mode in (DeliveryMode.VIRTUAL, DeliveryMode.HYBRID) and not spec.meeting_link.strip():
        warnings.append(Clash("link", _("No meeting link is set yet."), is_warning=True))
    return warnings


# --- clashes ----------------------------------------------------------------------------------


def _overlapping_days(
    tx: OrmSession, intervals: Sequence[Interval], exclude_session: int | None
) -> list[tuple[SessionDay, TrainingSession, Interval]]:
    """Days of other live sessions overlapping any of `intervals`, with the interval hit."""
    if not intervals:
        return []
    window = or_(*(and_(SessionDay.start < i.end, SessionDay.end > i.start) for i in intervals))
    query = (
        select(SessionDay, TrainingSession)
        .join(TrainingSession, SessionDay.session_id == TrainingSession.id)
        .where(window, TrainingSession.status != SessionStatus.CANCELLED)
        .options(selectinload(TrainingSession.course))
    )
    if exclude_session is not None:
        query = query.where(TrainingSession.id != exclude_session)
    found = []
    for day, session in tx.execute(query):
        day_interval = Interval(day.start, day.end)
        for interval in intervals:
            if interval.overlaps(day_interval):
                found.append((day, session, interval))
                break
    return found


def _describe(session: TrainingSession, day: SessionDay) -> str:
    return _("“{course}” ({code}) on {when}").format(
        course=session.course.title,
        code=session.course.code,
        when=formatting.format_span(day.start, day.end, session.timezone),
    )


def find_clashes(db: Database, spec: SessionSpec, session_id: int | None = None) -> list[Clash]:
    """Everything wrong with scheduling `spec`: hard clashes first, then warnings.

    Raises `ValidationError` for a spec that cannot be saved at all (see `validate_session`).
    """
    warnings = validate_session(spec)
    with db.transaction() as tx:
        return _find_clashes(tx, spec, session_id) + warnings + _qualification_warnings(tx, spec)


def _find_clashes(tx: OrmSession, spec: SessionSpec, session_id: int | None) -> list[Clash]:
    intervals = [Interval(d.start, d.end) for d in spec.days]
    hits = _overlapping_days(tx, intervals, session_id)
    if not hits:
        return []
    clashes: list[Clash] = []
    other_ids = {session.id for _day, session, _i in hits}
    wanted = {instructor_id for instructor_id, _role in spec.instructors}
    teaching: dict[int, set[int]] = defaultdict(set)
    if wanted:
        rows = tx.execute(
            select(SessionInstructor.session_id, SessionInstructor.instructor_id).where(
                SessionInstructor.session_id.in_(other_ids),
                SessionInstructor.instructor_id.in_(wanted),
            )
        )
        for other_session, instructor_id in rows:
            teaching[other_session].add(instructor_id)
    names: dict[int, str] = {}
    if wanted:
        query = select(Instructor.id, Instructor.name).where(Instructor.id.in_(wanted))
        names = {instructor_id: name for instructor_id, name in tx.execute(query)}
    learners = _learner_clashes(tx, session_id, other_ids) if session_id is not None else {}
    for day, session, _interval in hits:
        where = _describe(session, day)
        for instructor_id in sorted(teaching.get(session.id, ())):
            clashes.append(
                Clash(
                    "instructor",
                    _("{instructor} is already teaching {session}.").format(
                        instructor=names.get(instructor_id, "?"), session=where
                    ),
                    session.id,
                )
            )
        if spec.room_id is not None and session.room_id == spec.room_id:
            room = tx.get(Room, spec.room_id)
            clashes.append(
                Clash(
                    "room",
                    _("{room} is already booked for {session}.").format(
                        room=room.name if room else "?", session=where
                    ),
                    session.id,
                )
            )
        for learner_name in learners.get(session.id, []):
            clashes.append(
                Clash(
                    "learner",
                    _("{learner} is also enrolled in {session}.").format(
                        learner=learner_name, session=where
                    ),
                    session.id,
                )
            )
    return clashes


def _learner_clashes(
    tx: OrmSession, session_id: int, other_ids: Iterable[int]
) -> dict[int, list[str]]:
    """Learners of `session_id` who also hold a place on one of `other_ids`."""
    mine = select(Enrollment.learner_id).where(
        Enrollment.session_id == session_id, Enrollment.status.in_(ACTIVE_STATUSES)
    )
    query = (
        select(Enrollment.session_id, Learner.first_name, Learner.last_name)
        .join(Learner, Learner.id == Enrollment.learner_id)
        .where(
            Enrollment.session_id.in_(list(other_ids)),
            Enrollment.status.in_(ACTIVE_STATUSES),
            Enrollment.learner_id.in_(mine),
        )
        .order_by(Learner.sort_key)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for other, first, last in tx.execute(query):
        found[other].append(f"{first} {last}".strip())
    return found


def learner_clashes(tx: OrmSession, learner_id: int, session: TrainingSession) -> list[Clash]:
    """Other sessions the learner holds a place on that overlap `session` (for enrolling)."""
    intervals = [Interval(d.start, d.end) for d in session.days]
    hits = _overlapping_days(tx, intervals, session.id)
    if not hits:
        return []
    booked = set(
        tx.scalars(
            select(Enrollment.session_id).where(
                Enrollment.learner_id == learner_id,
                Enrollment.session_id.in_({s.id for _d, s, _i in hits}),
                Enrollment.status.in_(ACTIVE_STATUSES),
            )
        )
    )
    learner = tx.get(Learner, learner_id)
    name = f"{learner.first_name} {learner.last_name}".strip() if learner else "?"
    return [
        Clash(
            "learner",
            _("{learner} is also enrolled in {session}.").format(
                learner=name, session=_describe(other, day)
            ),
            other.id,
        )
        for day, other, _interval in hits
        if other.id in booked
    ]


def _qualification_warnings(tx: OrmSession, spec: SessionSpec) -> list[Clash]:
    warnings = []
    for instructor_id, _role in spec.instructors:
        instructor = tx.get(Instructor, instructor_id)
        if instructor is None:
            raise ValidationError(_("One of the chosen instructors no longer exists."))
        if spec.course_id not in {q.course_id for q in instructor.qualifications}:
            warnings.append(
                Clash(
                    "qualification",
                    _("{instructor} is not listed as qualified to teach this course.").format(
                        instructor=instructor.name
                    ),
                    is_warning=True,
                )
            )
    return warnings


def clash_error(clashes: list[Clash]) -> ClashError:
    hard = [c.message for c in clashes if not c.is_warning]
    return ClashError(
        ngettext(
            "This booking clashes with another one: {first}",
            "This booking clashes with {n} others, first: {first}",
            len(hard),
        ).format(n=len(hard), first=hard[0]),
        hard,
    )


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
    session.timezone = spec.timezone
    session.capacity = spec.capacity
    session.min_size = spec.min_size
    session.status = spec.status
    session.notes = spec.notes
    ordered = [
        DaySpec(d.start.astimezone(UTC), d.end.astimezone(UTC))
        for d in sorted(spec.days, key=lambda d: d.start)
    ]
    # Keep existing day rows where possible: attendance marks point at them.
    existing = list(session.days)
    for index, day_spec in enumerate(ordered):
        if index < len(existing):
            existing[index].start = day_spec.start
            existing[index].end = day_spec.end
        else:
            session.days.append(SessionDay(start=day_spec.start, end=day_spec.end))
    for stale in existing[len(ordered) :]:
        session.days.remove(stale)
    session.first_start = ordered[0].start
    session.last_end = max(d.end for d in ordered)
    wanted = dict(spec.instructors)
    for link in list(session.instructors):
        if link.instructor_id not in wanted:
            session.instructors.remove(link)
        else:
            link.role = wanted.pop(link.instructor_id)
    for instructor_id, role in wanted.items():
        session.instructors.append(SessionInstructor(instructor_id=instructor_id, role=role))


def create_session(
    db: Database, spec: SessionSpec, *, allow_clashes: bool = False
) -> Outcome[SessionRow]:
    """Schedule a session; raises `ClashError` on clashes unless `allow_clashes`."""
    validate_session(spec)
    with db.transaction() as tx:
        _qualification_warnings(tx, spec)
        clashes = _find_clashes(tx, spec, None)
        if clashes and not allow_clashes:
            raise clash_error(clashes)
        session = TrainingSession()
        _apply(tx, session, spec)
        tx.add(session)
        tx.flush()
        audit(tx, "session", session.id, "create", {"clashes": [c.message for c in clashes]})
        return Outcome(_session_row(tx, session), Changes.of(Entity.SESSION, session.id))


def update_session(
    db: Database, session_id: int, spec: SessionSpec, *, allow_clashes: bool = False
) -> Outcome[SessionRow]:
    validate_session(spec)
    with db.transaction() as tx:
        session = get_or_fail(tx, TrainingSession, session_id, _("That session no longer exists."))
        _qualification_warnings(tx, spec)
        clashes = _find_clashes(tx, spec, session_id)
        if clashes and not allow_clashes:
            raise clash_error(clashes)
        if len(spec.days) < len(session.days):
            _refuse_dropping_marked_days(tx, session, len(spec.days))
        _apply(tx, session, spec)
        tx.flush()
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
        return Outcome(_session_row(tx, session), changes)


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


def cancel_session(db: Database, session_id: int, reason: str) -> Outcome[SessionRow]:
    """Cancel a whole session; every enrollment is kept and marked cancelled with the reason."""
    with db.transaction() as tx:
        session = get_or_fail(tx, TrainingSession, session_id, _("That session no longer exists."))
        if session.status is SessionStatus.CANCELLED:
            raise ValidationError(_("This session is already cancelled."))
        now = utcnow()
        reason_text = reason.strip() or _("Session cancelled")
        affected = tx.scalars(
            select(Enrollment).where(
                Enrollment.session_id == session_id, Enrollment.status.in_(ACTIVE_STATUSES)
            )
        ).all()
        for enrollment in affected:
            enrollment.status = EnrollmentStatus.CANCELLED
            enrollment.waitlist_position = None
            enrollment.cancelled_at = now
            enrollment.cancel_reason = reason_text
        session.status = SessionStatus.CANCELLED
        audit(tx, "session", session.id, "cancel", {"enrollments": len(affected)}, reason_text)
        changes = Changes.of(Entity.SESSION, session.id) | Changes.of(
            Entity.ENROLLMENT, *(e.id for e in affected)
        )
        return Outcome(_session_row(tx, session), changes)


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


def _session_row(
    tx: OrmSession, session: TrainingSession, counts: tuple[int, int] | None = None
) -> SessionRow:
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
        days=tuple(SessionDayRow(d.id, d.start, d.end) for d in session.days),
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
    with db.transaction() as tx:
        session = get_or_fail(
            tx, TrainingSession, session_id, _("There is no session {id}.").format(id=session_id)
        )
        return _session_row(tx, session)


def _table(entity: type) -> Table:
    table = entity.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


def list_sessions(
    db: Database,
    *,
    status: SessionStatus | None = None,
    course_id: int | None = None,
    instructor_id: int | None = None,
    starts_after: datetime | None = None,
    starts_before: datetime | None = None,
    ends_after: datetime | None = None,
    ends_before: datetime | None = None,
    limit: int | None = None,
) -> list[SessionRow]:
    """Sessions ordered by first start, filtered in SQL.

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
    chosen = select(sessions_t.c.id).where(*conditions)
    if limit is not None:
        chosen = chosen.order_by(sessions_t.c.first_start, sessions_t.c.id).limit(limit)
    ids = chosen.scalar_subquery() if limit is None else chosen.subquery().select()
    with db.transaction() as tx:
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
            )
            .join(courses_t, courses_t.c.id == sessions_t.c.course_id)
            .outerjoin(rooms_t, rooms_t.c.id == sessions_t.c.room_id)
            .where(sessions_t.c.id.in_(ids))
            .order_by(sessions_t.c.first_start, sessions_t.c.id)
        ).all()
        days: dict[int, list[SessionDayRow]] = defaultdict(list)
        for session_id, day_id, start, end in conn.execute(
            select(days_t.c.session_id, days_t.c.id, days_t.c.start, days_t.c.end)
            .where(days_t.c.session_id.in_(ids))
            .order_by(days_t.c.start)
        ):
            days[session_id].append(SessionDayRow(day_id, start, end))
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
        ):
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
            )
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
                days=tuple(days.get(r[0], ())),
                instructors=tuple(
                    sorted(teachers.get(r[0], ()), key=lambda t: (order.index(t.role), t.name))
                ),
                enrolled=counts.get(r[0], (0, 0))[0],
                waitlisted=counts.get(r[0], (0, 0))[1],
            )
            for r in sessions
        ]

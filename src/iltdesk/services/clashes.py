"""Clashes and checks for scheduling: what cannot be saved, what clashes, what looks wrong.

A clash is an instructor, a room or a learner booked into two sessions whose days overlap.
Days are compared as UTC instants, so sessions in different zones clash exactly when they
really overlap, daylight-saving changes included. Cancelled sessions never clash: cancelling
frees their room and instructors.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import selectinload

from iltdesk import formatting
from iltdesk.db.engine import Database
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import Learner
from iltdesk.db.entities import Room
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import SessionInstructor
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.localtime import WallTime
from iltdesk.domain.localtime import is_nonexistent
from iltdesk.domain.localtime import to_instant
from iltdesk.domain.localtime import zone
from iltdesk.domain.rows import Clash
from iltdesk.domain.rules import Interval
from iltdesk.domain.specs import SessionSpec
from iltdesk.errors import ClashError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.i18n import ngettext

ACTIVE_STATUSES = tuple(s for s in EnrollmentStatus if s.is_active)


# --- validation -------------------------------------------------------------------------------


def utc_days(spec: SessionSpec) -> list[tuple[datetime, datetime]]:
    """The spec's days as UTC instants, in order.

    Comparing aware datetimes that share a tzinfo compares their wall readings, not the
    instants (Python's rule): 01:30 GMT and 02:30 BST on the night the clocks change would look
    an hour apart while they are the same instant. Everything here compares UTC instants.
    """
    return sorted(
        ((d.start.astimezone(UTC), d.end.astimezone(UTC)) for d in spec.days), key=lambda d: d[0]
    )


def _refuse_nonexistent(value: datetime) -> None:
    """A local reading inside a gap was shifted by Python; refuse it with the gap's sentence."""
    if isinstance(value.tzinfo, ZoneInfo) and is_nonexistent(
        value.replace(tzinfo=None), value.tzinfo
    ):
        to_instant(WallTime(value.date(), value.time()), value.tzinfo.key)


def _check_go_no_go(spec: SessionSpec) -> None:
    """A go/no-go date on or after the first day decides nothing: refused."""
    if spec.go_no_go is None or not spec.days:
        return
    first = spec.days[0].start.astimezone(ZoneInfo(spec.timezone)).date()
    if spec.go_no_go >= first:
        raise ValidationError(
            _("The go/no-go date must come before the first day ({first}).").format(
                first=formatting.format_date(first)
            )
        )


def validate_session(spec: SessionSpec) -> list[Clash]:
    """Raise for what cannot be saved; return warnings for what can but looks wrong."""
    zone(spec.timezone)
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
        _refuse_nonexistent(day.start)
        _refuse_nonexistent(day.end)
        if day.end.astimezone(UTC) <= day.start.astimezone(UTC):
            raise ValidationError(
                _("Day {n} ends ({end}) before it starts ({start}).").format(
                    n=number,
                    start=formatting.format_datetime(day.start, spec.timezone),
                    end=formatting.format_datetime(day.end, spec.timezone),
                )
            )
    ordered = utc_days(spec)
    for (first_start, first_end), (second_start, second_end) in itertools.pairwise(ordered):
        if second_start < first_end:
            raise ValidationError(
                _("Two days of this session overlap ({first} and {second}).").format(
                    first=formatting.format_span(first_start, first_end, spec.timezone),
                    second=formatting.format_span(second_start, second_end, spec.timezone),
                )
            )
    _check_go_no_go(spec)
    roles = [role for _id, role in spec.instructors]
    ids = [instructor_id for instructor_id, _role in spec.instructors]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("An instructor is listed twice on this session."))
    warnings = []
    if spec.instructors and InstructorRole.LEAD not in roles:
        warnings.append(Clash("lead", _("No lead instructor is assigned."), is_warning=True))
    if spec.mode is DeliveryMode.IN_PERSON and spec.room_id is None:
        warnings.append(Clash("room", _("No room is booked yet."), is_warning=True))
    every_day_linked = bool(spec.days) and all(d.meeting_link.strip() for d in spec.days)
    online = spec.mode in (DeliveryMode.VIRTUAL, DeliveryMode.HYBRID)
    if online and not spec.meeting_link.strip() and not every_day_linked:
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
    with db.reading() as tx:
        return find_clashes_in(tx, spec, session_id) + warnings + qualification_warnings(tx, spec)


def find_clashes_in(tx: OrmSession, spec: SessionSpec, session_id: int | None) -> list[Clash]:
    """Room, instructor and learner clashes the session would have."""
    intervals = [Interval(start, end) for start, end in utc_days(spec)]
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


def qualification_warnings(tx: OrmSession, spec: SessionSpec) -> list[Clash]:
    """Instructors not qualified for the course (warnings, not refusals).

    A trainee observes, or co-facilitates beside a qualified lead, to become qualified
    (train-the-trainer): neither is warned about.
    """
    warnings = []
    found = []
    for instructor_id, role in spec.instructors:
        instructor = tx.get(Instructor, instructor_id)
        if instructor is None:
            raise ValidationError(_("One of the chosen instructors no longer exists."))
        qualified = spec.course_id in {q.course_id for q in instructor.qualifications}
        found.append((instructor, role, qualified))
    qualified_lead = any(r == InstructorRole.LEAD and q for _i, r, q in found)
    for instructor, role, qualified in found:
        in_training = role == InstructorRole.OBSERVER or (
            role == InstructorRole.CO_FACILITATOR and qualified_lead
        )
        if not qualified and not in_training:
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
    """The error that refuses a session with clashes, naming them."""
    hard = [c.message for c in clashes if not c.is_warning]
    return ClashError(
        ngettext(
            "This booking clashes with another one: {first}",
            "This booking clashes with {n} others, first: {first}",
            len(hard),
        ).format(n=len(hard), first=hard[0]),
        hard,
    )

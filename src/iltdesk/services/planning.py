"""Planning from the bench: find a slot for a course, find a substitute for a session.

**Find a slot**: for each working day in a period and each usual start (09:00, and 13:30 for a
half day), on the venue's clock, a proposal where a qualified instructor works that day, is
free (no session, no time off, no busy time from their calendar) and a room large enough is
free (in person), ranked by how few learners on the course's interest list are booked then,
then by date, the instructor with the lightest month first. **Find a substitute**: the
instructors qualified for a session's course, those free at all its times first, then by
their load that month and when they last delivered the course.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk import formatting
from iltdesk.db.engine import Database
from iltdesk.db.entities import Course
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import InstructorQualification
from iltdesk.db.entities import InterestEntry
from iltdesk.db.entities import Room
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import SessionInstructor
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.localtime import WallTime
from iltdesk.domain.localtime import to_instant
from iltdesk.domain.rows import SessionRow
from iltdesk.errors import NotFoundError
from iltdesk.errors import UserError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.availability import TEACHING
from iltdesk.services.availability import Interval
from iltdesk.services.availability import WorkingPattern
from iltdesk.services.availability import busy
from iltdesk.services.common import Outcome

DAY_MINUTES = 480  # the longest teaching day a proposal plans
STARTS = (time(9), time(13, 30))
MAX_DAYS_SEARCHED = 370


@dataclass(frozen=True)
class SlotProposal:
    """A time a course could run: its days, zone, instructor and room."""

    days: tuple[Interval, ...]
    zone: str
    instructor_id: int
    instructor: str
    room_id: int | None
    room: str
    interest_clashes: int
    load: int  # the instructor's sessions that month

    @property
    def start(self) -> datetime:
        return self.days[0][0]

    @property
    def end(self) -> datetime:
        return self.days[-1][1]


class NoSlotError(UserError):
    """Nothing fits: says why (nobody qualified, no room large enough, all busy)."""


def _shape(minutes: int) -> tuple[int, int]:
    """Days and minutes per day for a course of `minutes`."""
    days = max(1, math.ceil(minutes / DAY_MINUTES))
    per_day = math.ceil(minutes / days / 15) * 15
    return days, per_day


def find_slots(
    db: Database,
    course_id: int,
    first: date,
    last: date,
    *,
    size: int = 0,
    mode: DeliveryMode = DeliveryMode.IN_PERSON,
    zone_name: str = "UTC",
    limit: int = 10,
    needs: str = "",
) -> list[SlotProposal]:
    """Proposed slots for the course between `first` and `last` (inclusive), best first.

    `needs`: words every room must mention in its equipment notes ("projector whiteboard").
    """
    if last < first:
        raise ValidationError(_("The period ends before it starts: swap the two dates."))
    if (last - first).days > MAX_DAYS_SEARCHED:
        raise ValidationError(_("Search at most a year at a time."))
    window_start = datetime.combine(first, time(0), UTC) - timedelta(days=1)
    window_end = datetime.combine(last, time(0), UTC) + timedelta(days=9)
    with db.reading() as tx:
        course = tx.get(Course, course_id)
        if course is None:
            raise NotFoundError(_("That course no longer exists."))
        days_needed, per_day = _shape(course.default_minutes)
        qualified = _qualified(tx, course_id, first)
        if not qualified:
            raise NoSlotError(
                _(
                    "No instructor is qualified for {course}: add the course to an instructor's "
                    "qualifications (Instructors screen) first."
                ).format(course=course.title)
            )
        rooms: list[tuple[int | None, str, str]] = [(None, "", zone_name)]
        if mode is not DeliveryMode.VIRTUAL:
            wanted = needs.casefold().split()
            rooms = [
                (r.id, r.name, r.timezone or zone_name)
                for r in tx.scalars(
                    select(Room)
                    .where(Room.archived.is_(False), Room.capacity >= size)
                    .order_by(Room.capacity, Room.name)
                )
                if all(word in r.notes.casefold() for word in wanted)
            ]
            if not rooms:
                raise NoSlotError(
                    _("No room holds {size} learners: lower the size or add a room.").format(
                        size=size
                    )
                    if not wanted
                    else _(
                        "No room for {size} learners mentions “{needs}” in its notes: check the "
                        "rooms' equipment notes, or need less."
                    ).format(size=size, needs=needs.strip())
                )
        teachers = busy(tx, [q[0] for q in qualified], window_start, window_end)
        room_busy = _room_busy(
            tx, [r[0] for r in rooms if r[0] is not None], window_start, window_end
        )
        learners_busy = _interest_busy(tx, course_id, window_start, window_end)
        load = _monthly_load(tx, [q[0] for q in qualified], window_start, window_end)
    patterns = {q[0]: (q[1], WorkingPattern.parse(q[2], q[3], q[4])) for q in qualified}
    proposals: list[SlotProposal] = []
    for room_id, _room_name, venue_zone in _by_zone(rooms):
        for day in _dates(first, last):
            for start in STARTS if per_day <= DAY_MINUTES // 2 else STARTS[:1]:
                days = _days(day, start, per_day, days_needed, venue_zone)
                if days is None:
                    continue
                proposal = _fill(
                    days,
                    venue_zone,
                    start,
                    per_day,
                    patterns,
                    teachers,
                    load,
                    [(r, n) for r, n, z in rooms if z == venue_zone]
                    if room_id is not None
                    else [(None, "")],
                    room_busy,
                    learners_busy,
                )
                if proposal is not None:
                    proposals.append(proposal)
    proposals.sort(key=lambda p: (p.interest_clashes, p.start, p.load, p.instructor))
    return proposals[:limit]


def _qualified(tx: OrmSession, course_id: int, on: date) -> list[tuple[int, str, str, int, int]]:
    """Active instructors qualified for the course on `on`: id, name and working pattern."""
    rows = tx.execute(
        select(
            Instructor.id,
            Instructor.name,
            Instructor.working_days,
            Instructor.work_start,
            Instructor.work_end,
        )
        .join(InstructorQualification, InstructorQualification.instructor_id == Instructor.id)
        .where(
            InstructorQualification.course_id == course_id,
            Instructor.archived.is_(False),
            or_(
                InstructorQualification.expires_on.is_(None),
                InstructorQualification.expires_on >= on,
            ),
        )
        .order_by(Instructor.name_key)
    ).all()
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def _by_zone(rooms: list[tuple[int | None, str, str]]) -> list[tuple[int | None, str, str]]:
    """One representative per zone (the rooms of a zone are tried together)."""
    seen: dict[str, tuple[int | None, str, str]] = {}
    for room in rooms:
        seen.setdefault(room[2], room)
    return list(seen.values())


def _dates(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _days(
    day: date, start: time, minutes: int, count: int, zone_name: str
) -> tuple[Interval, ...] | None:
    """`count` consecutive weekdays from `day` at `start` on the venue's clock.

    None when `day` is no weekday, or the time is one the clocks skip or repeat that day.
    """
    if day.weekday() >= 5:
        return None
    days: list[Interval] = []
    current = day
    while len(days) < count:
        if current.weekday() < 5:
            begin = datetime.combine(current, start)
            try:
                first = to_instant(WallTime(current, start), zone_name)
                last = to_instant(
                    WallTime(current, (begin + timedelta(minutes=minutes)).time()), zone_name
                )
            except ValidationError:
                return None
            days.append((first, last))
        current += timedelta(days=1)
    return tuple(days)


def _free(intervals: Sequence[Interval], start: datetime, end: datetime) -> bool:
    """No interval of the sorted list overlaps [start, end)."""
    position = bisect_left(intervals, (end,))  # those from here on start at or after `end`
    return not any(e > start for _s, e in intervals[:position])


def _fill(  # noqa: PLR0913, PLR0917 - one slot and everything it is checked against
    days: tuple[Interval, ...],
    venue_zone: str,
    start: time,
    minutes: int,
    patterns: dict[int, tuple[str, WorkingPattern]],
    teachers: dict[int, list[Interval]],
    load: dict[tuple[int, int, int], int],
    rooms: list[tuple[int | None, str]],
    room_busy: dict[int, list[Interval]],
    learners_busy: list[Interval],
) -> SlotProposal | None:
    begin = start.hour * 60 + start.minute
    tz = ZoneInfo(venue_zone)
    local_days = [d[0].astimezone(tz).date() for d in days]
    month = (local_days[0].year, local_days[0].month)
    candidates = []
    for instructor_id, (name, pattern) in patterns.items():
        if begin < pattern.start or begin + minutes > pattern.end:
            continue
        if any(d.weekday() not in pattern.days for d in local_days):
            continue
        taken = teachers.get(instructor_id, [])
        if all(_free(taken, s, e) for s, e in days):
            candidates.append((load.get((instructor_id, *month), 0), name, instructor_id))
    if not candidates:
        return None
    room = next(
        (
            (room_id, room_name)
            for room_id, room_name in rooms
            if room_id is None or all(_free(room_busy.get(room_id, []), s, e) for s, e in days)
        ),
        None,
    )
    if room is None:
        return None
    busy_load, name, instructor_id = min(candidates)
    clashes = sum(1 for s, e in learners_busy if any(s < de and e > ds for ds, de in days))
    return SlotProposal(days, venue_zone, instructor_id, name, room[0], room[1], clashes, busy_load)


def _room_busy(
    tx: OrmSession, room_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[Interval]]:
    found: dict[int, list[Interval]] = defaultdict(list)
    if not room_ids:
        return found
    for room_id, first, last in tx.execute(
        select(TrainingSession.room_id, SessionDay.start, SessionDay.end)
        .join(SessionDay, SessionDay.session_id == TrainingSession.id)
        .where(
            TrainingSession.room_id.in_(room_ids),
            TrainingSession.status != SessionStatus.CANCELLED,
            SessionDay.start < end,
            SessionDay.end > start,
        )
    ).all():
        if room_id is not None:
            found[room_id].append((first, last))
    for intervals in found.values():
        intervals.sort()
    return found


def _interest_busy(
    tx: OrmSession, course_id: int, start: datetime, end: datetime
) -> list[Interval]:
    """Booked session days of learners waiting on the course's interest list."""
    waiting = (
        select(InterestEntry.learner_id)
        .where(InterestEntry.course_id == course_id, InterestEntry.closed_at.is_(None))
        .scalar_subquery()
    )
    rows = tx.execute(
        select(SessionDay.start, SessionDay.end)
        .join(Enrollment, Enrollment.session_id == SessionDay.session_id)
        .where(
            Enrollment.learner_id.in_(waiting),
            Enrollment.status.in_(SEAT_HOLDING),
            SessionDay.start < end,
            SessionDay.end > start,
        )
    ).all()
    return [(s, e) for s, e in rows]


def _monthly_load(
    tx: OrmSession, instructor_ids: list[int], start: datetime, end: datetime
) -> dict[tuple[int, int, int], int]:
    """Sessions taught per instructor and (year, month) of their first day, around the period."""
    found: dict[tuple[int, int, int], int] = defaultdict(int)
    for instructor_id, first_date in tx.execute(
        select(SessionInstructor.instructor_id, TrainingSession.first_date)
        .join(TrainingSession, TrainingSession.id == SessionInstructor.session_id)
        .where(
            SessionInstructor.instructor_id.in_(instructor_ids),
            SessionInstructor.role.in_(TEACHING),
            TrainingSession.status != SessionStatus.CANCELLED,
            TrainingSession.first_start >= start - timedelta(days=31),
            TrainingSession.first_start < end + timedelta(days=31),
        )
    ).all():
        if first_date is not None:
            found[(instructor_id, first_date.year, first_date.month)] += 1
    return found


@dataclass(frozen=True)
class Substitute:
    """An instructor who could take a session over: free or not, their month, last delivery."""

    instructor_id: int
    name: str
    free: bool
    conflict: str  # why not free ("" when free)
    load: int  # sessions they teach in the session's month
    last_delivered: date | None  # their last session of the course
    backup: bool = False  # named as the session's backup: asked first when free


def substitutes(db: Database, session_id: int) -> list[Substitute]:
    """Who is qualified for the session's course, free at all its times first.

    The session's own teaching instructors are left out; its backup, when free, comes first
    (that is what a backup is for); an instructor not working that weekday, on leave, busy in
    their calendar or teaching another session then is listed after the free ones, with the
    reason.
    """
    with db.reading() as tx:
        session = tx.get(TrainingSession, session_id)
        if session is None:
            raise NotFoundError(_("That session no longer exists."))
        days = [(d.start, d.end) for d in session.days]
        teaching = {link.instructor_id for link in session.instructors if link.role in TEACHING}
        backups = {
            link.instructor_id for link in session.instructors if link.role is InstructorRole.BACKUP
        }
        first = session.first_date or (days[0][0].date() if days else date.today())
        qualified = _qualified(tx, session.course_id, first)
        candidates = [q for q in qualified if q[0] not in teaching]
        ids = [q[0] for q in candidates]
        if not days or not ids:
            return []
        window = (days[0][0] - timedelta(days=1), days[-1][1] + timedelta(days=1))
        taken = busy(tx, ids, *window)
        load = _monthly_load(tx, ids, *window)
        last = dict(
            tx.execute(
                select(SessionInstructor.instructor_id, func.max(TrainingSession.first_date))
                .join(TrainingSession, TrainingSession.id == SessionInstructor.session_id)
                .where(
                    SessionInstructor.instructor_id.in_(ids),
                    SessionInstructor.role.in_(TEACHING),
                    TrainingSession.course_id == session.course_id,
                    TrainingSession.status != SessionStatus.CANCELLED,
                    TrainingSession.id != session_id,
                )
                .group_by(SessionInstructor.instructor_id)
            ).all()
        )
        tz = ZoneInfo(session.timezone)
    found = []
    for instructor_id, name, working_days, work_start, work_end in candidates:
        pattern = WorkingPattern.parse(working_days, work_start, work_end)
        conflict = _conflict(pattern, days, taken.get(instructor_id, []), tz)
        found.append(
            Substitute(
                instructor_id,
                name,
                not conflict,
                conflict,
                load.get((instructor_id, first.year, first.month), 0),
                last.get(instructor_id),
                instructor_id in backups,
            )
        )
    found.sort(
        key=lambda s: (
            not s.free,
            not s.backup,
            s.load,
            -(s.last_delivered or date.min).toordinal(),
            s.name,
        )
    )
    return found


def _conflict(
    pattern: WorkingPattern, days: list[Interval], taken: list[Interval], tz: ZoneInfo
) -> str:
    for start, end in days:
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
        if local_start.weekday() not in pattern.days:
            return _("does not work on that weekday ({day})").format(
                day=formatting.format_weekday(local_start.date())
            )
        minutes = local_start.hour * 60 + local_start.minute
        ending = local_end.hour * 60 + local_end.minute
        if minutes < pattern.start or ending > pattern.end:
            return _("outside their working hours")
        if not _free(taken, start, end):
            return _("busy then (another session, time off or their calendar)")
    return ""


def take_over(db: Database, session_id: int, instructor_id: int) -> Outcome[SessionRow]:
    """Make `instructor_id` the session's lead in place of the current one (who is taken off).

    A backup who takes over is a backup no longer; the co-facilitators stay.
    """
    from dataclasses import replace

    from iltdesk.services import scheduling

    row = scheduling.get_session(db, session_id)
    kept = tuple(
        (i.instructor_id, i.role)
        for i in row.instructors
        if i.role is InstructorRole.CO_FACILITATOR and i.instructor_id != instructor_id
    )
    spec = replace(
        scheduling.spec_for_row(row),
        instructors=((instructor_id, InstructorRole.LEAD), *kept),
    )
    return scheduling.update_session(db, session_id, spec, allow_clashes=True)

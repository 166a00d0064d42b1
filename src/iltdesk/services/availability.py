"""When instructors can teach: working days and hours, time off, calendar busy times, bookings.

An instructor works on certain weekdays between two clock times, read on the venue's clock;
time off and blocked dates (with a reason) and the busy times of their own calendar file (a
freelancer's other bookings) make them unavailable, as do the sessions they lead or co-teach.
`busy` gathers all of it for many instructors in two queries, for find-a-slot and the
substitute search.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.engine import Database
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import InstructorTimeOff
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import SessionInstructor
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.rows import LoadCell
from iltdesk.domain.rows import LoadRow
from iltdesk.errors import UnreadableFileError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.common import Outcome
from iltdesk.services.common import get_or_fail

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
TEACHING = (InstructorRole.LEAD, InstructorRole.CO_FACILITATOR)
Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class WorkingPattern:
    """The weekdays (0 = Monday) and the minutes of the day an instructor teaches."""

    days: frozenset[int]
    start: int  # minutes after midnight, on the venue's clock
    end: int

    @classmethod
    def parse(cls, days: str, start: int, end: int) -> WorkingPattern:
        codes = {d.strip().upper() for d in days.split(",") if d.strip()}
        return cls(frozenset(i for i, code in enumerate(WEEKDAYS) if code in codes), start, end)

    def text(self) -> str:
        return ",".join(WEEKDAYS[i] for i in sorted(self.days))


@dataclass(frozen=True)
class TimeOffRow:
    """One time an instructor cannot teach."""

    id: int
    instructor_id: int
    starts: datetime
    ends: datetime
    reason: str
    source: str  # "manual" or "calendar"


def working_pattern(db: Database, instructor_id: int) -> WorkingPattern:
    """The instructor's working days and hours."""
    with db.reading() as tx:
        found = get_or_fail(tx, Instructor, instructor_id, _("That instructor no longer exists."))
        return WorkingPattern.parse(found.working_days, found.work_start, found.work_end)


def set_working_pattern(db: Database, instructor_id: int, pattern: WorkingPattern) -> Outcome[None]:
    """Keep the instructor's working days and hours."""
    if not pattern.days:
        raise ValidationError(_("Choose at least one working day."))
    if not 0 <= pattern.start < pattern.end <= 24 * 60:
        raise ValidationError(_("The working day must end after it starts."))
    with db.transaction() as tx:
        found = get_or_fail(tx, Instructor, instructor_id, _("That instructor no longer exists."))
        found.working_days = pattern.text()
        found.work_start, found.work_end = pattern.start, pattern.end
    return Outcome(None, Changes.of(Entity.INSTRUCTOR, instructor_id))


def time_off(db: Database, instructor_id: int) -> list[TimeOffRow]:
    """The instructor's time off and busy times, earliest first."""
    with db.reading() as tx:
        return [
            TimeOffRow(r.id, r.instructor_id, r.starts, r.ends, r.reason, r.source)
            for r in tx.scalars(
                select(InstructorTimeOff)
                .where(InstructorTimeOff.instructor_id == instructor_id)
                .order_by(InstructorTimeOff.starts)
            )
        ]


def add_time_off(
    db: Database, instructor_id: int, starts: datetime, ends: datetime, reason: str
) -> Outcome[int]:
    """Block a time (leave, a conference, a blocked date) with its reason."""
    if ends <= starts:
        raise ValidationError(_("Time off must end after it starts."))
    if not reason.strip():
        raise ValidationError(_("Say why the instructor is not available (kept with the entry)."))
    with db.transaction() as tx:
        get_or_fail(tx, Instructor, instructor_id, _("That instructor no longer exists."))
        entry = InstructorTimeOff(
            instructor_id=instructor_id, starts=starts, ends=ends, reason=reason.strip()
        )
        tx.add(entry)
        tx.flush()
        return Outcome(entry.id, Changes.of(Entity.INSTRUCTOR, instructor_id))


def remove_time_off(db: Database, instructor_id: int, entry_id: int) -> Outcome[None]:
    """Take back a time off entry."""
    with db.transaction() as tx:
        tx.execute(
            delete(InstructorTimeOff).where(
                InstructorTimeOff.id == entry_id, InstructorTimeOff.instructor_id == instructor_id
            )
        )
    return Outcome(None, Changes.of(Entity.INSTRUCTOR, instructor_id))


def import_calendar(db: Database, instructor_id: int, path: Path) -> Outcome[int]:
    """Read the busy times of an instructor's calendar file (.ics); replaces the last import.

    Events marked free (TRANSP:TRANSPARENT) and cancelled ones are left out; all-day events
    block their whole days (in UTC, as the file gives no zone for them).
    """
    busy = read_busy_times(path)
    with db.transaction() as tx:
        get_or_fail(tx, Instructor, instructor_id, _("That instructor no longer exists."))
        tx.execute(
            delete(InstructorTimeOff).where(
                InstructorTimeOff.instructor_id == instructor_id,
                InstructorTimeOff.source == "calendar",
            )
        )
        for starts, ends, summary in busy:
            tx.add(
                InstructorTimeOff(
                    instructor_id=instructor_id,
                    starts=starts,
                    ends=ends,
                    reason=summary or _("Busy (from {file})").format(file=path.name),
                    source="calendar",
                )
            )
    return Outcome(len(busy), Changes.of(Entity.INSTRUCTOR, instructor_id))


def read_busy_times(path: Path) -> list[tuple[datetime, datetime, str]]:
    """The busy times of an .ics file, or a sentence saying why there are none."""
    import icalendar

    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFileError(
            _("{name} cannot be opened: {reason}.").format(name=path.name, reason=error.strerror)
        ) from None
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError):
        calendar = None
    if calendar is None or not data.lstrip().upper().startswith(b"BEGIN:VCALENDAR"):
        raise UnreadableFileError(
            _(
                "{name} is not a calendar file (.ics). Export the calendar from the instructor's "
                "calendar program as iCalendar and try again."
            ).format(name=path.name)
        )
    busy: list[tuple[datetime, datetime, str]] = []
    for event in calendar.walk("VEVENT"):
        if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        start, end = event.get("DTSTART"), event.get("DTEND")
        if start is None:
            continue
        first = _instant(start.dt)
        last = _instant(end.dt) if end is not None else first + timedelta(days=1)
        if last > first:
            busy.append((first, last, str(event.get("SUMMARY", ""))))
    for block in calendar.walk("VFREEBUSY"):
        periods = block.get("FREEBUSY") or []
        for period in periods if isinstance(periods, list) else [periods]:
            for first, second in getattr(period, "dts", []):
                busy.append(
                    (
                        _instant(first),
                        _instant(second)
                        if isinstance(second, datetime)
                        else _instant(first) + second,
                        "",
                    )
                )
    if not busy:
        raise UnreadableFileError(
            _("{name} holds no busy times: nothing to block.").format(name=path.name)
        )
    return sorted(busy)


def _instant(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def busy(
    tx: OrmSession, instructor_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[Interval]]:
    """Every instructor's taught session days and time off overlapping [start, end)."""
    ids = list(instructor_ids)
    found: dict[int, list[Interval]] = defaultdict(list)
    rows = tx.execute(
        select(SessionInstructor.instructor_id, SessionDay.start, SessionDay.end)
        .join(TrainingSession, TrainingSession.id == SessionInstructor.session_id)
        .join(SessionDay, SessionDay.session_id == TrainingSession.id)
        .where(
            SessionInstructor.instructor_id.in_(ids),
            SessionInstructor.role.in_(TEACHING),
            TrainingSession.status != SessionStatus.CANCELLED,
            SessionDay.start < end,
            SessionDay.end > start,
        )
    ).all()
    for instructor_id, first, last in rows:
        found[instructor_id].append((first, last))
    for instructor_id, first, last in tx.execute(
        select(
            InstructorTimeOff.instructor_id, InstructorTimeOff.starts, InstructorTimeOff.ends
        ).where(
            InstructorTimeOff.instructor_id.in_(ids),
            InstructorTimeOff.starts < end,
            InstructorTimeOff.ends > start,
        )
    ).all():
        found[instructor_id].append((first, last))
    for intervals in found.values():
        intervals.sort()
    return found


def overlaps(intervals: Sequence[Interval], start: datetime, end: datetime) -> bool:
    """Whether any of the (sorted) intervals overlaps [start, end)."""
    return any(first < end and last > start for first, last in intervals)


def load_grid(db: Database, first: date, count: int, zone_name: str) -> list[LoadRow]:
    """Every active instructor × `count` days from `first` (dates read in `zone_name`)."""
    from zoneinfo import ZoneInfo

    from iltdesk.db.entities import Course

    tz = ZoneInfo(zone_name)
    days = [first + timedelta(days=n) for n in range(count)]
    start = datetime.combine(first, datetime.min.time(), tz).astimezone(UTC)
    end = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), tz).astimezone(UTC)
    with db.reading() as tx:
        people = tx.execute(
            select(Instructor.id, Instructor.name, Instructor.working_days)
            .where(Instructor.archived.is_(False))
            .order_by(Instructor.name_key)
        ).all()
        teaching: dict[tuple[int, date], list[str]] = defaultdict(list)
        for instructor_id, first_start, code in tx.execute(
            select(SessionInstructor.instructor_id, SessionDay.start, Course.code)
            .join(TrainingSession, TrainingSession.id == SessionInstructor.session_id)
            .join(SessionDay, SessionDay.session_id == TrainingSession.id)
            .join(Course, Course.id == TrainingSession.course_id)
            .where(
                SessionInstructor.role.in_(TEACHING),
                TrainingSession.status != SessionStatus.CANCELLED,
                SessionDay.start < end,
                SessionDay.end > start,
            )
        ).all():
            teaching[(instructor_id, first_start.astimezone(tz).date())].append(code)
        off = tx.execute(
            select(
                InstructorTimeOff.instructor_id,
                InstructorTimeOff.starts,
                InstructorTimeOff.ends,
                InstructorTimeOff.reason,
            ).where(InstructorTimeOff.starts < end, InstructorTimeOff.ends > start)
        ).all()
    away: dict[tuple[int, date], str] = {}
    for instructor_id, starts, ends, reason in off:
        for day in days:
            day_start = datetime.combine(day, datetime.min.time(), tz)
            if starts < day_start + timedelta(days=1) and ends > day_start:
                away.setdefault((instructor_id, day), reason)
    rows = []
    for instructor_id, name, working in people:
        pattern = WorkingPattern.parse(working, 0, 0)
        cells = []
        for day in days:
            codes = teaching.get((instructor_id, day))
            if codes:
                cells.append(LoadCell("teaching", ", ".join(sorted(set(codes)))))
            elif (instructor_id, day) in away:
                cells.append(LoadCell("off", away[(instructor_id, day)]))
            elif day.weekday() not in pattern.days:
                cells.append(LoadCell("not_working", ""))
            else:
                cells.append(LoadCell("free", ""))
        rows.append(LoadRow(instructor_id, name, tuple(cells)))
    return rows

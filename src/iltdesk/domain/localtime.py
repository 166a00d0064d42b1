"""Wall-clock times typed by people, turned into instants — the one place that happens.

A time typed for a venue is a reading of that venue's clocks. Twice a year such a reading can
be wrong in two ways: inside the spring-forward gap it never happens (01:30 on 28 March 2027 in
London), inside the autumn fold it happens twice (01:30 on 31 October 2027 in London, once at
BST and an hour later at GMT). `to_instant` refuses the first with a sentence naming the gap and
asks about the second (`AmbiguousTimeError` carries both readings), so no time is ever stored
shifted. `to_wall` goes back, keeping which of two readings an instant was (`fold`), so an edit
that leaves a time alone saves the same instant.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from iltdesk import formatting
from iltdesk.errors import ValidationError
from iltdesk.i18n import _


class UnknownZoneError(ValidationError):
    """The zone name is not an IANA time zone this installation knows."""


class NonexistentTimeError(ValidationError):
    """The wall time falls into a daylight-saving gap: the clocks never show it."""

    def __init__(self, message: str, gap_start: datetime, gap_end: datetime) -> None:
        super().__init__(message)
        self.gap_start = gap_start  # naive wall times bounding the gap
        self.gap_end = gap_end


class AmbiguousTimeError(ValidationError):
    """The wall time happens twice; `choices` are the two aware readings, first then second."""

    def __init__(self, message: str, choices: tuple[datetime, datetime]) -> None:
        super().__init__(message)
        self.choices = choices


@dataclass(frozen=True)
class WallTime:
    """A date and clock time as read in a zone; `fold` says which reading when it happens twice.

    `fold` is None when the time happens once or nobody has said yet, 0 for the first reading
    and 1 for the second (PEP 495).
    """

    day: date
    clock: time
    fold: int | None = None

    @property
    def naive(self) -> datetime:
        return datetime.combine(self.day, self.clock)


def zone(name: str) -> ZoneInfo:
    """The zone called `name`, or `UnknownZoneError` with a sentence naming the nearest one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownZoneError(unknown_zone_message(name)) from None


def unknown_zone_message(name: str) -> str:
    """Why `name` is not a zone: the known zone it was likely meant to be, or how zones are named.

    Typed zones come from the command line, a preferences field and meeting imports, none with
    a list beside them.
    """
    import difflib
    from zoneinfo import available_timezones

    known = available_timezones()
    folded = {key.casefold().replace(" ", "_"): key for key in known}
    meant = folded.get(name.strip().casefold().replace(" ", "_"))
    if meant is None:
        near = difflib.get_close_matches(name.strip(), known, n=1, cutoff=0.8)
        meant = near[0] if near else None
    if meant is not None:
        return _("“{zone}” is not a known time zone. Did you mean {known}?").format(
            zone=name, known=meant
        )
    return _(
        "“{zone}” is not a known time zone: name it as the time zone database does, such as "
        "Europe/London or America/New_York."
    ).format(zone=name)


def offset_label(offset: timedelta | None) -> str:
    """An offset the way people read it: "UTC+01:00", "UTC−03:30"."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def is_nonexistent(naive: datetime, tz: ZoneInfo) -> bool:
    """Whether the clocks of `tz` never show `naive` (it lies in a spring-forward gap)."""
    for fold in (0, 1):
        local = naive.replace(tzinfo=tz, fold=fold)
        back = local.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if back == naive:
            return False
    return True


def is_ambiguous(naive: datetime, tz: ZoneInfo) -> bool:
    """Whether the clocks of `tz` show `naive` twice (it lies in an autumn fold)."""
    if is_nonexistent(naive, tz):
        return False
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    return first.utcoffset() != second.utcoffset()


def _transition(tz: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """The UTC instant in [low, high] where the offset of `tz` changes (to the second)."""
    before = low.astimezone(tz).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def gap_bounds(naive: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The wall times where the gap containing `naive` starts and ends (naive, local)."""
    before = naive.replace(tzinfo=tz, fold=0).utcoffset() or timedelta()
    after = naive.replace(tzinfo=tz, fold=1).utcoffset() or timedelta()
    low = (naive - max(before, after)).replace(tzinfo=UTC)
    high = (naive - min(before, after)).replace(tzinfo=UTC)
    moment = _transition(tz, low, high)
    old = (moment - timedelta(seconds=1)).astimezone(tz).utcoffset() or timedelta()
    new = moment.astimezone(tz).utcoffset() or timedelta()
    start = (moment + old).replace(tzinfo=None)
    end = (moment + new).replace(tzinfo=None)
    return start, end


def _clock(value: datetime | time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def reading_label(local: datetime) -> str:
    """One reading of a wall time with its zone: "01:30 BST (UTC+01:00)"."""
    name = local.tzname() or ""
    offset = offset_label(local.utcoffset())
    if not name or name[0] in "+-":
        return f"{_clock(local)} ({offset})"
    return f"{_clock(local)} {name} ({offset})"


def to_instant(wall: WallTime, zone_name: str) -> datetime:
    """The UTC instant the clocks of `zone_name` show as `wall`.

    Raises `NonexistentTimeError` for a time inside a gap (never moved to another time) and
    `AmbiguousTimeError` for a time inside a fold when `wall.fold` is None.
    """
    tz = zone(zone_name)
    naive = wall.naive
    if is_nonexistent(naive, tz):
        start, end = gap_bounds(naive, tz)
        raise NonexistentTimeError(
            _(
                "{time} on {date} does not exist in {zone}: the clocks go forward from "
                "{gap_start} to {gap_end} that night. Choose a time before {gap_start} or "
                "from {gap_end} on."
            ).format(
                time=_clock(naive),
                date=formatting.format_date(wall.day),
                zone=zone_name,
                gap_start=_clock(start),
                gap_end=_clock(end),
            ),
            start,
            end,
        )
    if is_ambiguous(naive, tz) and wall.fold is None:
        first = naive.replace(tzinfo=tz, fold=0)
        second = naive.replace(tzinfo=tz, fold=1)
        raise AmbiguousTimeError(
            _(
                "{time} on {date} happens twice in {zone} (the clocks go back that night): "
                "{first} or, an hour later, {second}. Say which one is meant."
            ).format(
                time=_clock(naive),
                date=formatting.format_date(wall.day),
                zone=zone_name,
                first=reading_label(first),
                second=reading_label(second),
            ),
            (first, second),
        )
    local = naive.replace(tzinfo=tz, fold=wall.fold or 0)
    return local.astimezone(UTC)


def to_wall(instant: datetime, zone_name: str) -> WallTime:
    """How the clocks of `zone_name` read at `instant`, with the fold when it happens twice."""
    tz = zone(zone_name)
    local = instant.astimezone(tz)
    naive = local.replace(tzinfo=None)
    fold = local.fold if is_ambiguous(naive, tz) else None
    return WallTime(naive.date(), naive.time(), fold)


def with_offset(wall: WallTime, zone_name: str, offset: timedelta) -> WallTime:
    """`wall` with its fold chosen by a UTC offset the person typed ("01:30+00:00").

    Refuses an offset the zone does not use at that wall time.
    """
    tz = zone(zone_name)
    naive = wall.naive
    for fold in (0, 1):
        if naive.replace(tzinfo=tz, fold=fold).utcoffset() == offset and not is_nonexistent(
            naive, tz
        ):
            return WallTime(wall.day, wall.clock, fold if is_ambiguous(naive, tz) else None)
    if is_nonexistent(naive, tz):
        to_instant(wall, zone_name)  # raises the sentence naming the gap
    used = naive.replace(tzinfo=tz).utcoffset()
    raise ValidationError(
        _("{time} on {date} in {zone} is at {used}, not {given}.").format(
            time=_clock(naive),
            date=formatting.format_date(wall.day),
            zone=zone_name,
            used=offset_label(used),
            given=offset_label(offset),
        )
    )


def following_workday(day: date) -> date:
    """The next Monday-to-Friday date after `day` (how multi-day sessions continue)."""
    following = day + timedelta(days=1)
    while following.weekday() >= 5:
        following += timedelta(days=1)
    return following


def moved_dates(days: Sequence[date], first: date) -> list[date]:
    """A session's days once its first day moves to `first`.

    Days that all fall on Monday to Friday stay as many working days apart: a Friday, Monday,
    Tuesday session moved to Thursday runs Thursday, Friday, Monday (moving each by the same
    number of days put its second day on a Sunday). A session with a day at a weekend, or moved
    to one, keeps its days as many calendar days apart.
    """
    if not days:
        return []
    if first.weekday() >= 5 or any(day.weekday() >= 5 for day in days):
        return [day + (first - days[0]) for day in days]
    moved = [first]
    for before, day in itertools.pairwise(days):
        step, following = moved[-1], before
        while following < day:
            following, step = following_workday(following), following_workday(step)
        moved.append(step)
    return moved


def parse_offset(text: str) -> timedelta | None:
    """The UTC offset in "+01:00", "-0530" or "Z"; None for anything else."""
    value = text.strip()
    if value in ("Z", "z"):
        return timedelta()
    sign = -1 if value[:1] in ("-", "−") else 1 if value[:1] == "+" else 0
    digits = value[1:].replace(":", "")
    if not sign or len(digits) != 4 or not digits.isdigit():
        return None
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 14 or minutes > 59:
        return None
    return sign * timedelta(hours=hours, minutes=minutes)


def local_date(instant: datetime, zone_name: str) -> date:
    """The date the venue's calendar shows at `instant` (reports count months by it)."""
    return instant.astimezone(zone(zone_name)).date()


def minutes_between(start: datetime, end: datetime) -> int:
    """Whole minutes elapsed between two instants.

    A day across a clock change is an hour shorter or longer than its wall-clock reading.
    """
    return int((end - start).total_seconds() // 60)

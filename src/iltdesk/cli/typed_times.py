"""Times typed on the command line, read as the venue's clocks read them.

"2027-03-28 09:00", with an offset ("2027-10-31 01:30+00:00") to say which of two readings is
meant on the night the clocks go back. A time that does not exist, or happens twice without an
offset, is refused with a sentence that says how to choose here — never stored shifted. A
series takes its choices as options: `--skip DATE` and `--offset-on DATE=±HH:MM`.
"""

from __future__ import annotations

import argparse
import re
from datetime import date
from datetime import time
from datetime import timedelta

from iltdesk.domain.localtime import AmbiguousTimeError
from iltdesk.domain.localtime import WallTime
from iltdesk.domain.localtime import following_workday
from iltdesk.domain.localtime import moved_dates
from iltdesk.domain.localtime import parse_offset
from iltdesk.domain.localtime import to_instant
from iltdesk.domain.localtime import to_wall
from iltdesk.domain.localtime import with_offset
from iltdesk.domain.localtime import zone
from iltdesk.domain.recurrence import OccurrenceFoldError
from iltdesk.domain.recurrence import occurrence_dates
from iltdesk.domain.rows import SessionRow
from iltdesk.domain.specs import DaySpec
from iltdesk.errors import ValidationError
from iltdesk.i18n import _

_WALL = re.compile(
    r"^\s*(?:(?P<date>\d{4}-\d{2}-\d{2})[ T])?(?P<time>\d{1,2}:\d{2})"
    r"(?P<offset>Z|[+-]\d{2}:?\d{2})?\s*$"
)


def read_wall(text: str, zone_name: str, *, day: date | None = None) -> tuple[WallTime, str]:
    """A typed "[YYYY-MM-DD ]HH:MM[±HH:MM]" as a wall time in `zone_name`.

    The fold comes from the offset, when one was typed; returns the offset's text too.
    """
    match = _WALL.match(text)
    if match is None or (day is None and match["date"] is None):
        example = "2027-03-15 09:00" if day is None else "17:00"
        raise ValidationError(
            _("“{text}” is not a date and time; write it like {example}.").format(
                text=text, example=example
            )
        )
    try:
        when = date.fromisoformat(match["date"]) if match["date"] else day
        hours, minutes = (int(part) for part in match["time"].split(":"))
        clock = time(hours, minutes)
    except ValueError:
        raise ValidationError(
            _("“{text}” is not a valid date or time.").format(text=text)
        ) from None
    assert when is not None
    wall = WallTime(when, clock)
    if match["offset"]:
        offset = parse_offset(match["offset"])
        if offset is None:
            raise ValidationError(_("“{text}” is not a UTC offset.").format(text=match["offset"]))
        wall = with_offset(wall, zone_name, offset)
        if wall.fold is None:
            wall = WallTime(wall.day, wall.clock, 0)
    return wall, match["offset"] or ""


def typed_days(start: WallTime, end: WallTime, count: int, zone_name: str) -> tuple[DaySpec, ...]:
    """`count` days from `start`: weekdays after the first, each from start to end time."""
    if count < 1:
        raise ValidationError(_("A session needs at least one day."))
    days = []
    day = start.day
    for number in range(count):
        if number:
            day = following_workday(day)
        # The typed offset chose a reading for the first day; later days ask afresh.
        first = WallTime(day, start.clock, start.fold if number == 0 else None)
        last = WallTime(day, end.clock, end.fold if number == 0 else None)
        days.append(typed_day(first, last, zone_name, typed=number == 0))
    return tuple(days)


def typed_day(first: WallTime, last: WallTime, zone_name: str, *, typed: bool) -> DaySpec:
    """One day as instants; on the typed first day, a time that happens twice says how to choose.

    Later days have no option of their own: their time must change.
    """
    try:
        return DaySpec(to_instant(first, zone_name), to_instant(last, zone_name))
    except AmbiguousTimeError as error:
        if not typed:
            raise
        raise ValidationError(
            _("{problem} Type the time with its offset: {choices}.").format(
                problem=error, choices=typed_readings(error)
            )
        ) from None


def typed_readings(error: AmbiguousTimeError) -> str:
    """Both readings as typed on the command line: “2027-10-31 01:30+01:00” or “…+00:00”."""
    typed = [
        f"“{local.strftime('%Y-%m-%d %H:%M')}{offset_text(local.utcoffset())}”"
        for local in error.choices
    ]
    return _("{first} or {second}").format(first=typed[0], second=typed[1])


def offset_text(offset: timedelta | None) -> str:
    """An offset as typed after a time: "+01:00", "-03:30"."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    return f"{'+' if minutes >= 0 else '-'}{hours:02d}:{rest:02d}"


def fold_hint(error: OccurrenceFoldError) -> str:
    """The fold's sentence, with the options that settle it on the command line."""
    day = error.day.isoformat()
    first, second = (f"--offset-on {day}={offset_text(c.utcoffset())}" for c in error.choices)
    return _("{problem} Add {first} or {second} to choose, or --skip {date}.").format(
        problem=error, first=first, second=second, date=day
    )


def series_choices(
    args: argparse.Namespace, start: WallTime, zone_name: str
) -> tuple[frozenset[date], dict[date, int]]:
    """--skip and --offset-on, checked against the dates the repeat rule gives."""
    offsets: list[str] = args.offset_on
    if not args.repeat:
        if args.skip or offsets:
            raise ValidationError(_("--skip and --offset-on go with --repeat."))
        return frozenset(), {}
    dates = set(occurrence_dates(args.repeat, start.naive))
    for day in args.skip:
        if day not in dates:
            raise ValidationError(
                _("The repeat rule gives no session on {date}, so there is none to skip.").format(
                    date=day.isoformat()
                )
            )
    folds: dict[date, int] = {}
    for text in offsets:
        day_text, _sep, offset_text = text.partition("=")
        offset = parse_offset(offset_text)
        try:
            day = date.fromisoformat(day_text.strip())
        except ValueError:
            day = None
        if day is None or offset is None:
            raise ValidationError(
                _("“{text}” is not a date and an offset; write it like 2027-10-31=+00:00.").format(
                    text=text
                )
            )
        if day not in dates:
            raise ValidationError(
                _("The repeat rule gives no session on {date}.").format(date=day.isoformat())
            )
        wall = with_offset(WallTime(day, start.clock), zone_name, offset)
        if wall.fold is None:
            raise ValidationError(
                _(
                    "{time} on {date} happens only once in {zone}; --offset-on is for a time "
                    "that happens twice."
                ).format(time=start.clock.strftime("%H:%M"), date=day.isoformat(), zone=zone_name)
            )
        folds[day] = wall.fold
    return frozenset(args.skip), folds


def moved_days(row: SessionRow, args: argparse.Namespace) -> tuple[tuple[DaySpec, ...], str]:
    """New days and zone for `sessions edit`: wall readings moved, then made instants."""
    zone_name = (args.zone or row.timezone).strip()
    zone(zone_name)
    walls = [(to_wall(d.start, row.timezone), to_wall(d.end, row.timezone)) for d in row.days]
    dates = [start.day for start, _end in walls]
    new_start: WallTime | None = None
    new_end: WallTime | None = None
    if args.start:
        new_start, _offset = read_wall(args.start, zone_name)
        # Later days keep their working days apart (a Friday-Monday session moved to Thursday
        # runs Thursday and Friday, not over the weekend).
        dates = moved_dates(dates, new_start.day)
    if args.end:
        shift = dates[0] - walls[0][0].day
        new_end, _offset = read_wall(args.end, zone_name, day=walls[0][1].day + shift)
    days = []
    for number, (start, end) in enumerate(walls):
        day = dates[number]
        first = WallTime(day, start.clock, start.fold if zone_name == row.timezone else None)
        last = WallTime(day, end.clock, end.fold if zone_name == row.timezone else None)
        if new_start is not None:
            first = WallTime(day, new_start.clock, new_start.fold if number == 0 else None)
        if new_end is not None:
            last = WallTime(day, new_end.clock, new_end.fold if number == 0 else None)
        days.append(typed_day(first, last, zone_name, typed=number == 0))
    return tuple(days), zone_name

"""Recurring sessions: an RFC 5545 rule expanded on the venue's wall clock.

"Every first Monday, 6 times" or "weekly on Tue and Thu for 4 weeks" is an RRULE
(`FREQ=MONTHLY;BYDAY=1MO;COUNT=6`, `FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8`) read by dateutil. The
rule runs on the first session's *wall* start as the venue's clocks read it, so 09:00 stays
09:00 on both sides of a clock change; each occurrence moves every day of the first session by
the same number of calendar days, then becomes instants in the venue's zone. An occurrence
whose clock time does not exist that day (a gap) or happens twice (a fold) is never moved
silently: it is named, and the caller asks (skip the date, or say which reading).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set
from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from datetime import datetime
from datetime import timedelta

from iltdesk.domain.localtime import AmbiguousTimeError
from iltdesk.domain.localtime import NonexistentTimeError
from iltdesk.domain.localtime import WallTime
from iltdesk.domain.localtime import to_instant
from iltdesk.domain.localtime import to_wall
from iltdesk.domain.specs import DaySpec
from iltdesk.domain.specs import SessionSpec
from iltdesk.errors import ValidationError
from iltdesk.i18n import _

MAX_OCCURRENCES = 200


class RuleError(ValidationError):
    """A repeat rule that cannot be used: unreadable, yielding nothing, or too many dates."""


class OccurrenceGapError(NonexistentTimeError):
    """An occurrence falls in a clock change's gap; `day` is the occurrence's first date."""

    def __init__(self, message: str, day: date, bounds: tuple[datetime, datetime]) -> None:
        super().__init__(message, *bounds)
        self.day = day


class OccurrenceFoldError(AmbiguousTimeError):
    """An occurrence's clock time happens twice; `day` is the occurrence's first date."""

    def __init__(self, message: str, day: date, choices: tuple[datetime, datetime]) -> None:
        super().__init__(message, choices)
        self.day = day


@dataclass(frozen=True)
class Occurrence:
    """One session of a series: its number (from 1) and its days as the editor would hold them."""

    number: int
    first_date: date
    spec: SessionSpec


def normalise_rule(rule: str) -> str:
    """The rule's RRULE part without the "RRULE:" prefix, upper case, no spaces."""
    text = "".join(rule.split()).upper()
    return text[len("RRULE:") :] if text.startswith("RRULE:") else text


def occurrence_dates(rule: str, first: datetime) -> list[date]:
    """The dates the rule gives from `first` (a naive wall start), or a `RuleError`."""
    from dateutil.rrule import rrulestr

    text = normalise_rule(rule)
    if not text.startswith("FREQ=") and ";FREQ=" not in text:
        raise RuleError(
            _(
                "“{rule}” is not a repeat rule. Write it as RFC 5545 does, for example "
                "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8."
            ).format(rule=rule.strip())
        )
    if any(f"FREQ={unit}" in text for unit in ("HOURLY", "MINUTELY", "SECONDLY")):
        raise RuleError(
            _("Sessions repeat by day, week, month or year; “{rule}” repeats within a day.").format(
                rule=rule.strip()
            )
        )
    try:
        expanded = rrulestr(text, dtstart=first, cache=False)
        dates: list[date] = []
        for moment in expanded:
            dates.append(moment.date())
            if len(dates) > MAX_OCCURRENCES:
                break
    except (ValueError, TypeError) as error:
        raise RuleError(
            _("The repeat rule “{rule}” cannot be read: {reason}.").format(
                rule=rule.strip(), reason=error
            )
        ) from None
    if not dates:
        raise RuleError(
            _("The repeat rule “{rule}” gives no dates from {first} on.").format(
                rule=rule.strip(), first=first.date().isoformat()
            )
        )
    if len(dates) > MAX_OCCURRENCES:
        raise RuleError(
            _(
                "The repeat rule “{rule}” gives more than {limit} sessions. Add COUNT= or "
                "UNTIL= to end it sooner."
            ).format(rule=rule.strip(), limit=MAX_OCCURRENCES)
        )
    return dates


def expand(
    template: SessionSpec,
    rule: str,
    *,
    skip: Set[date] = frozenset(),
    folds: Mapping[date, int] | None = None,
) -> list[Occurrence]:
    """The series' sessions: `template` moved to every date of `rule`, wall clocks kept.

    `skip`: occurrence dates left out (a gap the user chose to skip). `folds`: for an
    occurrence whose time happens twice, which reading (0 first, 1 second) the user chose.
    """
    if not template.days:
        raise RuleError(_("A session needs at least one day before it can repeat."))
    zone_name = template.timezone
    walls = [(to_wall(d.start, zone_name), to_wall(d.end, zone_name)) for d in template.days]
    first_day = walls[0][0].day
    dates = occurrence_dates(rule, walls[0][0].naive)
    chosen = folds or {}
    occurrences: list[Occurrence] = []
    for when in dates:
        if when in skip:
            continue
        shift = timedelta(days=(when - first_day).days)
        days = []
        for (start, end), day in zip(walls, template.days, strict=True):
            fold = chosen.get(when)
            days.append(
                DaySpec(
                    _instant(start, shift, fold, when, zone_name),
                    _instant(end, shift, fold, when, zone_name),
                    day.meeting_link,
                )
            )
        occurrences.append(
            Occurrence(len(occurrences) + 1, when, replace(template, days=tuple(days)))
        )
    if not occurrences:
        raise RuleError(_("Every date of the repeat rule was left out: nothing to schedule."))
    return occurrences


def _instant(
    wall: WallTime, shift: timedelta, fold: int | None, when: date, zone_name: str
) -> datetime:
    moved = WallTime(wall.day + shift, wall.clock, wall.fold if not shift else fold)
    try:
        return to_instant(moved, zone_name)
    except NonexistentTimeError as error:
        raise OccurrenceGapError(
            _("The session of {date}: {problem}").format(date=when.isoformat(), problem=error),
            when,
            (error.gap_start, error.gap_end),
        ) from None
    except AmbiguousTimeError as error:
        raise OccurrenceFoldError(
            _("The session of {date}: {problem}").format(date=when.isoformat(), problem=error),
            when,
            error.choices,
        ) from None

"""Reading a meeting report's times: durations, clock times, and the day they belong to.

Durations as "1h 5m" or "65 min"; clock times in whatever format the platform and the
exporting computer's locale wrote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from datetime import datetime

from iltdesk.errors import UnreadableFileError
from iltdesk.i18n import _

WHITESPACE = re.compile(r"[\s\u00a0\u202f]+")

_DURATION_PARTS = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(h|hr|hrs|hour|hours|std|m|min|mins|minute|minutes|s|sec|secs|"
    r"second|seconds)\b",
    re.IGNORECASE,
)


_UNIT_SECONDS = {
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "std"), 3600),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
}


def parse_duration(text: str, file_name: str = "", line: int = 0) -> int:
    """Seconds in "1h 2m 3s", "58m 49s", "1 hr 2 min", "01:02:03", or plain minutes ("67")."""
    value = text.strip()
    clock = re.fullmatch(r"(\d+):(\d{1,2})(?::(\d{1,2}))?", value)
    if clock:
        hours, minutes, seconds = clock.groups()
        if seconds is None:  # "62:03" is minutes and seconds
            return int(hours) * 60 + int(minutes)
        return int(hours) * 3600 + int(minutes) * 60 + int(seconds)
    if re.fullmatch(r"\d+(?:[.,]\d+)?", value):
        return int(float(value.replace(",", ".")) * 60)
    parts = _DURATION_PARTS.findall(value)
    if parts:
        total = sum(
            float(number.replace(",", ".")) * _UNIT_SECONDS[unit.casefold()]
            for number, unit in parts
        )
        return int(total)
    raise UnreadableFileError(
        _("Line {line} of {name}: “{text}” is not a duration ILT Desk can read.").format(
            line=line, name=file_name, text=text
        )
    )


# The ways platforms write a date and time, in the order ties are broken.
_FORMATS = (
    "%m/%d/%y, %I:%M:%S %p",
    "%m/%d/%Y, %I:%M:%S %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%y, %I:%M %p",
    "%m/%d/%Y, %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y, %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y, %H:%M:%S",
    "%d.%m.%Y, %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%y, %H:%M:%S",
    "%d.%m.%y %H:%M:%S",
    "%d.%m.%y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y/%m/%d %H:%M:%S",
)


def _normalise_time(text: str) -> str:
    value = WHITESPACE.sub(" ", text).strip()
    value = re.sub(r"\.\d+(?=$|[+-]\d\d:?\d\d$|Z$)", "", value)  # fractions of a second
    value = re.sub(r"Z$", "+0000", value)
    value = re.sub(r"([+-]\d\d):(\d\d)$", r"\1\2", value)
    return re.sub(
        r"\b(a\.?m\.?|p\.?m\.?)$",
        lambda m: m.group(1).replace(".", "").upper(),
        value,
        flags=re.IGNORECASE,
    )


_FORMAT_SAMPLES = 400


class TimeReader:
    """Reads every date-time of one report in the one format that fits them all."""

    def __init__(self, fmt: str, file_name: str, on_date: date | None = None) -> None:
        self.format = fmt
        self.file_name = file_name
        # Times without a date (Google Meet writes "9:02 AM"): the day they happened on.
        self.on_date = on_date

    @classmethod
    def for_values(
        cls, values: Sequence[str], file_name: str, prefer_dates: Sequence[date] = ()
    ) -> TimeReader:
        # Distinct values, a few hundred at most, choose the format (thousands of rows repeat
        # the same dates); `read` still refuses any later value that does not fit it.
        samples = list(dict.fromkeys(_normalise_time(v) for v in values if v and v.strip()))
        samples = samples[:_FORMAT_SAMPLES]
        if not samples:
            return cls(_FORMATS[0], file_name)
        fitting = [fmt for fmt in _FORMATS if all(_parses(s, fmt) for s in samples)]
        if not fitting:
            clock = next(
                (fmt for fmt in _CLOCK_FORMATS if all(_parses(s, fmt) for s in samples)), None
            )
            if clock is not None:
                return cls(clock, file_name, _the_day(prefer_dates, file_name))
            bad = next(
                (s for s in samples if not any(_parses(s, fmt) for fmt in _FORMATS)),
                samples[0],
            )
            raise UnreadableFileError(
                _(
                    "{name}: “{text}” is not a date and time ILT Desk can read (it reads "
                    "3/14/27, 9:02:11 AM, 14.03.2027 09:02:11 and 2027-03-14 09:02:11)."
                ).format(name=file_name, text=bad)
            )
        if len(fitting) > 1 and prefer_dates:
            wanted = set(prefer_dates)
            on_day = [
                fmt
                for fmt in fitting
                if {datetime.strptime(s, fmt).date() for s in samples} & wanted
            ]
            fitting = on_day or fitting
        return cls(fitting[0], file_name)

    def read(self, text: str, *, line: int = 0) -> datetime:
        value = _normalise_time(text)
        try:
            parsed = datetime.strptime(value, self.format)
            if self.on_date is not None:
                parsed = datetime.combine(self.on_date, parsed.time())
        except ValueError:
            raise UnreadableFileError(
                _("Line {line} of {name}: “{text}” is not a date and time like the others.").format(
                    line=line, name=self.file_name, text=text
                )
            ) from None
        return parsed


# Times of day alone, as Google Meet's attendance sheet writes them.
_CLOCK_FORMATS = ("%I:%M %p", "%I:%M:%S %p", "%H:%M", "%H:%M:%S")


class ReportDayUnknownError(UnreadableFileError):
    """The report gives times without dates, and the session has several days to choose from."""


def _the_day(prefer_dates: Sequence[date], file_name: str) -> date:
    """The one day a report of bare times belongs to, or a sentence asking for it."""
    if len(set(prefer_dates)) == 1:
        return prefer_dates[0]
    raise ReportDayUnknownError(
        _(
            "{name} gives times without a date, so ILT Desk cannot tell which day of the "
            "session it is. Choose the day (in the window, or --day N)."
        ).format(name=file_name)
    )


def _parses(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True

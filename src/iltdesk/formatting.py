"""The one place dates, times, numbers and money are formatted for people (babel).

Times are always shown in the session's own zone with the zone's label beside them, so
"09:00–17:00 GMT" in London and "09:00–17:00 EDT" in New York are never confused.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers

_locale = Locale("en", "GB")


def set_locale(name: str) -> None:
    """Format for `name` (e.g. "de_DE", "en-US"); unknown names keep the current locale."""
    global _locale
    try:
        _locale = Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return


def current_locale() -> Locale:
    return _locale


def zone_label(instant: datetime, timezone: str) -> str:
    """A short label for the zone at that instant: "CET", "EDT", or "GMT+5:30" where none."""
    local = instant.astimezone(ZoneInfo(timezone))
    abbreviation = local.tzname() or ""
    if abbreviation and abbreviation[0] not in "+-":
        return abbreviation
    return babel_dates.get_timezone_gmt(local, width="long", locale=_locale)


def format_date(value: date | datetime, timezone: str | None = None, fmt: str = "medium") -> str:
    if isinstance(value, datetime) and timezone:
        value = value.astimezone(ZoneInfo(timezone))
    return babel_dates.format_date(value, format=fmt, locale=_locale)


def format_day_with_weekday(instant: datetime, timezone: str) -> str:
    """The local date with its weekday, e.g. Tuesday, 12 March 2026."""
    local = instant.astimezone(ZoneInfo(timezone))
    return babel_dates.format_date(local, format="full", locale=_locale)


def format_weekday_date(day: date) -> str:
    """A short weekday and date for column headings: "Mon 12/3" in the locale's own order."""
    weekday = babel_dates.format_date(day, format="EEE", locale=_locale)
    return f"{weekday} {babel_dates.format_skeleton('Md', day, locale=_locale)}"


def format_time(instant: datetime, timezone: str) -> str:
    local = instant.astimezone(ZoneInfo(timezone))
    return babel_dates.format_time(local, format="short", locale=_locale)


def format_datetime(instant: datetime, timezone: str) -> str:
    """Date and time with the zone label: "12 Mar 2026, 09:00 GMT"."""
    local = instant.astimezone(ZoneInfo(timezone))
    # Medium date with short time: the medium datetime pattern shows seconds in most locales.
    text = babel_dates.format_datetime(
        local, format=f"{_date_pattern('medium')} {_time_pattern('short')}", locale=_locale
    )
    return f"{text} {zone_label(instant, timezone)}"


def format_time_span(start: datetime, end: datetime, timezone: str) -> str:
    """A day's times with the zone label: "09:00–17:00 GMT"."""
    return (
        f"{format_time(start, timezone)}–{format_time(end, timezone)} {zone_label(start, timezone)}"
    )


def format_span(start: datetime, end: datetime, timezone: str) -> str:
    """A session day: "12 Mar 2026, 09:00–17:00 GMT" (the end date shown only if it differs)."""
    local_start = start.astimezone(ZoneInfo(timezone))
    local_end = end.astimezone(ZoneInfo(timezone))
    day = babel_dates.format_date(local_start, format="medium", locale=_locale)
    start_time = babel_dates.format_time(local_start, format="short", locale=_locale)
    end_time = babel_dates.format_time(local_end, format="short", locale=_locale)
    if local_end.date() != local_start.date():
        end_day = babel_dates.format_date(local_end, format="medium", locale=_locale)
        end_time = f"{end_day}, {end_time}"
    return f"{day}, {start_time}–{end_time} {zone_label(start, timezone)}"


def format_number(value: int | float | Decimal) -> str:
    return babel_numbers.format_decimal(value, locale=_locale)


def format_percent(value: float) -> str:
    return babel_numbers.format_percent(value, locale=_locale)


def format_money(amount: Decimal, currency: str) -> str:
    return babel_numbers.format_currency(amount, currency, locale=_locale)


def _date_pattern(width: str) -> str:
    return str(_locale.date_formats[width].pattern)


def _time_pattern(width: str) -> str:
    return str(_locale.time_formats[width].pattern)

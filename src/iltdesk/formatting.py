"""The one place dates, times, numbers and money are formatted for people (babel).

Times are always shown in the session's own zone with the zone's label beside them, so
"09:00–17:00 GMT" in London and "09:00–17:00 EDT" in New York are never confused; a span whose
ends fall on either side of a clock change labels each end ("01:30 BST–02:30 GMT").

Every function takes an optional `locale` (a babel `Locale` or a name such as "de_DE"); without
one it uses the user's locale set at start-up. Emails pass the learner's language explicitly.
Typed dates and times are parsed here too, so what is shown and what is read back agree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from datetime import datetime
from datetime import time
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel import UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers

LocaleLike = Locale | str | None

_locale = Locale("en", "GB")


@cache
def parse_locale(name: str, fallback: str = "en_GB") -> Locale:
    """A babel locale for "de_DE", "en-US" or "de"; unknown names give `fallback`."""
    for candidate in (name, fallback):
        try:
            return Locale.parse(candidate.replace("-", "_"))
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return Locale("en", "GB")


def set_locale(name: str) -> None:
    """Format for `name` (e.g. "de_DE", "en-US"); unknown names keep the current locale."""
    global _locale
    try:
        _locale = Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return


def current_locale() -> Locale:
    """The locale dates and numbers are shown in."""
    return _locale


def _loc(locale: LocaleLike) -> Locale:
    if locale is None:
        return _locale
    if isinstance(locale, Locale):
        return locale
    return parse_locale(locale)


def zone_label(instant: datetime, timezone: str, locale: LocaleLike = None) -> str:
    """A short label for the zone at that instant: "CET", "EDT", or "GMT+5:30" where none.

    The same label everywhere — screens, documents and emails — for the same instant.
    """
    local = instant.astimezone(ZoneInfo(timezone))
    abbreviation = local.tzname() or ""
    if abbreviation and abbreviation[0] not in "+-":
        return abbreviation
    return babel_dates.get_timezone_gmt(local, width="long", locale=_loc(locale))


def format_date(
    value: date | datetime,
    timezone: str | None = None,
    fmt: str = "medium",
    locale: LocaleLike = None,
) -> str:
    """A date in one of the locale's widths ("short", "medium", "long", "full")."""
    if isinstance(value, datetime) and timezone:
        value = value.astimezone(ZoneInfo(timezone))
    return babel_dates.format_date(value, format=fmt, locale=_loc(locale))


def format_day_with_weekday(instant: datetime, timezone: str, locale: LocaleLike = None) -> str:
    """The local date with its weekday, e.g. Tuesday, 12 March 2026."""
    local = instant.astimezone(ZoneInfo(timezone))
    return babel_dates.format_date(local, format="full", locale=_loc(locale))


def format_weekday(day: date, locale: LocaleLike = None) -> str:
    """The weekday's full name: "Monday", "Montag"."""
    return babel_dates.format_date(day, format="EEEE", locale=_loc(locale))


def format_weekday_short_date(day: date, locale: LocaleLike = None) -> str:
    """A weekday and date such as "Thu 12 Mar 2026", in the locale's own order."""
    return babel_dates.format_skeleton("yMMMEd", day, locale=_loc(locale))


def format_weekday_date(day: date, locale: LocaleLike = None) -> str:
    """A short weekday and date for column headings: "Mon 12/3" in the locale's own order."""
    loc = _loc(locale)
    weekday = babel_dates.format_date(day, format="EEE", locale=loc)
    return f"{weekday} {babel_dates.format_skeleton('Md', day, locale=loc)}"


def format_time(instant: datetime, timezone: str, locale: LocaleLike = None) -> str:
    """A time of day in `timezone`, in the locale's short form."""
    local = instant.astimezone(ZoneInfo(timezone))
    return babel_dates.format_time(local, format="short", locale=_loc(locale))


def format_datetime(instant: datetime, timezone: str, locale: LocaleLike = None) -> str:
    """Date and time with the zone label: "12 Mar 2026, 09:00 GMT"."""
    loc = _loc(locale)
    local = instant.astimezone(ZoneInfo(timezone))
    # Medium date with short time: the medium datetime pattern shows seconds in most locales.
    text = babel_dates.format_datetime(
        local, format=f"{_date_pattern(loc, 'medium')} {_time_pattern(loc, 'short')}", locale=loc
    )
    return f"{text} {zone_label(instant, timezone, loc)}"


def format_time_span(
    start: datetime, end: datetime, timezone: str, locale: LocaleLike = None
) -> str:
    """A day's times with the zone label: "09:00–17:00 GMT".

    When the clocks change between start and end, each end carries its own label:
    "01:30 BST–02:30 GMT".
    """
    loc = _loc(locale)
    first, last = zone_label(start, timezone, loc), zone_label(end, timezone, loc)
    if first == last:
        return f"{format_time(start, timezone, loc)}–{format_time(end, timezone, loc)} {first}"
    return f"{format_time(start, timezone, loc)} {first}–{format_time(end, timezone, loc)} {last}"


def format_span(start: datetime, end: datetime, timezone: str, locale: LocaleLike = None) -> str:
    """A session day: "12 Mar 2026, 09:00–17:00 GMT" (the end date shown only if it differs)."""
    loc = _loc(locale)
    zone = ZoneInfo(timezone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    day = babel_dates.format_date(local_start, format="medium", locale=loc)
    if local_end.date() == local_start.date():
        return f"{day}, {format_time_span(start, end, timezone, loc)}"
    end_day = babel_dates.format_date(local_end, format="medium", locale=loc)
    first, last = zone_label(start, timezone, loc), zone_label(end, timezone, loc)
    start_text = format_time(start, timezone, loc)
    end_text = f"{end_day}, {format_time(end, timezone, loc)}"
    if first == last:
        return f"{day}, {start_text}–{end_text} {first}"
    return f"{day}, {start_text} {first}–{end_text} {last}"


def format_number(value: int | float | Decimal, locale: LocaleLike = None) -> str:
    """A number in the locale's form."""
    return babel_numbers.format_decimal(value, locale=_loc(locale))


def format_percent(value: float, locale: LocaleLike = None) -> str:
    """A share (0.8) as a percentage in the locale's form."""
    return babel_numbers.format_percent(value, locale=_loc(locale))


def local_currency(locale: LocaleLike = None, fallback: str = "EUR") -> str:
    """The currency of the locale's country (en_GB → GBP, de_CH → CHF); `fallback` without one.

    What a new course's costs are in until the coordinator says otherwise.
    """
    territory = _loc(locale).territory
    found = babel_numbers.get_territory_currencies(territory) if territory else []
    return found[0] if found else fallback


def format_money(amount: Decimal, currency: str, locale: LocaleLike = None) -> str:
    """An amount with its currency, in the locale's form."""
    return babel_numbers.format_currency(amount, currency, locale=_loc(locale))


def _date_pattern(locale: Locale, width: str) -> str:
    return str(locale.date_formats[width].pattern)


def _time_pattern(locale: Locale, width: str) -> str:
    return str(locale.time_formats[width].pattern)


# Territories whose paper is US Letter (CLDR supplemental data, paperSize "US-Letter").
_LETTER_TERRITORIES = frozenset(
    ["BZ", "CA", "CL", "CO", "CR", "GT", "MX", "NI", "PA", "PH", "PR", "SV", "US", "VE"]
)


def paper_size_for_zone(timezone: str) -> str:
    """The paper a venue in `timezone` prints on: "Letter" in the Americas that use it, else A4."""
    from babel.core import get_global

    territory = get_global("zone_territories").get(timezone, "")
    return "Letter" if territory in _LETTER_TERRITORIES else "A4"


# The languages offered for a learner's preferred language (emails and certificates follow it;
# templates exist in English and German, other languages get English text in their formats).
LEARNER_LANGUAGES = (
    "en", "de", "fr", "es", "it", "nl", "pt", "pl", "cs", "sk", "hu", "ro", "bg", "hr", "sl",
    "sv", "da", "nb", "fi", "et", "lv", "lt", "el", "tr", "ru", "uk", "ar", "he", "hi", "zh",
    "ja", "ko", "th", "vi", "id", "ms",
)  # fmt: skip


def language_name(code: str, locale: LocaleLike = None) -> str:
    """A language's name in the user's language: "German" / "Deutsch" for "de"."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(_loc(locale))
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    return name[:1].upper() + name[1:] if name else code


# --- reading what people type ------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})$")
_TIME = re.compile(r"^(\d{1,2})(?:[:.h]?(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE)


def date_input_hint(locale: LocaleLike = None) -> str:
    """What a typed date looks like in this locale, e.g. "dd/MM/y or 2026-12-14"."""
    return f"{_date_pattern(_loc(locale), 'short')} · YYYY-MM-DD"


def parse_date_text(text: str, locale: LocaleLike = None) -> date | None:
    """The date a person typed, or None when it is not one (never another date).

    Takes ISO ("2026-12-14"), the locale's short numeric order ("14/12/2026", "12/14/2026",
    "14.12.2026"), and either with a leading weekday ("Mon 2026-12-14"), which must then be
    the weekday of that date.
    """
    loc = _loc(locale)
    value = " ".join(text.split()).strip().rstrip(".")
    if not value:
        return None
    weekday: str | None = None
    head, _sep, rest = value.partition(" ")
    if rest and not head[:1].isdigit():
        weekday, value = head.rstrip(",.").casefold(), rest.strip()
    parsed = _parse_numeric_date(value, loc)
    if parsed is None:
        return None
    if weekday is not None:
        names = {
            str(babel_dates.format_date(parsed, form, locale=loc)).casefold().rstrip(".")
            for form in ("EEE", "EEEE", "EEEEE")
        } | {
            str(babel_dates.format_date(parsed, form, locale="en")).casefold()
            for form in ("EEE", "EEEE")
        }
        if weekday.rstrip(".") not in names:
            return None
    return parsed


def _parse_numeric_date(value: str, loc: Locale) -> date | None:
    try:
        iso = _ISO_DATE.match(value)
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        numeric = _NUMERIC_DATE.match(value)
        if not numeric:
            return None
        parts = [int(numeric[1]), int(numeric[2]), int(numeric[3])]
        order = ("y", "M", "d") if len(numeric[1]) == 4 else _field_order(loc)
        values = dict(zip(order, parts, strict=True))
        year = values["y"]
        if year < 100:
            year += 2000
        return date(year, values["M"], values["d"])
    except ValueError:
        return None


@cache
def _field_order(loc: Locale) -> tuple[str, str, str]:
    """The order of day, month and year in the locale's short date ("dMy", "Mdy", "yMd")."""
    pattern = _date_pattern(loc, "short")
    order = []
    for ch in pattern:
        if ch in "dMy" and ch not in order:
            order.append(ch)
    if len(order) != 3:
        return ("d", "M", "y")
    return (order[0], order[1], order[2])


def parse_time_text(text: str) -> time | None:
    """The clock time a person typed ("9", "0930", "9:30", "09.30", "6:30 pm"), or None."""
    value = text.strip().replace(" ", "")
    if not value:
        return None
    compact = re.fullmatch(r"(\d{3,4})", value)
    if compact:
        digits = compact[1].zfill(4)
        value = f"{digits[:2]}:{digits[2:]}"
    match = _TIME.match(value)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    suffix = (match[3] or "").casefold().replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


def format_clock(value: time) -> str:
    """A time of day for an input field: "09:30" (24-hour, what `parse_time_text` reads)."""
    return f"{value.hour:02d}:{value.minute:02d}"


def format_date_input(value: date, locale: LocaleLike = None) -> str:
    """A date for an input field, in the locale's short order with a four-digit year."""
    loc = _loc(locale)
    pattern = _date_pattern(loc, "short")
    pattern = re.sub(r"y+", "yyyy", pattern)
    pattern = re.sub(r"(?<!d)d(?!d)", "dd", pattern)
    pattern = re.sub(r"(?<!M)M(?!M)", "MM", pattern)
    return str(babel_dates.format_date(value, format=pattern, locale=loc))


def format_period_key(key: str, locale: LocaleLike = None) -> str:
    """A report's period key in words: "2026-03" → "Mar 2026", "2026-Q1" → "Q1 2026"."""
    loc = _loc(locale)
    if len(key) == 7 and key[4] == "-" and key[5:].isdigit():
        return babel_dates.format_skeleton("yMMM", date(int(key[:4]), int(key[5:]), 1), locale=loc)
    if len(key) == 7 and key[5] == "Q":
        quarter = int(key[6])
        return babel_dates.format_skeleton(
            "yQQQ", date(int(key[:4]), 3 * quarter - 2, 1), locale=loc
        )
    return key


def format_rate(value: float | None, locale: LocaleLike = None) -> str:
    """A fraction as a percentage with one decimal ("83.3%"); "—" when there is none."""
    if value is None:
        return "—"
    loc = _loc(locale)
    pattern = str(loc.percent_formats[None].pattern)  # "#,##0%", "#,##0 %" (de), …
    head, _zero, tail = pattern.rpartition("0")
    return babel_numbers.format_percent(value, format=f"{head}0.0{tail}", locale=loc)


def format_hours(value: float, locale: LocaleLike = None) -> str:
    """Hours to the hundredth, trailing zeros dropped ("7.5")."""
    return babel_numbers.format_decimal(value, format="#,##0.##", locale=_loc(locale))


def format_score(value: float, locale: LocaleLike = None) -> str:
    """An average feedback score to one decimal ("4.3", "4,3")."""
    return babel_numbers.format_decimal(value, format="#,##0.0", locale=_loc(locale))


def format_amounts(parts: Sequence[tuple[Decimal, str]], locale: LocaleLike = None) -> str:
    """Money in one or more currencies, never added: "£1,200.00 + €300.00"; "—" for none."""
    if not parts:
        return "—"
    return " + ".join(format_money(amount, currency, locale) for amount, currency in parts)


def format_report_value(kind: str, value: object, locale: LocaleLike = None) -> str:
    """A report cell as the user reads it, by its column kind (see domain.reporting)."""
    from iltdesk.domain.enums import DeliveryMode
    from iltdesk.domain.enums import EnrollmentStatus
    from iltdesk.domain.reporting import Amounts
    from iltdesk.domain.reporting import ColumnKind

    if value is None:
        return "—"
    column = ColumnKind(kind)
    if column is ColumnKind.RATE and isinstance(value, int | float):
        return format_rate(float(value), locale)
    if column is ColumnKind.HOURS and isinstance(value, int | float | Decimal):
        return format_hours(float(value), locale)
    if column is ColumnKind.SCORE and isinstance(value, int | float | Decimal):
        return format_score(float(value), locale)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value, locale)  # counts, also a total under a text column
    if column is ColumnKind.MONEY and isinstance(value, Amounts):
        return format_amounts([(m.amount, m.currency) for m in value.parts], locale)
    if column is ColumnKind.DATE and isinstance(value, date):
        return format_date(value, locale=locale)
    if column is ColumnKind.PERIOD:
        return format_period_key(str(value), locale)
    if column is ColumnKind.MODE:
        return DeliveryMode(str(value)).label()
    if column is ColumnKind.STATUS:
        return EnrollmentStatus(str(value)).label()
    if column is ColumnKind.FLAG:
        from iltdesk.i18n import _

        return _("Yes") if value else _("No")
    return str(value)


def format_list(items: Sequence[str], locale: LocaleLike = None) -> str:
    """Items joined as the language joins a list: "a, b and c" / "a, b und c"."""
    from babel.lists import format_list as babel_list

    return babel_list(list(items), locale=_loc(locale))


def format_chart_label(data: object, index: int, locale: LocaleLike = None) -> str:
    """Bar `index` of a report chart (`domain.reporting.ChartData`) as its axis reads it."""
    from iltdesk.domain.reporting import ChartData

    assert isinstance(data, ChartData)
    value, currency = data.categories[index]
    text = format_report_value(data.category_kind.value, value, locale)
    return f"{text} ({currency})" if currency else text

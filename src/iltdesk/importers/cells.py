"""Normalising single cells: what a spreadsheet holds, as the text a learner record stores.

Every function here is total (never raises) and idempotent on its own output; property tests
check both.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from functools import cache

# Characters HR exports carry that look like nothing or like a space.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"\s+", re.UNICODE)
# Excel's day 0 is 1899-12-30 once its 1900 leap-year bug is accounted for (serials ≥ 61).
_EXCEL_EPOCH = datetime(1899, 12, 30)
_EXCEL_EPOCH_1904 = datetime(1904, 1, 1)
_LAST_SERIAL = 2_958_465  # 9999-12-31


def cell_text(value: object) -> str:
    """The cell as trimmed, NFC-normalised text with runs of whitespace made one space.

    Numbers that are whole become integers ("12345.0" from Excel becomes "12345", so employee
    IDs survive); text is kept as it is (a text "007" stays "007"); dates become ISO dates.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        # Fast path, most cells: plain ASCII already trimmed, single-spaced and printable.
        if value.isascii() and value.isprintable() and "  " not in value:
            return value.strip(" ")
        text = unicodedata.normalize("NFC", value.translate(_INVISIBLE))
        return " ".join(_SPACES.split(text)).strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, timedelta):
        return str(value)
    return cell_text(str(value))


_INVISIBLE_CHAR = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def clean_row(raw: Sequence[object]) -> tuple[str, ...]:
    """`cell_text` of every cell; a row of already-clean text is checked in one pass."""
    try:
        joined = "\t".join(raw)  # type: ignore[arg-type]  # TypeError unless all text
    except TypeError:
        return tuple(map(cell_text, raw))
    if (
        joined.count("\t") == len(raw) - 1
        and "  " not in joined
        and " \t" not in joined
        and "\t " not in joined
        and not joined.startswith(" ")
        and not joined.endswith(" ")
        and joined.replace("\t", "").isprintable()
        and (
            joined.isascii()
            or (unicodedata.is_normalized("NFC", joined) and not _INVISIBLE_CHAR.search(joined))
        )
    ):
        return tuple(raw)  # type: ignore[arg-type]  # all text: the join above proved it
    return tuple(map(cell_text, raw))


def number_text(value: float) -> str:
    """A float as text: whole numbers without ".0", others in their shortest exact form."""
    if math.isnan(value) or math.isinf(value):
        return ""
    if value.is_integer():
        return str(int(value))
    return repr(value)


def serial_date(value: object, date1904: bool = False) -> date | None:
    """An Excel date serial number (or a date/datetime) as a date; None when it is not one.

    `date1904`: the workbook counts from 1 January 1904 (Excel for Mac's old date system).
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            value = float(text) if text else None
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if math.isnan(value) or not (1 <= value <= _LAST_SERIAL):
        return None
    days = int(value)
    if date1904:
        return (_EXCEL_EPOCH_1904 + timedelta(days=days)).date()
    if days < 61:  # before Excel's phantom 29 Feb 1900 the offset is one day less
        days += 1
    return (_EXCEL_EPOCH + timedelta(days=days)).date()


_NUMERIC_DATE = re.compile(r"^(\d{1,4})[./\-](\d{1,2})[./\-](\d{1,4})$")
# Serial numbers this size are dates between 1927 and 2064: a hire date, not a year or a day.
_PLAUSIBLE_SERIALS = (10_000, 60_000)


def numeric_date_parts(text: str) -> tuple[int, int, int] | None:
    """The three numbers of "15.03.2024", "3/15/24" or "2024-03-15", or None."""
    found = _NUMERIC_DATE.match(text.strip())
    if found is None:
        return None
    a, b, c = (int(part) for part in found.groups())
    return a, b, c


def day_first_in(texts: Sequence[str]) -> bool | None:
    """Whether a column's "a/b/year" dates put the day first: True, False, or None (unknown).

    Decided by any value whose first part (or second) can only be a day (over 12).
    """
    for text in texts:
        parts = numeric_date_parts(text)
        if parts is None or len(str(parts[0])) == 4 or not 0 < parts[0] <= 31:
            continue
        if parts[0] > 12:
            return True
        if parts[1] > 12:
            return False
    return None


def _year(value: int) -> int:
    return value + (2000 if value < 70 else 1900) if value < 100 else value


def sheet_date(
    raw: object, text: str, *, date1904: bool = False, day_first: bool | None = None
) -> date | None:
    """A date cell however the sheet holds it; None when it is not a date.

    Real dates; Excel serial numbers (counted in the workbook's date system); ISO text;
    "15.03.2024" (a dot always puts the day first); "15/03/2024" or "03/15/2024" ordered by
    `day_first` (the column's evidence), else by the user's locale.
    """
    if isinstance(raw, datetime | date):
        return raw.date() if isinstance(raw, datetime) else raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return (
            serial_date(raw, date1904)
            if _PLAUSIBLE_SERIALS[0] <= raw <= _PLAUSIBLE_SERIALS[1]
            else None
        )
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        number = int(text)
        if _PLAUSIBLE_SERIALS[0] <= number <= _PLAUSIBLE_SERIALS[1]:
            return serial_date(number, date1904)
        return None
    if len(text) >= 10 and text[4] == "-":
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    parts = numeric_date_parts(text)
    if parts is not None:
        a, b, c = parts
        if len(str(a)) == 4:
            year, month, day = a, b, c
        else:
            if "." in text:
                first_is_day = True
            elif day_first is not None:
                first_is_day = day_first
            else:
                from iltdesk.formatting import current_locale

                pattern = current_locale().date_formats["short"].pattern.lower()
                first_is_day = pattern.find("d") < pattern.find("m")
            day, month = (a, b) if first_is_day else (b, a)
            year = _year(c)
        try:
            return date(year, month, day)
        except ValueError:
            return None
    named = _named_month_date(text)
    if named is not None:
        return named
    from iltdesk.formatting import parse_date_text

    return parse_date_text(text)


_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[ .\-/]*([^\W\d_]+)\.?[ .\-/,]*(\d{2,4})$")
_MONTH_DAY_YEAR = re.compile(r"^([^\W\d_]+)\.?[ .\-/]*(\d{1,2})(?:st|nd|rd|th)?,?[ .\-/]*(\d{4})$")


@cache
def _month_numbers() -> dict[str, int]:
    """Month names and abbreviations in the languages HR files come in, to their numbers."""
    from babel.dates import get_month_names

    found: dict[str, int] = {"mrz": 3, "sept": 9}
    for language in ("en", "de", "fr", "es"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=language).items():
                found[unicodedata.normalize("NFC", name).casefold().rstrip(".")] = number
    return found


def _named_month_date(text: str) -> date | None:
    """A date with its month named ("15-Mar-2024", "15. März 2024", "March 15, 2024")."""
    value = " ".join(text.split())
    match = _DAY_MONTH_YEAR.match(value)
    if match:
        day, name, year = match.groups()
    else:
        match = _MONTH_DAY_YEAR.match(value)
        if match is None:
            return None
        name, day, year = match.groups()
    month = _month_numbers().get(name.casefold())
    if month is None:
        return None
    try:
        return date(_year(int(year)), month, int(day))
    except ValueError:
        return None


_HEADER_PUNCT = re.compile(r"[^\w]+|_", re.UNICODE)


def header_key(value: object) -> str:
    """A header cell reduced for matching: case, accents, punctuation and spacing ignored."""
    from iltdesk.domain.text import search_key

    text = search_key(cell_text(value))
    return " ".join(_HEADER_PUNCT.sub(" ", text).split())


# Particles that belong to the last name: "Maria de la Cruz", "Ludwig van Beethoven".
_PARTICLES = frozenset(
    (
        "da",
        "das",
        "de",
        "del",
        "della",
        "der",
        "di",
        "do",
        "dos",
        "du",
        "la",
        "le",
        "van",
        "von",
        "ten",
        "ter",
        "zu",
        "bin",
        "ibn",
        "al",
        "el",
        "st",
        "st.",
    )
)


def split_full_name(value: str) -> tuple[str, str]:
    """("First", "Last") from "Last, First" or "First Last"; a single word is a first name."""
    text = cell_text(value)
    if not text:
        return "", ""
    if "," in text:
        last, _, first = text.partition(",")
        return cell_text(first), cell_text(last)
    words = text.split(" ")
    if len(words) == 1:
        return text, ""
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].casefold() in _PARTICLES:
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])

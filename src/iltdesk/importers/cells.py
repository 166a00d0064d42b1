"""Normalising single cells: what a spreadsheet holds, as the text a learner record stores.

Every function here is total (never raises) and idempotent on its own output; property tests
check both.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

# Characters HR exports carry that look like nothing or like a space.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"\s+", re.UNICODE)
# Excel's day 0 is 1899-12-30 once its 1900 leap-year bug is accounted for (serials ≥ 61).
_EXCEL_EPOCH = datetime(1899, 12, 30)
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
        return tuple(raw)  # type: ignore[arg-type]
    return tuple(map(cell_text, raw))


def number_text(value: float) -> str:
    """A float as text: whole numbers without ".0", others in their shortest exact form."""
    if math.isnan(value) or math.isinf(value):
        return ""
    if value.is_integer():
        return str(int(value))
    return repr(value)


def serial_date(value: object) -> date | None:
    """An Excel date serial number (or a date/datetime) as a date; None when it is not one."""
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
    if not (1 <= value <= _LAST_SERIAL) or math.isnan(value):
        return None
    days = int(value)
    if days < 61:  # before Excel's phantom 29 Feb 1900 the offset is one day less
        days += 1
    return (_EXCEL_EPOCH + timedelta(days=days)).date()


_HEADER_PUNCT = re.compile(r"[^\w]+|_", re.UNICODE)


def header_key(value: object) -> str:
    """A header cell reduced for matching: case, accents, punctuation and spacing ignored."""
    from iltdesk.domain.text import search_key

    text = search_key(cell_text(value))
    return " ".join(_HEADER_PUNCT.sub(" ", text).split())


# Particles that belong to the last name: "Maria de la Cruz", "Ludwig van Beethoven".
_PARTICLES = frozenset(
    ("da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "la", "le", "van")
    + ("von", "ten", "ter", "zu", "bin", "ibn", "al", "el", "st", "st.")
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

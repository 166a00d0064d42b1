"""Forgiving search keys: `muller` finds "Müller", `o'brien` finds "O’Brien".

Names and emails are stored beside a normalised key (case-folded, accents stripped,
apostrophes dropped, other punctuation turned into spaces) and searched by key prefix, which
an ordinary index serves on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = "'’‘`´ʼ"  # noqa: RUF001 - every apostrophe people type
_PUNCT = re.compile(r"[^\w@.+]+", re.UNICODE)
# A sentinel above every character a key can hold, to turn a prefix into a range.
PREFIX_END = "\U0010ffff"


def search_key(*parts: str | None) -> str:
    """The normalised key for `parts` joined by spaces."""
    # Each part is normalised on its own (nothing in the normalisation crosses a space), and
    # names repeat, so parts are cached: bulk imports compute keys for tens of thousands.
    if len(parts) == 1:
        return _part_key(parts[0])
    return " ".join(key for key in map(_part_key, parts) if key)


@lru_cache(maxsize=16_384)
def _part_key(text: str | None) -> str:
    if not text:
        return ""
    if text.isascii():  # nothing to decompose; ASCII case-folding is lower()
        if text.isalnum():  # no apostrophe, punctuation or space to handle: most names
            return text.lower()
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.casefold()
    for mark in _APOSTROPHES:
        text = text.replace(mark, "")
    text = _PUNCT.sub(" ", text)
    return " ".join(text.split())


def clean_text(value: str | None) -> str:
    """Trim and NFC-normalise user text; `None` becomes the empty string."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", value).strip()


def prefix_range(prefix: str) -> tuple[str, str]:
    """The half-open key range `[low, high)` holding every key that starts with `prefix`."""
    return prefix, prefix + PREFIX_END

"""Translation hooks.

Every user-facing string goes through `_` / `ngettext`; `N_` marks module-level strings for
extraction without translating them at import time. `install()` (called once at start-up)
loads the catalog for the chosen language; until then strings pass through untranslated.

Catalogs live beside this module as `locale/<lang>/LC_MESSAGES/iltdesk.po` (the source, kept
in git). A compiled `.mo` next to it is used when present and newer (packaged builds compile
them); otherwise the `.po` is compiled in memory with babel, which takes a few milliseconds.
"""

from __future__ import annotations

import gettext as _gettext
import io
import logging
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "iltdesk"
LANGUAGES = ("en", "de")

log = logging.getLogger(__name__)

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


@cache
def load_translations(language: str) -> _gettext.NullTranslations:
    """The catalog for `language`, or pass-through when there is none (loaded once)."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    try:
        if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
            with mo.open("rb") as handle:
                return _gettext.GNUTranslations(handle)
        if po.exists():
            from babel.messages.mofile import write_mo
            from babel.messages.pofile import read_po

            with po.open("rb") as handle:
                catalog = read_po(handle, locale=language, domain=DOMAIN)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            return _gettext.GNUTranslations(buffer)
    except (OSError, ValueError):
        log.warning("the %s catalog could not be loaded", language, exc_info=True)
    return _gettext.NullTranslations()


def install(language: str | None) -> None:
    """Use the catalog for `language` (e.g. "de"); unknown languages fall back to English."""
    global _translations, _language
    _language = language or "en"
    _translations = load_translations(_language)


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The translation of a message with a count, in the right plural form."""
    return _translations.ngettext(singular, plural, n)


# Languages whose nouns keep their capital inside a sentence.
_NOUN_CAPITALS = frozenset({"de"})


def in_sentence(label: str) -> str:
    """A label quoted inside a sentence.

    Lower-cased, except in a language whose nouns keep their capital: "(waitlisted)", but
    "(Warteliste)", not "(warteliste)".
    """
    if _language.split("_")[0] in _NOUN_CAPITALS:
        return label
    return label.lower()


def archived_label(text: str, archived: bool = True) -> str:
    """`text` marked "(archived)" when `archived`: a course, room or instructor in a list."""
    return f"{text} {_('(archived)')}" if archived else text


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a message for translation without translating it yet."""
    return message

"""Translation hooks.

Every user-facing string goes through `_` / `ngettext`; `N_` marks module-level strings for
extraction without translating them at import time. The catalogs are installed by `install()`
(called once at start-up); until then strings pass through untranslated.
"""

from __future__ import annotations

import gettext as _gettext
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "iltdesk"

_translations: _gettext.NullTranslations = _gettext.NullTranslations()


def install(language: str | None) -> None:
    """Use the catalog for `language` (e.g. "de"); unknown languages fall back to English."""
    global _translations
    languages = [language] if language else None
    _translations = _gettext.translation(
        DOMAIN, localedir=str(LOCALE_DIR), languages=languages, fallback=True
    )


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    return message

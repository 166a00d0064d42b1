"""The German catalog is complete and safe, and formatting follows the locale."""

from __future__ import annotations

import re
from datetime import UTC
from datetime import datetime

from babel.messages.pofile import read_po

from iltdesk import formatting
from iltdesk import i18n

PLACEHOLDER = re.compile(r"\{[^}]*\}")


def catalog(name):
    path = i18n.LOCALE_DIR / name
    with path.open("rb") as handle:
        return read_po(handle)


def test_german_catalog_translates_every_extracted_string():
    template = {m.id for m in catalog("iltdesk.pot") if m.id}
    german = {m.id: m.string for m in catalog("de/LC_MESSAGES/iltdesk.po") if m.id}
    # A plural's forms come as a tuple, truthy even when every form is empty.
    missing = [m for m in template if not german.get(m) or not all(_forms(german[m]))]
    assert missing == []
    # A fuzzy entry is left out of the compiled catalogue, so the English shows: `make i18n`
    # marks an entry so when its message becomes a plural.
    fuzzy = [m.id for m in catalog("de/LC_MESSAGES/iltdesk.po") if m.id and m.fuzzy]
    assert fuzzy == []


def _forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)


def test_german_says_termin_for_a_session():
    """One word for one thing: a session is a "Termin" (31 messages said "Veranstaltung",
    among them the outbox's "Veranstaltung geändert"); the venue stays "Veranstaltungsort"."""
    stray = [
        text
        for message in catalog("de/LC_MESSAGES/iltdesk.po")
        if message.id
        for text in _forms(message.string)
        if re.search(r"Veranstaltung(?!sort)", text)
    ]
    assert stray == []


def test_every_source_string_is_in_the_template():
    # `make i18n` was run after the last string change: no new string is missing.
    from babel.messages.extract import extract_from_dir

    keywords = {"_": None, "N_": None, "tr": None, "ngettext": (1, 2)}
    found = {
        m[2] if isinstance(m[2], str) else tuple(m[2])
        for m in extract_from_dir(str(i18n.LOCALE_DIR.parent), keywords=keywords)
    }
    template = {m.id for m in catalog("iltdesk.pot") if m.id}
    assert found - template == set()


def test_german_placeholders_match():
    for message in catalog("de/LC_MESSAGES/iltdesk.po"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= wanted | set(PLACEHOLDER.findall(ids[0]))
            assert text.format(**{p.strip("{}").split(":")[0]: 1 for p in wanted}) is not None


def test_german_strings_and_dates(german):
    from iltdesk.domain.enums import EnrollmentStatus

    assert i18n._("Sessions") == "Termine"
    assert EnrollmentStatus.WAITLISTED.label() == "Warteliste"
    assert i18n.ngettext("{n} item", "{n} items", 3).format(n=3) == "3 Punkte"
    when = datetime(2026, 3, 12, 8, 0, tzinfo=UTC)
    span = formatting.format_span(when, when.replace(hour=16), "Europe/Berlin")
    assert span == "12.03.2026, 09:00–17:00 CET"  # zone abbreviations come from tzdata

"""Survey results exported from Microsoft Forms, Google Forms or any survey tool (xlsx or CSV).

Each row is one response; each column is a question, the respondent's email or name, a
response ID, or something to leave out (timestamps, tool columns). The columns are mapped to
the course's feedback form as a roster's columns are mapped to learner fields: guessed from
their headings (the question's wording in English or German, or a mapping remembered from the
last import), shown to the coordinator, and kept for next time.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from iltdesk.domain.feedback import DEFAULT_WORDING
from iltdesk.domain.feedback import FeedbackForm
from iltdesk.domain.text import search_key
from iltdesk.errors import UnreadableFileError
from iltdesk.i18n import _
from iltdesk.i18n import load_translations
from iltdesk.importers.reading import read_file

# What a column can be, besides a question ("question:<key>").
EMAIL = "email"
NAME = "name"
RESPONSE_ID = "id"
LEAVE_OUT = ""
QUESTION = "question:"

_EMAIL_HEADINGS = {
    "email",
    "e mail",
    "email address",
    "e mail adresse",
    "emailadresse",
    "user email",
    "respondent email",
    "your email",
}
_NAME_HEADINGS = {"name", "full name", "respondent", "your name", "vollstandiger name"}
_ID_HEADINGS = {"id", "response id", "respondent id", "submission id", "antwort id"}
_MATCH = 0.72  # how alike a heading and a question's wording must be to be taken for it


@dataclass(frozen=True)
class SurveyTable:
    """The export's headings and its response rows (with their line numbers in the file)."""

    headings: tuple[str, ...]
    rows: tuple[tuple[int, tuple[object, ...]], ...]


def read_survey(path: Path, form: FeedbackForm) -> SurveyTable:
    """The headings and rows of a survey export, or a sentence when it has neither."""
    source = read_file(path)
    sheet = max(source.sheets, key=lambda s: s.row_count)
    rows = sheet.rows
    header_at = _header_row(rows, form)
    if header_at is None:
        raise UnreadableFileError(
            _("{name} has no heading row: there are no survey answers to read.").format(
                name=path.name
            )
        )
    width = len(rows[header_at])
    headings = tuple(str(c or "").strip() for c in rows[header_at])
    body = tuple(
        (number, tuple(list(row) + [None] * (width - len(row))))
        for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2)
        if any(cell not in (None, "") for cell in row)
    )
    return SurveyTable(headings, body)


def _header_row(rows: Sequence[Sequence[object]], form: FeedbackForm) -> int | None:
    """The first row whose headings name a question (or, failing that, the first full row)."""
    first_full: int | None = None
    for index, row in enumerate(rows[:15]):
        filled = [str(c).strip() for c in row if c not in (None, "")]
        if len(filled) < 2:
            continue
        if first_full is None:
            first_full = index
        if any(guess_target(h, form, {}).startswith(QUESTION) for h in filled):
            return index
    return first_full


def guess_target(heading: str, form: FeedbackForm, remembered: Mapping[str, str]) -> str:
    """What a column is, from its heading: remembered, a known heading, or a question's wording."""
    key = search_key(heading)
    if not key:
        return LEAVE_OUT
    if key in remembered:
        target = remembered[key]
        known = {QUESTION + q.key for q in form.questions} | {EMAIL, NAME, RESPONSE_ID, LEAVE_OUT}
        if target in known:
            return target
    if key in _EMAIL_HEADINGS:
        return EMAIL
    if key in _NAME_HEADINGS:
        return NAME
    if key in _ID_HEADINGS:
        return RESPONSE_ID
    best, score = "", 0.0
    for question in form.questions:
        if key == search_key(question.key):
            return QUESTION + question.key
        for wording in _wordings(question.key, question.text):
            alike = SequenceMatcher(None, key, wording).ratio()
            if wording and (wording in key or key in wording) and min(len(key), len(wording)) > 8:
                alike = max(alike, 0.9)
            if alike > score:
                best, score = QUESTION + question.key, alike
    return best if score >= _MATCH else LEAVE_OUT


def _wordings(key: str, text: str) -> list[str]:
    """A question's wording as a heading may carry it: as edited, or the default (EN and DE)."""
    if text:
        return [search_key(text)]
    default = DEFAULT_WORDING.get(key)
    if default is None:
        return []
    return [search_key(default), search_key(load_translations("de").gettext(default))]


def question_key(target: str) -> str | None:
    """The question a column's target names, or None."""
    return target[len(QUESTION) :] if target.startswith(QUESTION) else None

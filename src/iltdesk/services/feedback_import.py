"""Survey results read into a session's feedback: plan (what the export holds), then apply.

The plan maps each column (guessed, remembered per course, or as the coordinator chose), reads
every row into a response, and says what it leaves out: columns that map to nothing, answers
that are not scores, respondents who are not on the roster (kept, without a name), and rows
already imported (the same response ID, or the same answers, are never counted twice).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.engine import Database
from iltdesk.db.entities import FeedbackResponse
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.feedback import Answer
from iltdesk.domain.feedback import AnswerError
from iltdesk.domain.feedback import FeedbackEntry
from iltdesk.domain.feedback import FeedbackForm
from iltdesk.domain.feedback import QuestionKind
from iltdesk.domain.feedback import read_score
from iltdesk.domain.text import search_key
from iltdesk.errors import UnreadableFileError
from iltdesk.i18n import _
from iltdesk.importers.cells import cell_text
from iltdesk.importers.survey import EMAIL
from iltdesk.importers.survey import LEAVE_OUT
from iltdesk.importers.survey import NAME
from iltdesk.importers.survey import QUESTION
from iltdesk.importers.survey import RESPONSE_ID
from iltdesk.importers.survey import guess_target
from iltdesk.importers.survey import question_key
from iltdesk.importers.survey import read_survey
from iltdesk.services import enrollment
from iltdesk.services import settings_store
from iltdesk.services.common import Outcome
from iltdesk.services.feedback import IMPORTED
from iltdesk.services.feedback import add_response
from iltdesk.services.feedback import course_of
from iltdesk.services.feedback import feedback_form

COLUMNS_KEY = "feedback_columns.{course_id}"


@dataclass(frozen=True)
class SurveyColumn:
    """One column of the export and what it maps to ("" = left out)."""

    index: int
    heading: str
    target: str


@dataclass(frozen=True)
class PlannedResponse:
    """One row of the export as a response."""

    line: int
    reference: str
    enrollment_id: int | None
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class FeedbackPlan:
    """What importing the export would add, and everything it would leave out."""

    session_id: int
    course_id: int
    file_name: str
    form: FeedbackForm
    headings: tuple[str, ...]
    columns: tuple[SurveyColumn, ...]
    responses: tuple[PlannedResponse, ...]  # new ones only
    already_imported: int
    rows: int
    problems: tuple[str, ...]  # answers left out, naming the line and question
    not_on_roster: tuple[str, ...]  # emails kept as anonymous responses

    @property
    def left_out(self) -> tuple[str, ...]:
        """Headings of columns that map to nothing."""
        return tuple(c.heading for c in self.columns if c.target == LEAVE_OUT and c.heading)

    @property
    def mapped_questions(self) -> int:
        return sum(1 for c in self.columns if c.target.startswith(QUESTION))


def plan_feedback_import(
    db: Database, session_id: int, path: Path, mapping: Mapping[int, str] | None = None
) -> FeedbackPlan:
    """Read a survey export for the session; `mapping` (column index → target) overrides."""
    with db.reading() as tx:
        course_id = course_of(tx, session_id)
        known = _references(tx, session_id)
    form = feedback_form(db, course_id)
    table = read_survey(path, form)
    remembered = remembered_columns(db, course_id)
    columns = tuple(
        SurveyColumn(
            i,
            heading,
            (
                mapping[i]
                if mapping is not None and i in mapping
                else guess_target(heading, form, remembered)
            ),
        )
        for i, heading in enumerate(table.headings)
    )
    if mapping is None and not any(c.target.startswith(QUESTION) for c in columns):
        raise UnreadableFileError(
            _(
                "None of the columns of {name} matches a question of the course's feedback "
                "form. Map the columns in the window (Import survey results…) or check that "
                "this is the survey of this course."
            ).format(name=path.name)
        )
    roster = enrollment.roster(db, session_id)
    by_email = {r.email.casefold(): r.enrollment_id for r in roster if r.email}
    by_name = {search_key(f"{r.first_name} {r.last_name}"): r.enrollment_id for r in roster} | {
        search_key(f"{r.last_name} {r.first_name}"): r.enrollment_id for r in roster
    }
    planned: list[PlannedResponse] = []
    problems: list[str] = []
    strangers: list[str] = []
    repeated = 0
    seen: set[str] = set()
    for line, cells in table.rows:
        row = _read_row(form, columns, line, cells)
        answers, email, name = row.answers, row.email, row.name
        if not answers:
            problems.extend(row.problems)
            continue
        reference = "import:" + (row.response_id or _digest(cells))
        if reference in known or reference in seen:
            repeated += 1
            continue
        seen.add(reference)
        problems.extend(row.problems)
        place = by_email.get(email.casefold()) if email else None
        if place is None and name:
            place = by_name.get(search_key(name))
        if place is None and (email or name):
            strangers.append(email or name)
        planned.append(PlannedResponse(line, reference, place, tuple(answers)))
    return FeedbackPlan(
        session_id=session_id,
        course_id=course_id,
        file_name=path.name,
        form=form,
        headings=table.headings,
        columns=columns,
        responses=tuple(planned),
        already_imported=repeated,
        rows=len(table.rows),
        problems=tuple(problems),
        not_on_roster=tuple(strangers),
    )


def apply_feedback_import(
    db: Database, plan: FeedbackPlan, *, remember: bool = True
) -> Outcome[int]:
    """Add the plan's responses in one transaction (and remember its column mapping)."""

    def work(tx: OrmSession) -> Outcome[int]:
        known = _references(tx, plan.session_id)
        added = 0
        for response in plan.responses:
            if response.reference in known:
                continue  # imported meanwhile (another coordinator, another window)
            entry = FeedbackEntry(response.enrollment_id, response.answers)
            add_response(tx, plan.session_id, entry, IMPORTED, response.reference)
            added += 1
        return Outcome(added, Changes.of(Entity.FEEDBACK, plan.session_id))

    outcome = db.write(work)
    if remember:
        remembered = dict(remembered_columns(db, plan.course_id))
        remembered.update({search_key(c.heading): c.target for c in plan.columns if c.heading})
        settings_store.set_setting(db, COLUMNS_KEY.format(course_id=plan.course_id), remembered)
    return outcome


@dataclass
class _Row:
    answers: list[Answer]
    problems: list[str]
    email: str = ""
    name: str = ""
    response_id: str = ""


def _read_row(
    form: FeedbackForm, columns: tuple[SurveyColumn, ...], line: int, cells: tuple[object, ...]
) -> _Row:
    """One export row's answers and respondent, with the answers it cannot read."""
    row = _Row([], [])
    for column in columns:
        value = cells[column.index] if column.index < len(cells) else None
        if column.target == EMAIL:
            row.email = cell_text(value)
        elif column.target == NAME:
            row.name = cell_text(value)
        elif column.target == RESPONSE_ID:
            row.response_id = cell_text(value)
        elif (key := question_key(column.target)) is not None:
            question = form.question(key)
            if question is None:
                continue
            if question.kind is QuestionKind.TEXT:
                if cell_text(value):
                    row.answers.append(Answer(key, None, cell_text(value)))
                continue
            try:
                score = read_score(question.kind, value)
            except AnswerError as error:
                row.problems.append(
                    _("Line {line}, “{heading}”: {problem}; the answer is left out.").format(
                        line=line, heading=column.heading, problem=error
                    )
                )
                continue
            if score is not None:
                row.answers.append(Answer(key, score))
    return row


def remembered_columns(db: Database, course_id: int) -> dict[str, str]:
    """The mapping the last import of this course's survey used (folded heading → target)."""
    stored = settings_store.get_setting(db, COLUMNS_KEY.format(course_id=course_id))
    if not isinstance(stored, dict):
        return {}
    return {str(k): str(v) for k, v in stored.items()}


def _references(tx: OrmSession, session_id: int) -> set[str]:
    return set(
        tx.scalars(
            select(FeedbackResponse.reference).where(FeedbackResponse.session_id == session_id)
        )
    )


def _digest(cells: tuple[object, ...]) -> str:
    """A response's fingerprint when the export has no response ID: its whole row.

    The row holds the timestamp survey tools write, so two anonymous people giving the same
    answers stay two.
    """
    content = "\x1f".join(cell_text(cell) for cell in cells)
    return "sha1-" + hashlib.sha1(content.encode(), usedforsecurity=False).hexdigest()[:20]

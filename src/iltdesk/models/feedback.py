"""Feedback tables: a session's results per question, and the grid paper forms are typed into."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QObject
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import Qt

from iltdesk import formatting
from iltdesk.domain.feedback import Answer
from iltdesk.domain.feedback import AnswerError
from iltdesk.domain.feedback import FeedbackEntry
from iltdesk.domain.feedback import FeedbackForm
from iltdesk.domain.feedback import Question
from iltdesk.domain.feedback import QuestionKind
from iltdesk.domain.feedback import QuestionResult
from iltdesk.domain.feedback import read_score
from iltdesk.i18n import _
from iltdesk.models.base import Column
from iltdesk.models.base import ItemData
from iltdesk.models.base import RowTableModel
from iltdesk.models.base import TableModel

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ResultLine:
    """One rated question's results, with the course's beside them."""

    session: QuestionResult
    course: QuestionResult | None


def _average(result: QuestionResult | None) -> str:
    if result is None or result.average is None:
        return "—"
    return formatting.format_score(result.average)


def _spread(line: ResultLine) -> str:
    result = line.session
    pairs = zip(result.question.kind.scores, result.distribution, strict=True)
    return " · ".join(f"{score}: {count}" for score, count in pairs if count) or "—"


def _tooltip(line: ResultLine) -> str:
    result = line.session
    if result.net_promoter is None:
        return result.question.wording()
    return _("Net promoter score: {score}").format(score=result.net_promoter)


class FeedbackResultsTableModel(RowTableModel[ResultLine]):
    """The rated questions: average, the course's average, answers and their spread."""

    QUESTION, AVERAGE, COURSE, ANSWERS, SPREAD = range(5)
    columns = (
        Column(lambda: _("Question"), lambda r: r.session.question.wording(), tooltip=_tooltip),
        Column(
            lambda: _("Average"),
            lambda r: _average(r.session),
            sort=lambda r: r.session.average or 0,
            align_right=True,
        ),
        Column(
            lambda: _("Course average"),
            lambda r: _average(r.course),
            sort=lambda r: r.course.average if r.course and r.course.average else 0,
            align_right=True,
        ),
        Column(
            lambda: _("Answers"),
            lambda r: formatting.format_number(r.session.answered),
            sort=lambda r: r.session.answered,
            align_right=True,
        ),
        Column(lambda: _("Spread (score: answers)"), _spread, tooltip=_tooltip),
    )


LEARNER_ROLE = Qt.ItemDataRole.UserRole + 10  # the enrollment id of a named form (or None)


@dataclass
class _Form:
    """One paper form as typed: whose it is, and its answers by question key."""

    learner: int | None = None
    answers: dict[str, int | str] = field(default_factory=dict)


class FeedbackEntryTableModel(TableModel):
    """Paper forms, one row each: the learner (blank: anonymous), then one cell per question.

    There is always one blank row at the end: typing into it starts the next form. A score
    the question does not allow is refused (`setData` returns False).
    """

    def __init__(
        self, form: FeedbackForm, learners: Mapping[int, str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.form = form
        self.questions: tuple[Question, ...] = form.questions
        self.learners = dict(learners)
        self._rows: list[_Form] = [_Form()]
        self.last_problem = ""

    # --- structure ---
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's API
        return 0 if parent.isValid() else len(self.questions) + 1

    def question_at(self, column: int) -> Question | None:
        return self.questions[column - 1] if 1 <= column <= len(self.questions) else None

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> ItemData:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._rows):
                return str(section + 1)
            return None
        question = self.question_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return _("Learner")
            if question is not None:
                return _short(question.label())
        if role == Qt.ItemDataRole.ToolTipRole and question is not None:
            scores = question.kind.scores
            if not scores:
                return question.wording()
            return f"{question.wording()} ({scores[0]}–{scores[-1]})"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> ItemData:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if index.column() == 0:
            learner = row.learner
            if role == LEARNER_ROLE:
                return learner
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return self.learners.get(learner, "") if learner is not None else ""
            return None
        question = self.question_at(index.column())
        if question is None:
            return None
        value = row.answers.get(question.key)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and question.kind is not QuestionKind.TEXT:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def setData(  # noqa: N802 - Qt's name
        self, index: Index, value: ItemData, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return False
        row = self._rows[index.row()]
        if index.column() == 0:
            if role not in (LEARNER_ROLE, Qt.ItemDataRole.EditRole):
                return False
            learner = int(value) if value not in (None, "") else None
            if learner is not None and learner not in self.learners:
                return False
            row.learner = learner
        else:
            question = self.question_at(index.column())
            if question is None or role != Qt.ItemDataRole.EditRole:
                return False
            text = str(value or "").strip()
            answer: int | str | None = text or None
            if question.kind is not QuestionKind.TEXT:
                try:
                    answer = read_score(question.kind, text)
                except AnswerError as error:
                    self.last_problem = f"{_short(question.wording())}: {error}"
                    return False
            if answer is None:
                row.answers.pop(question.key, None)
            else:
                row.answers[question.key] = answer
        self.last_problem = ""
        self.dataChanged.emit(index, index)
        self._keep_a_blank_row()
        return True

    def _keep_a_blank_row(self) -> None:
        last = self._rows[-1]
        if last.learner is not None or last.answers:
            end = len(self._rows)
            self.beginInsertRows(QModelIndex(), end, end)
            self._rows.append(_Form())
            self.endInsertRows()

    def remove_rows(self, rows: Sequence[int]) -> None:
        """Remove forms typed by mistake (the blank row at the end stays)."""
        for row in sorted(set(rows), reverse=True):
            if 0 <= row < len(self._rows) - 1:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()

    # --- content ---
    def entries(self) -> list[FeedbackEntry]:
        """The forms typed so far (blank rows left out)."""
        entries = []
        for row in self._rows:
            answers = tuple(
                Answer(q.key, None, str(row.answers[q.key]))
                if q.kind is QuestionKind.TEXT
                else Answer(q.key, int(row.answers[q.key]))
                for q in self.questions
                if q.key in row.answers
            )
            if answers:
                entries.append(FeedbackEntry(row.learner, answers))
        return entries

    @property
    def named(self) -> set[int]:
        """Learners who already have a form in the grid."""
        return {r.learner for r in self._rows if r.learner is not None}


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

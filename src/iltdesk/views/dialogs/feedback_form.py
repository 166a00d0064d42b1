"""A course's feedback questions: reword, add, remove, reorder, or go back to the default.

A question left with its default wording prints in each reader's language (English or
German); a reworded one prints as written. Keys stay with their questions, so results stay
comparable after rewording, and the reports keep reading "overall" and "instructor".
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.domain.feedback import DEFAULT_QUESTIONS
from iltdesk.domain.feedback import DEFAULT_WORDING
from iltdesk.domain.feedback import Question
from iltdesk.domain.feedback import QuestionKind
from iltdesk.domain.feedback import check_form
from iltdesk.domain.feedback import new_key
from iltdesk.i18n import _
from iltdesk.services import feedback
from iltdesk.views.context import AppContext
from iltdesk.views.widgets import SAVE_CANCEL
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import error_label

KIND, WORDING = range(2)


class FeedbackFormDialog(QDialog):
    """Edit one course's feedback form."""

    def __init__(
        self, parent: QWidget | None, ctx: AppContext, course_id: int, course: str
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.course_id = course_id
        self.setWindowTitle(_("Feedback questions — {course}").format(course=course))
        self.resize(820, 460)
        self.keys: list[str] = []
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([_("Answered as"), _("Question")])
        self.table.setAccessibleName(_("Questions"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(KIND, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WORDING, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(_("&Add question"))
        self.add_button.clicked.connect(
            lambda: self.add(Question(new_key(self.questions()), QuestionKind.SCALE))
        )
        self.remove_button = QPushButton(_("&Remove"))
        self.remove_button.clicked.connect(self.remove)
        self.up_button = QPushButton(_("Move &up"))
        self.up_button.clicked.connect(lambda: self.move_question(-1))
        self.down_button = QPushButton(_("Move do&wn"))
        self.down_button.clicked.connect(lambda: self.move_question(1))
        self.default_button = QPushButton(_("Restore the &default form"))
        self.default_button.clicked.connect(lambda: self.fill(DEFAULT_QUESTIONS))
        side = QVBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            side.addWidget(button)
        side.addStretch(1)
        side.addWidget(self.default_button)
        middle = QHBoxLayout()
        middle.addWidget(self.table, 1)
        middle.addLayout(side)
        hint = QLabel(
            _(
                "A question left in its default wording prints in each learner's language; "
                "a reworded one prints as you write it."
            )
        )
        hint.setWordWrap(True)
        self.problem = error_label()
        self.buttons = button_box(self, SAVE_CANCEL, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(middle, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        form = ctx.attempt(self, lambda: feedback.feedback_form(ctx.db, course_id))
        self.fill(form.questions if form is not None else DEFAULT_QUESTIONS)

    # --- rows ---
    def fill(self, questions: tuple[Question, ...] | list[Question]) -> None:
        self.table.setRowCount(0)
        self.keys = []
        for question in questions:
            self.add(question)

    def add(self, question: Question) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.keys.append(question.key)
        kind = QComboBox()
        for choice in QuestionKind:
            kind.addItem(choice.label(), choice.value)
        kind.setCurrentIndex(kind.findData(question.kind.value))
        wording = QLineEdit(question.text)
        default = DEFAULT_WORDING.get(question.key)
        wording.setPlaceholderText(_(default) if default else _("Type the question"))
        wording.setAccessibleName(_("Question {n}").format(n=row + 1))
        self.table.setCellWidget(row, KIND, kind)
        self.table.setCellWidget(row, WORDING, wording)
        self.table.setCurrentCell(row, WORDING)

    def _widgets(self, row: int) -> tuple[QComboBox, QLineEdit]:
        kind = self.table.cellWidget(row, KIND)
        wording = self.table.cellWidget(row, WORDING)
        assert isinstance(kind, QComboBox)
        assert isinstance(wording, QLineEdit)
        return kind, wording

    def questions(self) -> list[Question]:
        """The form as it stands in the dialog."""
        found = []
        for row, key in enumerate(self.keys):
            kind, wording = self._widgets(row)
            found.append(
                Question(key, QuestionKind(str(kind.currentData())), wording.text().strip())
            )
        return found

    def remove(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.keys):
            questions = self.questions()
            del questions[row]
            self.fill(questions)

    def move_question(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        questions = self.questions()
        if 0 <= row < len(questions) and 0 <= target < len(questions):
            questions[row], questions[target] = questions[target], questions[row]
            self.fill(questions)
            self.table.setCurrentCell(target, WORDING)

    # --- saving ---
    def save(self) -> None:
        questions = self.questions()
        problems = check_form(questions)
        if problems:
            self.problem.setText(" ".join(problems))
            return
        stored = None if tuple(questions) == DEFAULT_QUESTIONS else questions
        if (
            self.ctx.op(
                self, lambda: feedback.set_feedback_form(self.ctx.db, self.course_id, stored)
            )
            is not None
        ):
            self.accept()

"""Feedback › Type paper forms…: a grid to type a pile of printed forms at keyboard speed.

One row per form. In a 1–5 column a single digit is the answer and the cursor moves on to the
next question; 0–10 and comments are typed and confirmed with Enter or Tab; after the last
question the cursor goes to the next form. The learner column is optional (anonymous forms
stay blank): pick the name from the roster. Nothing is kept until Save, which keeps every form
in one step; a score a question does not allow is refused where it is typed.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemDelegate
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QStyledItemDelegate
from PySide6.QtWidgets import QStyleOptionViewItem
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.domain.feedback import FeedbackForm
from iltdesk.domain.feedback import QuestionKind
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.models.feedback import LEARNER_ROLE
from iltdesk.models.feedback import FeedbackEntryTableModel
from iltdesk.services import enrollment
from iltdesk.services import feedback
from iltdesk.views.context import AppContext
from iltdesk.views.widgets import SAVE_CANCEL
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import error_label

Index = QModelIndex | QPersistentModelIndex


class LearnerDelegate(QStyledItemDelegate):
    """The learner column: a list of the roster's names, "Anonymous" first."""

    def __init__(self, learners: dict[int, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.learners = learners

    def createEditor(  # noqa: N802 - Qt's name
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        del option, index
        combo = QComboBox(parent)
        combo.addItem(_("Anonymous"), None)
        for enrollment_id, name in sorted(self.learners.items(), key=lambda i: i[1].casefold()):
            combo.addItem(name, enrollment_id)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802 - Qt's name
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(LEARNER_ROLE))))

    def setModelData(  # noqa: N802 - Qt's name
        self, editor: QWidget, model: QAbstractItemModel, index: Index
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), LEARNER_ROLE)


class EntryView(QTableView):
    """The grid: a digit in a 1–5 column answers it and moves on; Enter ends a form's row."""

    def __init__(self, model: FeedbackEntryTableModel, problem: QLabel) -> None:
        super().__init__()
        self.entry_model = model
        self.problem = problem
        self.setModel(model)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        index = self.currentIndex()
        question = self.entry_model.question_at(index.column()) if index.isValid() else None
        text = event.text()
        if (
            question is not None
            and question.kind is QuestionKind.SCALE
            and len(text) == 1
            and text.isdigit()
            and self.state() != QAbstractItemView.State.EditingState
        ):
            if self.entry_model.setData(index, text):
                self.problem.setText("")
                self.advance(index)
            else:
                self.problem.setText(self.entry_model.last_problem)
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and index.isValid():
            for chosen in self.selectedIndexes() or [index]:
                self.entry_model.setData(chosen, None if chosen.column() == 0 else "")
            return
        super().keyPressEvent(event)

    def advance(self, index: QModelIndex) -> None:
        """To the next question, or the first question of the next form."""
        last = self.entry_model.columnCount() - 1
        if index.column() < last:
            self.setCurrentIndex(self.entry_model.index(index.row(), index.column() + 1))
        else:
            self.setCurrentIndex(self.entry_model.index(index.row() + 1, 1))

    def closeEditor(  # noqa: N802 - Qt's name
        self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint
    ) -> None:
        index = self.currentIndex()
        problem = self.entry_model.last_problem
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        self.problem.setText(problem)
        if problem or hint is QAbstractItemDelegate.EndEditHint.RevertModelCache:
            return
        if hint in (
            QAbstractItemDelegate.EndEditHint.SubmitModelCache,
            QAbstractItemDelegate.EndEditHint.EditNextItem,
        ):
            self.advance(index)
        elif hint is QAbstractItemDelegate.EndEditHint.EditPreviousItem and index.column() > 0:
            self.setCurrentIndex(self.entry_model.index(index.row(), index.column() - 1))


class FeedbackEntryDialog(QDialog):
    """Type paper forms for one session, then keep them all at once."""

    def __init__(
        self, parent: QWidget | None, ctx: AppContext, session_id: int, form: FeedbackForm
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session_id = session_id
        self.setWindowTitle(_("Type paper feedback forms"))
        self.resize(980, 480)
        roster = enrollment.roster(ctx.db, session_id)
        learners = {
            r.enrollment_id: f"{r.last_name}, {r.first_name}"
            for r in roster
            if r.status in SEAT_HOLDING
        }
        self.model = FeedbackEntryTableModel(form, learners, self)
        self.problem = error_label()
        self.view = EntryView(self.model, self.problem)
        self.view.setItemDelegateForColumn(0, LearnerDelegate(learners, self.view))
        self.view.setAccessibleName(_("Feedback forms"))
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(92)
        header.resizeSection(0, 180)
        self.view.setWordWrap(True)
        self.count = QLabel()
        self.model.dataChanged.connect(self._count)
        self.model.rowsInserted.connect(self._count)
        self.model.rowsRemoved.connect(self._count)
        hint = QLabel(
            _(
                "One row per form. In a 1–5 column type the digit ticked: the cursor moves on. "
                "Type 0–10 and comments, then Enter. Leave the learner blank for an anonymous "
                "form. Delete clears a cell."
            )
        )
        hint.setWordWrap(True)
        self.buttons = button_box(self, SAVE_CANCEL, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.count)
        layout.addWidget(self.buttons)
        self.view.setCurrentIndex(self.model.index(0, 1))
        self._count()

    def _count(self, *_args: object) -> None:
        typed = len(self.model.entries())
        self.count.setText(ngettext("{n} form typed", "{n} forms typed", typed).format(n=typed))
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(typed > 0)

    def save(self) -> None:
        entries = self.model.entries()
        if not entries:
            self.reject()
            return
        outcome = self.ctx.op(
            self, lambda: feedback.record_feedback(self.ctx.db, self.session_id, entries)
        )
        if outcome is not None:
            self.accept()

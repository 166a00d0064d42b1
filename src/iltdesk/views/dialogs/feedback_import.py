"""Feedback › Import survey results…: map the export's columns, see what comes in, import.

Each column of the export is shown with its first answer and what it maps to: a question of
the course's form, the respondent's email or name, a response ID, or nothing. The guesses come
from the headings (the question's wording in English or German) and from the columns chosen the
last time this course's survey was imported. Below: how many responses are new, how many were
imported before, the answers that are not scores (by line), the respondents not on the roster
(kept without a name) and the columns left out.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.importers.survey import EMAIL
from iltdesk.importers.survey import LEAVE_OUT
from iltdesk.importers.survey import NAME
from iltdesk.importers.survey import QUESTION
from iltdesk.importers.survey import RESPONSE_ID
from iltdesk.importers.survey import read_survey
from iltdesk.services.feedback_import import FeedbackPlan
from iltdesk.services.feedback_import import apply_feedback_import
from iltdesk.services.feedback_import import plan_feedback_import
from iltdesk.views.context import AppContext
from iltdesk.views.widgets import error_label

MAPS_TO = 2  # the mapping table's column of choices


class FeedbackImportDialog(QDialog):
    """One survey export, mapped and imported into one session's feedback."""

    @classmethod
    def open_for(
        cls, parent: QWidget, ctx: AppContext, session_id: int, path: Path
    ) -> FeedbackImportDialog | None:
        """The dialog on `path`, or None when the file cannot be read (said in a message)."""
        plan = ctx.attempt(parent, lambda: plan_feedback_import(ctx.db, session_id, path, {}))
        if plan is None:
            return None
        return cls(parent, ctx, path, plan)

    def __init__(
        self, parent: QWidget | None, ctx: AppContext, path: Path, plan: FeedbackPlan
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = path
        self.plan = plan
        self.setWindowTitle(_("Import survey results — {file}").format(file=path.name))
        self.resize(860, 560)
        intro = QLabel(
            _(
                "Check what each column of the export is. Columns that are no question of the "
                "course's form are left out."
            )
        )
        intro.setWordWrap(True)
        first = self._first_answers()
        self.table = QTableWidget(len(plan.columns), 3)
        self.table.setHorizontalHeaderLabels([_("Column"), _("First answer"), _("Is")])
        self.table.setAccessibleName(_("Columns of the export"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(MAPS_TO, QHeaderView.ResizeMode.Stretch)
        self.choices: list[QComboBox] = []
        for row, column in enumerate(plan.columns):
            self.table.setItem(row, 0, QTableWidgetItem(column.heading))
            self.table.setItem(row, 1, QTableWidgetItem(first.get(column.index, "")))
            combo = self._choice(column.target)
            combo.setAccessibleName(column.heading)
            combo.currentIndexChanged.connect(self._replan)
            self.table.setCellWidget(row, MAPS_TO, combo)
            self.choices.append(combo)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.problem = error_label()
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setAccessibleName(_("What is left out"))
        self.notes.setMaximumHeight(130)
        self.remember = QCheckBox(_("&Remember these columns for this course's next survey"))
        self.remember.setChecked(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            _("&Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.problem)
        layout.addWidget(self.notes)
        layout.addWidget(self.remember)
        layout.addWidget(self.buttons)
        self._show_plan()

    def _choice(self, target: str) -> QComboBox:
        combo = QComboBox()
        combo.addItem(_("Leave out"), LEAVE_OUT)
        combo.addItem(_("Respondent's email"), EMAIL)
        combo.addItem(_("Respondent's name"), NAME)
        combo.addItem(_("Response ID"), RESPONSE_ID)
        for question in self.plan.form.questions:
            combo.addItem(
                _("Question: {wording}").format(wording=question.wording()),
                QUESTION + question.key,
            )
        combo.setCurrentIndex(max(0, combo.findData(target)))
        return combo

    def _first_answers(self) -> dict[int, str]:
        try:
            table = read_survey(self.path, self.plan.form)
        except UserError:  # the file changed or went since it was read: no examples to show
            return {}
        if not table.rows:
            return {}
        _line, cells = table.rows[0]
        return {i: "" if c is None else str(c) for i, c in enumerate(cells)}

    def mapping(self) -> dict[int, str]:
        """What the coordinator chose for each column."""
        return {
            column.index: str(combo.currentData())
            for column, combo in zip(self.plan.columns, self.choices, strict=True)
        }

    def choose(self, heading: str, target: str) -> None:
        """Map the column with `heading` to `target` (as picking it in its list does)."""
        for column, combo in zip(self.plan.columns, self.choices, strict=True):
            if column.heading == heading:
                combo.setCurrentIndex(combo.findData(target))

    def _replan(self) -> None:
        plan = self.ctx.attempt(
            self,
            lambda: plan_feedback_import(
                self.ctx.db, self.plan.session_id, self.path, self.mapping()
            ),
        )
        if plan is not None:
            self.plan = plan
            self._show_plan()

    def _show_plan(self) -> None:
        plan = self.plan
        lines = [
            ngettext("{n} new response", "{n} new responses", len(plan.responses)).format(
                n=len(plan.responses)
            )
        ]
        if plan.already_imported:
            lines.append(
                ngettext(
                    "{n} imported before (left out)",
                    "{n} imported before (left out)",
                    plan.already_imported,
                ).format(n=plan.already_imported)
            )
        self.summary.setText(" · ".join(lines))
        if not plan.mapped_questions:
            self.problem.setText(
                _("No column is a question of the course's form: choose what the columns are.")
            )
        elif not plan.responses:
            self.problem.setText(_("There is nothing new to import."))
        else:
            self.problem.setText("")
        notes = list(plan.problems)
        if plan.not_on_roster:
            notes.append(
                _("Not on the roster (kept without a name): {who}").format(
                    who=", ".join(plan.not_on_roster)
                )
            )
        notes.extend(
            _("Left out: the column “{heading}”.").format(heading=heading)
            for heading in plan.left_out
        )
        self.notes.setPlainText("\n".join(notes))
        self.import_button.setEnabled(bool(plan.mapped_questions and plan.responses))

    def apply(self) -> None:
        plan, remember = self.plan, self.remember.isChecked()
        outcome = self.ctx.op(
            self, lambda: apply_feedback_import(self.ctx.db, plan, remember=remember)
        )
        if outcome is not None:
            self.accept()

"""The session window's Feedback tab: results, comments, and the ways feedback comes in.

Paper forms are printed (Documents › Feedback forms…) and typed into a grid; online surveys are
read from the tool's export; both land in the same results: the response rate, each rated
question's average beside the course's, their spread, and the comments.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.i18n import N_
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.models.base import ROW_ROLE
from iltdesk.models.base import Column
from iltdesk.models.base import RowTableModel
from iltdesk.models.feedback import FeedbackResultsTableModel
from iltdesk.models.feedback import ResultLine
from iltdesk.services import feedback
from iltdesk.services.feedback import ResponseRow
from iltdesk.services.feedback import SessionFeedback
from iltdesk.views.context import AppContext
from iltdesk.views.modal import run_modal
from iltdesk.views.widgets import MANY
from iltdesk.views.widgets import make_table

SURVEY_FILES = N_("Survey exports (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;All files (*)")


def ask_survey_file(parent: QWidget) -> Path | None:
    """The survey export to read (the one place tests patch)."""
    name, _filter = QFileDialog.getOpenFileName(
        parent, _("Import survey results"), "", _(SURVEY_FILES)
    )
    return Path(name) if name else None


def confirm_remove(parent: QWidget, count: int) -> bool:
    """Whether to remove responses (the one place tests patch)."""
    answer = QMessageBox.question(
        parent,
        _("Remove responses"),
        ngettext(
            "Remove this response from the session's feedback? The audit trail keeps that it "
            "was there.",
            "Remove these {n} responses from the session's feedback? The audit trail keeps "
            "that they were there.",
            count,
        ).format(n=count),
    )
    return answer == QMessageBox.StandardButton.Yes


class ResponsesTableModel(RowTableModel[ResponseRow]):
    """The responses received: who (or anonymous), how, when."""

    columns = (
        Column(lambda: _("Learner"), lambda r: r.learner or _("Anonymous")),
        Column(
            lambda: _("From"),
            lambda r: _("Paper form") if r.source == feedback.PAPER else _("Survey export"),
        ),
        Column(
            lambda: _("Received"),
            lambda r: formatting.format_datetime(r.received_at, r.timezone),
            sort=lambda r: r.received_at,
        ),
        Column(
            lambda: _("Answers"),
            lambda r: formatting.format_number(len(r.answers)),
            sort=lambda r: len(r.answers),
            align_right=True,
        ),
    )


class SessionFeedbackTab(QWidget):
    """Results for one session, refreshed whenever its feedback or its course's form changes."""

    def __init__(
        self,
        ctx: AppContext,
        session_id: int,
        print_forms: Callable[[], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session_id = session_id
        self.found: SessionFeedback | None = None
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.enter_button = QPushButton(_("T&ype paper forms…"))
        self.enter_button.setToolTip(_("Type the ticks of printed forms, one row per form"))
        self.enter_button.clicked.connect(self.enter_forms)
        self.import_button = QPushButton(_("Import survey res&ults…"))
        self.import_button.setToolTip(
            _("Read an export of Microsoft Forms, Google Forms or any survey tool (xlsx, CSV)")
        )
        self.import_button.clicked.connect(self.import_results)
        self.print_button = QPushButton(_("Print &forms…"))
        self.print_button.setToolTip(_("The feedback form with this session's details"))
        self.print_button.clicked.connect(print_forms)
        self.form_button = QPushButton(_("Edit the course's &questions…"))
        self.form_button.clicked.connect(self.edit_form)
        buttons = QHBoxLayout()
        for button in (self.enter_button, self.import_button, self.print_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.form_button)
        self.results_model = FeedbackResultsTableModel(self)
        self.results_view = QTableView()
        self.results_view.setModel(self.results_model)
        self.results_view.setAccessibleName(_("Feedback results"))
        self.results_view.verticalHeader().hide()
        header = self.results_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.comments = QPlainTextEdit()
        self.comments.setReadOnly(True)
        self.comments.setAccessibleName(_("Comments"))
        self.responses_model = ResponsesTableModel(self)
        self.responses_view = make_table(self.responses_model, _("Responses"), selection=MANY)
        self.responses_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.responses_view.customContextMenuRequested.connect(self._responses_menu)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(_titled(_("Comments"), self.comments))
        lower.addWidget(_titled(_("Responses"), self.responses_view))
        self.debrief_box = self._build_debrief()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(self.results_view, 3)
        layout.addWidget(lower, 2)
        layout.addWidget(self.debrief_box)
        ctx.changes_applied.connect(self._on_changes)
        self.reload()

    def _build_debrief(self) -> QWidget:
        """A pilot's debrief: what to change in the agenda and the guide."""
        self.debrief = QPlainTextEdit()
        self.debrief.setAccessibleName(_("Debrief"))
        self.debrief.setPlaceholderText(
            _("What to change in the agenda and the facilitator guide after this pilot")
        )
        self.debrief.setMaximumHeight(90)
        self.debrief_button = QPushButton(_("&Keep the debrief"))
        self.debrief_button.clicked.connect(self.save_debrief)
        box = _titled(_("Pilot debrief"), self.debrief)
        box_layout = box.layout()
        assert box_layout is not None  # `_titled` gives it one
        box_layout.addWidget(self.debrief_button)
        return box

    def reload(self) -> None:
        found = self.ctx.attempt(
            self, lambda: feedback.session_feedback(self.ctx.db, self.session_id)
        )
        if found is None:
            return
        self.found = found
        results = found.results
        rate = (
            formatting.format_rate(results.response_rate)
            if results.response_rate is not None
            else "—"
        )
        lines = [
            ngettext(
                "{n} response from {attended} who attended ({rate})",
                "{n} responses from {attended} who attended ({rate})",
                results.responses,
            ).format(n=results.responses, attended=results.attended, rate=rate)
        ]
        for result in results.questions:
            if result.net_promoter is not None:
                lines.append(_("Net promoter score: {score}").format(score=result.net_promoter))
        link = found.survey_link or _("the organisation's survey link (Mail settings)")
        lines.append(_("The feedback request sends learners to {link}.").format(link=link))
        self.summary.setText(" · ".join(lines[:-1]) + "\n" + lines[-1])
        self.results_model.set_rows(
            [
                ResultLine(r, found.course_results.result(r.question.key))
                for r in results.questions
                if r.question.kind.scores
            ]
        )
        comments: list[str] = []
        for result in results.questions:
            if result.comments:
                comments.append(result.question.wording())
                comments.extend(f"  – {c}" for c in result.comments)
                comments.append("")
        self.comments.setPlainText("\n".join(comments) or _("No comments yet."))
        self.responses_model.set_rows(list(found.responses))
        from iltdesk.services import scheduling

        row = scheduling.get_session(self.ctx.db, self.session_id)
        self.debrief_box.setVisible(row.pilot)
        if row.pilot and not self.debrief.document().isModified():
            self.debrief.setPlainText(row.debrief)

    def save_debrief(self) -> None:
        from iltdesk.services.pilots import set_debrief

        text = self.debrief.toPlainText()
        if self.ctx.op(self, lambda: set_debrief(self.ctx.db, self.session_id, text)):
            self.debrief.document().setModified(False)

    def _on_changes(self, changes: Changes) -> None:
        if changes.ids(Entity.FEEDBACK) & {self.session_id, 0} or any(
            changes.touches(kind) for kind in (Entity.COURSE, Entity.SETTING, Entity.ATTENDANCE)
        ):
            self.reload()

    # --- ways in ---
    def enter_forms(self) -> None:
        from iltdesk.views.dialogs.feedback_entry import FeedbackEntryDialog

        if self.found is None:
            return
        run_modal(FeedbackEntryDialog(self, self.ctx, self.session_id, self.found.form))

    def import_results(self, path: Path | None = None) -> None:
        from iltdesk.views.dialogs.feedback_import import FeedbackImportDialog

        path = path or ask_survey_file(self)
        if path is None:
            return
        dialog = FeedbackImportDialog.open_for(self, self.ctx, self.session_id, path)
        if dialog is not None:
            run_modal(dialog)

    def edit_form(self) -> None:
        from iltdesk.views.dialogs.feedback_form import FeedbackFormDialog

        if self.found is None:
            return
        run_modal(FeedbackFormDialog(self, self.ctx, self.found.course_id, self.found.course))

    def remove_selected(self) -> None:
        chosen = [
            self.responses_model.index(i.row(), 0).data(ROW_ROLE)
            for i in self.responses_view.selectionModel().selectedRows()
        ]
        ids = [r.response_id for r in chosen if isinstance(r, ResponseRow)]
        if not ids or not confirm_remove(self, len(ids)):
            return
        self.ctx.op(self, lambda: feedback.remove_responses(self.ctx.db, self.session_id, ids))

    def _responses_menu(self, point: QPoint) -> None:
        menu = QMenu(self)
        action = menu.addAction(_("&Remove response…"), self.remove_selected)
        action.setEnabled(self.responses_view.selectionModel().hasSelection())
        menu.exec(self.responses_view.viewport().mapToGlobal(point))


def _titled(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    label = QLabel(title)
    label.setBuddy(widget)
    layout.addWidget(label)
    layout.addWidget(widget)
    return box

"""What the import would do, row by row, with decisions on possible duplicates."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWizard

from iltdesk.domain.imports import ImportPlan
from iltdesk.i18n import _
from iltdesk.importers.fields import Field
from iltdesk.models.imports import ImportPreviewTableModel
from iltdesk.models.imports import PreviewRow
from iltdesk.services import roster_import
from iltdesk.services.roster_import import SKIP
from iltdesk.tasks.runner import CancelledError
from iltdesk.tasks.runner import Progress
from iltdesk.views.dialogs.document_preview import ask_save_path
from iltdesk.views.dialogs.import_pages.common import _Page
from iltdesk.views.dialogs.import_pages.common import counts_html
from iltdesk.views.errors import error_text
from iltdesk.views.widgets import fit_columns
from iltdesk.views.widgets import make_table

if TYPE_CHECKING:
    from iltdesk.views.dialogs.import_wizard import ImportWizard


class PreviewPage(_Page):
    """The wizard page that previews every row and asks about possible duplicates."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard,
            _("Check before importing"),
            _(
                "Cells with problems are coloured; point at one to read why. Rows with problems "
                "are not imported — save them to send back."
            ),
        )
        self.setButtonText(QWizard.WizardButton.NextButton, _("&Import"))
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.counts.setTextFormat(Qt.TextFormat.RichText)
        self.only_problems = QCheckBox(_("Show only rows with &problems or changes"))
        self.only_problems.toggled.connect(self._fill)
        self.save_problems = QPushButton(_("&Save rows with problems…"))
        self.save_problems.clicked.connect(self.save_problem_rows)
        self.model = ImportPreviewTableModel(self)
        self.view = make_table(self.model, _("Rows to import"))
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.selectionModel().currentRowChanged.connect(self._show_details)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.decision = QComboBox()
        self.decision.setAccessibleName(_("Decision"))
        self.decision.activated.connect(self._decide)
        self.decision_label = QLabel(_("&Decision:"))
        self.decision_label.setBuddy(self.decision)
        decide = QHBoxLayout()
        decide.addWidget(self.decision_label)
        decide.addWidget(self.decision, 1)
        tools = QHBoxLayout()
        tools.addWidget(self.only_problems)
        tools.addStretch()
        tools.addWidget(self.save_problems)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addLayout(tools)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.details)
        layout.addLayout(decide)
        layout.addWidget(self.error)
        self.rows: list[PreviewRow] = []

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        self.refresh()

    def refresh(self) -> None:
        plan = self.w.plan
        assert plan is not None
        self.rows = self.w.preview
        self.counts.setText(counts_html(plan, self.w.earlier))
        self.save_problems.setEnabled(plan.counts.rejected > 0)
        self._fill()
        self._show_details()

    def _fill(self) -> None:
        rows = self.rows
        if self.only_problems.isChecked():
            rows = [r for r in rows if r.problems or r.plan.changes]
        self.model.set_rows(rows)
        fit_columns(self.view)
        for column in range(self.model.columnCount()):
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), 260))

    def selected(self) -> PreviewRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _show_details(self) -> None:
        row = self.selected()
        self.decision.clear()
        visible = (row is not None and bool(row.plan.candidates)) or (
            row is not None and row.row in self.w.decisions
        )
        self.decision.setVisible(visible)
        self.decision_label.setVisible(visible)
        if row is None:
            self.details.setText("")
            return
        lines = [p.message for p in row.problems]
        lines += [f"{Field(c.field).label()}: {c.old or '—'} → {c.new}" for c in row.plan.changes]
        self.details.setText("\n".join(lines))
        if visible:
            self.decision.addItem(_("Create a new learner"), -1)
            for candidate in self._candidates(row):
                self.decision.addItem(
                    _("Use {name} ({email})").format(name=candidate[1], email=candidate[2]),
                    candidate[0],
                )
            self.decision.addItem(_("Skip this row"), SKIP)
            chosen = self.w.decisions.get(row.row, -1)
            self.decision.setCurrentIndex(max(0, self.decision.findData(chosen)))

    def _candidates(self, row: PreviewRow) -> list[tuple[int, str, str]]:
        found = [(c.learner_id, c.name, c.email) for c in row.plan.candidates]
        found += self.w.remembered_candidates.get(row.row, [])
        unique: dict[int, tuple[int, str, str]] = {c[0]: c for c in found}
        self.w.remembered_candidates[row.row] = list(unique.values())
        return list(unique.values())

    def _decide(self) -> None:
        row = self.selected()
        if row is None:
            return
        value = self.decision.currentData()
        if value == -1:
            self.w.decisions.pop(row.row, None)
        else:
            self.w.decisions[row.row] = value

        def done(planned: tuple[ImportPlan, list[PreviewRow]]) -> None:
            self.w.set_plan(planned)
            self.refresh()

        self.w.tasks.run(
            self.w.planning_work(),
            title=_("Checking"),
            on_done=done,
            on_error=lambda e: self.show_error(error_text(e)),
        )

    def save_problem_rows(self) -> None:
        parsed, plan = self.w.parsed, self.w.plan
        assert parsed is not None
        assert plan is not None
        assert self.w.source is not None
        suggested = self.w.source.path.with_name(
            self.w.source.path.stem + " - " + _("rows with problems") + ".xlsx"
        )
        path = ask_save_path(self, _("Save rows with problems"), str(suggested), "Excel (*.xlsx)")
        if path is None:
            return

        def work(_progress: Progress) -> Path:
            # Written off the GUI thread: thousands of rows, and openpyxl's first import.
            from iltdesk.documents.problem_report import save_problem_report

            return save_problem_report(
                path, parsed.headers, roster_import.problem_rows(parsed, plan)
            )

        def done(saved: Path) -> None:
            self.w.saved_report = saved
            self.show_error("")
            self.details.setText(_("Saved {path}.").format(path=saved))

        self.w.tasks.run(
            work,
            title=_("Save rows with problems"),
            on_done=done,
            on_error=lambda error: self.show_error(
                "" if isinstance(error, CancelledError) else error_text(error)
            ),
        )

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        return self.run_then_next(self.w.commit_work(), self.w.set_result)

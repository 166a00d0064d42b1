"""The roster import wizard: file → sheet → columns → target → preview → done (with undo).

Reading, parsing, planning and committing run on the task runner; a page that needs their
result starts the work from `validatePage`, refuses to advance until it is back, then moves on
by itself. Errors show on the page as a sentence; nothing is written before "Import", and a
cancelled import leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from iltdesk import formatting
from iltdesk.documents.problem_report import save_problem_report
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.imports import (
    ImportBatchRow,
    ImportCounts,
    ImportPlan,
    ImportResult,
    ImportSource,
    UndoResult,
)
from iltdesk.errors import UserError
from iltdesk.i18n import _, ngettext
from iltdesk.importers.cells import cell_text
from iltdesk.importers.fields import Field, find_header_row, guess_mapping, mapping_problem
from iltdesk.importers.reading import SourceFile, read_file
from iltdesk.importers.roster import ParsedRoster
from iltdesk.models.imports import (
    ImportPreviewTableModel,
    PreviewRow,
    RawRowsTableModel,
    preview_rows,
)
from iltdesk.services import roster_import, scheduling
from iltdesk.services.roster_import import SKIP
from iltdesk.tasks.runner import CancelledError, Progress, TaskRunner
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs.document_preview import ask_save_path
from iltdesk.views.drops import RosterDropTarget
from iltdesk.views.errors import error_text
from iltdesk.views.widgets import session_choice_label

FILE_FILTER = "Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv *.txt)"
FILE, SHEET, COLUMNS, TARGET, PREVIEW, DONE = range(6)


def ask_roster_file(parent: QWidget | None) -> Path | None:
    """Which file to import (the one place tests patch)."""
    name, _chosen = QFileDialog.getOpenFileName(
        parent, _("Import roster"), str(Path.home()), FILE_FILTER
    )
    return Path(name) if name else None


class _Page(QWizardPage):
    """A page with a line for errors and the asynchronous validate-then-advance dance."""

    def __init__(self, wizard: ImportWizard, title: str, subtitle: str = "") -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(title)
        if subtitle:
            self.setSubTitle(subtitle)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a4262c;")
        self.error.hide()
        self._ready = False

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def run_then_next(self, work: Callable[[Progress], Any], apply: Callable[[Any], None]) -> bool:
        """For validatePage: True once `work` has finished and `apply` took its result."""
        if self._ready:
            self._ready = False
            return True
        self.show_error("")

        def done(result: Any) -> None:
            try:
                apply(result)
            except UserError as error:
                self.show_error(str(error))
                return
            self._ready = True
            self.w.next()

        def failed(error: BaseException) -> None:
            if isinstance(error, CancelledError):
                self.show_error(_("Cancelled. Nothing was changed."))
            else:
                self.show_error(error_text(error))

        def finished(result: Any) -> None:
            self.w.busy = False
            done(result)

        def stopped(error: BaseException) -> None:
            self.w.busy = False
            failed(error)

        self.w.busy = True
        self.w.progress = self.w.tasks.run(
            work, title=self.title(), on_done=finished, on_error=stopped
        )
        return False


class FilePage(RosterDropTarget, _Page):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard,
            _("Choose the roster file"),
            _(
                "An Excel workbook (.xlsx, .xlsm, .xls), an OpenDocument sheet (.ods) or a CSV "
                "file. You can also drop the file on this window."
            ),
        )
        self.path = QLineEdit()
        self.path.setPlaceholderText(_("Path to the file"))
        self.path.textChanged.connect(self.completeChanged)
        browse = QPushButton(_("&Browse…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.earlier = QLabel()
        self.earlier.setWordWrap(True)
        layout = QVBoxLayout(self)
        label = QLabel(_("&File:"))
        label.setBuddy(self.path)
        layout.addWidget(label)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addStretch()
        self.setAcceptDrops(True)

    def browse(self) -> None:
        chosen = ask_roster_file(self)
        if chosen is not None:
            self.path.setText(str(chosen))

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        path = Path(self.path.text().strip()).expanduser()
        return self.run_then_next(lambda _p: read_file(path), self.w.set_source)

    def nextId(self) -> int:  # noqa: N802 - Qt's name
        source = self.w.source
        return COLUMNS if source is not None and len(source.sheets) == 1 else SHEET

    def roster_dropped(self, path: Path) -> None:
        self.path.setText(str(path))


class SheetPage(_Page):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard,
            _("Choose the sheet"),
            _("The sheet that looks like a roster is already selected."),
        )
        self.sheets = QListWidget()
        self.sheets.setAccessibleName(_("Sheets"))
        self.sheets.currentRowChanged.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sheets)
        layout.addWidget(self.error)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        source = self.w.source
        assert source is not None
        self.sheets.clear()
        for sheet in source.sheets:
            count = sheet.row_count
            text = ngettext("{name} — {n} row", "{name} — {n} rows", count).format(
                name=sheet.name, n=formatting.format_number(count)
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, sheet.name)
            self.sheets.addItem(item)
        self.sheets.setCurrentRow(source.likely_sheet())

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return self.sheets.currentRow() >= 0

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        self.w.sheet_name = self.sheets.currentItem().data(Qt.ItemDataRole.UserRole)
        return True


ENCODINGS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("", lambda: _("Detect automatically")),
    ("utf-8", lambda: "UTF-8"),
    ("utf-8-sig", lambda: _("UTF-8 with BOM")),
    ("utf-16", lambda: "UTF-16"),
    ("cp1252", lambda: "Windows-1252"),
)
DELIMITERS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("", lambda: _("Detect automatically")),
    (",", lambda: _("Comma")),
    (";", lambda: _("Semicolon")),
    ("\t", lambda: _("Tab")),
)


class ColumnsPage(_Page):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard,
            _("Check the header row and the columns"),
            _(
                "The header row is highlighted. Click another row to use it instead, and choose "
                "what each column holds."
            ),
        )
        self.encoding = QComboBox()
        self.delimiter = QComboBox()
        for combo, choices in ((self.encoding, ENCODINGS), (self.delimiter, DELIMITERS)):
            for value, describe in choices:
                combo.addItem(describe(), value)
            combo.activated.connect(self.reread)
        self.text_options = QWidget()
        options = QHBoxLayout(self.text_options)
        options.setContentsMargins(0, 0, 0, 0)
        for text, combo in ((_("&Encoding:"), self.encoding), (_("&Separator:"), self.delimiter)):
            label = QLabel(text)
            label.setBuddy(combo)
            options.addWidget(label)
            options.addWidget(combo)
        options.addStretch()
        self.raw_model = RawRowsTableModel(self)
        self.raw_view = QTableView()
        self.raw_view.setModel(self.raw_model)
        self.raw_view.setAccessibleName(_("Rows of the sheet"))
        self.raw_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.raw_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.raw_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.header_spin = QSpinBox()
        self.raw_view.clicked.connect(lambda index: self.header_spin.setValue(index.row() + 1))
        self.header_spin.setMinimum(1)
        self.header_spin.valueChanged.connect(self._header_changed)
        header_row = QHBoxLayout()
        label = QLabel(_("&Header row:"))
        label.setBuddy(self.header_spin)
        header_row.addWidget(label)
        header_row.addWidget(self.header_spin)
        header_row.addStretch()
        self.mapping_box = QWidget()
        self.mapping_grid = QGridLayout(self.mapping_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.mapping_box)
        scroll.setMinimumHeight(150)
        self.combos: list[QComboBox] = []
        self.headers: list[str] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.text_options)
        layout.addLayout(header_row)
        layout.addWidget(self.raw_view, 2)
        layout.addWidget(QLabel(_("What each column holds:")))
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        source = self.w.source
        assert source is not None
        self.text_options.setVisible(source.kind == "csv")
        sheet = source.sheet(self.w.sheet_name)
        found = find_header_row(sheet.rows, sheet.merged_rows)
        self.raw_model.set_rows(sheet.rows, found)
        self.header_spin.blockSignals(True)
        self.header_spin.setMaximum(max(1, min(len(sheet.rows), 200)))
        self.header_spin.setValue((found or 0) + 1)
        self.header_spin.blockSignals(False)
        self._header_changed()
        if found is None:
            self.show_error(_("No row looks like a header. Click the row that names the columns."))

    def reread(self) -> None:
        source = self.w.source
        assert source is not None
        encoding = self.encoding.currentData() or None
        delimiter = self.delimiter.currentData() or None

        def apply(result: Any) -> None:
            self.w.source = result
            self.initializePage()

        self.w.tasks.run(
            lambda _p: read_file(source.path, encoding=encoding, delimiter=delimiter),
            title=_("Reading the file"),
            on_done=apply,
            on_error=lambda e: self.show_error(error_text(e)),
        )

    def _header_changed(self) -> None:
        source = self.w.source
        assert source is not None
        sheet = source.sheet(self.w.sheet_name)
        row = self.header_spin.value() - 1
        self.raw_model.set_header_row(row)
        self.headers = [cell_text(c) for c in sheet.rows[row]] if row < len(sheet.rows) else []
        mapping = roster_import.remembered_mapping(self.w.ctx.db, self.headers) or guess_mapping(
            self.headers
        )
        while self.mapping_grid.count():
            item = self.mapping_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.combos = []
        for index, header in enumerate(self.headers):
            name = QLabel(header or _("(column {n})").format(n=index + 1))
            combo = QComboBox()
            combo.setAccessibleName(header or str(index + 1))
            combo.addItem(_("— not imported —"), None)
            for field in Field:
                combo.addItem(field.label(), field.value)
            if index in mapping:
                combo.setCurrentIndex(combo.findData(mapping[index].value))
            combo.currentIndexChanged.connect(self.completeChanged)
            name.setBuddy(combo)
            self.mapping_grid.addWidget(name, index // 2, (index % 2) * 2)
            self.mapping_grid.addWidget(combo, index // 2, (index % 2) * 2 + 1)
            self.combos.append(combo)
        self.completeChanged.emit()

    def mapping(self) -> dict[int, Field]:
        return {
            i: Field(combo.currentData())
            for i, combo in enumerate(self.combos)
            if combo.currentData() is not None
        }

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        problem = mapping_problem(self.mapping()) if self.combos else None
        if self.combos and not self.w.busy:
            self.show_error(problem or "")
        return bool(self.combos) and problem is None

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        source, sheet = self.w.source, self.w.sheet_name
        assert source is not None
        header_row, mapping, db = self.header_spin.value() - 1, self.mapping(), self.w.ctx.db

        def work(progress: Progress) -> ParsedRoster:
            return roster_import.prepare(
                db,
                source,
                sheet=sheet,
                header_row=header_row,
                mapping=mapping,
                report=progress.report,
            )

        return self.run_then_next(work, self.w.set_parsed)


class TargetPage(_Page):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard,
            _("Where should they go?"),
            _(
                "Enrol them into a session (beyond its capacity they go on the waitlist, in the "
                "order of the file), or only add and update them in the learner directory."
            ),
        )
        self.enrol = QRadioButton(_("&Enrol into a session:"))
        self.directory = QRadioButton(_("Update the learner &directory only"))
        group = QButtonGroup(self)
        group.addButton(self.enrol)
        group.addButton(self.directory)
        self.session = QComboBox()
        self.session.setAccessibleName(_("Session"))
        self.enrol.toggled.connect(self.session.setEnabled)
        self.enrol.toggled.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.addWidget(self.enrol)
        layout.addWidget(self.session)
        layout.addWidget(self.directory)
        layout.addWidget(self.error)
        layout.addStretch()
        self._filled = False

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        if self._filled:
            return
        self._filled = True
        now = datetime.now(UTC)
        sessions = [
            s
            for s in scheduling.list_sessions(self.w.ctx.db, ends_after=now)
            if s.status in (SessionStatus.PLANNED, SessionStatus.CONFIRMED)
        ]
        if self.w.session_id is not None and all(s.id != self.w.session_id for s in sessions):
            sessions.insert(0, scheduling.get_session(self.w.ctx.db, self.w.session_id))
        for s in sessions:
            self.session.addItem(session_choice_label(s), s.id)
        if self.w.list_name:
            self.directory.setText(
                _("Add them to the list of “{name}” (and update the &directory)").format(
                    name=self.w.list_name
                )
            )
            self.directory.setChecked(True)
            self.enrol.setVisible(False)
            self.session.setVisible(False)
        elif self.w.session_id is not None:
            self.session.setCurrentIndex(self.session.findData(self.w.session_id))
            self.enrol.setChecked(True)
        else:
            self.directory.setChecked(True)
            self.session.setEnabled(False)
        self.enrol.setEnabled(self.session.count() > 0)

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return self.directory.isChecked() or self.session.currentIndex() >= 0

    def target(self) -> int | None:
        return self.session.currentData() if self.enrol.isChecked() else None

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        self.w.target_session = self.target()
        return self.run_then_next(self.w.planning_work(), self.w.set_plan)


class PreviewPage(_Page):
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
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(_("Rows to import"))
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
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
        parsed, plan = self.w.parsed, self.w.plan
        assert parsed is not None
        assert plan is not None
        self.rows = preview_rows(parsed, plan)
        self.counts.setText(counts_html(plan, self.w.earlier))
        self.save_problems.setEnabled(plan.counts.rejected > 0)
        self._fill()
        self._show_details()

    def _fill(self) -> None:
        rows = self.rows
        if self.only_problems.isChecked():
            rows = [r for r in rows if r.problems or r.plan.changes]
        self.model.set_rows(rows)
        self.view.resizeColumnsToContents()
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

        def done(plan: ImportPlan) -> None:
            self.w.set_plan(plan)
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
        try:
            save_problem_report(path, parsed.headers, roster_import.problem_rows(parsed, plan))
        except UserError as error:
            self.show_error(str(error))
            return
        self.w.saved_report = path
        self.show_error("")
        self.details.setText(_("Saved {path}.").format(path=path))

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        return self.run_then_next(self.w.commit_work(), self.w.set_result)


class DonePage(_Page):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard, _("Import finished"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.undo_button = QPushButton(_("&Undo this import"))
        self.undo_button.clicked.connect(self.undo)
        self.save_problems = QPushButton(_("&Save rows with problems…"))
        self.save_problems.clicked.connect(self.save_problem_rows)
        self.saved = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addWidget(self.save_problems)
        row.addWidget(self.saved, 1)
        row.addStretch()
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addStretch()

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        result = self.w.import_result
        assert result is not None
        if result.batch_id is None:
            self.summary.setText(
                _(
                    "Nothing needed changing: everyone in the file is already in ILT Desk "
                    "as the file says."
                )
            )
            self.undo_button.hide()
            self.save_problems.setVisible(result.counts.rejected > 0)
            return
        self.summary.setText(_("Imported.") + "<br>" + counts_html_of(result.counts, done=True))
        self.undo_button.setVisible(True)
        self.save_problems.setVisible(result.counts.rejected > 0)

    def save_problem_rows(self) -> None:
        self.w.preview_page.save_problem_rows()
        if self.w.saved_report is not None:
            self.saved.setText(_("Saved {path}.").format(path=self.w.saved_report))

    def undo(self) -> None:
        result = self.w.import_result
        assert result is not None
        assert result.batch_id is not None
        batch_id, ctx = result.batch_id, self.w.ctx
        self.undo_button.setEnabled(False)

        def done(undone: UndoResult) -> None:
            self.w.undone = undone
            self.summary.setText(undo_summary(undone))

        def failed(error: BaseException) -> None:
            self.undo_button.setEnabled(True)
            self.show_error(error_text(error))

        self.w.tasks.run_op(
            lambda _p: roster_import.undo_import(ctx.db, batch_id),
            title=_("Undoing the import"),
            on_done=done,
            on_error=failed,
        )


def _n(value: int) -> str:
    return formatting.format_number(value)


def counts_html_of(c: ImportCounts, session: bool = True, *, done: bool = False) -> str:
    parts = [
        ngettext("{n} new learner", "{n} new learners", c.new).format(n=_n(c.new)),
        ngettext("{n} updated", "{n} updated", c.updated).format(n=_n(c.updated)),
        ngettext("{n} unchanged", "{n} unchanged", c.unchanged).format(n=_n(c.unchanged)),
        ngettext("{n} duplicate merged", "{n} duplicates merged", c.duplicates_merged).format(
            n=_n(c.duplicates_merged)
        ),
        ngettext("{n} row with problems", "{n} rows with problems", c.rejected).format(
            n=_n(c.rejected)
        ),
    ]
    if c.possible_duplicates and not done:
        parts.append(
            ngettext(
                "{n} possible duplicate to decide",
                "{n} possible duplicates to decide",
                c.possible_duplicates,
            ).format(n=_n(c.possible_duplicates))
        )
    if c.skipped:
        parts.append(ngettext("{n} skipped", "{n} skipped", c.skipped).format(n=_n(c.skipped)))
    text = " · ".join(parts)
    if session and (c.enrolled or c.waitlisted or c.already_enrolled):
        text += "<br>" + " · ".join(
            [
                ngettext("{n} enrolled", "{n} enrolled", c.enrolled).format(n=_n(c.enrolled)),
                ngettext("{n} to the waitlist", "{n} to the waitlist", c.waitlisted).format(
                    n=_n(c.waitlisted)
                ),
                ngettext(
                    "{n} already on the session",
                    "{n} already on the session",
                    c.already_enrolled,
                ).format(n=_n(c.already_enrolled)),
            ]
        )
    return text


def counts_html(plan: ImportPlan, earlier: ImportBatchRow | None) -> str:
    text = counts_html_of(plan.counts, plan.session_id is not None)
    if earlier is not None:
        text += (
            "<br><i>"
            + _(
                "This file was already imported on {when}; rows already in ILT Desk are left "
                "as they are."
            ).format(when=formatting.format_datetime(earlier.created_at, earlier.zone))
            + "</i>"
        )
    if not plan.changes_anything:
        text += "<br><b>" + _("Nothing to change.") + "</b>"
    return text


def undo_summary(undone: UndoResult) -> str:
    text = _(
        "Import undone: {learners} learners removed, {restored} restored, {places} places removed."
    ).format(
        learners=undone.learners_removed,
        restored=undone.learners_restored,
        places=undone.places_removed + undone.places_restored,
    )
    kept = undone.learners_kept + undone.places_kept + undone.fields_kept
    if kept:
        text += " " + _(
            "Kept {n} records that changed or gathered attendance since the import."
        ).format(n=kept)
    return text


class ImportWizard(QWizard):
    """Import learners from a spreadsheet; use `open_import_wizard`."""

    imported = Signal(object)  # ImportResult

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        path: Path | None = None,
        session_id: int | None = None,
        list_name: str = "",
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tasks = TaskRunner(self, ctx)
        self.session_id = session_id
        self.list_name = list_name  # importing a requirement's list of learners
        self.source: SourceFile | None = None
        self.sheet_name: str | None = None
        self.parsed: ParsedRoster | None = None
        self.target_session: int | None = None
        self.plan: ImportPlan | None = None
        self.decisions: dict[int, int] = {}
        self.remembered_candidates: dict[int, list[tuple[int, str, str]]] = {}
        self.earlier: ImportBatchRow | None = None
        self.import_result: ImportResult | None = None
        self.undone: UndoResult | None = None
        self.saved_report: Path | None = None
        self.busy = False
        self.progress: Progress | None = None  # the running step's, whose Cancel stops it
        self.setWindowTitle(_("Import roster"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.resize(980, 680)
        self.file_page = FilePage(self)
        self.sheet_page = SheetPage(self)
        self.columns_page = ColumnsPage(self)
        self.target_page = TargetPage(self)
        self.preview_page = PreviewPage(self)
        self.done_page = DonePage(self)
        for page_id, page in enumerate(
            (
                self.file_page,
                self.sheet_page,
                self.columns_page,
                self.target_page,
                self.preview_page,
                self.done_page,
            )
        ):
            self.setPage(page_id, page)
        if path is not None:
            self.file_page.path.setText(str(path))

    # --- results of the steps ---
    def set_source(self, source: SourceFile) -> None:
        self.source = source
        self.sheet_name = source.sheets[source.likely_sheet()].name
        self.earlier = roster_import.earlier_import(self.ctx.db, source.sha256)

    def set_parsed(self, parsed: ParsedRoster) -> None:
        self.parsed = parsed
        self.decisions.clear()

    def set_plan(self, plan: ImportPlan) -> None:
        self.plan = plan

    def set_result(self, outcome: Any) -> None:
        result: ImportResult = self.ctx.apply(outcome)
        self.import_result = result
        assert self.parsed is not None
        if result.batch_id is not None:
            roster_import.remember_mapping(self.ctx.db, self.parsed.headers, self.parsed.mapping)
        self.imported.emit(result)

    def planning_work(self) -> Callable[[Progress], ImportPlan]:
        db, parsed = self.ctx.db, self.parsed
        session_id, decisions = self.target_session, dict(self.decisions)
        assert parsed is not None
        return lambda progress: roster_import.plan_import(
            db, parsed, session_id, decisions, progress.report
        )

    def commit_work(self) -> Callable[[Progress], Any]:
        db, parsed, source = self.ctx.db, self.parsed, self.source
        session_id, decisions = self.target_session, dict(self.decisions)
        assert parsed is not None
        assert source is not None
        ref = ImportSource(source.path.name, source.sha256, parsed.sheet)
        return lambda progress: roster_import.commit_import(
            db, parsed, ref, session_id=session_id, decisions=decisions, report=progress.report
        )

    def reject(self) -> None:
        if self.busy:
            return  # the progress dialog's Cancel stops the work; closing waits for it
        super().reject()


def open_import_wizard(
    ctx: AppContext,
    parent: QWidget | None,
    *,
    path: Path | None = None,
    session_id: int | None = None,
    list_name: str = "",
) -> ImportWizard:
    """Open the wizard window-modal without blocking; it deletes itself when closed."""
    wizard = ImportWizard(ctx, parent, path=path, session_id=session_id, list_name=list_name)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.open()
    return wizard

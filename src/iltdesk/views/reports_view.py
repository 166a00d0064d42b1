"""The Reports screen (View › Reports, Ctrl+R): a report, its filters, chart and table.

Choose a report and its filters; the table, the chart, totals, notes and definitions follow.
Export as workbook, CSV or PDF, or print.

Reports are computed off the GUI thread; a newer request makes an older answer stale, so a
slow answer never overwrites a newer one.
"""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QFrame
from PySide6.QtWidgets import QGridLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QListWidgetItem
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QScrollArea
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.reporting import GROUPINGS
from iltdesk.domain.reporting import ChartData
from iltdesk.domain.reporting import GroupBy
from iltdesk.domain.reporting import Period
from iltdesk.domain.reporting import ReportFilters
from iltdesk.domain.reporting import ReportName
from iltdesk.domain.reporting import ReportTable
from iltdesk.domain.reporting import chart_data
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.models.reports import ReportTableModel
from iltdesk.models.reports import display_texts
from iltdesk.services import reports
from iltdesk.tasks.runner import CancelledError
from iltdesk.tasks.runner import Progress
from iltdesk.tasks.runner import TaskRunner
from iltdesk.views.context import AppContext
from iltdesk.views.errors import show_error
from iltdesk.views.report_output import ReportOutput
from iltdesk.views.time_fields import DateField
from iltdesk.views.widgets import fit_columns

if TYPE_CHECKING:
    from PySide6.QtGui import QShowEvent


class ReportsPage(ReportOutput, QWidget):
    """Reports: the list on the left, filters, chart and table on the right."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.tasks = TaskRunner(self)
        self.generation = 0
        self.current: ReportTable | None = None
        self.learner_id: int | None = None
        self._build_list()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh)
        self._build_filters()
        splitter = self._build_results()
        definitions_area, buttons = self._build_footer()
        right = QVBoxLayout()
        right.addLayout(self.filters_layout)
        right.addWidget(self.summary)
        right.addWidget(splitter, 1)
        right.addWidget(self.notes)
        right.addWidget(definitions_area)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(right, 1)
        ctx.changes_applied.connect(self._on_changes)
        self.list.setCurrentRow(0)

    def _build_list(self) -> None:
        """The reports on the left, each with its summary as a tooltip."""
        self.list = QListWidget()
        self.list.setAccessibleName(_("Reports"))
        self.list.setMinimumWidth(200)
        self.list.setMaximumWidth(260)
        self.list.setWordWrap(True)
        self.list.setSpacing(2)  # a name wrapped onto two lines reads as one, not two
        for name in ReportName:
            item = QListWidgetItem(name.title())
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(name.summary())
            self.list.addItem(item)
        self.list.currentRowChanged.connect(self._report_changed)

    def _build_results(self) -> QSplitter:
        """The summary line, and the chart above the table."""
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        from iltdesk.views.report_chart import ReportChart

        self.chart = ReportChart()
        self.chart.setMinimumHeight(200)
        self.chart.bar_clicked.connect(self.show_bar)
        self.model = ReportTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setAccessibleName(_("Report table"))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(1, 1)
        return splitter

    def _build_footer(self) -> tuple[QScrollArea, QHBoxLayout]:
        """Notes, the definitions used, and the buttons: show all, rates, print, export."""
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.definitions = QLabel()
        self.definitions.setWordWrap(True)
        self.definitions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.definitions.setStyleSheet("color: palette(placeholder-text)")
        self.definitions.setAlignment(Qt.AlignmentFlag.AlignTop)
        definitions_area = QScrollArea()
        definitions_area.setWidget(self.definitions)
        definitions_area.setWidgetResizable(True)
        definitions_area.setFrameShape(QFrame.Shape.NoFrame)
        definitions_area.setMaximumHeight(72)
        self.show_all_button = QPushButton(_("Show &all rows"))
        self.show_all_button.clicked.connect(lambda: self.show_bar(None))
        self.show_all_button.hide()
        self.export_button = QPushButton(_("&Export"))
        export_menu = QMenu(self.export_button)
        self.export_actions = {
            "xlsx": export_menu.addAction(_("Excel &workbook…"), lambda: self.export("xlsx")),
            "csv": export_menu.addAction(_("&CSV file…"), lambda: self.export("csv")),
            "pdf": export_menu.addAction(_("&PDF…"), lambda: self.export("pdf")),
        }
        self.export_button.setMenu(export_menu)
        self.print_button = QPushButton(_("&Print…"))
        self.print_button.clicked.connect(self.print_report)
        self.rates_button = QPushButton(_("&Budgets and rates…"))
        self.rates_button.clicked.connect(self.edit_budgets)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        for button in (self.show_all_button, self.rates_button, self.print_button):
            buttons.addWidget(button)
        buttons.addWidget(self.export_button)
        return definitions_area, buttons

    # --- filters ---
    def _build_filters(self) -> None:
        self.period = QComboBox()
        for preset in Period:
            self.period.addItem(preset.label(), preset)
        self.period.setCurrentIndex(self.period.findData(Period.LAST_12_MONTHS))
        self.start = DateField(optional=True)
        self.end = DateField(optional=True)
        self.group = QComboBox()
        # The choices come from the database off the GUI thread (distinct departments of
        # 50,000 learners take a moment); until then each list offers "all".
        self.course = self._combo(_("All courses"), [])
        self.department = self._combo(_("All departments"), [])
        self.location = self._combo(_("All locations"), [])
        self.instructor = self._combo(_("All instructors"), [])
        self.mode = self._combo(_("Any delivery"), [(m, m.label()) for m in DeliveryMode])
        self.tasks.run(
            lambda _p: reports.filter_choices(self.ctx.db),
            title=_("Reading the filters…"),
            on_done=self._fill_choices,
            on_error=lambda error: show_error(self, error),
        )
        self.learner_button = QPushButton(_("Choose &learner…"))
        self.learner_button.clicked.connect(self.choose_learner)
        grid = QGridLayout()
        rows: list[list[tuple[str, QWidget]]] = [
            [(_("Pe&riod"), self.period), (_("&From"), self.start), (_("&To"), self.end)],
            [(_("&Group by"), self.group), (_("&Course"), self.course), (_("&Mode"), self.mode)],
            [
                (_("&Department"), self.department),
                (_("Locatio&n"), self.location),
                (_("&Instructor"), self.instructor),
            ],
        ]
        for row, fields in enumerate(rows):
            for column, (text, widget) in enumerate(fields):
                label = QLabel(text)
                label.setBuddy(widget)
                grid.addWidget(label, row, column * 2)
                grid.addWidget(widget, row, column * 2 + 1)
        grid.setColumnStretch(7, 1)
        grid.addWidget(self.learner_button, 0, 6)
        self.filters_layout = grid
        self._applying = False
        self._apply_period()
        self.period.currentIndexChanged.connect(lambda _i: self._apply_period())
        for field in (self.start, self.end):
            field.date_changed.connect(self._dates_typed)
        for combo in (self.group, self.course, self.department, self.location):
            combo.currentIndexChanged.connect(lambda _i: self._timer.start())
        for combo in (self.instructor, self.mode):
            combo.currentIndexChanged.connect(lambda _i: self._timer.start())

    def _fill_choices(self, choices: reports.FilterChoices) -> None:
        for combo, items in (
            (self.course, choices.courses),
            (self.department, [(d, d) for d in choices.departments]),
            (self.location, [(x, x) for x in choices.locations]),
            (self.instructor, choices.instructors),
        ):
            combo.blockSignals(True)
            chosen = combo.currentData()
            for value, text in items:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)

    @staticmethod
    def _combo(everything: str, items: list[tuple[object, str]]) -> QComboBox:
        combo = QComboBox()
        combo.addItem(everything, None)
        for value, text in items:
            combo.addItem(text, value)
        combo.setMaxVisibleItems(20)
        combo.setMinimumContentsLength(12)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        return combo

    def today(self) -> date:
        zone = ZoneInfo(str(self.ctx.prefs.get("default_timezone")))
        return datetime.now(UTC).astimezone(zone).date()

    def _apply_period(self) -> None:
        preset = Period(self.period.currentData())
        custom = preset is Period.CUSTOM
        if not custom:
            start, end = preset.dates(self.today())
            self._applying = True
            for field, value in ((self.start, start), (self.end, end)):
                if value is None:
                    field.edit.clear()
                else:
                    field.set_value(value)
            self._applying = False
        self._timer.start()

    def _dates_typed(self) -> None:
        if self._applying:
            return
        if Period(self.period.currentData()) is not Period.CUSTOM:
            self.period.blockSignals(True)
            self.period.setCurrentIndex(self.period.findData(Period.CUSTOM))
            self.period.blockSignals(False)
        self._timer.start()

    def report_name(self) -> ReportName:
        item = self.list.currentItem()
        if item is None:
            return ReportName.ATTENDANCE
        return ReportName(item.data(Qt.ItemDataRole.UserRole))

    def _report_changed(self, _row: int) -> None:
        name = self.report_name()
        self.summary.setText(name.summary())
        offered = GROUPINGS[name]
        self.group.blockSignals(True)
        self.group.clear()
        for group in offered:
            self.group.addItem(group.label(), group)
        if not offered:
            self.group.addItem(_("—"), None)
        self.group.setEnabled(bool(offered))
        self.group.blockSignals(False)
        self.learner_button.setVisible(name is ReportName.TRANSCRIPT)
        self.rates_button.setVisible(name is ReportName.COST)
        self.refresh()

    def filters(self) -> ReportFilters:
        """The filters as set; a typed date that is not one raises a sentence."""
        for field in (self.start, self.end):
            if field.text().strip() and field.value() is None:
                raise ValidationError(
                    _("“{text}” is not a date; type it as {hint}.").format(
                        text=field.text().strip(), hint=formatting.date_input_hint()
                    )
                )
        return ReportFilters(
            start=self.start.value(),
            end=self.end.value(),
            course_id=self.course.currentData(),
            department=self.department.currentData(),
            location=self.location.currentData(),
            instructor_id=self.instructor.currentData(),
            mode=DeliveryMode(mode) if (mode := self.mode.currentData()) else None,
            group_by=GroupBy(group) if (group := self.group.currentData()) else None,
            learner_id=self.learner_id,
        )

    def choose_learner(self) -> None:
        from iltdesk.views.dialogs.learner_picker import LearnerPickerDialog

        chosen = LearnerPickerDialog.ask_one(self, self.ctx, _("Whose transcript?"))
        if chosen is not None:
            self.show_transcript(chosen)

    def show_transcript(self, learner_id: int) -> None:
        """The transcript of one learner (also reached from the Learners screen)."""
        self.learner_id = learner_id
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == ReportName.TRANSCRIPT:
                if self.list.currentRow() == row:
                    self.refresh()
                else:
                    self.list.setCurrentRow(row)
                return

    # --- computing ---
    def refresh(self) -> None:
        """Compute the report for the filters as they are now, off the GUI thread."""
        self._timer.stop()  # a change's pending refresh would compute the same again
        name = self.report_name()
        if name is ReportName.TRANSCRIPT and self.learner_id is None:
            self._show(None)
            self.state.setText(_("Choose the learner whose transcript you want."))
            return
        try:
            filters = self.filters()
        except ValidationError as error:  # a typed date that is not one
            self.state.setText(str(error))
            return
        self.generation += 1
        generation = self.generation
        self.state.setText(_("Computing…"))

        def work(_progress: Progress) -> tuple[ReportTable, list[list[str]]]:
            table = reports.build_report(self.ctx.db, name, filters)
            return table, display_texts(table)  # formatted here, not on the GUI thread

        self.tasks.run(
            work,
            title=_("Computing the report…"),
            on_done=lambda found: self._arrived(generation, *found),
            on_error=lambda error: self._failed(generation, error),
        )

    def _arrived(self, generation: int, table: ReportTable, texts: list[list[str]]) -> None:
        if generation != self.generation:
            return  # a newer request is on its way
        self._show(table, texts)

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self.generation or isinstance(error, CancelledError):
            return
        from iltdesk.errors import UserError

        if isinstance(error, UserError):
            self._show(None)
            self.state.setText(str(error))
        else:
            show_error(self, error)

    def _show(self, table: ReportTable | None, texts: list[list[str]] | None = None) -> None:
        self.current = table
        self.model.set_table(table, texts)
        self.show_all_button.hide()
        data: ChartData | None = chart_data(table) if table is not None else None
        kinds = (
            [table.columns[table.column(k)].kind for k in table.chart.values]
            if table is not None and table.chart is not None
            else None
        )
        horizontal = bool(table and table.chart and table.chart.horizontal)
        self.chart.set_data(data, horizontal, kinds)
        has_rows = bool(table and table.rows)
        self.export_button.setEnabled(table is not None)
        self.print_button.setEnabled(table is not None)
        if table is None:
            self.notes.clear()
            self.definitions.clear()
            return
        if table.subject:
            self.summary.setText(table.subject)
        count = len(table.rows)
        self.state.setText(
            ngettext("{n} row", "{n} rows", count).format(n=count)
            if has_rows
            else table.empty_message
        )
        self.notes.setText("\n".join(table.notes))
        self.notes.setVisible(bool(table.notes))
        self.definitions.setText("\n".join(table.definitions))
        fit_columns(self.table)

    def show_bar(self, rows: tuple[int, ...] | None) -> None:
        """Show only the rows behind a bar (None: every row again)."""
        self.model.show_only(rows)
        self.show_all_button.setVisible(rows is not None)

    def _on_changes(self, changes: Changes) -> None:
        kinds = (
            Entity.SESSION,
            Entity.ENROLLMENT,
            Entity.ATTENDANCE,
            Entity.COST,
            Entity.COURSE,
            Entity.LEARNER,
            Entity.CERTIFICATE,
        )
        if any(changes.touches(kind) for kind in kinds) and self.isVisible():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.chart.follow_palette()

    def edit_budgets(self) -> None:
        from iltdesk.views.dialogs.budgets import BudgetsDialog

        BudgetsDialog.ask(self, self.ctx, self.today().year)

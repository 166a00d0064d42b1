"""The agenda builder: a course's timed items, with a running clock, the total and warnings.

It warns while you edit when presentation runs more than 15 minutes without an interaction
point, or an objective has no activity (`domain/agenda.py`).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtGui import QShowEvent
from PySide6.QtGui import QStandardItem
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.domain.agenda import agenda_warnings
from iltdesk.domain.agenda import offsets
from iltdesk.domain.agenda import total_label
from iltdesk.domain.enums import ActivityType
from iltdesk.domain.enums import DeliveryFormat
from iltdesk.domain.specs import AgendaItemSpec
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.views.widgets import keep_room

TITLE, MINUTES, ACTIVITY, OBJECTIVE, CLOCK = range(5)
MIN_MINUTES, MAX_MINUTES = 1, 1440  # an item's length, as its spin box allows
# Where a row keeps its item's facilitator notes (printed in the guide; set by import or the
# command line): saving the course from its editor wrote every item back without them.
NOTES_ROLE = Qt.ItemDataRole.UserRole + 1


class AgendaBuilder(QWidget):
    """A table of agenda items with a clock column, a total and live warnings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.objectives: tuple[str, ...] = ()
        # The activity and objective lists, one model each that every row's combo box shows:
        # a course of 11 items and 18 objectives filled 300 combo entries as its editor opened.
        self.activity_choices = QStandardItemModel(self)
        for kind in ActivityType:
            self.activity_choices.appendRow(_choice(kind.label(), kind))
        self.objective_choices = QStandardItemModel(self)
        self._fill_objective_choices()
        # Online courses need an interaction point sooner (see domain/agenda).
        self.delivery_format = DeliveryFormat.IN_PERSON
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [_("Item"), _("Minutes"), _("Activity"), _("Objective"), _("Starts at")]
        )
        self.table.horizontalHeader().setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAccessibleName(_("Agenda"))
        self.total = QLabel()
        # One line per warning, cut to the width with "…" (the whole of each in the tooltip):
        # wrapped, two long warnings filled the three-line band and the third was cut off.
        self.warnings = QLabel()
        self._warning_lines: list[str] = []
        self.warnings.setObjectName("agendaWarnings")
        self.warnings.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # A fixed band for warnings: the table and buttons never move as warnings come and go.
        self.warnings.setFixedHeight(MAX_WARNINGS * self.fontMetrics().lineSpacing() + 6)
        keep_room(self.warnings)
        add = QPushButton(_("Add &item"))
        remove = QPushButton(_("&Remove item"))
        up = QPushButton(_("Move &up"))
        down = QPushButton(_("Move do&wn"))
        add.clicked.connect(
            lambda: self.add_item(AgendaItemSpec("", 15, ActivityType.PRESENTATION))
        )
        remove.clicked.connect(self.remove_current)
        up.clicked.connect(lambda: self.move_current(-1))
        down.clicked.connect(lambda: self.move_current(1))
        buttons = QHBoxLayout()
        for button in (add, remove, up, down):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.total)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.warnings)
        self.table.itemChanged.connect(lambda _i: self.refresh())
        # Items whose rows (three editors each) wait until the builder is first shown: the
        # course editor opens on its Details tab, and building them held it ~10 ms.
        self._waiting: list[AgendaItemSpec] | None = None

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        self._build_waiting_rows()
        super().showEvent(event)

    def _build_waiting_rows(self) -> None:
        """Build the rows that wait for a showing (first thing anything touching rows does)."""
        if self._waiting is not None:
            waiting, self._waiting = self._waiting, None
            self._build_rows(waiting)

    def set_objectives(self, objectives: tuple[str, ...]) -> None:
        """The course's objectives, which items may be tied to (each row keeps its choice)."""
        self.objectives = objectives
        if self._waiting is not None:  # an item tied to an objective now gone is tied to none
            self._waiting = [self._as_shown(spec) for spec in self._waiting]
        combos = [self._combo(row, OBJECTIVE) for row in range(self.table.rowCount())]
        chosen = [combo.currentData() for combo in combos]
        for combo in combos:
            combo.blockSignals(True)
        self._fill_objective_choices()
        for combo, current in zip(combos, chosen, strict=True):
            _choose(combo, current)
            combo.blockSignals(False)
        self.refresh()

    def _fill_objective_choices(self) -> None:
        model = self.objective_choices
        model.removeRows(0, model.rowCount())
        model.appendRow(_choice(_("(none)"), None))
        for index, text in enumerate(self.objectives):
            model.appendRow(_choice(f"{index + 1}. {text}", index))

    def _combo(self, row: int, column: int) -> QComboBox:
        combo = self.table.cellWidget(row, column)
        assert isinstance(combo, QComboBox)
        return combo

    def add_item(self, spec: AgendaItemSpec, row: int | None = None) -> None:
        """Another item at `row` (the end by default); the clock times follow."""
        self._build_waiting_rows()
        self._insert(spec, row)
        self.refresh()

    def _insert(self, spec: AgendaItemSpec, row: int | None) -> None:
        row = self.table.rowCount() if row is None else row
        self.table.blockSignals(True)
        self.table.insertRow(row)
        title = QTableWidgetItem(spec.title)
        title.setData(NOTES_ROLE, spec.facilitator_notes)  # kept, though not edited here
        self.table.setItem(row, TITLE, title)
        minutes = QSpinBox()
        minutes.setRange(MIN_MINUTES, MAX_MINUTES)
        minutes.setValue(spec.minutes)
        minutes.setAccessibleName(_("Minutes"))
        minutes.valueChanged.connect(lambda _v: self.refresh())
        self.table.setCellWidget(row, MINUTES, minutes)
        activity = QComboBox()
        activity.setModel(self.activity_choices)
        _choose(activity, spec.activity)
        activity.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.setCellWidget(row, ACTIVITY, activity)
        objective = QComboBox()
        objective.setModel(self.objective_choices)
        _choose(objective, spec.objective_index)
        objective.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.setCellWidget(row, OBJECTIVE, objective)
        clock = QTableWidgetItem()
        clock.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.table.setItem(row, CLOCK, clock)
        self.table.blockSignals(False)

    def items(self) -> list[AgendaItemSpec]:
        """The items as the rows show them (or will, once shown)."""
        if self._waiting is not None:
            return list(self._waiting)
        result = []
        for row in range(self.table.rowCount()):
            title = self.table.item(row, TITLE)
            minutes = self.table.cellWidget(row, MINUTES)
            assert isinstance(minutes, QSpinBox)
            result.append(
                AgendaItemSpec(
                    title.text() if title else "",
                    minutes.value(),
                    ActivityType(self._combo(row, ACTIVITY).currentData()),
                    self._combo(row, OBJECTIVE).currentData(),
                    str(title.data(NOTES_ROLE) or "") if title else "",
                )
            )
        return result

    def set_items(self, items: list[AgendaItemSpec]) -> None:
        """Replace every item; the clock times and warnings are worked out once, at the end.

        A builder not showing builds its rows when first shown; `items()` reads the same.
        """
        if self.isVisible():
            self._waiting = None
            self._build_rows(items)
            return
        self.table.setRowCount(0)
        self._waiting = [self._as_shown(spec) for spec in items]
        self.refresh()

    def _build_rows(self, items: list[AgendaItemSpec]) -> None:
        self.table.setRowCount(0)
        for item in items:
            self._insert(item, None)
        self.refresh()

    def _as_shown(self, spec: AgendaItemSpec) -> AgendaItemSpec:
        """`spec` as its row's editors would hold it: minutes in their range, a known objective."""
        objective = spec.objective_index
        if objective is not None and not 0 <= objective < len(self.objectives):
            objective = None
        minutes = min(max(spec.minutes, MIN_MINUTES), MAX_MINUTES)
        return replace(spec, minutes=minutes, objective_index=objective)

    def remove_current(self) -> None:
        self._build_waiting_rows()
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.refresh()

    def move_current(self, step: int) -> None:
        self._build_waiting_rows()
        row = self.table.currentRow()
        items = self.items()
        target = row + step
        if row < 0 or not 0 <= target < len(items):
            return
        items[row], items[target] = items[target], items[row]
        self.set_items(items)
        self.table.setCurrentCell(target, TITLE)

    def refresh(self) -> None:
        items = self.items()
        self.table.blockSignals(True)
        for row, start in enumerate(offsets(items)):
            cell = self.table.item(row, CLOCK)
            if cell is not None:
                cell.setText(f"{start // 60}:{start % 60:02d}")
        self.table.blockSignals(False)
        self.total.setText(total_label(items))
        found = agenda_warnings(items, self.objectives, self.delivery_format)
        lines = ["⚠ " + w.message for w in found]
        if len(lines) > MAX_WARNINGS:
            more = len(lines) - (MAX_WARNINGS - 1)
            lines = [
                *lines[: MAX_WARNINGS - 1],
                ngettext("… and {n} more warning", "… and {n} more warnings", more).format(n=more),
            ]
        self._warning_lines = lines
        self._show_warnings()
        self.warnings.setToolTip("\n".join(w.message for w in found))
        self.warnings.setVisible(bool(found))

    def _show_warnings(self) -> None:
        metrics = self.warnings.fontMetrics()
        width = max(0, self.warnings.contentsRect().width() - 2)
        self.warnings.setText(
            "\n".join(
                metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)
                for line in self._warning_lines
            )
        )

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """Cut the warnings again to the new width."""
        super().resizeEvent(event)
        self._show_warnings()


MAX_WARNINGS = 3  # lines kept for agenda warnings


def _choice(text: str, value: object) -> QStandardItem:
    """An entry of a combo box's list: `text` shown, `value` its `currentData()`."""
    item = QStandardItem(text)
    item.setData(value, Qt.ItemDataRole.UserRole)
    return item


def _choose(combo: QComboBox, value: object) -> None:
    """Select the entry holding `value` (the first, "(none)", when there is none)."""
    combo.setCurrentIndex(max(0, combo.findData(value)) if value is not None else 0)

"""The Qt model of a computed report.

`ReportTableModel` shows a `ReportTable`'s rows with its totals pinned as the last row; it
sorts in Python (reports have at most a few thousand rows) and can show only the rows behind
a bar of the chart. The home dashboard's models are in `models/dashboard.py`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QObject
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from iltdesk import formatting
from iltdesk.domain.reporting import Amounts
from iltdesk.domain.reporting import ReportTable
from iltdesk.domain.reporting import Value
from iltdesk.i18n import _
from iltdesk.models.base import ROOT
from iltdesk.models.base import ROW_ROLE
from iltdesk.models.base import SORT_ROLE
from iltdesk.models.base import Index
from iltdesk.models.base import ItemData
from iltdesk.models.base import SortKey
from iltdesk.models.base import TableModel
from iltdesk.models.base import qt_sortable

TOTAL_ROW = -1  # ROW_ROLE of the totals row


def _sort_value(value: Value) -> SortKey:
    if isinstance(value, Amounts):
        return float(value.single or 0)
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    return qt_sortable(value if not hasattr(value, "value") else str(value))


def display_texts(table: ReportTable) -> list[list[str]]:
    """Every cell's text, rows then the totals row: formatted once (on the worker, ideally).

    Scrolling, sizing columns to their contents and sorting then ask for strings already made.
    """
    texts = [
        [
            formatting.format_report_value(column.kind.value, value)
            for column, value in zip(table.columns, row, strict=True)
        ]
        for row in table.rows
    ]
    totals = [str(_("Total"))]
    for column in table.columns[1:]:
        value = table.totals.get(column.key, "")
        totals.append(
            "" if value == "" else formatting.format_report_value(column.kind.value, value)
        )
    texts.append(totals)
    return texts


class ReportTableModel(TableModel):
    """The rows of a report, sortable, filterable to chart bars, totals last."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.table: ReportTable | None = None
        self._order: list[int] = []  # indexes into table.rows, in display order
        self._only: set[int] | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._texts: list[list[str]] = []

    # --- structure ---
    def rowCount(self, parent: Index = ROOT) -> int:  # noqa: N802 - Qt's name
        if parent.isValid() or self.table is None:
            return 0
        return len(self._order) + (1 if self.table.rows else 0)

    def columnCount(self, parent: Index = ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() or self.table is None else len(self.table.columns)

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> ItemData:
        if self.table is None or orientation is not Qt.Orientation.Horizontal:
            return None
        if not 0 <= section < len(self.table.columns):
            return None
        column = self.table.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.label
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> ItemData:
        table = self.table
        if table is None or not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        column = table.columns[index.column()]
        is_total = index.row() == len(self._order)
        if is_total:
            value: Value = _("Total") if index.column() == 0 else table.totals.get(column.key, "")
            if index.column() > 0 and column.key not in table.totals:
                value = ""
        else:
            value = table.rows[self._order[index.row()]][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            row = -1 if is_total else self._order[index.row()]
            return self._texts[row][index.column()]
        if role == SORT_ROLE:
            return _sort_value(value)
        if role == ROW_ROLE:
            return TOTAL_ROW if is_total else self._order[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and is_total:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and is_total:
            return QApplication.palette().color(QPalette.ColorRole.AlternateBase)
        return None

    # --- content ---
    def set_table(self, table: ReportTable | None, texts: list[list[str]] | None = None) -> None:
        """Show `table`; `texts` are its `display_texts` when already made off the GUI thread."""
        self.beginResetModel()
        if self.table is None or table is None or table.columns != self.table.columns:
            self._sort = None
        self.table = table
        if table is None:
            self._texts = []
        else:
            self._texts = texts if texts is not None else display_texts(table)
        self._only = None
        self._arrange()
        self.endResetModel()

    def show_only(self, rows: Iterable[int] | None) -> None:
        """Show just these rows of the table (the ones behind a chart bar); None: all."""
        self.beginResetModel()
        self._only = set(rows) if rows is not None else None
        self._arrange()
        self.endResetModel()

    @property
    def filtered(self) -> bool:
        return self._only is not None

    def _arrange(self) -> None:
        if self.table is None:
            self._order = []
            return
        order = [i for i in range(len(self.table.rows)) if self._only is None or i in self._only]
        if self._sort is not None:
            column, direction = self._sort
            rows = self.table.rows

            def key(i: int) -> SortKey:
                value = _sort_value(rows[i][column])
                return (isinstance(value, str), value)

            order.sort(key=key, reverse=direction is Qt.SortOrder.DescendingOrder)
        self._order = order

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.table is None or not 0 <= column < len(self.table.columns):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._arrange()
        self.layoutChanged.emit()

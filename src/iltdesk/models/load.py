"""The instructor load grid: instructors down, days across; teaching, time off or free."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QObject
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtGui import QColor

from iltdesk import formatting
from iltdesk.domain.rows import LoadRow
from iltdesk.i18n import _
from iltdesk.models.base import ItemData
from iltdesk.models.base import TableModel

Index = QModelIndex | QPersistentModelIndex
COLOURS = {
    "teaching": QColor("#cfe3f5"),
    "off": QColor("#f5d5cf"),
    "not_working": QColor("#e6e6e6"),
}


class LoadTableModel(TableModel):
    """Rows are instructors, columns are days."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[LoadRow] = []
        self._days: list[date] = []

    def set_grid(self, rows: Sequence[LoadRow], days: Sequence[date]) -> None:
        self.beginResetModel()
        self._rows, self._days = list(rows), list(days)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's API
        return 0 if parent.isValid() else len(self._days)

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> ItemData:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._days):
            return formatting.format_weekday_date(self._days[section])
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return self._rows[section].name
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> ItemData:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        cells = self._rows[index.row()].cells
        if not 0 <= index.column() < len(cells):
            return None
        cell = cells[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.text
        if role == Qt.ItemDataRole.BackgroundRole and cell.kind in COLOURS:
            return QBrush(COLOURS[cell.kind])
        if role == Qt.ItemDataRole.ForegroundRole and cell.kind in COLOURS:
            return QBrush(QColor("#202020"))  # readable on the light fills in a dark theme too
        if role == Qt.ItemDataRole.ToolTipRole:
            return {
                "teaching": _("Teaching: {what}").format(what=cell.text),
                "off": _("Not available: {why}").format(why=cell.text),
                "not_working": _("Not a working day"),
                "free": _("Free"),
            }[cell.kind]
        return None

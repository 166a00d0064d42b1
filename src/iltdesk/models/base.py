"""A table model over a list of frozen rows, described by named columns.

Every model here offers `SORT_ROLE` (the raw value, for sorting) and `ROW_ROLE` (the row
object itself). Small tables may sit behind a `QSortFilterProxyModel`; big ones are sorted
and filtered by their service in SQL (see STYLE.md rule 6).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

R = TypeVar("R")

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()  # the invisible root, as a default argument


def qt_sortable(value: Any) -> Any:
    """A sort key Qt can compare itself: numbers and strings pass, the rest is converted.

    A proxy compares SORT_ROLE values as QVariants; Python objects such as aware datetimes or
    tuples arrive as opaque wrappers that Qt cannot order.
    """
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, tuple):
        return "\x00".join(str(qt_sortable(v)) for v in value)
    if value is None:
        return ""
    return value


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: its header, the text to show, and the raw value to sort by."""

    header: Callable[[], str]
    display: Callable[[R], str]
    sort: Callable[[R], Any] | None = None
    align_right: bool = False
    tooltip: Callable[[R], str] | None = None


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Rows of type R shown through `columns`; replace them all with `set_rows`."""

    columns: Sequence[Column[R]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # --- structure ---
    def rowCount(self, parent: Index = ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.columns)

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].header()
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(row)
        if role == SORT_ROLE:
            return qt_sortable(column.sort(row) if column.sort else column.display(row))
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip(row)
        return None

    # --- sorting (in Python: a proxy would call data() for every comparison) ---
    def _sort_key(self, column: int) -> Callable[[R], Any]:
        spec = self.columns[column]
        raw = spec.sort or spec.display

        def key(row: R) -> Any:
            value = qt_sortable(raw(row))
            return (isinstance(value, str), value)  # numbers before text, never compared

        return key

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = list(self._rows)
        self._rows.sort(key=self._sort_key(column), reverse=order is Qt.SortOrder.DescendingOrder)
        where = {id(row): i for i, row in enumerate(self._rows)}
        old_indexes = self.persistentIndexList()
        new_indexes = [
            self.index(where[id(before[i.row()])], i.column()) if i.isValid() else i
            for i in old_indexes
        ]
        self.changePersistentIndexList(old_indexes, new_indexes)
        self.layoutChanged.emit()

    # --- content ---
    def set_rows(self, rows: Sequence[R]) -> None:
        """Replace every row, keeping the user's chosen sort order."""
        self.beginResetModel()
        self._rows = list(rows)
        if self._sort is not None:
            column, order = self._sort
            self._rows.sort(
                key=self._sort_key(column), reverse=order is Qt.SortOrder.DescendingOrder
            )
        self.endResetModel()

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def replace_row(self, row: int, value: R) -> None:
        self._rows[row] = value
        self.dataChanged.emit(
            self.index(row, 0),
            self.index(row, len(self.columns) - 1),
            [Qt.ItemDataRole.DisplayRole, SORT_ROLE, ROW_ROLE],
        )

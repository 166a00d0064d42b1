"""A table model over a list of frozen rows, described by named columns.

Every model here offers `SORT_ROLE` (the raw value, for sorting) and `ROW_ROLE` (the row
object itself). Small tables may sit behind a `QSortFilterProxyModel`; big ones are sorted
and filtered by their service in SQL (see STYLE.md rule 6). A list that is long but not paged
(the compliance due list runs to 200,000 rows) sorts off the GUI thread once its view lends it
a worker (`sort_off_thread`), and its page hands it fresh rows already in order (`ordered`).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from typing import Generic
from typing import Protocol
from typing import TypeVar
from typing import cast

from PySide6.QtCore import QAbstractTableModel
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QModelRoleData
from PySide6.QtCore import QModelRoleDataSpan
from PySide6.QtCore import QObject
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import Qt

from iltdesk.domain.sorting import sorted_in_steps

R = TypeVar("R")
T = TypeVar("T")

# Rows above which a header click sorts on a worker, when the view has lent one: sorting more
# on the GUI thread takes longer than the 50 ms in which a click still feels instant.
BIG_TABLE = 20_000

# What Qt's item-data calls (`data`, `headerData`, `setData`) carry: a QVariant, which PySide
# types as Any. By role it is text, a number, a colour, a font, an alignment or a row object.
ItemData = Any
# A column's sort value: numbers, text, dates or tuples, alike within a column only, which no
# static type says; `RowTableModel` keeps text apart from numbers so they are never compared.
SortKey = Any

SortOrder = tuple[int, Qt.SortOrder]


class Sorter(Protocol):
    """Runs `work` off the GUI thread, then `done` with its result back on the GUI thread."""

    def __call__(self, work: Callable[[], T], done: Callable[[T], None]) -> None: ...


NOT_SAID: Any = object()  # Any: a marker `set_rows` compares by identity with any order given

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()  # the invisible root, as a default argument


def qt_sortable(value: SortKey) -> SortKey:
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


def _positions(rows: Sequence[object]) -> dict[int, int]:
    """Each row object's place in `rows`, by identity (to move selections after a sort)."""
    return {id(row): place for place, row in enumerate(rows)}


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: its header, the text to show, and the raw value to sort by."""

    header: Callable[[], str]
    display: Callable[[R], str]
    sort: Callable[[R], SortKey] | None = None
    align_right: bool = False
    tooltip: Callable[[R], str] | None = None


class TableModel(QAbstractTableModel):
    """The base of every table model here: a view's questions about a cell in one call.

    Painting a cell, Qt's delegate asks for about nine roles (text, font, colours, alignment,
    icon, check state…), by default one call into Python each, and each call into Python waits
    for the interpreter if a worker is running Python. `multiData` answers them all at once
    through `data`: one wait a cell instead of nine.
    """

    def multiData(  # noqa: N802 - Qt's name
        self, index: Index, span: QModelRoleDataSpan | QModelRoleData
    ) -> None:
        if isinstance(span, QModelRoleData):
            asked: Iterable[QModelRoleData] = (span,)
        else:  # a span iterates over its roles (PySide's stubs do not say so)
            asked = cast("Iterable[QModelRoleData]", span)
        for role_data in asked:
            role_data.setData(self.data(index, role_data.role()))


class RowTableModel(TableModel, Generic[R]):
    """Rows of type R shown through `columns`; replace them all with `set_rows`."""

    columns: Sequence[Column[R]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []
        self._sort: SortOrder | None = None
        self._sorter: Sorter | None = None
        self._version = 0  # moves on whenever the rows change: a late sort is then dropped
        # The order the rows are in (or being sorted into, off the GUI thread), and at which
        # version of the rows.
        self._in_order: tuple[SortOrder | None, int] = (None, 0)

    # --- structure ---
    def rowCount(self, parent: Index = ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.columns)

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> ItemData:
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].header()
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> ItemData:
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
    def _sort_key(self, column: int) -> Callable[[R], SortKey]:
        spec = self.columns[column]
        raw = spec.sort or spec.display

        def key(row: R) -> SortKey:
            value = qt_sortable(raw(row))
            return (isinstance(value, str), value)  # numbers before text, never compared

        return key

    def ordered(self, rows: Sequence[R], order: SortOrder | None) -> list[R]:
        """`rows` in `order` (from `sort_order()`); safe off the GUI thread.

        It reads only the columns (fixed once the model is made) and calls no Qt. Hand both to
        `set_rows(rows, ordered_by=order)`, which then need not sort them.
        """
        if order is None or not 0 <= order[0] < len(self.columns):
            return list(rows)
        column, direction = order
        reverse = direction is Qt.SortOrder.DescendingOrder
        return sorted_in_steps(rows, self._sort_key(column), reverse=reverse)

    def sort_order(self) -> SortOrder | None:
        """The column and direction the user sorted by, if any."""
        return self._sort

    def sort_off_thread(self, sorter: Sorter) -> None:
        """Sort a big table's rows on a worker when a header is clicked (see `Sorter`)."""
        self._sorter = sorter

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        wanted = (column, order)
        request = (wanted, self._version)
        if self._in_order == request:
            return  # already in that order, or on the way to it (Qt asks twice per click)
        self._sort = wanted
        self._in_order = request
        if self._sorter is not None and len(self._rows) > BIG_TABLE:
            rows = list(self._rows)

            def work() -> tuple[list[R], dict[int, int]]:
                ordered = self.ordered(rows, wanted)
                return ordered, _positions(ordered)

            def done(result: tuple[list[R], dict[int, int]]) -> None:
                # Only the latest click's order, and only for the rows it sorted: sorts can
                # come back out of turn, and set_rows has already ordered newer rows.
                if self._in_order == request:
                    self._put_in_order(*result)

            self._sorter(work, done)
            return
        ordered = self._sorted(self._rows, wanted)
        self._put_in_order(ordered, _positions(ordered))

    def _sorted(self, rows: Sequence[R], order: SortOrder) -> list[R]:
        """`rows` in `order`, at once (on the GUI thread: small tables, or a rare catch-up)."""
        column, direction = order
        reverse = direction is Qt.SortOrder.DescendingOrder
        return sorted(rows, key=self._sort_key(column), reverse=reverse)

    def _put_in_order(self, ordered: list[R], where: dict[int, int]) -> None:
        """Show the same rows in a new order (`where`: row id → its place), selections kept."""
        self.layoutAboutToBeChanged.emit()
        before = self._rows
        self._rows = ordered
        old_indexes = self.persistentIndexList()
        new_indexes = [
            self.index(where[id(before[i.row()])], i.column()) if i.isValid() else i
            for i in old_indexes
        ]
        self.changePersistentIndexList(old_indexes, new_indexes)
        self.layoutChanged.emit()

    # --- content ---
    def set_rows(self, rows: Sequence[R], *, ordered_by: SortOrder | None = NOT_SAID) -> None:
        """Replace every row, keeping the user's chosen sort order.

        `ordered_by`: the order `rows` are already in (see `ordered`), so that a long list
        sorted on a worker is not sorted again here.
        """
        self.beginResetModel()
        self._version += 1
        if self._sort is not None and ordered_by != self._sort:
            self._rows = self._sorted(rows, self._sort)
        else:
            self._rows = list(rows)
        self._in_order = (self._sort, self._version)
        self.endResetModel()

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def replace_row(self, row: int, value: R) -> None:
        self._version += 1
        self._in_order = (None, self._version)  # the new row may stand out of order
        self._rows[row] = value
        self.dataChanged.emit(
            self.index(row, 0),
            self.index(row, len(self.columns) - 1),
            [Qt.ItemDataRole.DisplayRole, SORT_ROLE, ROW_ROLE],
        )

"""The review grid of a meeting import: who, how long, the mark proposed, and whether to apply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QObject
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import Qt

from iltdesk import formatting
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.i18n import N_
from iltdesk.i18n import _
from iltdesk.models.base import ItemData
from iltdesk.models.base import TableModel

Index = QModelIndex | QPersistentModelIndex


@dataclass
class ReviewRow:
    """One line of the review: a learner (or a possible match) and the mark proposed."""

    enrollment_id: int
    learner: str
    shown_as: str  # the name in the report ("" when not in it)
    matched_by: str  # "email", "name", "possible", "" (not in the report)
    minutes: int
    first_join: datetime | None
    existing: AttendanceStatus | None
    proposed: AttendanceStatus
    apply: bool


COLUMNS = (
    N_("Learner"),
    N_("In the report as"),
    N_("Minutes"),
    N_("First joined"),
    N_("Current mark"),
    N_("Proposed mark"),
    N_("Apply"),
)
APPLY_COLUMN = 6


class MeetingReviewModel(TableModel):
    """Rows of `ReviewRow`; the Apply column is a check box the coordinator ticks."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ReviewRow] = []
        self._zone = "UTC"

    def set_rows(self, rows: list[ReviewRow], zone: str) -> None:
        self.beginResetModel()
        self._rows, self._zone = rows, zone
        self.endResetModel()

    def rows(self) -> list[ReviewRow]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> ItemData:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(COLUMNS[section]) if 0 <= section < len(COLUMNS) else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == APPLY_COLUMN:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> ItemData:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == APPLY_COLUMN:
            return Qt.CheckState.Checked if row.apply else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and column == 1 and row.matched_by:
            return {
                "email": _("Matched by email"),
                "name": _("Matched by name"),
                "possible": _("A possible match: tick Apply to confirm it"),
            }.get(row.matched_by, "")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._text(row, column)

    def _text(self, row: ReviewRow, column: int) -> str | None:
        if column == 0:
            return row.learner
        if column == 1:
            if row.matched_by == "possible":
                return _("{name} (possible match)").format(name=row.shown_as)
            return row.shown_as or _("not in the report")
        if column == 2:
            return formatting.format_number(row.minutes)
        if column == 3:
            if row.first_join is None:
                return ""
            time = formatting.format_time(row.first_join, self._zone)
            return f"{time} {formatting.zone_label(row.first_join, self._zone)}"
        if column == 4:
            return row.existing.label() if row.existing else ""
        if column == 5:
            return row.proposed.label()
        return None

    def setData(self, index: Index, value: ItemData, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if (
            not index.isValid()
            or index.column() != APPLY_COLUMN
            or role != Qt.ItemDataRole.CheckStateRole
        ):
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        self._rows[index.row()].apply = bool(checked)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

"""Qt models of the compliance matrix (50,000 learners × requirements) and the due list.

The matrix model reads cells from the computed `ComplianceMatrix` on demand: nothing is
copied per cell, so a matrix of half a million cells shows at once. It sorts by learner
columns in Python (STYLE.md rule 6).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from iltdesk import formatting
from iltdesk.domain.compliance import DUE_DEPARTMENT
from iltdesk.domain.compliance import DUE_EMAIL
from iltdesk.domain.compliance import DUE_MANAGER
from iltdesk.domain.compliance import DUE_NAME
from iltdesk.domain.compliance import DUE_ON
from iltdesk.domain.compliance import DUE_REQUIREMENT
from iltdesk.domain.compliance import DUE_STATE
from iltdesk.domain.compliance import LEARNER_DEPARTMENT
from iltdesk.domain.compliance import LEARNER_EMAIL
from iltdesk.domain.compliance import LEARNER_ID
from iltdesk.domain.compliance import LEARNER_MANAGER
from iltdesk.domain.compliance import LEARNER_NAME
from iltdesk.domain.compliance import ComplianceCell
from iltdesk.domain.compliance import ComplianceMatrix
from iltdesk.domain.compliance import DueItem
from iltdesk.domain.compliance import DueRow
from iltdesk.domain.compliance import LearnerTuple
from iltdesk.domain.compliance import MatrixLearner
from iltdesk.domain.compliance import due_item
from iltdesk.domain.enums import CertificateStatus
from iltdesk.domain.enums import ComplianceState
from iltdesk.domain.register import REG_CODE
from iltdesk.domain.register import REG_COURSE
from iltdesk.domain.register import REG_COURSE_CODE
from iltdesk.domain.register import REG_EMAIL
from iltdesk.domain.register import REG_EXPIRES
from iltdesk.domain.register import REG_ISSUED
from iltdesk.domain.register import REG_LEARNER
from iltdesk.domain.register import REG_REPLACED_BY
from iltdesk.domain.register import REG_REVOKE_REASON
from iltdesk.domain.register import REG_STATUS
from iltdesk.domain.register import RegisterTuple
from iltdesk.i18n import _
from iltdesk.models.base import ROOT
from iltdesk.models.base import ROW_ROLE
from iltdesk.models.base import SORT_ROLE
from iltdesk.models.base import Column
from iltdesk.models.base import Index
from iltdesk.models.base import ItemData
from iltdesk.models.base import RowTableModel
from iltdesk.models.base import SortKey
from iltdesk.models.base import TableModel

S = ComplianceState
CELL_ROLE = Qt.ItemDataRole.UserRole + 3  # the ComplianceCell of a requirement column
# Background colours that read on light and dark palettes alike (text stays the palette's).
COLOURS = {
    S.CURRENT: QColor(46, 160, 67, 70),
    S.EXPIRING: QColor(230, 160, 0, 90),
    S.OVERDUE: QColor(220, 50, 40, 90),
    S.EXEMPT: QColor(80, 110, 200, 60),
}
LEARNER_COLUMNS = 3  # name, department, manager
STATE_RANK = {state: rank for rank, state in enumerate(ComplianceState)}  # a column's sort


def cell_text(cell: ComplianceCell | None) -> str:
    """A matrix cell in short words: “Overdue · 12/03/2026”."""
    if cell is None:
        return ""
    if cell.on is None:
        return cell.state.label()
    if cell.lasting:  # met once and for good: the day it was done, not an end
        return _("Completed · {date}").format(date=formatting.format_date(cell.on, fmt="short"))
    return f"{cell.state.label()} · {formatting.format_date(cell.on, fmt='short')}"


def _shown(person: LearnerTuple, column: int) -> str:
    """A learner column's text: name, department or manager."""
    return (person[LEARNER_NAME], person[LEARNER_DEPARTMENT], person[LEARNER_MANAGER])[column]


class ComplianceTableModel(TableModel):
    """Learners down (name, department, manager), one column per requirement."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.matrix: ComplianceMatrix | None = None
        self._people: list[LearnerTuple] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None  # the user's, kept across refreshes

    def set_matrix(self, matrix: ComplianceMatrix | None) -> None:
        """Show `matrix`, in the order the user sorted by (else the service's: by surname)."""
        self.beginResetModel()
        self.matrix = matrix
        self._people = list(matrix.learner_rows) if matrix else []
        if self._sort is not None and 0 <= self._sort[0] < self.columnCount():
            self._people.sort(key=self._key(*self._sort), reverse=self._reverse(self._sort[1]))
        self.endResetModel()

    def learner_at(self, row: int) -> MatrixLearner:
        return MatrixLearner(*self._people[row])

    def requirement_index(self, column: int) -> int | None:
        return column - LEARNER_COLUMNS if column >= LEARNER_COLUMNS else None

    def rowCount(self, parent: Index = ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._people)

    def columnCount(self, parent: Index = ROOT) -> int:  # noqa: N802 - Qt's name
        if parent.isValid() or self.matrix is None:
            return 0
        return LEARNER_COLUMNS + len(self.matrix.requirements)

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> ItemData:
        if orientation is not Qt.Orientation.Horizontal or self.matrix is None:
            return None
        if not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < LEARNER_COLUMNS:
                return (_("Learner"), _("Department"), _("Manager"))[section]
            return self.matrix.requirements[section - LEARNER_COLUMNS].name
        if role == Qt.ItemDataRole.ToolTipRole and section >= LEARNER_COLUMNS:
            requirement = self.matrix.requirements[section - LEARNER_COLUMNS]
            return ", ".join(requirement.course_names) + " · " + requirement.scope_text()
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> ItemData:
        if not index.isValid() or self.matrix is None or not 0 <= index.row() < len(self._people):
            return None
        person = self._people[index.row()]
        column = index.column()
        if column < LEARNER_COLUMNS:
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
                return _shown(person, column)
            if role == Qt.ItemDataRole.ToolTipRole and column == 0:
                return person[LEARNER_EMAIL]
            if role == ROW_ROLE:
                return MatrixLearner(*person)
            return None
        cell = self.matrix.cell(column - LEARNER_COLUMNS, person[LEARNER_ID])
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(cell)
        if role == SORT_ROLE:
            return cell.on.isoformat() if cell and cell.on else ""
        if role == Qt.ItemDataRole.BackgroundRole and cell is not None:
            return COLOURS.get(cell.state)
        if role == CELL_ROLE:
            return cell
        if role == ROW_ROLE:
            return MatrixLearner(*person)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column < 0:
            return  # no column chosen: the service's order stands
        self._sort = (column, order)
        if self.matrix is None or not 0 <= column < self.columnCount():
            return
        self.layoutAboutToBeChanged.emit()
        self._people.sort(key=self._key(column, order), reverse=self._reverse(order))
        self.layoutChanged.emit()

    @staticmethod
    def _reverse(order: Qt.SortOrder) -> bool:
        return order is Qt.SortOrder.DescendingOrder

    def _key(self, column: int, order: Qt.SortOrder) -> Callable[[LearnerTuple], SortKey]:
        """A learner column by its text; a requirement by state, then date (blanks last)."""
        if column < LEARNER_COLUMNS:
            return lambda p: _shown(p, column).casefold()
        assert self.matrix is not None
        cells = self.matrix.cells[column - LEARNER_COLUMNS]
        far = date.min if self._reverse(order) else date.max

        def key(person: LearnerTuple) -> tuple[int, date]:
            found = cells.get(person[LEARNER_ID])
            if found is None:
                return (99, far)
            return (STATE_RANK[found.state], found.on or far)

        return key


STATE = 4  # of the due list: the column coloured by the state


def _day(value: date | None) -> str:
    return formatting.format_date(value) if value else ""


class DueTableModel(RowTableModel[DueRow]):
    """The due list: who, what, in which state, by when (rows as `DueRow` tuples)."""

    DATE = 5  # the column the service's "most urgent first" order sorts by

    columns = (
        Column(lambda: _("Learner"), lambda r: r[DUE_NAME], tooltip=lambda r: r[DUE_EMAIL]),
        Column(lambda: _("Department"), lambda r: r[DUE_DEPARTMENT]),
        Column(lambda: _("Manager"), lambda r: r[DUE_MANAGER]),
        Column(lambda: _("Requirement"), lambda r: r[DUE_REQUIREMENT]),
        Column(lambda: _("State"), lambda r: S(r[DUE_STATE]).label()),
        Column(
            lambda: _("Date"),
            lambda r: _day(r[DUE_ON]),
            sort=lambda r: on.isoformat() if (on := r[DUE_ON]) else "",
        ),
    )

    def item_at(self, row: int) -> DueItem:
        """The due item shown on `row`."""
        return due_item(self.row_at(row))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> ItemData:
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid() and index.column() == STATE:
            return COLOURS.get(S(self.row_at(index.row())[DUE_STATE]))
        return super().data(index, role)


STATUS_COLOURS = {
    CertificateStatus.VALID: COLOURS[S.CURRENT],
    CertificateStatus.EXPIRED: COLOURS[S.OVERDUE],
    CertificateStatus.REVOKED: COLOURS[S.OVERDUE],
}


def _status_label(row: RegisterTuple) -> str:
    return CertificateStatus(row[REG_STATUS]).label()


def _why(row: RegisterTuple) -> str:
    replaced = row[REG_REPLACED_BY]
    return row[REG_REVOKE_REASON] or (
        _("replaced by {code}").format(code=replaced) if replaced else ""
    )


class RegisterTableModel(RowTableModel[RegisterTuple]):
    """The certificate register: every certificate with its status today (`RegisterTuple`s)."""

    columns = (
        Column(lambda: _("Code"), lambda r: r[REG_CODE]),
        Column(lambda: _("Learner"), lambda r: r[REG_LEARNER], tooltip=lambda r: r[REG_EMAIL]),
        Column(lambda: _("Course"), lambda r: f"{r[REG_COURSE_CODE]} — {r[REG_COURSE]}"),
        Column(
            lambda: _("Issued"),
            lambda r: _day(r[REG_ISSUED]),
            sort=lambda r: r[REG_ISSUED].isoformat(),
        ),
        Column(
            lambda: _("Valid until"),
            lambda r: _day(until) if (until := r[REG_EXPIRES]) else _("no expiry"),
            sort=lambda r: until.isoformat() if (until := r[REG_EXPIRES]) else "9999",
        ),
        Column(lambda: _("Status"), _status_label, tooltip=_why),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> ItemData:
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid() and index.column() == 5:
            status = CertificateStatus(self.row_at(index.row())[REG_STATUS])
            return STATUS_COLOURS.get(status)
        return super().data(index, role)

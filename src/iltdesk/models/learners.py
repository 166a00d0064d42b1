"""The learner directory as a paged model: 50,000 rows never load at once.

The model asks its page source (a service search bound by the view) for one page at a time
as the view scrolls (`canFetchMore`/`fetchMore`); a new filter resets it to the first page.
Sorting is the service's (last name, first name), done in SQL.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QObject
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import Qt

from iltdesk.domain.rows import LearnerRow
from iltdesk.i18n import _
from iltdesk.models.base import ROW_ROLE
from iltdesk.models.base import SORT_ROLE
from iltdesk.models.base import ItemData
from iltdesk.models.base import TableModel

PageSource = Callable[[str, int, int], list[LearnerRow]]  # (filter, limit, offset) -> rows
PAGE_SIZE = 200

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()  # the invisible root, as a default argument


class LearnersTableModel(TableModel):
    """The learner directory, fetched a page at a time as the view scrolls."""

    NAME, EMAIL, EMPLOYEE_ID, DEPARTMENT, LOCATION, JOB_TITLE = range(6)
    _HEADERS = (
        lambda: _("Name"),
        lambda: _("Email"),
        lambda: _("Employee ID"),
        lambda: _("Department"),
        lambda: _("Location"),
        lambda: _("Job title"),
    )

    def __init__(self, source: PageSource, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._filter = ""
        self._rows: list[LearnerRow] = []
        self._exhausted = False
        self._load_first_page()

    def _load_first_page(self) -> None:
        self._rows = self._source(self._filter, PAGE_SIZE, 0)
        self._exhausted = len(self._rows) < PAGE_SIZE

    @property
    def filter_text(self) -> str:
        return self._filter

    def set_filter(self, text: str) -> None:
        self.beginResetModel()
        self._filter = text
        self._load_first_page()
        self.endResetModel()

    def refresh(self) -> None:
        self.set_filter(self._filter)

    def rowCount(self, parent: Index = ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._HEADERS)

    def canFetchMore(self, parent: Index = ROOT) -> bool:  # noqa: N802 - Qt's name
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = ROOT) -> None:  # noqa: N802 - Qt's name
        if parent.isValid() or self._exhausted:
            return
        page = self._source(self._filter, PAGE_SIZE, len(self._rows))
        self._exhausted = len(page) < PAGE_SIZE
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> ItemData:
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._HEADERS)
        ):
            return self._HEADERS[section]()
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> ItemData:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        if role not in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return None
        column = index.column()
        if column == self.NAME:
            if role == SORT_ROLE:
                return f"{row.last_name.casefold()}\x00{row.first_name.casefold()}"
            return f"{row.last_name}, {row.first_name}" if row.last_name else row.first_name
        values = (
            None,
            row.email,
            row.employee_id or "",
            row.department,
            row.location,
            row.job_title,
        )
        return values[column]

    def row_at(self, row: int) -> LearnerRow:
        return self._rows[row]

"""The attendance grid: learners with a seat × session days, plus the completion they earn.

Pure data: the view records marks through the attendance service and then hands the saved
marks back with `set_mark`, which repaints that cell and the learner's completion cell.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QObject
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from iltdesk import formatting
from iltdesk.domain.enums import MARK_LETTERS
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.rows import AttendanceMarkRow
from iltdesk.domain.rows import RosterRow
from iltdesk.domain.rows import SessionDayRow
from iltdesk.domain.rules import DayMark
from iltdesk.domain.rules import completion_status
from iltdesk.i18n import _
from iltdesk.models.base import ROW_ROLE
from iltdesk.models.base import SORT_ROLE
from iltdesk.models.base import ItemData
from iltdesk.models.base import TableModel

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()  # the invisible root, as a default argument

COLOURS = {
    AttendanceStatus.PRESENT: QColor(46, 160, 67, 70),
    AttendanceStatus.LATE: QColor(210, 153, 34, 80),
    AttendanceStatus.LEFT_EARLY: QColor(210, 153, 34, 80),
    AttendanceStatus.ABSENT: QColor(218, 54, 51, 70),
    AttendanceStatus.EXCUSED: QColor(110, 118, 129, 70),
}
MARK_ROLE = Qt.ItemDataRole.UserRole + 3


class AttendanceTableModel(TableModel):
    """Column 0 is the learner, then one column per day, then completion."""

    NAME = 0

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._learners: list[RosterRow] = []
        self._days: list[SessionDayRow] = []
        self._timezone = "UTC"
        self._threshold = 80
        self._marks: dict[tuple[int, int], AttendanceMarkRow] = {}

    def load(
        self,
        learners: list[RosterRow],
        days: list[SessionDayRow],
        timezone: str,
        marks: list[AttendanceMarkRow],
        threshold: int,
    ) -> None:
        self.beginResetModel()
        self._learners = [r for r in learners if r.status.holds_seat]
        self._days = list(days)
        self._timezone = timezone
        self._threshold = threshold
        self._marks = {(m.enrollment_id, m.day_id): m for m in marks}
        self.endResetModel()

    @property
    def completion_column(self) -> int:
        return len(self._days) + 1

    def day_at(self, column: int) -> SessionDayRow | None:
        return self._days[column - 1] if 1 <= column <= len(self._days) else None

    def learner_at(self, row: int) -> RosterRow:
        return self._learners[row]

    def mark_at(self, row: int, column: int) -> AttendanceMarkRow | None:
        day = self.day_at(column)
        if day is None:
            return None
        return self._marks.get((self._learners[row].enrollment_id, day.id))

    def seen_version(self, enrollment_id: int, day_id: int) -> int:
        """The version of the mark this grid shows for a cell (0: it shows none)."""
        mark = self._marks.get((enrollment_id, day_id))
        return mark.version if mark is not None else 0

    def completion(self, row: int) -> EnrollmentStatus:
        learner = self._learners[row]
        marks = [
            DayMark(m.status, day.minutes, m.minutes_attended)
            for day in self._days
            if (m := self._marks.get((learner.enrollment_id, day.id))) is not None
        ]
        return completion_status(marks, len(self._days), self._threshold)

    def set_mark(self, enrollment_id: int, day_id: int, mark: AttendanceMarkRow | None) -> None:
        if mark is None:
            self._marks.pop((enrollment_id, day_id), None)
        else:
            self._marks[(enrollment_id, day_id)] = mark
        rows = [i for i, r in enumerate(self._learners) if r.enrollment_id == enrollment_id]
        columns = [i + 1 for i, d in enumerate(self._days) if d.id == day_id]
        if rows and columns:
            roles = [
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.BackgroundRole,
                Qt.ItemDataRole.ToolTipRole,
                SORT_ROLE,
                MARK_ROLE,
            ]
            self.dataChanged.emit(
                self.index(rows[0], columns[0]), self.index(rows[0], columns[0]), roles
            )
            done = self.index(rows[0], self.completion_column)
            self.dataChanged.emit(done, done, [Qt.ItemDataRole.DisplayRole, SORT_ROLE])

    def rowCount(self, parent: Index = ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._learners)

    def columnCount(self, parent: Index = ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._days) + 2

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> ItemData:
        if orientation is not Qt.Orientation.Horizontal or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        if section == self.NAME:
            return _("Learner")
        if section == self.completion_column:
            return _("Completion")
        day = self.day_at(section)
        if day is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return formatting.format_span(day.start, day.end, self._timezone)
        return _("Day {n}\n{date}").format(
            n=section, date=formatting.format_date(day.start, self._timezone, "short")
        )

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> ItemData:
        if not index.isValid() or not 0 <= index.row() < len(self._learners):
            return None
        row, column = index.row(), index.column()
        learner = self._learners[row]
        if role == ROW_ROLE:
            return learner
        if column == self.NAME:
            name = (
                f"{learner.last_name}, {learner.first_name}"
                if learner.last_name
                else (learner.first_name)
            )
            if role == Qt.ItemDataRole.DisplayRole:
                return name
            if role == SORT_ROLE:
                return f"{learner.last_name.casefold()}\x00{learner.first_name.casefold()}"
            return None
        if column == self.completion_column:
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
                status = self.completion(row)
                return "" if status is EnrollmentStatus.ENROLLED else status.label()
            return None
        mark = self.mark_at(row, column)
        if role == MARK_ROLE:
            return mark
        if mark is None:
            return "" if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE) else None
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return MARK_LETTERS[mark.status]
        if role == Qt.ItemDataRole.BackgroundRole:
            return COLOURS[mark.status]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = mark.status.label()
            if mark.minutes_attended is not None:
                text += " — " + _("{minutes} min").format(minutes=mark.minutes_attended)
            return text
        return None

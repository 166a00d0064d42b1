"""Month and week views of sessions, beside the list.

Each session is placed on the dates of its days in its own time zone (a 09:00 Tokyo session
is on the Tokyo date), and shown with its times and zone label.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from datetime import timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate
from PySide6.QtCore import QRect
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtGui import QPainter
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QCalendarWidget
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QListWidgetItem
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import _


def sessions_by_local_date(rows: list[SessionRow]) -> dict[date, list[tuple[SessionRow, int]]]:
    """Each session under every local date it runs on, with the day's index."""
    found: dict[date, list[tuple[SessionRow, int]]] = defaultdict(list)
    for row in rows:
        zone = ZoneInfo(row.timezone)
        for index, day in enumerate(row.days):
            found[day.start.astimezone(zone).date()].append((row, index))
    for entries in found.values():
        entries.sort(key=lambda e: e[0].days[e[1]].start)
    return found


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _label(row: SessionRow, index: int) -> str:
    day = row.days[index]
    times = formatting.format_time_span(day.start, day.end, row.timezone)
    return f"{times} · {row.course_code} {row.cohort}"


class SessionCalendar(QCalendarWidget):
    """A month grid that writes each date's sessions into its cell: "FS-101 Forklift Safety".

    Times (with their zone) are in the list beside the grid and in the cell's tooltip; a cell
    has room for the course, not for a time and its zone label as well.
    """

    MAX_LINES = 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.by_date: dict[date, list[tuple[SessionRow, int]]] = {}

    def cell_lines(self, day: date) -> list[str]:
        """What the cell of `day` shows under its number."""
        entries = self.by_date.get(day, [])
        lines = []
        for row, _index in entries[: self.MAX_LINES]:
            lines.append(f"{row.course_code} {row.course_title}")
        if len(entries) > self.MAX_LINES:
            lines[-1] = _("+{n} more").format(n=len(entries) - self.MAX_LINES + 1)
        return lines

    def paintCell(self, painter: QPainter, rect: QRect, day: QDate) -> None:  # noqa: N802
        super().paintCell(painter, rect, day)
        lines = self.cell_lines(_to_date(day))
        if not lines:
            return
        painter.save()
        font = painter.font()
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.75))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        # Below the day's number, which the calendar draws in the middle of the cell.
        top = rect.center().y() + painter.fontMetrics().height()
        area = QRect(rect.left() + 3, top, rect.width() - 6, rect.bottom() - top - 1)
        y = area.top()
        for line in lines:
            if y + metrics.height() > area.bottom() + 1:
                break
            text = metrics.elidedText(line, Qt.TextElideMode.ElideRight, area.width())
            painter.drawText(
                QRect(area.left(), y, area.width(), metrics.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
            y += metrics.height()
        painter.restore()


class MonthView(QWidget):
    """A month calendar with session days in bold; the chosen date's sessions listed beside."""

    session_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calendar = SessionCalendar()
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.day_list = QListWidget()
        self.day_list.setAccessibleName(_("Sessions on the chosen date"))
        self.day_list.itemActivated.connect(
            lambda item: self.session_activated.emit(int(item.data(Qt.ItemDataRole.UserRole)))
        )
        self.calendar.selectionChanged.connect(self._show_day)
        self.calendar.currentPageChanged.connect(lambda _year, _month: self._mark_page())
        layout = QHBoxLayout(self)
        layout.addWidget(self.calendar, 3)
        layout.addWidget(self.day_list, 2)
        self._by_date: dict[date, list[tuple[SessionRow, int]]] = {}
        self._marked: set[date] = set()  # the dates shown in bold, with their tooltips

    def set_sessions(self, rows: list[SessionRow]) -> None:
        self._by_date = sessions_by_local_date(rows)
        self.calendar.by_date = self._by_date
        self._mark_page()
        self._show_day()

    def _mark_page(self) -> None:
        """Session days in bold, with their sessions as tooltips, on the month shown only.

        Marking every date of 2,000 sessions held the window 34-38 ms on choosing the view.
        """
        for day in self._marked:
            self.calendar.setDateTextFormat(QDate(day.year, day.month, day.day), QTextCharFormat())
        first = date(self.calendar.yearShown(), self.calendar.monthShown(), 1)
        # The page shows the weeks around the month too.
        shown = (first - timedelta(days=7), first + timedelta(days=31 + 14))
        self._marked = {day for day in self._by_date if shown[0] <= day <= shown[1]}
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        bold.setBackground(self.palette().highlight().color().lighter(170))
        for day in self._marked:
            fmt = QTextCharFormat(bold)
            fmt.setToolTip("\n".join(_label(r, i) for r, i in self._by_date[day]))
            self.calendar.setDateTextFormat(QDate(day.year, day.month, day.day), fmt)

    def _show_day(self) -> None:
        chosen = _to_date(self.calendar.selectedDate())
        self.day_list.clear()
        for row, index in self._by_date.get(chosen, []):
            item = QListWidgetItem(_label(row, index))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.day_list.addItem(item)
        if not self.day_list.count():
            self.day_list.addItem(QListWidgetItem(_("No sessions on this date.")))


class WeekView(QWidget):
    """Seven columns, Monday to Sunday, each listing that date's sessions in time order."""

    session_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monday = date.today() - timedelta(days=date.today().weekday())
        self.title = QLabel()
        previous = QPushButton("‹")
        following = QPushButton("›")
        previous.setAccessibleName(_("Previous week"))
        following.setAccessibleName(_("Next week"))
        previous.setToolTip(_("Previous week"))
        following.setToolTip(_("Next week"))
        today = QPushButton(_("This week"))
        previous.clicked.connect(lambda: self.show_week(self.monday - timedelta(days=7)))
        following.clicked.connect(lambda: self.show_week(self.monday + timedelta(days=7)))
        today.clicked.connect(
            lambda: self.show_week(date.today() - timedelta(days=date.today().weekday()))
        )
        bar = QHBoxLayout()
        bar.addWidget(previous)
        bar.addWidget(today)
        bar.addWidget(following)
        bar.addWidget(self.title)
        bar.addStretch()
        self.table = QTableWidget(0, 7)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.itemActivated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self._by_date: dict[date, list[tuple[SessionRow, int]]] = {}

    def set_sessions(self, rows: list[SessionRow]) -> None:
        self._by_date = sessions_by_local_date(rows)
        self.show_week(self.monday)

    def show_week(self, monday: date) -> None:
        self.monday = monday
        days = [monday + timedelta(days=i) for i in range(7)]
        self.title.setText(
            formatting.format_date(days[0]) + " – " + formatting.format_date(days[-1])
        )
        self.table.setHorizontalHeaderLabels([formatting.format_weekday_date(d) for d in days])
        columns = [self._by_date.get(d, []) for d in days]
        self.table.setRowCount(max([1, *map(len, columns)]))
        self.table.clearContents()
        for column, entries in enumerate(columns):
            for row_index, (row, index) in enumerate(entries):
                item = QTableWidgetItem(_label(row, index).replace(" · ", "\n"))
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                item.setToolTip(f"{row.course_title}\n{row.room_name or row.meeting_link}")
                self.table.setItem(row_index, column, item)
        self.table.resizeRowsToContents()

    def _activated(self, item: QTableWidgetItem) -> None:
        session_id = item.data(Qt.ItemDataRole.UserRole)
        if session_id is not None:
            self.session_activated.emit(int(session_id))

"""Qt models of the home dashboard: the week's sessions and the "Needs attention" list.

Plain row models; apart from the report models (`models/reports.py`), as the home screen is
the first one shown and what it imports is part of start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from iltdesk import formatting
from iltdesk.domain.attention import AttentionItem
from iltdesk.domain.lifecycle import phase
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.models.base import NOT_SAID
from iltdesk.models.base import Column
from iltdesk.models.base import Index
from iltdesk.models.base import ItemData
from iltdesk.models.base import RowTableModel
from iltdesk.models.base import SortOrder


def _when(row: SessionRow) -> str:
    """The first day over its times: "Mon 30 Nov 2026" / "13:30–17:30 GMT" (and the days in all).

    Two lines, so the week's table keeps its five columns in view on a laptop's screen.
    """
    if not row.days:
        return ""
    first = row.days[0]
    local = first.start.astimezone(ZoneInfo(row.timezone)).date()
    text = (
        f"{formatting.format_weekday_short_date(local)}\n"
        f"{formatting.format_time_span(first.start, first.end, row.timezone)}"
    )
    if len(row.days) > 1:
        more = len(row.days) - 1
        text += " " + ngettext("(+{n} day)", "(+{n} days)", more).format(n=more)
    return text


class WeekTableModel(RowTableModel[SessionRow]):
    """The week's sessions: day and time in the venue's zone, course, status, seats."""

    today: date = date.min

    columns = (
        Column(lambda: _("When"), lambda r: _when(r), sort=lambda r: r.first_start),
        Column(
            lambda: _("Course"),
            lambda r: f"{r.course_title} {r.cohort}".strip(),
            tooltip=lambda r: f"{r.course_title} {r.cohort}".strip(),
        ),
        Column(
            lambda: _("Status"),
            lambda r: phase(r.status, r.first_start, r.last_end, datetime.now(UTC)).label(),
        ),
        Column(
            lambda: _("Seats"),
            lambda r: (
                _("{enrolled} of {capacity}").format(enrolled=r.enrolled, capacity=r.capacity)
                + (
                    ngettext(" · {n} waiting", " · {n} waiting", r.waitlisted).format(
                        n=r.waitlisted
                    )
                    if r.waitlisted
                    else ""
                )
            ),
            sort=lambda r: r.enrolled,
        ),
        Column(
            lambda: _("Where"),
            lambda r: r.room_name or r.mode.label(),
            tooltip=lambda r: r.room_name or r.mode.label(),
        ),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Laying the table out asks for each cell's data some forty times (every role, for the
        # columns' widths and again for the rows' heights): its texts and which rows meet today
        # are worked out once per refresh, not on every ask.
        self._texts: dict[tuple[int, int], str] = {}
        self._meeting_today: set[int] = set()  # id() of the rows held

    def set_rows(
        self, rows: Sequence[SessionRow], *, ordered_by: SortOrder | None = NOT_SAID
    ) -> None:
        """Replace the week's rows (set `today` first: it decides which rows are in bold)."""
        self._texts = {}
        self._meeting_today = {id(row) for row in rows if self._meets_today(row)}
        super().set_rows(rows, ordered_by=ordered_by)

    def replace_row(self, row: int, value: SessionRow) -> None:
        """Replace one row, working out its texts and today's mark afresh."""
        old = id(self.row_at(row))
        self._texts = {key: text for key, text in self._texts.items() if key[0] != old}
        self._meeting_today.discard(old)
        if self._meets_today(value):
            self._meeting_today.add(id(value))
        super().replace_row(row, value)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> ItemData:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        today_roles = (Qt.ItemDataRole.FontRole, Qt.ItemDataRole.BackgroundRole)
        if role in today_roles and id(self.row_at(index.row())) in self._meeting_today:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QApplication.palette().color(QPalette.ColorRole.AlternateBase)
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.DisplayRole:
            key = (id(self.row_at(index.row())), index.column())
            text = self._texts.get(key)
            if text is None:
                text = self._texts[key] = super().data(index, role)
            return text
        return super().data(index, role)

    def _meets_today(self, row: SessionRow) -> bool:
        zone = ZoneInfo(row.timezone)
        return any(d.start.astimezone(zone).date() == self.today for d in row.days)


class AttentionListModel(RowTableModel[AttentionItem]):
    """The "Needs attention" list: one sentence per item, shown as a link."""

    columns = (Column(lambda: _("Needs attention"), lambda item: item.text),)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> ItemData:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            return QApplication.palette().color(QPalette.ColorRole.Link)
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            return _("Open it (Enter or double-click)")
        return super().data(index, role)

"""Instructors › Load…: a week or a month of instructors × days — teaching, off, or free."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.dates import add_months
from iltdesk.i18n import _
from iltdesk.models.load import LoadTableModel
from iltdesk.services import availability
from iltdesk.views.context import AppContext
from iltdesk.views.widgets import CLOSE
from iltdesk.views.widgets import button_box


class LoadDialog(QDialog):
    """The bench's load: who teaches what, who is off, who is free."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, first: date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Instructor load"))
        self.resize(1000, 520)
        today = first or date.today()
        self.first = today - timedelta(days=today.weekday())  # the week's Monday
        self.span = QComboBox()
        self.span.addItem(_("Week"), 7)
        self.span.addItem(_("Month"), 0)
        self.span.setAccessibleName(_("Show"))
        self.previous = QPushButton(_("&Earlier"))
        self.next = QPushButton(_("&Later"))
        self.period = QLabel()
        top = QHBoxLayout()
        for widget in (self.span, self.previous, self.next, self.period):
            top.addWidget(widget)
        top.addStretch(1)
        self.model = LoadTableModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(_("Instructors and days"))
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        legend = QLabel(
            _("Blue: teaching (course codes) · red: time off or busy · grey: not a working day")
        )
        close = button_box(self, CLOSE)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(legend)
        layout.addWidget(close)
        self.span.currentIndexChanged.connect(self._span_changed)
        self.previous.clicked.connect(lambda: self.shift_period(-1))
        self.next.clicked.connect(lambda: self.shift_period(1))
        self.reload()

    def days(self) -> int:
        if self.span.currentData() == 7:
            return 7
        return (add_months(self.first, 1) - self.first).days

    def _span_changed(self, _index: int) -> None:
        if self.span.currentData() != 7:
            self.first = self.first.replace(day=1)
        self.reload()

    def shift_period(self, step: int) -> None:
        """A week or a month earlier (-1) or later (1)."""
        if self.span.currentData() == 7:
            self.first += timedelta(days=7 * step)
        else:
            self.first = add_months(self.first.replace(day=1), step)
        self.reload()

    def reload(self) -> None:
        count = self.days()
        zone = str(self.ctx.prefs.get("default_timezone"))
        rows = self.ctx.attempt(
            self, lambda: availability.load_grid(self.ctx.db, self.first, count, zone)
        )
        if rows is None:
            return
        days = [self.first + timedelta(days=n) for n in range(count)]
        self.model.set_grid(rows, days)
        self.view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch
            if count == 7
            else QHeaderView.ResizeMode.ResizeToContents
        )
        self.period.setText(
            f"{formatting.format_date(days[0])} – {formatting.format_date(days[-1])} · {zone}"
        )

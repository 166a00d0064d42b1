"""One day of a session in the editor: its date and the venue clock's start and end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time

from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QWidget

from iltdesk.domain.localtime import WallTime
from iltdesk.domain.localtime import to_instant
from iltdesk.domain.localtime import to_wall
from iltdesk.domain.specs import DaySpec
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.views.time_fields import DateField
from iltdesk.views.time_fields import TimeField


@dataclass
class _Reading:
    """One typed time of a day row, and which reading of it is meant when it happens twice."""

    fold: int | None = None


class DayRow(QWidget):
    """One day: date, start and end as the venue's clocks read them."""

    def __init__(self, day: date, start: time, end: time, parent: QWidget) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.date = DateField(day)
        self.start = TimeField(start)
        self.end = TimeField(end)
        self.start.setAccessibleName(_("Starts"))
        self.end.setAccessibleName(_("Ends"))
        self.start_reading, self.end_reading = _Reading(), _Reading()
        # A time typed anew is a new question: forget which reading was meant before.
        self.date.edited.connect(self._forget)
        self.start.edited.connect(lambda: setattr(self.start_reading, "fold", None))
        self.end.edited.connect(lambda: setattr(self.end_reading, "fold", None))
        layout.addWidget(self.date)
        layout.addWidget(QLabel(_("from")))
        layout.addWidget(self.start)
        layout.addWidget(QLabel(_("to")))
        layout.addWidget(self.end)
        # A virtual day's own meeting link, when it differs from the session's.
        self.link = QLineEdit()
        self.link.setPlaceholderText(_("Meeting link for this day, if another"))
        self.link.setAccessibleName(_("This day's meeting link"))
        self.link.setMinimumWidth(220)
        layout.addWidget(self.link, 1)
        layout.addStretch()

    def _forget(self) -> None:
        self.start_reading.fold = None
        self.end_reading.fold = None

    def walls(self) -> tuple[WallTime, WallTime]:
        """The typed start and end; `UserError` for a date or time that is not one."""
        day, start, end = self.date.value(), self.start.value(), self.end.value()
        if day is None:
            raise ValidationError(
                _("“{text}” is not a date. Type a date such as {example}.").format(
                    text=self.date.text(), example=DateField.display(date(2026, 12, 14))
                )
            )
        for field, value in ((self.start, start), (self.end, end)):
            if value is None:
                raise ValidationError(
                    _("“{text}” is not a time of day. Type a time such as 09:30.").format(
                        text=field.text()
                    )
                )
        assert start is not None
        assert end is not None
        return (
            WallTime(day, start, self.start_reading.fold),
            WallTime(day, end, self.end_reading.fold),
        )

    def spec(self, zone: str) -> DaySpec:
        """The day as instants; raises for a gap, or `AmbiguousTimeError` when still open."""
        start, end = self.walls()
        return DaySpec(to_instant(start, zone), to_instant(end, zone), self.link.text().strip())

    def set_instants(self, start: datetime, end: datetime, zone: str) -> None:
        """Show a stored day as its zone's clocks read it, remembering folds."""
        first, last = to_wall(start, zone), to_wall(end, zone)
        self.date.set_value(first.day)
        self.start.set_value(first.clock)
        self.end.set_value(last.clock)
        self.start_reading.fold = first.fold
        self.end_reading.fold = last.fold

"""A session's days in the editor: each its date and the venue clock's start and end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.domain.localtime import AmbiguousTimeError
from iltdesk.domain.localtime import WallTime
from iltdesk.domain.localtime import following_workday
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


class DayRows(QWidget):
    """The session's days, one `DayRow` each, with buttons to add a day or remove the last.

    `changed` whenever a day is added, removed or retyped.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[DayRow] = []
        self.online = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.box = QVBoxLayout()
        layout.addLayout(self.box)
        add = QPushButton(_("Add &day"))
        remove = QPushButton(_("Remove last day"))
        add.clicked.connect(self.add_after_last)
        remove.clicked.connect(self.remove_last)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch()
        layout.addLayout(buttons)

    def add(self, day: date, start: time, end: time) -> DayRow:
        """Another day at the end, from `start` to `end` on the venue's clocks."""
        row = DayRow(day, start, end, self)
        for signal in (row.date.date_changed, row.start.time_changed, row.end.time_changed):
            signal.connect(self.changed)
        row.link.setVisible(self.online)
        self.rows.append(row)
        self.box.addWidget(row)
        self.changed.emit()
        return row

    def add_after_last(self) -> None:
        """The working day after the last one (a weekend skipped), at the same times."""
        last = self.rows[-1] if self.rows else None
        last_day = last.date.value() if last is not None else None
        if last is None or last_day is None:
            self.add(date.today(), time(9), time(17))
            return
        following = following_workday(last_day)
        self.add(following, last.start.value() or time(9), last.end.value() or time(17))

    def remove_last(self) -> None:
        """Remove the last day (nothing when there is none)."""
        if self.rows:
            row = self.rows.pop()
            self.box.removeWidget(row)
            row.deleteLater()
            self.changed.emit()

    def clear(self) -> None:
        """Remove every day."""
        while self.rows:
            self.remove_last()

    def set_online(self, online: bool) -> None:
        """Whether the session meets online: each day may then have its own meeting link."""
        self.online = online
        for row in self.rows:
            row.link.setVisible(online)

    def first_day(self) -> date | None:
        """The first day's date, if one is typed."""
        return self.rows[0].date.value() if self.rows else None

    def specs(self, zone: str) -> tuple[DaySpec, ...]:
        """Every day as instants; raises for what is not valid or still ambiguous."""
        return tuple(row.spec(zone) for row in self.rows)

    def tentative_specs(self, zone: str) -> tuple[tuple[DaySpec, ...], list[str]]:
        """Every day as instants for checking clashes while typing, with notes.

        A time that happens twice and is not yet decided gets a note, and its first reading
        is used meanwhile.
        """
        days: list[DaySpec] = []
        notes: list[str] = []
        for row in self.rows:
            try:
                days.append(row.spec(zone))
            except AmbiguousTimeError as error:
                notes.append(str(error) + " " + _("You will be asked when you save."))
                start, end = row.walls()
                days.append(
                    DaySpec(
                        to_instant(WallTime(start.day, start.clock, start.fold or 0), zone),
                        to_instant(WallTime(end.day, end.clock, end.fold or 0), zone),
                    )
                )
        return tuple(days), notes

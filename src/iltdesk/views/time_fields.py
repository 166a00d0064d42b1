"""Date and time fields that land on what was typed, or say it is not a date or time.

Qt's section-based QDateEdit/QTimeEdit reinterpret typing ("Mon 2026-12-14" typed over a
Saturday gave Saturday 12 December; "18:30" typed over a selected "17:00" gave 17:30). These are
line edits read by `formatting.parse_date_text` / `parse_time_text`: the value is exactly what
was typed, or None with the field marked invalid — never another value.
"""

from __future__ import annotations

from datetime import date
from datetime import time

from PySide6.QtCore import QDate
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCalendarWidget
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QToolButton
from PySide6.QtWidgets import QWidget
from PySide6.QtWidgets import QWidgetAction

from iltdesk import formatting
from iltdesk.i18n import _

INVALID_STYLE = "QLineEdit { border: 1px solid #c0392b; background: #fdecea; color: black; }"


def qdate(value: date) -> QDate:
    """A date as a QDate."""
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> date:
    """A QDate as a date."""
    return date(value.year(), value.month(), value.day())


class _ParsedField(QLineEdit):
    """A line edit whose text is parsed on every change; invalid text is marked."""

    def _mark(self, valid: bool, hint: str) -> None:
        self.setStyleSheet("" if valid else INVALID_STYLE)
        self.setToolTip("" if valid else hint)
        self.setProperty("valid", valid)


class TimeField(_ParsedField):
    """A clock time: "9", "0930", "09:30", "6:30 pm" — shown back as "09:30"."""

    time_changed = Signal()
    edited = Signal()  # typed by the person (not set by code)

    def __init__(self, value: time | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("HH:MM")
        self.setMaximumWidth(80)
        self.textChanged.connect(self._changed)
        self.textEdited.connect(lambda _t: self.edited.emit())
        self.editingFinished.connect(self._tidy)
        if value is not None:
            self.set_value(value)

    def value(self) -> time | None:
        return formatting.parse_time_text(self.text())

    def set_value(self, value: time) -> None:
        self.setText(formatting.format_clock(value))

    def _changed(self, _text: str) -> None:
        self._mark(self.value() is not None, _("Type a time such as 09:30."))
        self.time_changed.emit()

    def _tidy(self) -> None:
        value = self.value()
        if value is not None and self.text() != formatting.format_clock(value):
            self.set_value(value)


class DateField(QWidget):
    """A typed date with a calendar button.

    Takes the locale's short order or YYYY-MM-DD, optionally with its weekday; the field shows
    the weekday back, so a mistyped day is seen at once.
    """

    date_changed = Signal()
    edited = Signal()

    def __init__(
        self, value: date | None = None, parent: QWidget | None = None, *, optional: bool = False
    ) -> None:
        super().__init__(parent)
        self.optional = optional  # empty is a valid answer ("no limit")
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(formatting.date_input_hint())
        self.edit.setMinimumWidth(110)
        self.edit.setAccessibleName(_("Date"))
        self.edit.textChanged.connect(self._changed)
        self.edit.textEdited.connect(lambda _t: self.edited.emit())
        self.edit.editingFinished.connect(self._tidy)
        self.button = QToolButton()
        self.button.setText("▾")
        self.button.setToolTip(_("Choose from a calendar"))
        self.button.setAccessibleName(_("Choose from a calendar"))
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._sync_calendar)
        self.calendar.clicked.connect(self._pick)
        self.calendar.clicked.connect(menu.close)
        self.button.setMenu(menu)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.button)
        if value is not None:
            self.set_value(value)

    def value(self) -> date | None:
        return formatting.parse_date_text(self.edit.text())

    def set_value(self, value: date) -> None:
        self.edit.setText(self.display(value))

    @staticmethod
    def display(value: date) -> str:
        weekday = formatting.format_date(value, fmt="EEE")
        return f"{weekday} {formatting.format_date_input(value)}"

    def text(self) -> str:
        return self.edit.text()

    def _pick(self, chosen: QDate) -> None:
        self.set_value(pydate(chosen))
        self.edited.emit()

    def _sync_calendar(self) -> None:
        current = self.value()
        if current is not None:
            self.calendar.setSelectedDate(qdate(current))

    def _changed(self, text: str) -> None:
        valid = self.value() is not None or (self.optional and not text.strip())
        self.edit.setStyleSheet("" if valid else INVALID_STYLE)
        self.edit.setToolTip(
            ""
            if valid
            else _("Type a date such as {example}; a weekday, if given, must match.").format(
                example=self.display(date(2026, 12, 14))
            )
        )
        self.setProperty("valid", valid)
        self.date_changed.emit()

    def _tidy(self) -> None:
        value = self.value()
        if value is not None and self.edit.text() != self.display(value):
            self.set_value(value)

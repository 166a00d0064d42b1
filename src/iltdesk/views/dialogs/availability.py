"""Instructors › Availability…: an instructor's working days and hours, time off, calendar file.

Working days and hours are read on the venue's clock. Time off and blocked dates are whole days
(from the first to the last, with a reason); **Read a calendar file…** takes the busy times of
the instructor's own calendar (.ics, exported from any calendar program) so a freelancer's
other bookings count as clashes — reading it again replaces what it read before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QDateEdit
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTimeEdit
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.i18n import _
from iltdesk.models.base import ROW_ROLE
from iltdesk.models.base import Column
from iltdesk.models.base import RowTableModel
from iltdesk.services import availability
from iltdesk.services.availability import TimeOffRow
from iltdesk.services.availability import WorkingPattern
from iltdesk.services.common import Outcome
from iltdesk.views.context import AppContext
from iltdesk.views.time_fields import pydate
from iltdesk.views.widgets import CLOSE
from iltdesk.views.widgets import MANY
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import error_label
from iltdesk.views.widgets import make_table


def ask_calendar_file(parent: QWidget) -> Path | None:
    """The instructor's calendar file (the one place tests patch)."""
    name, _filter = QFileDialog.getOpenFileName(
        parent, _("Read a calendar file"), "", _("Calendar files (*.ics);;All files (*)")
    )
    return Path(name) if name else None


class TimeOffTableModel(RowTableModel[TimeOffRow]):
    """Time off and busy times, earliest first, on the clock of `zone` (the user's)."""

    def __init__(self, zone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = (
            Column(
                lambda: _("From"),
                lambda r: formatting.format_datetime(r.starts, zone),
                sort=lambda r: r.starts,
            ),
            Column(
                lambda: _("Until"),
                lambda r: formatting.format_datetime(r.ends, zone),
                sort=lambda r: r.ends,
            ),
            Column(lambda: _("Why"), lambda r: r.reason),
            Column(
                lambda: _("From where"),
                lambda r: _("Calendar file") if r.source == "calendar" else _("Entered"),
            ),
        )


class AvailabilityDialog(QDialog):
    """One instructor's availability."""

    def __init__(
        self, parent: QWidget | None, ctx: AppContext, instructor_id: int, name: str
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.instructor_id = instructor_id
        self.setWindowTitle(_("Availability — {name}").format(name=name))
        self.resize(760, 520)
        form = self._pattern_form(availability.working_pattern(ctx.db, instructor_id))
        # Whole days off begin and end at midnight on the user's clock, and read on it.
        self.zone = str(ctx.prefs.get("default_timezone"))
        self.model = TimeOffTableModel(self.zone, self)
        self.view = make_table(self.model, _("Time off"), selection=MANY)
        today = date.today()
        self.off_first = QDateEdit(QDate(today.year, today.month, today.day))
        self.off_last = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.off_first, self.off_last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
        self.off_reason = QLineEdit()
        self.off_reason.setPlaceholderText(_("Why (leave, conference, …)"))
        self.add_button = QPushButton(_("&Add time off"))
        self.add_button.clicked.connect(self.add_time_off)
        self.remove_button = QPushButton(_("&Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.calendar_button = QPushButton(_("Read a &calendar file…"))
        self.calendar_button.clicked.connect(self.read_calendar)
        adding = QHBoxLayout()
        for widget in (self.off_first, QLabel("–"), self.off_last, self.off_reason):
            adding.addWidget(widget)
        adding.addWidget(self.add_button)
        more = QHBoxLayout()
        more.addWidget(self.remove_button)
        more.addStretch(1)
        more.addWidget(self.calendar_button)
        self.problem = error_label()
        qualified = self._build_qualifications()
        close = button_box(self, CLOSE)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Time off, blocked dates and calendar busy times")))
        layout.addWidget(self.view, 1)
        layout.addLayout(adding)
        layout.addLayout(more)
        layout.addWidget(self.problem)
        layout.addWidget(qualified)
        layout.addWidget(close)
        self.reload()

    def _pattern_form(self, pattern: WorkingPattern) -> QFormLayout:
        self.days: list[QCheckBox] = []
        days_row = QHBoxLayout()
        for index in range(7):
            box = QCheckBox(formatting.format_weekday(date(2024, 1, 1) + timedelta(days=index)))
            box.setChecked(index in pattern.days)
            days_row.addWidget(box)
            self.days.append(box)
        self.start = QTimeEdit(QTime(pattern.start // 60, pattern.start % 60))
        self.end = QTimeEdit(QTime(pattern.end // 60, pattern.end % 60))
        hours = QHBoxLayout()
        hours.addWidget(self.start)
        hours.addWidget(QLabel("–"))
        hours.addWidget(self.end)
        hours.addStretch(1)
        self.save_pattern_button = QPushButton(_("&Keep these working days and hours"))
        self.save_pattern_button.clicked.connect(self.save_pattern)
        form = QFormLayout()
        form.addRow(_("Working days"), days_row)
        hours_label = QLabel(_("&Hours (venue's clock)"))
        hours_label.setBuddy(self.start)
        form.addRow(hours_label, hours)
        form.addRow("", self.save_pattern_button)
        return form

    def _build_qualifications(self) -> QWidget:
        from iltdesk.views.dialogs.qualifications import QualificationsTableModel

        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.qualifications_model = QualificationsTableModel(self)
        self.qualifications_view = make_table(
            self.qualifications_model,
            _("Qualifications"),
            selection=MANY,
        )
        self.qualifications_view.setMaximumHeight(140)
        self.dates_button = QPushButton(_("&Dates…"))
        self.dates_button.clicked.connect(self.edit_dates)
        layout.addWidget(QLabel(_("Qualifications")))
        layout.addWidget(self.qualifications_view)
        layout.addWidget(self.dates_button)
        return box

    def edit_dates(self) -> None:
        from iltdesk.services import train_the_trainer
        from iltdesk.services.train_the_trainer import QualificationRow
        from iltdesk.views.dialogs.qualifications import QualificationDatesDialog

        rows = self.qualifications_view.selectionModel().selectedRows()
        row = self.qualifications_model.index(rows[0].row(), 0).data(ROW_ROLE) if rows else None
        if not isinstance(row, QualificationRow):
            self.problem.setText(_("Choose a qualification first."))
            return
        chosen = QualificationDatesDialog.ask(self, row)
        if chosen is None:
            return
        since, until, gained = chosen
        if self.ctx.op(
            self,
            lambda: train_the_trainer.qualify(
                self.ctx.db,
                self.instructor_id,
                row.course_id,
                gained=gained,
                on=since,
                expires_on=until,
            ),
        ):
            self.reload()

    def reload(self) -> None:
        from iltdesk.services import train_the_trainer

        self.model.set_rows(availability.time_off(self.ctx.db, self.instructor_id))
        self.qualifications_model.set_rows(
            train_the_trainer.qualifications(self.ctx.db, self.instructor_id)
        )

    def pattern(self) -> WorkingPattern:
        """The working days and hours as set in the dialog."""
        start, end = self.start.time(), self.end.time()
        return WorkingPattern(
            frozenset(i for i, box in enumerate(self.days) if box.isChecked()),
            start.hour() * 60 + start.minute(),
            end.hour() * 60 + end.minute(),
        )

    def save_pattern(self) -> None:
        pattern = self.pattern()
        self.ctx.op(
            self,
            lambda: availability.set_working_pattern(self.ctx.db, self.instructor_id, pattern),
        )

    def add_time_off(self) -> None:
        first, last = pydate(self.off_first.date()), pydate(self.off_last.date())
        if last < first:
            self.problem.setText(_("The time off ends before it starts: swap the two dates."))
            return
        zone = ZoneInfo(self.zone)
        starts = datetime.combine(first, time(0), zone).astimezone(UTC)
        ends = datetime.combine(last + timedelta(days=1), time(0), zone).astimezone(UTC)
        reason = self.off_reason.text()
        if self.ctx.op(
            self,
            lambda: availability.add_time_off(
                self.ctx.db, self.instructor_id, starts, ends, reason
            ),
        ):
            self.problem.setText("")
            self.off_reason.clear()
            self.reload()

    def remove_selected(self) -> None:
        rows = [
            self.model.index(index.row(), 0).data(ROW_ROLE)
            for index in self.view.selectionModel().selectedRows()
        ]
        ids = [r.id for r in rows if isinstance(r, TimeOffRow)]
        for entry_id in ids:
            self.ctx.op(self, self._remover(entry_id))
        self.reload()

    def _remover(self, entry_id: int) -> Callable[[], Outcome[None]]:
        return lambda: availability.remove_time_off(self.ctx.db, self.instructor_id, entry_id)

    def read_calendar(self, path: Path | None = None) -> None:
        path = path or ask_calendar_file(self)
        if path is None:
            return
        outcome = self.ctx.op(
            self, lambda: availability.import_calendar(self.ctx.db, self.instructor_id, path)
        )
        if outcome is not None:
            self.problem.setText(
                _("{n} busy times read from {file}.").format(n=outcome.value, file=path.name)
            )
            self.reload()

"""Schedule or edit a session: course, mode, place, zone, days, instructors — clashes live."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, QTime, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from iltdesk.domain.enums import DeliveryMode, InstructorRole, SessionStatus
from iltdesk.domain.rows import Clash, SessionRow
from iltdesk.domain.specs import DaySpec, SessionSpec
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.services import catalogue, people, scheduling
from iltdesk.views.context import AppContext
from iltdesk.views.undo import EditCommand
from iltdesk.views.widgets import zone_combo


class _DayRow(QWidget):
    def __init__(self, day: date, start: time, end: time, parent: QWidget) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.date = QDateEdit(QDate(day.year, day.month, day.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("ddd yyyy-MM-dd")
        self.start = QTimeEdit(QTime(start.hour, start.minute))
        self.end = QTimeEdit(QTime(end.hour, end.minute))
        for edit in (self.start, self.end):
            edit.setDisplayFormat("HH:mm")
        self.date.setAccessibleName(_("Date"))
        self.start.setAccessibleName(_("Starts"))
        self.end.setAccessibleName(_("Ends"))
        layout.addWidget(self.date)
        layout.addWidget(QLabel(_("from")))
        layout.addWidget(self.start)
        layout.addWidget(QLabel(_("to")))
        layout.addWidget(self.end)

    def spec(self, zone: str) -> DaySpec:
        d = self.date.date().toPython()
        start = self.start.time().toPython()
        end = self.end.time().toPython()
        tz = ZoneInfo(zone)
        return DaySpec(datetime.combine(d, start, tz), datetime.combine(d, end, tz))


class SessionEditorDialog(QDialog):
    """The dialog; use `ask`."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, row: SessionRow | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.row = row
        self.setWindowTitle(_("Edit session") if row else _("New session"))
        self.setMinimumWidth(620)
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(250)
        self._check_timer.timeout.connect(self._check)
        self.clashes: list[Clash] = []

        form = QFormLayout()
        self.course = QComboBox()
        for course in catalogue.list_courses(ctx.db):
            self.course.addItem(f"{course.code} — {course.title}", course.id)
        self.cohort = QLineEdit()
        self.mode = QComboBox()
        for mode in DeliveryMode:
            self.mode.addItem(mode.label(), mode)
        self.room = QComboBox()
        self.room.addItem(_("No room"), None)
        for room in people.list_rooms(ctx.db):
            self.room.addItem(
                _("{name} ({capacity} seats)").format(name=room.name, capacity=room.capacity),
                room.id,
            )
        self.link = QLineEdit()
        self.link.setPlaceholderText("https://")
        self.zone = zone_combo("")
        self.capacity = QSpinBox()
        self.capacity.setRange(0, 10_000)
        self.capacity.setValue(12)
        self.min_size = QSpinBox()
        self.min_size.setRange(0, 10_000)
        self.status = QComboBox()
        for status in SessionStatus:
            self.status.addItem(status.label(), status)
        form.addRow(_("&Course"), self.course)
        form.addRow(_("Co&hort"), self.cohort)
        form.addRow(_("&Mode"), self.mode)
        form.addRow(_("&Room"), self.room)
        form.addRow(_("Meeting &link"), self.link)
        form.addRow(_("&Time zone"), self.zone)
        form.addRow(_("C&apacity"), self.capacity)
        form.addRow(_("Mi&nimum size"), self.min_size)
        form.addRow(_("&Status"), self.status)

        self.days_box = QVBoxLayout()
        self.day_rows: list[_DayRow] = []
        add_day = QPushButton(_("Add &day"))
        remove_day = QPushButton(_("Remove last day"))
        add_day.clicked.connect(self._add_day_after_last)
        remove_day.clicked.connect(self._remove_last_day)
        day_buttons = QHBoxLayout()
        day_buttons.addWidget(add_day)
        day_buttons.addWidget(remove_day)
        day_buttons.addStretch()

        self.instructor_grid = QGridLayout()
        self.instructor_rows: list[tuple[QComboBox, QComboBox]] = []
        self._instructors = people.list_instructors(ctx.db)
        add_instructor = QPushButton(_("Add &instructor"))
        add_instructor.clicked.connect(
            lambda: self._add_instructor(
                None,
                InstructorRole.LEAD if not self.instructor_rows else InstructorRole.CO_FACILITATOR,
            )
        )

        self.clash_label = QLabel()
        self.clash_label.setWordWrap(True)
        self.clash_label.setTextFormat(Qt.TextFormat.RichText)
        self.clash_label.setObjectName("clashes")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>" + _("Days") + "</b>"))
        layout.addLayout(self.days_box)
        layout.addLayout(day_buttons)
        layout.addWidget(QLabel("<b>" + _("Instructors") + "</b>"))
        layout.addLayout(self.instructor_grid)
        layout.addWidget(add_instructor, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.clash_label)
        layout.addWidget(self.buttons)

        self._fill(row)
        for signal in (
            self.course.currentIndexChanged,
            self.room.currentIndexChanged,
            self.zone.currentTextChanged,
            self.mode.currentIndexChanged,
            self.capacity.valueChanged,
            self.min_size.valueChanged,
            self.link.textChanged,
        ):
            signal.connect(self._schedule_check)
        self._check()

    def _fill(self, row: SessionRow | None) -> None:
        if row is None:
            self.zone.setCurrentText(str(self.ctx.prefs.get("default_timezone")))
            tomorrow = date.today() + timedelta(days=1)
            self._add_day(tomorrow, time(9), time(17))
            return
        self.course.setCurrentIndex(max(0, self.course.findData(row.course_id)))
        self.cohort.setText(row.cohort)
        self.mode.setCurrentIndex(self.mode.findData(row.mode))
        self.room.setCurrentIndex(max(0, self.room.findData(row.room_id)))
        self.link.setText(row.meeting_link)
        self.zone.setCurrentText(row.timezone)
        self.capacity.setValue(row.capacity)
        self.min_size.setValue(row.min_size)
        self.status.setCurrentIndex(self.status.findData(row.status))
        tz = ZoneInfo(row.timezone)
        for day in row.days:
            start, end = day.start.astimezone(tz), day.end.astimezone(tz)
            self._add_day(start.date(), start.time(), end.time())
        for instructor in row.instructors:
            self._add_instructor(instructor.instructor_id, instructor.role)

    def _add_day(self, day: date, start: time, end: time) -> None:
        widget = _DayRow(day, start, end, self)
        for signal in (widget.date.dateChanged, widget.start.timeChanged, widget.end.timeChanged):
            signal.connect(self._schedule_check)
        self.day_rows.append(widget)
        self.days_box.addWidget(widget)
        self._schedule_check()

    def _add_day_after_last(self) -> None:
        last = self.day_rows[-1] if self.day_rows else None
        if last is None:
            self._add_day(date.today(), time(9), time(17))
            return
        following = last.date.date().toPython() + timedelta(days=1)
        while following.weekday() >= 5:
            following += timedelta(days=1)
        self._add_day(following, last.start.time().toPython(), last.end.time().toPython())

    def _remove_last_day(self) -> None:
        if self.day_rows:
            widget = self.day_rows.pop()
            self.days_box.removeWidget(widget)
            widget.deleteLater()
            self._schedule_check()

    def _add_instructor(self, instructor_id: int | None, role: InstructorRole) -> None:
        who = QComboBox()
        for instructor in self._instructors:
            who.addItem(instructor.name, instructor.id)
        if instructor_id is not None:
            who.setCurrentIndex(max(0, who.findData(instructor_id)))
        what = QComboBox()
        for r in InstructorRole:
            what.addItem(r.label(), r)
        what.setCurrentIndex(what.findData(role))
        row = len(self.instructor_rows)
        self.instructor_grid.addWidget(who, row, 0)
        self.instructor_grid.addWidget(what, row, 1)
        who.currentIndexChanged.connect(self._schedule_check)
        what.currentIndexChanged.connect(self._schedule_check)
        self.instructor_rows.append((who, what))
        self._schedule_check()

    def spec(self) -> SessionSpec:
        zone = self.zone.currentText().strip()
        try:
            days = tuple(d.spec(zone) for d in self.day_rows)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise UserError(
                _("“{zone}” is not a known time zone; pick one from the list.").format(zone=zone)
            ) from None
        return SessionSpec(
            course_id=int(self.course.currentData()) if self.course.count() else 0,
            mode=self.mode.currentData(),
            timezone=zone,
            capacity=self.capacity.value(),
            days=days,
            cohort=self.cohort.text(),
            room_id=self.room.currentData(),
            meeting_link=self.link.text(),
            min_size=self.min_size.value(),
            status=self.status.currentData(),
            instructors=tuple(
                (int(who.currentData()), what.currentData())
                for who, what in self.instructor_rows
                if who.count()
            ),
        )

    def _schedule_check(self, *_args: object) -> None:
        self._check_timer.start()

    def _check(self) -> None:
        try:
            if not self.course.count():
                raise UserError(_("Create a course first: a session is always of a course."))
            self.clashes = scheduling.find_clashes(
                self.ctx.db, self.spec(), self.row.id if self.row else None
            )
        except UserError as error:
            self.clashes = []
            self.clash_label.setText(f"<span style='color:#c0392b'>{_escape(str(error))}</span>")
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            return
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)
        lines = []
        for clash in self.clashes:
            colour = "#b9770e" if clash.is_warning else "#c0392b"
            mark = "⚠" if clash.is_warning else "✖"
            lines.append(f"<span style='color:{colour}'>{mark} {_escape(clash.message)}</span>")
        self.clash_label.setText(
            "<br>".join(lines)
            or "<span style='color:#1e8449'>✔ " + _escape(_("No clashes.")) + "</span>"
        )

    def _save(self) -> None:
        self._check()
        hard = [c for c in self.clashes if not c.is_warning]
        if hard:
            answer = QMessageBox.question(
                self,
                _("Save despite clashes?"),
                _("This session clashes with other bookings:")
                + "\n\n"
                + "\n".join(c.message for c in hard)
                + "\n\n"
                + _("Save it anyway?"),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        spec = self.spec()
        row_id = self.row.id if self.row else None

        def call() -> object:
            if row_id is None:
                return scheduling.create_session(self.ctx.db, spec, allow_clashes=True)
            return scheduling.update_session(self.ctx.db, row_id, spec, allow_clashes=True)

        outcome = self.ctx.attempt(self, call)
        if outcome is not None:
            self.saved = self.ctx.apply(outcome)
            if self.row is not None and row_id is not None:
                previous = spec_from_row(self.row)
                db = self.ctx.db
                self.ctx.undo_stack.push(
                    EditCommand(
                        _("Edit session"),
                        self.ctx,
                        lambda: scheduling.update_session(db, row_id, previous, allow_clashes=True),
                        lambda: scheduling.update_session(db, row_id, spec, allow_clashes=True),
                    )
                )
            self.accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, ctx: AppContext, row: SessionRow | None = None
    ) -> SessionRow | None:
        dialog = cls(parent, ctx, row)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            saved: SessionRow = dialog.saved
            return saved
        return None


def spec_from_row(row: SessionRow) -> SessionSpec:
    """The spec that would save `row` as it is (for undo)."""
    return SessionSpec(
        course_id=row.course_id,
        mode=row.mode,
        timezone=row.timezone,
        capacity=row.capacity,
        days=tuple(DaySpec(d.start, d.end) for d in row.days),
        cohort=row.cohort,
        room_id=row.room_id,
        meeting_link=row.meeting_link,
        min_size=row.min_size,
        status=row.status,
        notes=row.notes,
        instructors=tuple((i.instructor_id, i.role) for i in row.instructors),
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

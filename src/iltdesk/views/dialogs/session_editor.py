"""Schedule or edit a session: course, mode, place, zone, days, instructors — clashes live.

Times are typed as the venue's clocks read them and become instants through
`domain.localtime`: a time inside a daylight-saving gap is refused with a sentence, a time that
happens twice is asked about when saving (both offsets shown), and a time left alone keeps the
reading it had (an edit never moves a session by an hour). The status is not a field: status
changes are actions of their own (Confirm, Cancel session…, Complete and lock).
"""

from __future__ import annotations

from datetime import date
from datetime import time
from datetime import timedelta
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.localtime import moved_dates
from iltdesk.domain.localtime import to_wall
from iltdesk.domain.rows import Clash
from iltdesk.domain.rows import SessionRow
from iltdesk.domain.specs import DaySpec
from iltdesk.domain.specs import SessionSpec
from iltdesk.errors import StaleEditError
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.i18n import archived_label
from iltdesk.i18n import ngettext
from iltdesk.services import catalogue
from iltdesk.services import clashes
from iltdesk.services import people
from iltdesk.services import scheduling
from iltdesk.services.common import Outcome
from iltdesk.views import series_editing
from iltdesk.views.clash_text import clash_label
from iltdesk.views.clash_text import clashes_html
from iltdesk.views.clash_text import refused_html
from iltdesk.views.context import AppContext
from iltdesk.views.day_row import DayRows
from iltdesk.views.dialogs.session_questions import ask_use_room_zone
from iltdesk.views.dialogs.session_questions import settle_folds
from iltdesk.views.dialogs.stale import StaleChoice
from iltdesk.views.dialogs.stale import ask_stale
from iltdesk.views.dialogs.stale import changed_elsewhere
from iltdesk.views.instructor_rows import InstructorRows
from iltdesk.views.modal import run_modal
from iltdesk.views.series_editing import RepeatBox
from iltdesk.views.undo import EditCommand
from iltdesk.views.widgets import SAVE_CANCEL
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import error_label
from iltdesk.views.widgets import zone_combo


class SessionEditorDialog(QDialog):
    """The dialog; use `ask` (or `ask_duplicate` for a copy of another session)."""

    def __init__(
        self,
        parent: QWidget | None,
        ctx: AppContext,
        row: SessionRow | None,
        *,
        template: SessionRow | None = None,
        shift_days: int = 0,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.row = row
        self.saved: SessionRow | None = None
        # A duplicate copies its original's cost lines; a new session its course's defaults.
        self.costs_from = template.id if template is not None else None
        self.setWindowTitle(_("Edit session") if row else _("New session"))
        self.setMinimumWidth(640)
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(250)
        self._check_timer.timeout.connect(self._check)
        self.clashes: list[Clash] = []
        self._zone_touched = row is not None or template is not None

        form = self._build_form(row, row or template)

        add_instructor = self._build_days_and_instructors()

        self.clash_label = clash_label(self.fontMetrics().lineSpacing())

        self.buttons = button_box(self, SAVE_CANCEL, self.save)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>" + escape(_("Days")) + "</b>"))
        layout.addWidget(self.days)
        layout.addWidget(QLabel("<b>" + escape(_("Instructors")) + "</b>"))
        layout.addWidget(self.instructors)
        layout.addWidget(add_instructor, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.clash_label)
        # Another coordinator's change to this session, or "reloaded" (team mode).
        self.changed_note = error_label()
        layout.addWidget(self.changed_note)
        layout.addWidget(self.buttons)
        ctx.remote_changes.connect(self._changed_elsewhere)

        self._fill(row or template, shift_days)
        self.days.set_online(self._online())  # the mode is filled in before this is connected
        for signal in (
            self.course.currentIndexChanged,
            self.zone.currentTextChanged,
            self.mode.currentIndexChanged,
            self.capacity.valueChanged,
            self.min_size.valueChanged,
            self.link.textChanged,
        ):
            signal.connect(self._schedule_check)
        self.zone.currentTextChanged.connect(self._zone_typed)
        self.mode.currentIndexChanged.connect(lambda _i: self.days.set_online(self._online()))
        self.room.currentIndexChanged.connect(self._room_chosen)
        self._check()

    # --- filling ---

    def _build_form(self, row: SessionRow | None, source: SessionRow | None) -> QFormLayout:
        """Course, cohort, mode, room or link, zone, capacity and minimum, status.

        Archived courses and rooms are offered only to the session (or the copy's original)
        that has one: shown as another choice, saving any change would have moved it.
        """
        ctx = self.ctx
        form = QFormLayout()
        self.course = QComboBox()
        for course in catalogue.list_courses(ctx.db):
            self.course.addItem(f"{course.code} — {course.title}", course.id)
        if source is not None and self.course.findData(source.course_id) < 0:
            text = archived_label(f"{source.course_code} — {source.course_title}")
            self.course.addItem(text, source.course_id)
        self.cohort = QLineEdit()
        self.mode = QComboBox()
        for mode in DeliveryMode:
            self.mode.addItem(mode.label(), mode)
        self.rooms = {room.id: room for room in people.list_rooms(ctx.db)}
        if source is not None and source.room_id is not None and source.room_id not in self.rooms:
            self.rooms.update(
                (room.id, room)
                for room in people.list_rooms(ctx.db, include_archived=True)
                if room.id == source.room_id
            )
        self.room = QComboBox()
        self.room.addItem(_("No room"), None)
        for room in self.rooms.values():
            text = ngettext(
                "{name} ({capacity} seat)", "{name} ({capacity} seats)", room.capacity
            ).format(name=room.name, capacity=room.capacity)
            self.room.addItem(archived_label(text, room.archived), room.id)
        self.link = QLineEdit()
        self.link.setPlaceholderText("https://")
        self.survey = QLineEdit()
        self.survey.setPlaceholderText(_("The organisation's survey link (Mail settings)"))
        self.survey.setToolTip(_("Where the feedback request sends learners for this session."))
        self.zone = zone_combo("")
        self.zone_note = QLabel()
        self.zone_note.setWordWrap(True)
        self.capacity = QSpinBox()
        self.capacity.setRange(0, 10_000)
        self.capacity.setValue(12)
        self.min_size = QSpinBox()
        self.min_size.setRange(0, 10_000)
        self.status = QLabel()
        form.addRow(_("&Course"), self.course)
        form.addRow(_("Co&hort"), self.cohort)
        form.addRow(_("&Mode"), self.mode)
        form.addRow(_("&Room"), self.room)
        form.addRow(_("Meeting &link"), self.link)
        form.addRow(_("&Time zone"), self.zone)
        form.addRow("", self.zone_note)
        form.addRow(_("C&apacity"), self.capacity)
        form.addRow(_("Mi&nimum size"), self.min_size)
        from iltdesk.views.time_fields import DateField

        self.go_no_go = DateField(optional=True)
        self.go_no_go.edit.setPlaceholderText(_("A week before the first day"))
        self.go_no_go.setToolTip(_("When to decide whether it runs if it is below its minimum"))
        form.addRow(_("Go/no-&go date"), self.go_no_go)
        form.addRow(_("Feedback sur&vey link"), self.survey)
        self.pilot = QCheckBox(_("Pil&ot: its feedback and debrief go to the course and guide"))
        form.addRow("", self.pilot)
        self.repeat: RepeatBox | None = None
        if row is None:  # a new session can be the first of a series
            self.repeat = RepeatBox(self._first_day)
            form.addRow(_("Re&peat"), self.repeat)
        if row is not None:
            form.addRow(_("Status"), self.status)
            self.status.setText(row.status.label())
        return form

    def _build_days_and_instructors(self) -> QPushButton:
        """The day rows and instructor rows; returns the button that adds an instructor."""
        self.days = DayRows()
        self.days.changed.connect(self._schedule_check)
        self.instructors = InstructorRows(people.list_instructors(self.ctx.db))
        self.instructors.changed.connect(self._schedule_check)
        add_instructor = QPushButton(_("Add &instructor"))
        add_instructor.clicked.connect(lambda: self.add_instructor(None))
        return add_instructor

    def _fill(self, row: SessionRow | None, shift_days: int) -> None:
        if row is None:
            self.zone.setCurrentText(str(self.ctx.prefs.get("default_timezone")))
            tomorrow = date.today() + timedelta(days=1)
            self.days.add(tomorrow, time(9), time(17))
            return
        self.course.setCurrentIndex(max(0, self.course.findData(row.course_id)))
        self.cohort.setText(row.cohort if shift_days == 0 else "")
        self.mode.setCurrentIndex(self.mode.findData(row.mode))
        self.room.setCurrentIndex(max(0, self.room.findData(row.room_id)))
        self.link.setText(row.meeting_link)
        self.survey.setText(row.survey_link)
        self.pilot.setChecked(row.pilot and shift_days == 0)
        if row.go_no_go is not None and shift_days == 0:
            self.go_no_go.set_value(row.go_no_go)
        self.zone.setCurrentText(row.timezone)
        self.capacity.setValue(row.capacity)
        self.min_size.setValue(row.min_size)
        walls = [(to_wall(d.start, row.timezone), to_wall(d.end, row.timezone)) for d in row.days]
        # A copy's later days keep their working days apart (see `moved_dates`).
        dates = moved_dates(
            [start.day for start, _end in walls],
            walls[0][0].day + timedelta(days=shift_days) if walls else date.today(),
        )
        for day, (start, end), moved in zip(row.days, walls, dates, strict=True):
            if shift_days:
                # A copy keeps the wall-clock times: 09:00 stays 09:00 across a clock change.
                self.days.add(moved, start.clock, end.clock)
            else:
                widget = self.days.add(date.today(), time(9), time(17))
                widget.set_instants(day.start, day.end, row.timezone)
                widget.link.setText(day.meeting_link)
        for instructor in row.instructors:
            self.instructors.add(instructor.instructor_id, instructor.role, instructor.name)

    def _online(self) -> bool:
        """Whether the chosen mode meets online (a day may then have its own link)."""
        return self.mode.currentData() in (DeliveryMode.VIRTUAL, DeliveryMode.HYBRID)

    def add_instructor(self, instructor_id: int | None, role: InstructorRole | None = None) -> None:
        """Another instructor row (the first leads, later ones co-facilitate by default)."""
        self.instructors.add(instructor_id, role)

    # --- the room's zone ---
    def _zone_typed(self, _text: str) -> None:
        if self.zone.hasFocus():
            self._zone_touched = True
        self.zone_note.setText("")

    def _room_chosen(self, _index: int) -> None:
        room = self.rooms.get(self.room.currentData())
        current = self.zone.currentText().strip()
        if (
            room is not None
            and room.timezone
            and room.timezone != current
            and (not self._zone_touched or ask_use_room_zone(self, room, current))
        ):
            self.zone.setCurrentText(room.timezone)
            self.zone_note.setText(
                _("Time zone set to {zone}, where {room} is.").format(
                    zone=room.timezone, room=room.name
                )
            )
        self._schedule_check()

    # --- the spec ---
    def _base_spec(self, days: tuple[DaySpec, ...]) -> SessionSpec:
        return SessionSpec(
            course_id=int(self.course.currentData()) if self.course.count() else 0,
            mode=DeliveryMode(self.mode.currentData()),  # Qt returns item data as text
            timezone=self.zone.currentText().strip(),
            capacity=self.capacity.value(),
            days=days,
            cohort=self.cohort.text(),
            room_id=self.room.currentData(),
            meeting_link=self.link.text(),
            survey_link=self.survey.text(),
            pilot=self.pilot.isChecked(),
            go_no_go=self.go_no_go.value(),
            min_size=self.min_size.value(),
            notes=self.row.notes if self.row else "",
            instructors=self.instructors.values(),
        )

    def spec(self) -> SessionSpec:
        """The session as typed; raises for what is not valid or still ambiguous."""
        zone = self.zone.currentText().strip()
        return self._base_spec(self.days.specs(zone))

    def _schedule_check(self, *_args: object) -> None:
        self._check_timer.start()
        if self.repeat is not None:
            self.repeat.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """A closed editor checks nothing more (its database may be closed by then)."""
        self._check_timer.stop()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        """Saved or cancelled: the same (Qt closes a dialog through here, not closeEvent)."""
        self._check_timer.stop()
        super().done(result)

    def _first_day(self) -> date | None:
        days = getattr(self, "days", None)  # the Repeat row is built before the days
        return days.first_day() if days is not None else None

    def _check(self) -> None:
        try:
            if not self.course.count():
                raise UserError(_("Create a course first: a session is always of a course."))
            days, notes = self.days.tentative_specs(self.zone.currentText().strip())
            self.clashes = clashes.find_clashes(
                self.ctx.db, self._base_spec(days), self.row.id if self.row else None
            )
        except UserError as error:
            self.clashes = []
            self.clash_label.setText(refused_html(str(error)))
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            return
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)
        self.clash_label.setText(clashes_html(notes, self.clashes))

    # --- saving ---
    def save(self) -> None:
        if not settle_folds(self, self.days.rows, self.zone.currentText().strip()):
            return
        self._check()
        if not self.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled():
            return
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
        try:
            spec = self.spec()
        except UserError as error:
            self.clash_label.setText(refused_html(str(error)))
            return
        row_id = self.row.id if self.row else None
        costs_from = self.costs_from

        seen = self.row

        in_series = series_editing.save_in_series(self, self.ctx, spec, self.repeat, seen)
        if in_series is not False:  # a series was scheduled or edited (or the user cancelled)
            if isinstance(in_series, SessionRow):
                self.saved = in_series
                self.accept()
            return

        def call() -> Outcome[SessionRow]:
            if row_id is None:
                return scheduling.create_session(
                    self.ctx.db, spec, allow_clashes=True, costs_from=costs_from
                )
            return scheduling.update_session(
                self.ctx.db, row_id, spec, allow_clashes=True, seen=seen
            )

        try:
            outcome = self.ctx.op(self, call, passing=(StaleEditError,))
        except StaleEditError as error:
            outcome = self._stale(error, row_id, spec)
        if outcome is None:
            return
        self.saved = outcome.value
        if self.row is not None and row_id is not None:
            previous = scheduling.spec_for_row(self.row)
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

    def _changed_elsewhere(self, who: str, changes: Changes) -> None:
        note = changed_elsewhere(who, changes, Entity.SESSION, self.row.id if self.row else None)
        if note:
            self.changed_note.setText(note)

    def _stale(
        self, error: StaleEditError, row_id: int | None, spec: SessionSpec
    ) -> Outcome[SessionRow] | None:
        """The session changed since the editor opened: reload, overwrite or keep editing."""
        choice = ask_stale(self, error, str(self.ctx.prefs.get("default_timezone")))
        if choice is StaleChoice.OVERWRITE and row_id is not None:
            return self.ctx.op(
                self,
                lambda: scheduling.update_session(self.ctx.db, row_id, spec, allow_clashes=True),
            )
        if choice is StaleChoice.RELOAD and row_id is not None:
            self.row = scheduling.get_session(self.ctx.db, row_id)
            self.days.clear()
            self.instructors.clear()
            self._fill(self.row, 0)
            self.changed_note.setText(_("Reloaded: this is the session as it is stored now."))
        return None

    @classmethod
    def ask(
        cls, parent: QWidget | None, ctx: AppContext, row: SessionRow | None = None
    ) -> SessionRow | None:
        dialog = cls(parent, ctx, row)
        if run_modal(dialog) == QDialog.DialogCode.Accepted:
            return dialog.saved
        return None

    @classmethod
    def ask_duplicate(
        cls, parent: QWidget | None, ctx: AppContext, template: SessionRow, shift_days: int
    ) -> SessionRow | None:
        """A new session like `template`, its days moved by `shift_days` (wall clock kept)."""
        dialog = cls(parent, ctx, None, template=template, shift_days=shift_days)
        dialog.setWindowTitle(_("Duplicate session"))
        if run_modal(dialog) == QDialog.DialogCode.Accepted:
            return dialog.saved
        return None

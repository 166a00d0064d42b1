"""Editors for learners, instructors and rooms: a form each, saved through its service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Generic
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QListWidgetItem
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.people import LEARNER_TEXT_FIELDS
from iltdesk.domain.rows import InstructorRow
from iltdesk.domain.rows import LearnerRow
from iltdesk.domain.rows import RoomRow
from iltdesk.domain.specs import InstructorSpec
from iltdesk.domain.specs import LearnerSpec
from iltdesk.domain.specs import RoomSpec
from iltdesk.errors import StaleEditError
from iltdesk.errors import UserError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.i18n import archived_label
from iltdesk.services import catalogue
from iltdesk.services import learners
from iltdesk.services import people
from iltdesk.services.common import Outcome
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs.stale import StaleChoice
from iltdesk.views.dialogs.stale import ask_stale
from iltdesk.views.dialogs.stale import changed_elsewhere
from iltdesk.views.modal import run_modal
from iltdesk.views.undo import EditCommand
from iltdesk.views.widgets import SAVE_CANCEL
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import error_label
from iltdesk.views.widgets import zone_combo
from iltdesk.views.widgets import zones

R = TypeVar("R")  # the row a form opens on
S = TypeVar("S")  # the row a form saves


class _FormDialog(QDialog, Generic[S]):
    """A form with Save/Cancel; Save runs `self.save_call()` and shows a UserError inline."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, title: str) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.form = QFormLayout(self)
        self.error = error_label()
        self.saved: S | None = None
        # Saves check the record was not changed by someone else since the form opened;
        # off once the user chose to overwrite, and for undo and redo.
        self.check_stale = True

    def finish_layout(self) -> None:
        buttons = button_box(self, SAVE_CANCEL, self._save)
        self.form.addRow(self.error)
        self.form.addRow(buttons)

    def save_call(self) -> Outcome[S]:
        raise NotImplementedError

    def undo_call(self) -> Callable[[], Outcome[object]] | None:
        """How to put the record back as it was (None when creating)."""
        return None

    def reload_record(self) -> None:
        """Fill the form again from what is stored now (forms that edit a record)."""

    def _save(self) -> None:
        undo = self.undo_call()
        try:
            self.saved = self.ctx.apply(self.save_call())
        except StaleEditError as error:
            choice = ask_stale(self, error, str(self.ctx.prefs.get("default_timezone")))
            if choice is StaleChoice.OVERWRITE:
                self.check_stale = False
                self._save()
            elif choice is StaleChoice.RELOAD:
                self.reload_record()
                self.error.setText(_("Reloaded: this is the record as it is stored now."))
            return
        except UserError as error:
            self.error.setText(str(error))
            return
        self.check_stale = False
        if undo is not None:
            self.ctx.undo_stack.push(
                EditCommand(self.windowTitle(), self.ctx, undo, self.save_call)
            )
        self.accept()


class LearnerDialog(_FormDialog[LearnerRow]):
    """New or edit a learner."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, row: LearnerRow | None) -> None:
        super().__init__(parent, ctx, _("Edit learner") if row else _("New learner"))
        self.row = row
        self.fields = {key: QLineEdit() for key in LEARNER_TEXT_FIELDS}
        self.language = language_combo(row.preferred_language if row else "")
        labels = {
            "first_name": _("&First name"),
            "last_name": _("&Last name"),
            "email": _("&Email"),
            "employee_id": _("Employee &ID"),
            "department": _("&Department"),
            "manager_name": _("&Manager"),
            "manager_email": _("Manager's e&mail"),
            "location": _("L&ocation"),
            "job_title": _("&Job title"),
        }
        for key, edit in self.fields.items():
            self.form.addRow(labels[key], edit)
            if row is not None:
                edit.setText(getattr(row, key) or "")
        self.form.addRow(_("Preferred lan&guage"), self.language)
        from iltdesk.views.time_fields import DateField

        self.hire_date = DateField(row.hire_date if row else None, optional=True)
        self.hire_date.setToolTip(
            _("When the learner joined: requirements due within days of hire count from it")
        )
        self.form.addRow(_("&Hire date"), self.hire_date)
        self.finish_layout()
        ctx.remote_changes.connect(self._changed_elsewhere)

    @staticmethod
    def _spec(texts: dict[str, str], language: str, hire: date | None) -> LearnerSpec:
        return LearnerSpec(
            first_name=texts["first_name"],
            last_name=texts["last_name"],
            email=texts["email"],
            employee_id=texts["employee_id"],
            department=texts["department"],
            manager_name=texts["manager_name"],
            manager_email=texts["manager_email"],
            location=texts["location"],
            job_title=texts["job_title"],
            preferred_language=language,
            hire_date=hire,
        )

    def undo_call(self) -> Callable[[], Outcome[object]] | None:
        row = self.row
        if row is None:
            return None
        texts = {k: str(getattr(row, k) or "") for k in self.fields}
        before = self._spec(texts, row.preferred_language, row.hire_date)
        return lambda: learners.update_learner(self.ctx.db, row.id, before)

    def save_call(self) -> Outcome[LearnerRow]:
        if self.hire_date.text().strip() and self.hire_date.value() is None:
            raise ValidationError(
                _("“{text}” is not a date; type the hire date as {hint}.").format(
                    text=self.hire_date.text().strip(), hint=formatting.date_input_hint()
                )
            )
        spec = self._spec(
            {k: e.text() for k, e in self.fields.items()},
            str(self.language.currentData() or ""),
            self.hire_date.value(),
        )
        if self.row is None:
            return learners.create_learner(self.ctx.db, spec)
        seen = self.row if self.check_stale else None
        return learners.update_learner(self.ctx.db, self.row.id, spec, seen=seen)

    def _changed_elsewhere(self, who: str, changes: Changes) -> None:
        note = changed_elsewhere(who, changes, Entity.LEARNER, self.row.id if self.row else None)
        if note:
            self.error.setText(note)

    def reload_record(self) -> None:
        if self.row is None:
            return
        row = learners.get_learner(self.ctx.db, self.row.id)
        self.row = row
        for key, edit in self.fields.items():
            edit.setText(str(getattr(row, key) or ""))
        self.language.setCurrentIndex(max(0, self.language.findData(row.preferred_language)))
        if row.hire_date is not None:
            self.hire_date.set_value(row.hire_date)


class RoomDialog(_FormDialog[RoomRow]):
    """New or edit a room."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, row: RoomRow | None) -> None:
        super().__init__(parent, ctx, _("Edit room") if row else _("New room"))
        self.row = row
        self.name = QLineEdit(row.name if row else "")
        self.address = QPlainTextEdit(row.address if row else "")
        self.address.setMaximumHeight(70)
        self.capacity = QSpinBox()
        self.capacity.setRange(0, 10_000)
        self.capacity.setValue(row.capacity if row else 12)
        self.notes = QPlainTextEdit(row.notes if row else "")
        self.notes.setMaximumHeight(70)
        self.zone = zone_combo(row.timezone if row else "")
        zone_edit = self.zone.lineEdit()
        if zone_edit is not None:
            zone_edit.setPlaceholderText(_("Not set — sessions keep their own zone"))
        self.paper = QComboBox()
        self.paper.addItem(_("As in Preferences"), "")
        self.paper.addItem("A4", "A4")
        self.paper.addItem(_("US Letter"), "Letter")
        self.paper.setCurrentIndex(max(0, self.paper.findData(row.paper_size if row else "")))
        self.zone.currentTextChanged.connect(self._zone_chosen)
        self.form.addRow(_("&Name"), self.name)
        self.form.addRow(_("&Address"), self.address)
        self.form.addRow(_("&Capacity"), self.capacity)
        self.form.addRow(_("&Time zone"), self.zone)
        self.form.addRow(_("&Paper for sign-in sheets"), self.paper)
        self.form.addRow(_("N&otes"), self.notes)
        self.finish_layout()

    def _zone_chosen(self, text: str) -> None:
        """A new venue's paper follows its country (Letter in the US) until chosen by hand."""
        if text.strip() in zones() and not self.paper.currentData():
            paper = formatting.paper_size_for_zone(text.strip())
            self.paper.setCurrentIndex(self.paper.findData(paper))

    def undo_call(self) -> Callable[[], Outcome[object]] | None:
        row = self.row
        if row is None:
            return None
        before = RoomSpec(
            row.name, row.address, row.capacity, row.notes, row.timezone, row.paper_size
        )
        return lambda: people.save_room(self.ctx.db, before, row.id)

    def save_call(self) -> Outcome[RoomRow]:
        spec = RoomSpec(
            self.name.text(),
            self.address.toPlainText(),
            self.capacity.value(),
            self.notes.toPlainText(),
            self.zone.currentText().strip(),
            str(self.paper.currentData() or ""),
        )
        return people.save_room(self.ctx.db, spec, self.row.id if self.row else None)


class InstructorDialog(_FormDialog[InstructorRow]):
    """New or edit an instructor and the courses they teach."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, row: InstructorRow | None) -> None:
        super().__init__(parent, ctx, _("Edit instructor") if row else _("New instructor"))
        self.row = row
        self.name = QLineEdit(row.name if row else "")
        self.email = QLineEdit(row.email if row else "")
        self.phone = QLineEdit(row.phone if row else "")
        self.external = QCheckBox(_("External (freelance or vendor)"))
        self.external.setChecked(bool(row and row.external))
        self.courses = QListWidget()
        qualified = row.qualified_course_ids if row else frozenset()
        # Archived courses are listed only for someone qualified on them: left out, saving the
        # instructor dropped those qualifications with their dates.
        for course in catalogue.list_courses(ctx.db, include_archived=bool(qualified)):
            if course.archived and course.id not in qualified:
                continue
            text = f"{course.code} — {course.title}"
            item = QListWidgetItem(archived_label(text, course.archived))
            item.setData(Qt.ItemDataRole.UserRole, course.id)
            item.setCheckState(
                Qt.CheckState.Checked if course.id in qualified else Qt.CheckState.Unchecked
            )
            self.courses.addItem(item)
        self.form.addRow(_("&Name"), self.name)
        self.form.addRow(_("&Email"), self.email)
        self.form.addRow(_("&Phone"), self.phone)
        self.form.addRow("", self.external)
        self.form.addRow(_("&Qualified to teach"), self.courses)
        self.finish_layout()

    def undo_call(self) -> Callable[[], Outcome[object]] | None:
        row = self.row
        if row is None:
            return None
        before = InstructorSpec(
            row.name, row.email, row.phone, row.external, row.qualified_course_ids
        )
        return lambda: people.save_instructor(self.ctx.db, before, row.id)

    def save_call(self) -> Outcome[InstructorRow]:
        chosen = frozenset(
            int(self.courses.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.courses.count())
            if self.courses.item(i).checkState() == Qt.CheckState.Checked
        )
        spec = InstructorSpec(
            self.name.text(),
            self.email.text(),
            self.phone.text(),
            self.external.isChecked(),
            chosen,
        )
        return people.save_instructor(self.ctx.db, spec, self.row.id if self.row else None)


def language_combo(current: str) -> QComboBox:
    """A list of languages by name ("German"), the organisation's default first."""
    combo = QComboBox()
    combo.addItem(_("Organisation default"), "")
    for code in formatting.LEARNER_LANGUAGES:
        combo.addItem(formatting.language_name(code), code)
    if current and combo.findData(current) < 0:
        combo.addItem(formatting.language_name(current), current)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


def ask(
    dialog_type: Callable[[QWidget | None, AppContext, R | None], _FormDialog[S]],
    parent: QWidget | None,
    ctx: AppContext,
    row: R | None = None,
) -> S | None:
    """Open one of the editors; returns the saved row or None."""
    dialog = dialog_type(parent, ctx, row)
    return dialog.saved if run_modal(dialog) == QDialog.DialogCode.Accepted else None

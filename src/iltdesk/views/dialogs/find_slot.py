"""Sessions › Find a slot…: when a course could run, and schedule one of the proposals.

Choose the course, the period, in person or virtual, and how many learners; the proposals list
days where a qualified instructor works and is free (no session, time off or calendar busy
time) and a room large enough is free, each on its venue's clock with the zone's label, those
that clash for fewer learners on the course's interest list first. **Schedule this…** opens
the session editor filled with the proposal, to check and save.
"""

from __future__ import annotations

from datetime import date
from datetime import timedelta

from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDateEdit
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import InstructorRole
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.models.base import ROW_ROLE
from iltdesk.models.base import Column
from iltdesk.models.base import RowTableModel
from iltdesk.services import catalogue
from iltdesk.services import planning
from iltdesk.services.planning import SlotProposal
from iltdesk.views.context import AppContext
from iltdesk.views.modal import run_modal
from iltdesk.views.time_fields import pydate
from iltdesk.views.time_fields import qdate
from iltdesk.views.widgets import CLOSE
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import error_label
from iltdesk.views.widgets import make_table
from iltdesk.views.widgets import zone_combo


class SlotsTableModel(RowTableModel[SlotProposal]):
    """The proposals, best first."""

    columns = (
        Column(
            lambda: _("When"),
            lambda p: formatting.format_span(p.start, p.days[0][1], p.zone),
            sort=lambda p: p.start,
        ),
        Column(lambda: _("Days"), lambda p: str(len(p.days)), sort=lambda p: len(p.days)),
        Column(lambda: _("Instructor"), lambda p: p.instructor),
        Column(lambda: _("Room"), lambda p: p.room or _("(virtual)")),
        Column(
            lambda: _("Interest list booked"),
            lambda p: str(p.interest_clashes),
            sort=lambda p: p.interest_clashes,
            align_right=True,
        ),
    )


class FindSlotDialog(QDialog):
    """Find a slot for a course, then schedule one."""

    def __init__(self, parent: QWidget | None, ctx: AppContext) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Find a slot"))
        self.resize(860, 520)
        self.course = QComboBox()
        for course in catalogue.list_courses(ctx.db):
            self.course.addItem(f"{course.code} — {course.title}", course.id)
        today = date.today()
        self.first = QDateEdit(qdate(today + timedelta(days=1)))
        self.last = QDateEdit(qdate(today + timedelta(days=91)))
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
        self.mode = QComboBox()
        self.mode.addItem(DeliveryMode.IN_PERSON.label(), DeliveryMode.IN_PERSON.value)
        self.mode.addItem(DeliveryMode.VIRTUAL.label(), DeliveryMode.VIRTUAL.value)
        self.learners = QSpinBox()
        self.learners.setRange(0, 10_000)
        self.learners.setValue(12)
        self.zone = zone_combo(str(ctx.prefs.get("default_timezone")))
        self.zone.setToolTip(_("The zone of a virtual session, or of rooms that have none"))
        form = QFormLayout()
        form.addRow(_("&Course"), self.course)
        period = QHBoxLayout()
        period.addWidget(self.first)
        period.addWidget(QLabel("–"))
        period.addWidget(self.last)
        between = QLabel(_("&Between"))
        between.setBuddy(self.first)
        form.addRow(between, period)
        form.addRow(_("&Mode"), self.mode)
        form.addRow(_("&Learners"), self.learners)
        form.addRow(_("&Time zone"), self.zone)
        self.needs = QLineEdit()
        self.needs.setPlaceholderText(_("Equipment the room's notes must mention, e.g. projector"))
        form.addRow(_("&Needs"), self.needs)
        self.find_button = QPushButton(_("&Find"))
        self.find_button.setDefault(True)
        self.find_button.clicked.connect(self.search)
        self.model = SlotsTableModel(self)
        self.view = make_table(self.model, _("Proposals"), fit=True)
        self.view.doubleClicked.connect(lambda _i: self.schedule())
        self.status = QLabel()
        self.problem = error_label()
        self.schedule_button = QPushButton(_("&Schedule this…"))
        self.schedule_button.clicked.connect(self.schedule)
        buttons = button_box(self, CLOSE)
        buttons.addButton(self.schedule_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.find_button)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def search(self) -> None:
        course_id = self.course.currentData()
        if course_id is None:
            self.problem.setText(_("There are no courses yet."))
            return
        mode = DeliveryMode(str(self.mode.currentData()))
        first, last = pydate(self.first.date()), pydate(self.last.date())
        found = self.ctx.attempt(
            self,
            lambda: planning.find_slots(
                self.ctx.db,
                int(course_id),
                first,
                last,
                size=self.learners.value(),
                mode=mode,
                zone_name=self.zone.currentText().strip(),
                limit=30,
                needs=self.needs.text(),
            ),
        )
        if found is None:
            return
        self.model.set_rows(found)
        self.problem.setText("")
        self.status.setText(
            ngettext("{n} proposal, best first.", "{n} proposals, best first.", len(found)).format(
                n=len(found)
            )
            if found
            else _("Nothing fits in this period: try a longer one, or fewer learners.")
        )
        if found:
            self.view.selectRow(0)

    def chosen(self) -> SlotProposal | None:
        rows = self.view.selectionModel().selectedRows()
        found = self.model.index(rows[0].row(), 0).data(ROW_ROLE) if rows else None
        return found if isinstance(found, SlotProposal) else None

    def schedule(self) -> None:
        from iltdesk.views.dialogs.session_editor import SessionEditorDialog

        proposal = self.chosen()
        if proposal is None:
            self.problem.setText(_("Choose a proposal first."))
            return
        editor = SessionEditorDialog(self, self.ctx, None)
        prefill(editor, proposal, int(self.course.currentData()), self.learners.value())
        if run_modal(editor) == QDialog.DialogCode.Accepted:
            self.accept()


def prefill(editor: object, proposal: SlotProposal, course_id: int, size: int) -> None:
    """Fill a new session's editor with a proposal (course, place, zone, days, instructor)."""
    from iltdesk.views.dialogs.session_editor import SessionEditorDialog

    assert isinstance(editor, SessionEditorDialog)
    editor.course.setCurrentIndex(max(0, editor.course.findData(course_id)))
    mode = DeliveryMode.IN_PERSON if proposal.room_id is not None else DeliveryMode.VIRTUAL
    editor.mode.setCurrentIndex(max(0, editor.mode.findData(mode)))
    editor.zone.setCurrentText(proposal.zone)
    if proposal.room_id is not None:
        editor.room.setCurrentIndex(max(0, editor.room.findData(proposal.room_id)))
    if size:
        editor.capacity.setValue(size)
    while len(editor.days.rows) < len(proposal.days):
        editor.days.add_after_last()
    for row, (start, end) in zip(editor.days.rows, proposal.days, strict=False):
        row.set_instants(start, end, proposal.zone)
    editor.add_instructor(proposal.instructor_id, InstructorRole.LEAD)

"""One session: its roster (walk-in, cancel, move, promote: `roster_buttons`), attendance."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QProgressBar
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTabWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.attention import go_no_go_date
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.lifecycle import can_become
from iltdesk.domain.lifecycle import closed_reason
from iltdesk.domain.lifecycle import phase
from iltdesk.domain.localtime import local_date
from iltdesk.domain.rows import RosterRow
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.models.tables import RosterTableModel
from iltdesk.services import catalogue
from iltdesk.services import prework
from iltdesk.services.common import Outcome
from iltdesk.services.session_window import SessionWindowData
from iltdesk.services.session_window import read_session_window
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs.learner_picker import LearnerPickerDialog
from iltdesk.views.drops import SessionDropTarget
from iltdesk.views.materials import MaterialsPanel
from iltdesk.views.roster_buttons import RosterButtons
from iltdesk.views.session_actions import SessionActions
from iltdesk.views.session_agenda import SessionAgendaTab
from iltdesk.views.session_documents import SessionDocuments
from iltdesk.views.session_menus import SessionMenus
from iltdesk.views.undo import EditCommand
from iltdesk.views.undo import enrol_learners
from iltdesk.views.undo import roster_action
from iltdesk.views.widgets import ERROR_COLOUR
from iltdesk.views.widgets import fit_columns_when_shown
from iltdesk.views.widgets import make_table

if TYPE_CHECKING:
    from iltdesk.views.cost_lines import SessionCostsPanel
    from iltdesk.views.dialogs.import_wizard import ImportWizard
    from iltdesk.views.history_panel import HistoryPanel
    from iltdesk.views.session_feedback import SessionFeedbackTab


class SessionDetailDialog(SessionMenus, RosterButtons, SessionDropTarget, QDialog):
    """A window on one session; stays open beside the main window."""

    def __init__(
        self,
        parent: QWidget | None,
        ctx: AppContext,
        session_id: int,
        data: SessionWindowData | None = None,
    ) -> None:
        """A window on session `session_id`, showing `data` (read now when not given)."""
        super().__init__(parent)
        self.ctx = ctx
        self.session_id = session_id
        self.setMinimumSize(820, 560)
        self.setAcceptDrops(True)  # a roster file to import, or scans of signed sheets
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_roster(), _("&Roster"))
        self.tabs.addTab(self._build_attendance(), _("A&ttendance"))
        self.tabs.addTab(self._build_agenda(), _("A&genda"))
        # Materials, costs and history are built when first shown (or asked for): opening the
        # window then costs only what its first tab shows.
        self._panels: dict[str, QWidget] = {}
        self._lazy: dict[str, tuple[QWidget, Callable[[], QWidget]]] = {}
        for name, label, factory in (
            ("materials", _("Mat&erials"), self._make_materials),
            ("feedback", _("Feed&back"), self._make_feedback),
            ("costs", _("C&osts"), self._make_costs),
            ("history", _("&History"), self._make_history),
        ):
            placeholder = QWidget()
            self.tabs.addTab(placeholder, label)
            self._lazy[name] = (placeholder, factory)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.documents = SessionDocuments(self, ctx, session_id)
        self.session_actions = SessionActions(ctx, self)
        self.edit_button = QPushButton(_("&Edit…"))
        self.edit_button.setToolTip(_("Change times, place, capacity or instructors"))
        self.edit_button.clicked.connect(self.edit_session)
        self.session_button = self._build_session_menu()
        self.email_button = self._build_email_menu()
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        for button in (self.edit_button, self.session_button, self.email_button):
            top.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.documents.button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs)
        self.email_note = QLabel()
        self.email_note.setWordWrap(True)
        layout.addWidget(self.email_note)
        ctx.changes_applied.connect(self._on_changes)
        self.show_data(data or read_session_window(ctx.db, session_id))

    # --- building ---
    # --- tabs built on first use ---
    def _make_materials(self) -> QWidget:
        return MaterialsPanel(self.ctx, self.row.course_id, editable=False)

    def _make_feedback(self) -> QWidget:
        from iltdesk.views.session_feedback import SessionFeedbackTab

        return SessionFeedbackTab(self.ctx, self.session_id, self.documents.feedback_forms)

    def _make_costs(self) -> QWidget:
        from iltdesk.views.cost_lines import SessionCostsPanel

        currency = catalogue.get_course(self.ctx.db, self.row.course_id).currency
        return SessionCostsPanel(self.ctx, self.session_id, currency)

    def _make_history(self) -> QWidget:
        from iltdesk.views.history_panel import HistoryPanel

        return HistoryPanel(self.ctx, session_id=self.session_id)

    def _panel(self, name: str) -> QWidget:
        """The panel `name`, built and put in its tab the first time it is needed."""
        if name not in self._panels:
            placeholder, factory = self._lazy[name]
            index = self.tabs.indexOf(placeholder)
            label, current = self.tabs.tabText(index), self.tabs.currentIndex()
            panel = factory()
            self.tabs.blockSignals(True)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, panel, label)
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(False)
            placeholder.deleteLater()
            self._panels[name] = panel
        return self._panels[name]

    def _tab_shown(self, index: int) -> None:
        for name, (placeholder, _factory) in self._lazy.items():
            if name not in self._panels and self.tabs.widget(index) is placeholder:
                self._panel(name)

    @property
    def materials(self) -> MaterialsPanel:
        return cast(MaterialsPanel, self._panel("materials"))

    @property
    def feedback(self) -> SessionFeedbackTab:
        return cast("SessionFeedbackTab", self._panel("feedback"))

    @property
    def costs(self) -> SessionCostsPanel:
        return cast("SessionCostsPanel", self._panel("costs"))

    @property
    def history(self) -> HistoryPanel:
        return cast("HistoryPanel", self._panel("history"))

    def _build_roster(self) -> QWidget:
        page = QWidget()
        self.capacity_bar = QProgressBar()
        self.capacity_bar.setAccessibleName(_("Seats taken"))
        self.roster_model = RosterTableModel(self)
        self.roster_view = make_table(self.roster_model, _("Roster"))
        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("&Add learners…"))
        self.walk_in_button = QPushButton(_("&Walk-in…"))
        self.cancel_button = QPushButton(_("&Cancel place…"))
        self.move_button = QPushButton(_("&Move…"))
        self.promote_button = QPushButton(_("&Promote"))
        self.import_button = QPushButton(_("&Import…"))
        self.import_button.setToolTip(_("Import learners from an Excel or CSV file"))
        self.prework_button = QPushButton(_("Pre-&work done"))
        self.prework_button.setCheckable(True)
        self.prework_button.setToolTip(_("Whether the chosen learner has done the pre-work"))
        for button, slot in (
            (self.add_button, self.add_learners),
            (self.walk_in_button, self.walk_in),
            (self.cancel_button, self.cancel_selected),
            (self.move_button, self.move_selected),
            (self.promote_button, self.promote_selected),
            (self.import_button, lambda: self.import_roster()),
            (self.prework_button, self.toggle_prework),
        ):
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch()
        self.roster_view.selectionModel().selectionChanged.connect(self._update_buttons)
        # Where the last enrolment action put everyone; room for two lines is kept from the
        # start so the table does not jump when it appears.
        self.report = QLabel()
        self.report.setWordWrap(True)
        self.report.setObjectName("rosterReport")
        self.report.setMinimumHeight(2 * self.fontMetrics().lineSpacing())
        # "Pre-work: 11 of 14 done" when the course has pre-work (blended courses).
        self.prework_label = QLabel()
        self.prework_label.setObjectName("preworkCount")
        layout = QVBoxLayout(page)
        layout.addWidget(self.capacity_bar)
        layout.addWidget(self.prework_label)
        layout.addWidget(self.roster_view)
        layout.addWidget(self.report)
        layout.addLayout(buttons)
        return page

    def _build_attendance(self) -> QWidget:
        from iltdesk.views.attendance_grid import AttendanceGrid

        self.attendance = AttendanceGrid(self.ctx, self.session_id, self.toggle_lock)
        # The grid's parts, as the window's own (tests and shortcuts reach them here).
        self.attendance_model = self.attendance.model
        self.grid = self.attendance.grid
        self.all_present_button = self.attendance.all_present_button
        self.lock_button = self.attendance.lock_button
        return self.attendance

    def _build_agenda(self) -> QWidget:
        self.agenda = SessionAgendaTab(self.ctx, self.session_id)
        # Its parts, as the window's own (tests reach them here).
        self.agenda_table = self.agenda.table
        self.readiness_box = self.agenda.readiness
        self.readiness_checks = self.agenda.readiness.checks
        return self.agenda

    def _go_no_go(self, row: SessionRow) -> str:
        """A line in the error colour when the session is below its minimum near its decision."""
        if row.first_start is None or row.status not in (
            SessionStatus.PLANNED,
            SessionStatus.CONFIRMED,
        ):
            return ""
        today = local_date(datetime.now(UTC), row.timezone)
        first = local_date(row.first_start, row.timezone)
        decide = go_no_go_date(first, row.min_size, row.enrolled, today, row.go_no_go)
        if decide is None:
            return ""
        if decide > today:
            sentence = _(
                "Below its minimum: {places} of at least {minimum} places. Decide by {date} "
                "whether it runs (Session › Cancel session… can put its learners on the interest "
                "list)."
            )
        elif decide == today:
            sentence = _(
                "Below its minimum: {places} of at least {minimum} places. Decide today whether "
                "it runs (Session › Cancel session… can put its learners on the interest list)."
            )
        else:
            sentence = _(
                "Below its minimum: {places} of at least {minimum} places. The decision was due "
                "on {date}: decide now whether it runs (Session › Cancel session… can put its "
                "learners on the interest list)."
            )
        text = sentence.format(
            places=row.enrolled, minimum=row.min_size, date=formatting.format_date(decide)
        )
        return f"<br><span style='color:{ERROR_COLOUR}'>{_esc(text)}</span>"

    # --- loading ---
    def reload(self) -> None:
        """Read the session again and show it (after a change that touches it)."""
        self.show_data(read_session_window(self.ctx.db, self.session_id))

    def show_data(self, data: SessionWindowData) -> None:
        """Show what `read_session_window` read; reads nothing itself."""
        self.row: SessionRow = data.session
        row = self.row
        self.setWindowTitle(f"{row.course_code} — {row.course_title}")
        when = "<br>".join(formatting.format_span(d.start, d.end, row.timezone) for d in row.days)
        place = row.room_name or row.meeting_link or row.mode.label()
        teachers = ", ".join(f"{i.name} ({i.role.label()})" for i in row.instructors)
        stage = phase(row.status, row.first_start, row.last_end, datetime.now(UTC))
        self.title.setText(
            f"<b>{_esc(row.course_title)}</b> {_esc(row.cohort)} · {_esc(stage.label())}"
            f"<br>{when}<br>{_esc(place)}"
            + (f"<br>{_esc(teachers)}" if teachers else "")
            + self._go_no_go(row)
        )
        self.roster = data.roster
        self.roster_model.set_rows(self.roster)
        # Sized once per load: a header sizing itself to its contents measures on every layout.
        fit_columns_when_shown(self.roster_view)
        self.capacity_bar.setMaximum(max(1, row.capacity))
        self.capacity_bar.setValue(min(row.enrolled, row.capacity))
        self.capacity_bar.setFormat(
            ngettext(
                "{enrolled} of {capacity} seat · {waiting} waiting",
                "{enrolled} of {capacity} seats · {waiting} waiting",
                row.capacity,
            ).format(enrolled=row.enrolled, capacity=row.capacity, waiting=row.waitlisted)
        )
        course = data.course
        seated = [r for r in self.roster if r.status.holds_seat]
        done = sum(1 for r in seated if r.prework_done)
        has_prework = bool(course.prework.strip() or course.prework_link.strip() or done)
        self.prework_label.setVisible(has_prework)
        self.prework_button.setVisible(has_prework)
        self.prework_label.setText(
            _("Pre-work: {done} of {total} done").format(done=done, total=len(seated))
        )
        threshold = course.completion_threshold or int(self.ctx.prefs.get("completion_threshold"))
        self.attendance.load(row, self.roster, data.marks, threshold)
        locked = row.status is SessionStatus.COMPLETED
        closed = closed_reason(row.status) is not None
        for button in (self.add_button, self.walk_in_button, self.import_button):
            button.setEnabled(not closed)
        self.edit_button.setEnabled(not closed)
        self.edit_button.setToolTip(
            closed_reason(row.status) or _("Change times, place, capacity or instructors")
        )
        self.confirm_action.setEnabled(can_become(row.status, SessionStatus.CONFIRMED))
        self.planned_action.setEnabled(can_become(row.status, SessionStatus.PLANNED))
        self.cancel_session_action.setEnabled(can_become(row.status, SessionStatus.CANCELLED))
        self.cancel_series_action.setVisible(row.series_id is not None)
        self.cancel_series_action.setEnabled(can_become(row.status, SessionStatus.CANCELLED))
        self.complete_action.setEnabled(can_become(row.status, SessionStatus.COMPLETED))
        self.unlock_action.setEnabled(locked)
        self.agenda.load(row, data.agenda, data.checks)
        self._update_buttons()

    def _on_changes(self, changes: Changes) -> None:
        if any(
            changes.touches(kind)
            for kind in (
                Entity.SESSION,
                Entity.ENROLLMENT,
                Entity.LEARNER,
                Entity.ATTENDANCE,
                Entity.COURSE,
            )
        ):
            self.reload()  # the attendance grid keeps its current cell

    # --- roster actions ---
    def selected(self) -> RosterRow | None:
        rows = self.roster_view.selectionModel().selectedRows()
        return self.roster_model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self, *_args: object) -> None:
        chosen = self.selected()
        active = chosen is not None and chosen.status.is_active
        self.cancel_button.setEnabled(active)
        self.move_button.setEnabled(active)
        self.promote_button.setEnabled(
            chosen is not None and chosen.status is EnrollmentStatus.WAITLISTED
        )
        self.prework_button.setEnabled(chosen is not None and chosen.status.holds_seat)
        self.prework_button.setChecked(chosen is not None and chosen.prework_done)

    def toggle_prework(self) -> None:
        """Tick (or untick) the chosen learner's pre-work as done; undoable."""
        chosen = self.selected()
        if chosen is None:
            return
        done = not chosen.prework_done
        session_id, place = self.session_id, chosen.enrollment_id
        before = chosen.prework_done_at
        db = self.ctx.db
        if self.ctx.op(self, lambda: prework.set_prework(db, session_id, [place], done)):
            self.ctx.undo_stack.push(
                EditCommand(
                    _("Pre-work done") if done else _("Pre-work not done"),
                    self.ctx,
                    lambda: prework.set_prework(db, session_id, [place], not done, when=before),
                    lambda: prework.set_prework(db, session_id, [place], done),
                )
            )
            self._reselect(place)

    def _reselect(self, enrollment_id: int) -> None:
        for number, row in enumerate(self.roster_model.rows()):
            if row.enrollment_id == enrollment_id:
                self.roster_view.selectRow(number)
                return

    def _roster(
        self, text: str, call: Callable[[], Outcome[object]], session_ids: list[int] | None = None
    ) -> None:
        """Run an undoable roster action; a sentence in a dialog if it is refused."""
        self.ctx.attempt(
            self, lambda: roster_action(self.ctx, text, session_ids or [self.session_id], call)
        )

    def enroll(self, learner_id: int) -> None:
        self.enroll_many([learner_id])

    def enroll_many(self, learner_ids: list[int]) -> None:
        """Enrol, ask once about any clashes, and say where everyone went."""
        said = enrol_learners(self.ctx, self, self.session_id, learner_ids)
        if said is not None:
            self.report.setText(said)

    def add_learners(self) -> None:
        chosen = LearnerPickerDialog.ask(self, self.ctx)
        if chosen:
            self.enroll_many(list(chosen))

    def import_roster(self, path: Path | None = None) -> ImportWizard:
        """The import wizard with this session as the target (and `path`, when dropped)."""
        from iltdesk.views.dialogs.import_wizard import open_import_wizard

        return open_import_wizard(self.ctx, self, path=path, session_id=self.session_id)

    def roster_dropped(self, path: Path) -> None:
        self.import_roster(path)

    def scans_dropped(self, paths: list[Path]) -> None:
        self.documents.evidence.attach(paths)


def _esc(text: str) -> str:
    return html.escape(text, quote=False)

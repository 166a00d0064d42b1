"""The Compliance screen (View › Compliance): the matrix, and the due list to act on.

The matrix shows every learner in scope against every requirement, coloured by state, with
totals per requirement; a cell's right-click menu exempts (with a reason) or lifts an
exemption. The due list selects learners due within N days and acts: enrol them in the next
session of the course, put them on its interest list, or remind them (and their managers, in
one summary each) by email.
"""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QTabWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.compliance import ComplianceMatrix
from iltdesk.domain.compliance import DueItem
from iltdesk.domain.compliance import DueRow
from iltdesk.domain.compliance import totals_line
from iltdesk.domain.enums import ComplianceState
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.models.base import SortOrder
from iltdesk.models.compliance import CELL_ROLE
from iltdesk.models.compliance import ComplianceTableModel
from iltdesk.models.compliance import DueTableModel
from iltdesk.services import compliance
from iltdesk.services import requirements
from iltdesk.tasks.runner import CancelledError
from iltdesk.tasks.runner import TaskRunner
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs import compliance_prompts
from iltdesk.views.dialogs.session_choice import SessionChoiceDialog
from iltdesk.views.errors import show_error
from iltdesk.views.widgets import MANY
from iltdesk.views.widgets import fit_columns
from iltdesk.views.widgets import make_table
from iltdesk.views.widgets import worker_sorter


class CompliancePage(QWidget):
    """The matrix and the due list."""

    exported = Signal(object)  # the Path written

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.tasks = TaskRunner(self)
        self.generation = 0
        self.matrix: ComplianceMatrix | None = None
        self.last_export: Path | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_matrix(), _("&Matrix"))
        self.tabs.addTab(self._build_due(), _("&Due list"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        ctx.changes_applied.connect(self._on_changes)
        self.refresh()

    # --- matrix ---
    def _build_matrix(self) -> QWidget:
        page = QWidget()
        self.state = QComboBox()
        self.state.addItem(_("Every state"), None)
        for state in ComplianceState:
            self.state.addItem(state.label(), state.value)
        self.department = QComboBox()
        self.department.addItem(_("All departments"), None)
        self.manager = QComboBox()
        self.manager.addItem(_("All managers"), None)
        self.location = QComboBox()
        self.location.addItem(_("All locations"), None)
        self.filled_choices = False
        self.due_fitted = False  # the due list's columns are sized once, on its first rows
        self.window_days = QSpinBox()
        self.window_days.setRange(1, 365)
        self.window_days.setValue(60)
        self.window_days.setSuffix(" " + _("days"))
        self.window_days.setToolTip(_("“Expiring” means running out within this many days"))
        self.requirements_button = QPushButton(_("&Requirements…"))
        self.requirements_button.clicked.connect(self.edit_requirements)
        self.export_button = QPushButton(_("E&xport"))
        menu = QMenu(self.export_button)
        self.export_xlsx = menu.addAction(_("Excel &workbook…"), lambda: self.export("xlsx"))
        self.export_departments = menu.addAction(
            _("Excel workbook, a sheet per &department…"), lambda: self.export("xlsx", True)
        )
        self.export_pdf = menu.addAction(_("&PDF for an auditor…"), lambda: self.export("pdf"))
        self.export_button.setMenu(menu)
        # Who is shown on one row; what counts as expiring and the buttons on the next. On
        # one row they held the window at least 1,452 px wide in German: wider than a laptop.
        top = QHBoxLayout()
        below = QHBoxLayout()
        for row, label, widget in (
            (top, _("&State"), self.state),
            (top, _("De&partment"), self.department),
            (top, _("Mana&ger"), self.manager),
            (top, _("&Location"), self.location),
            (below, _("Expiring &within"), self.window_days),
        ):
            text = QLabel(label)
            text.setBuddy(widget)
            row.addWidget(text)
            row.addWidget(widget)
        top.addStretch(1)
        below.addStretch(1)
        below.addWidget(self.requirements_button)
        below.addWidget(self.export_button)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_note = QLabel()
        self.model = ComplianceTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        # No column chosen at first: learners come by surname, as the service lists them (Qt
        # would otherwise mark the Learner column sorted, descending, which they are not).
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setAccessibleName(_("Compliance matrix"))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._cell_menu)
        self.empty = QLabel(_("No requirement yet: add one with Requirements… to see who is due."))
        for combo in (self.state, self.department, self.manager, self.location):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.window_days.valueChanged.connect(lambda _v: self.refresh())
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addLayout(below)
        layout.addWidget(self.totals)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.export_note)
        return page

    def today(self) -> date:
        return compliance.today_in(str(self.ctx.prefs.get("default_timezone")))

    def refresh(self) -> None:
        self.generation += 1
        generation = self.generation
        today = self.today()
        state = self.state.currentData()
        department = self.department.currentData()
        manager = self.manager.currentData()
        location = self.location.currentData()
        window = self.window_days.value()
        days = self.due_days.value()
        want_choices = not self.filled_choices
        due_model, due_order = self.due_model, self.due_model.sort_order()
        db = self.ctx.db

        def work(
            _progress: object,
        ) -> tuple[ComplianceMatrix, list[DueRow], dict[str, list[str]] | None]:
            found, due = compliance.matrix_and_due(
                db,
                today,
                days,
                window_days=window,
                department=department,
                manager=manager,
                location=location,
                states=[ComplianceState(str(state))] if state else None,
            )
            due = due_model.ordered(due, due_order)  # here, not on the GUI thread
            return found, due, compliance.matrix_choices(db) if want_choices else None

        self.tasks.run(
            work,
            title=_("Working out who is due…"),
            on_done=lambda result: self._arrived(generation, *result, due_order),
            on_error=lambda error: self._failed(generation, error),
        )

    def _arrived(
        self,
        generation: int,
        found: ComplianceMatrix,
        due: list[DueRow],
        choices: dict[str, list[str]] | None,
        due_order: SortOrder | None,
    ) -> None:
        if generation != self.generation:
            return
        self.matrix = found
        self.model.set_matrix(found)
        self.empty.setVisible(not found.requirements)
        self.table.setVisible(bool(found.requirements))
        lines = [totals_line(found, i) for i in range(len(found.requirements))]
        lines += [w for r in found.requirements if (w := r.warning())]
        self.totals.setText("\n".join(lines))
        if choices is not None and not self.filled_choices:
            self.filled_choices = True
            for combo, key in (
                (self.department, "departments"),
                (self.manager, "managers"),
                (self.location, "locations"),
            ):
                combo.blockSignals(True)
                for name in choices[key]:
                    combo.addItem(name, name)
                combo.blockSignals(False)
        self.due_model.set_rows(due, ordered_by=due_order)
        self.due_note.setText(
            ngettext(
                "{n} learner and requirement due.", "{n} learners and requirements due.", len(due)
            ).format(n=formatting.format_number(len(due)))
            if due
            else _("Nobody is due in this period.")
        )
        fit_columns(self.table)  # the requirements may have changed
        if due and not self.due_fitted:  # the user's widths stand after the first
            self.due_fitted = True
            fit_columns(self.due_table)

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self.generation and not isinstance(error, CancelledError):
            show_error(self, error)

    def _on_changes(self, changes: Changes) -> None:
        kinds = (Entity.REQUIREMENT, Entity.ENROLLMENT, Entity.ATTENDANCE, Entity.CERTIFICATE)
        if any(changes.touches(kind) for kind in (*kinds, Entity.LEARNER)):
            self.refresh()

    def _cell_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        requirement_index = (
            self.model.requirement_index(index.column()) if index.isValid() else None
        )
        if requirement_index is None or self.matrix is None:
            return
        person = self.model.learner_at(index.row())
        requirement = self.matrix.requirements[requirement_index]
        cell = index.data(CELL_ROLE)
        menu = QMenu(self)
        if cell is not None and cell.state is ComplianceState.EXEMPT:
            menu.addAction(_("Lift the exemption…"), lambda: self.lift(requirement.id, person.id))
        else:
            menu.addAction(_("Exempt…"), lambda: self.exempt(requirement.id, person.id))
        menu.exec(self.table.viewport().mapToGlobal(position))

    def exempt(self, requirement_id: int, learner_id: int) -> None:
        reason = compliance_prompts.ask_reason(
            self, _("Exempt a learner"), _("Why is this learner exempt?")
        )
        if reason is None:
            return
        self.ctx.op(
            self,
            lambda: requirements.exempt(
                self.ctx.db, requirement_id, learner_id, reason, self.ctx.db.actor
            ),
        )

    def lift(self, requirement_id: int, learner_id: int) -> None:
        reason = compliance_prompts.ask_reason(
            self, _("Lift the exemption"), _("Why does it no longer apply?")
        )
        if reason is None:
            return
        self.ctx.op(
            self,
            lambda: requirements.revoke_exemption(self.ctx.db, requirement_id, learner_id, reason),
        )

    def edit_requirements(self) -> None:
        from iltdesk.views.dialogs.requirements import RequirementsDialog

        RequirementsDialog.ask(self, self.ctx)

    def export(self, kind: str, by_department: bool = False) -> None:
        """Write the matrix as shown (its filters applied) to a workbook or a PDF, off the GUI."""
        from iltdesk.views.dialogs.document_preview import ask_save_path

        found = self.matrix
        if found is None:
            return
        name = f"compliance-{found.today.isoformat()}.{kind}"
        label = _("Excel workbooks (*.xlsx)") if kind == "xlsx" else _("PDF files (*.pdf)")
        target = ask_save_path(self, _("Export compliance"), name, label)
        if target is None:
            return
        zone = str(self.ctx.prefs.get("default_timezone"))
        paper = str(self.ctx.prefs.get("paper_size"))
        now = datetime.now(UTC)

        def build(_progress: object) -> Path:
            from iltdesk.documents.compliance import compliance_pdf
            from iltdesk.documents.compliance import compliance_workbook
            from iltdesk.documents.files import write_atomic

            if kind == "xlsx":
                data = compliance_workbook(found, now, zone, by_department=by_department)
            else:
                data = compliance_pdf(found, now, zone, paper)
            return write_atomic(target, data, kind=kind, force=True)

        self.tasks.run(
            build,
            title=_("Exporting compliance…"),
            on_done=self._exported,
            on_error=lambda error: self._failed(self.generation, error),
        )

    def _exported(self, path: Path) -> None:
        self.last_export = path
        self.export_note.setText(_("Written to {path}.").format(path=path))
        self.exported.emit(path)

    # --- due list ---
    def _build_due(self) -> QWidget:
        page = QWidget()
        self.due_days = QSpinBox()
        self.due_days.setRange(0, 730)
        self.due_days.setValue(30)
        self.due_days.setPrefix(_("next") + " ")
        self.due_days.setSuffix(" " + _("days"))
        self.due_days.valueChanged.connect(lambda _v: self.refresh())
        self.due_model = DueTableModel(self)
        self.due_table = make_table(self.due_model, _("Due list"), selection=MANY)
        # Most urgent first, as the service lists them, until the user sorts otherwise; with
        # up to 200,000 rows a header click sorts on a worker, not on the GUI thread.
        self.due_table.horizontalHeader().setSortIndicator(
            DueTableModel.DATE, Qt.SortOrder.AscendingOrder
        )
        self.due_table.setSortingEnabled(True)
        self.due_model.sort_off_thread(worker_sorter(self.tasks, self, _("Sorting the due list…")))
        self.enrol_button = QPushButton(_("&Enrol in next session…"))
        self.enrol_button.clicked.connect(self.enrol_selected)
        self.interest_button = QPushButton(_("Add to &interest list"))
        self.interest_button.clicked.connect(self.interest_selected)
        self.remind_button = QPushButton(_("Re&mind…"))
        self.remind_button.clicked.connect(self.remind_selected)
        self.due_note = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Due or overdue in the")))
        top.addWidget(self.due_days)
        top.addStretch(1)
        for button in (self.enrol_button, self.interest_button, self.remind_button):
            top.addWidget(button)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.due_table, 1)
        layout.addWidget(self.due_note)
        return page

    def selected_due(self) -> list[DueItem]:
        rows = sorted({i.row() for i in self.due_table.selectionModel().selectedRows()})
        return [self.due_model.item_at(r) for r in rows]

    def _one_requirement(self, items: list[DueItem]) -> DueItem | None:
        """The first item, when all the selected are due for one requirement."""
        if not items:
            QMessageBox.information(self, _("Due list"), _("Select the learners first."))
            return None
        if len({i.requirement_id for i in items}) > 1:
            QMessageBox.information(
                self,
                _("Due list"),
                _("Select learners due for one requirement at a time: they go to one course."),
            )
            return None
        return items[0]

    def upcoming_sessions(self, item: DueItem) -> list[SessionRow]:
        """Sessions still to start of the requirement's course or an equivalent, soonest first."""
        from iltdesk.domain.enums import SessionStatus
        from iltdesk.services import scheduling

        now = datetime.now(UTC)
        found = [
            s
            for course_id in item.course_ids or (item.course_id,)
            for s in scheduling.list_sessions(self.ctx.db, course_id=course_id, starts_after=now)
            if s.status in (SessionStatus.PLANNED, SessionStatus.CONFIRMED)
        ]
        return sorted(found, key=lambda s: s.days[0].start if s.days else now)

    def enrol_selected(self) -> None:
        from iltdesk.views.undo import enrol_learners

        items = self.selected_due()
        first = self._one_requirement(items)
        if first is None:
            return
        upcoming = self.upcoming_sessions(first)
        if not upcoming:
            QMessageBox.information(
                self,
                _("Enrol in a session"),
                _(
                    "No upcoming session of this course: schedule one, or add them to the "
                    "interest list."
                ),
            )
            return
        session_id = SessionChoiceDialog.ask(self, upcoming, len(items))
        if session_id is None:
            return
        learner_ids = list(dict.fromkeys(i.learner_id for i in items))
        said = enrol_learners(self.ctx, self, session_id, learner_ids)
        if said is not None:
            self.due_note.setText(said)
            compliance_prompts.show_enrol_report(self, said)

    def interest_selected(self) -> None:
        from iltdesk.services.compliance_actions import add_to_interest

        items = self.selected_due()
        first = self._one_requirement(items)
        if first is None:
            return
        ids = [i.learner_id for i in items]
        outcome = self.ctx.op(self, lambda: add_to_interest(self.ctx.db, first.course_id, ids))
        if outcome is not None:
            added = outcome.value
            self.due_note.setText(
                ngettext(
                    "{n} learner added to the interest list.",
                    "{n} learners added to the interest list.",
                    added,
                ).format(n=added)
            )

    def remind_selected(self) -> None:
        from iltdesk.services import outbox
        from iltdesk.services.compliance_actions import compose_reminders
        from iltdesk.views.mail import Mailer

        items = self.selected_due()
        if not items:
            QMessageBox.information(self, _("Remind"), _("Select the learners first."))
            return
        problem = outbox.mail_settings(self.ctx.db).problem()
        if problem is not None:
            from iltdesk.errors import UserError

            show_error(self, UserError(problem))
            return
        audience = compliance_prompts.ask_reminder_audience(self)
        if audience is None or not any(audience):
            return
        to_learners, to_managers = audience
        composed = self.ctx.attempt(
            self,
            lambda: compose_reminders(
                self.ctx.db,
                items,
                self.today(),
                learners=to_learners,
                managers=to_managers,
                language=str(self.ctx.prefs.get("language")),
                organisation=str(self.ctx.prefs.get("organisation_name")),
            ),
        )
        if composed is None:
            return
        if not composed.drafts:
            QMessageBox.information(self, _("Remind"), _("Nobody to send this to."))
            return
        mailer = Mailer(self.ctx, self, self.tasks)
        mailer.confirm_and_send(
            composed, MessageKind.REQUIREMENT_DUE, lambda message: self.due_note.setText(message)
        )

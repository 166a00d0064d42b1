"""Create or edit a course: details, objectives, agenda, materials and costs.

The agenda's table with its clock and warnings is `views/agenda_builder.AgendaBuilder`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QTabWidget
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.costs import CostLineSpec
from iltdesk.domain.enums import DeliveryFormat
from iltdesk.domain.rows import CourseRow
from iltdesk.domain.specs import AgendaItemSpec
from iltdesk.domain.specs import CourseSpec
from iltdesk.errors import StaleEditError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.services import catalogue
from iltdesk.services import costs
from iltdesk.services.common import Database
from iltdesk.views.agenda_builder import AgendaBuilder
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs.stale import StaleChoice
from iltdesk.views.dialogs.stale import ask_stale
from iltdesk.views.dialogs.stale import changed_elsewhere
from iltdesk.views.errors import show_error
from iltdesk.views.errors import show_task_error
from iltdesk.views.materials import MaterialsPanel
from iltdesk.views.modal import run_modal
from iltdesk.views.undo import EditCommand
from iltdesk.views.widgets import SAVE_CANCEL
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import error_label

if TYPE_CHECKING:
    from iltdesk.views.cost_lines import CostLinesEditor


class CourseEditorDialog(QDialog):
    """The dialog; use `ask`."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, row: CourseRow | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.row = row
        self.setWindowTitle(_("Edit course") if row else _("New course"))
        self.resize(760, 560)
        details = self._build_details()
        self.objectives = QPlainTextEdit()
        self.objectives.setPlaceholderText(_("One learning objective per line, in order."))
        self.objectives.textChanged.connect(self._objectives_changed)
        self.agenda = AgendaBuilder()
        self.format.currentIndexChanged.connect(self._format_changed)
        self.tabs = QTabWidget()
        self.tabs.addTab(details, _("Details"))
        self.tabs.addTab(self.objectives, _("Objectives"))
        from iltdesk.views.pilot_panel import with_pilots

        self.tabs.addTab(with_pilots(self.agenda, ctx, row.id if row else None), _("Agenda"))
        self.costs_page = self._build_costs(row)
        self.tabs.addTab(self.costs_page, _("Costs"))
        self.tabs.currentChanged.connect(self._tab_shown)
        if row is not None:
            self.materials: MaterialsPanel | None = MaterialsPanel(ctx, row.id)
            self.tabs.addTab(self.materials, _("Materials"))
        else:
            self.materials = None
            hint = QLabel(_("Save the course first, then add its materials here."))
            hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.tabs.addTab(hint, _("Materials"))
        if row is not None:
            from iltdesk.views.history_panel import HistoryPanel

            self.history = HistoryPanel(ctx, course_id=row.id)
            self.tabs.addTab(self.history, _("History"))
        self.error = error_label()
        ctx.remote_changes.connect(self._changed_elsewhere)
        buttons = button_box(self, SAVE_CANCEL, self._save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if row is not None:
            self._fill(row)

    def _build_details(self) -> QWidget:
        """Code, title, description, format, duration, validity, currency, threshold, pre-work."""
        details = QWidget()
        form = QFormLayout(details)
        self.code = QLineEdit()
        self.title = QLineEdit()
        self.description = QPlainTextEdit()
        self.format = QComboBox()
        for fmt in DeliveryFormat:
            self.format.addItem(fmt.label(), fmt)
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 10_000)
        self.minutes.setValue(480)
        self.minutes.setSuffix(" " + _("min"))
        self.validity = QSpinBox()
        self.validity.setRange(0, 240)
        self.validity.setSpecialValueText(_("No expiry"))
        # A new course's costs are in the currency of the user's country until changed.
        self.currency = QLineEdit(formatting.local_currency())
        self.currency.setMaxLength(3)
        self.threshold = QSpinBox()
        self.threshold.setRange(0, 100)
        self.threshold.setSpecialValueText(_("Default"))
        self.threshold.setSuffix(" %")
        self.prework = QPlainTextEdit()
        self.prework.setMaximumHeight(70)
        self.prework_link = QLineEdit()
        form.addRow(_("&Code"), self.code)
        form.addRow(_("&Title"), self.title)
        form.addRow(_("&Description"), self.description)
        form.addRow(_("&Format"), self.format)
        form.addRow(_("D&uration"), self.minutes)
        form.addRow(_("Certificate &valid for (months)"), self.validity)
        form.addRow(_("Curr&ency"), self.currency)
        form.addRow(_("Completion t&hreshold"), self.threshold)
        form.addRow(_("&Pre-work"), self.prework)
        form.addRow(_("Pre-work lin&k"), self.prework_link)
        return details

    def _fill(self, row: CourseRow) -> None:
        self.code.setText(row.code)
        self.title.setText(row.title)
        self.description.setPlainText(row.description)
        self.format.setCurrentIndex(self.format.findData(row.delivery_format))
        self.minutes.setValue(row.default_minutes)
        self.validity.setValue(row.certificate_validity_months or 0)
        self.currency.setText(row.currency)
        self.threshold.setValue(row.completion_threshold or 0)
        self.prework.setPlainText(row.prework)
        self.prework_link.setText(row.prework_link)
        self.objectives.setPlainText("\n".join(row.objectives))
        self.agenda.set_objectives(row.objectives)
        self.agenda.set_items(
            [
                AgendaItemSpec(
                    i.title, i.minutes, i.activity, i.objective_index, i.facilitator_notes
                )
                for i in catalogue.get_agenda(self.ctx.db, row.id)
            ]
        )

    def _format_changed(self, _index: int) -> None:
        chosen = self.format.currentData()
        self.agenda.delivery_format = DeliveryFormat(chosen) if chosen else DeliveryFormat.IN_PERSON
        self.agenda.refresh()

    def _objectives_changed(self) -> None:
        self.agenda.set_objectives(self.objective_list())

    def objective_list(self) -> tuple[str, ...]:
        return tuple(t.strip() for t in self.objectives.toPlainText().splitlines() if t.strip())

    def _build_costs(self, row: CourseRow | None) -> QWidget:
        """Default cost lines new sessions copy, and what a learner has cost lately."""
        page = QWidget()
        intro = QLabel(
            _(
                "New sessions of this course start with these costs; each session's own costs "
                "are in its window. Reports compute cost per learner from sessions' costs."
            )
        )
        intro.setWordWrap(True)
        # The lines are built when the tab is first shown (`costs_editor`): the instructors'
        # list and a row of editors per line were ~20 ms of the editor's opening, on a tab it
        # does not open on. Until then Save keeps the course's lines as they are stored.
        self.cost_lines: CostLinesEditor | None = None
        self.cost_per_learner = QLabel()
        self.cost_per_learner.setWordWrap(True)
        self.costs_layout = QVBoxLayout(page)
        self.costs_layout.addWidget(intro)
        self.costs_layout.addWidget(self.cost_per_learner)
        # What a place cost is worked out when the tab is first shown: the report's run on a
        # worker held the interpreter while the window was being built (~60 ms more).
        self._cost_pending = row.id if row is not None else None
        return page

    def costs_editor(self) -> CostLinesEditor:
        """The Costs tab's lines, built (and the course's read) the first time they are needed."""
        if self.cost_lines is None:
            from iltdesk.views.cost_lines import CostLinesEditor
            from iltdesk.views.cost_lines import instructor_choices

            currency = self.currency.text().strip() or formatting.local_currency()
            self.cost_lines = CostLinesEditor(instructor_choices(self.ctx), currency)
            if self.row is not None:
                self.cost_lines.set_lines(costs.course_costs(self.ctx.db, self.row.id))
            self.costs_layout.insertWidget(1, self.cost_lines, 1)
        return self.cost_lines

    def _tab_shown(self, _index: int) -> None:
        if self.tabs.currentWidget() is not self.costs_page:
            return
        self.costs_editor()
        if self._cost_pending is not None:
            course_id, self._cost_pending = self._cost_pending, None
            self._work_out_cost_per_learner(course_id)

    def _work_out_cost_per_learner(self, course_id: int) -> None:
        """Fill in what a place cost lately, from the cost report, off the GUI thread.

        The report's first run compiles its queries: 76 ms on the GUI thread, on 2,000 sessions.
        """
        from iltdesk.tasks.runner import TaskRunner

        db, zone = self.ctx.db, str(self.ctx.prefs.get("default_timezone"))
        self.cost_per_learner.setText(_("Working out what a place cost lately…"))

        def failed(error: BaseException) -> None:
            self.cost_per_learner.setText("")
            show_task_error(self, error)

        self.tasks = TaskRunner(self)
        self.tasks.run(
            lambda _progress: cost_per_learner_text(db, zone, course_id),
            title=_("Working out what a place cost lately…"),
            on_done=self.cost_per_learner.setText,
            on_error=failed,
        )

    def spec(self) -> CourseSpec:
        return CourseSpec(
            code=self.code.text(),
            title=self.title.text(),
            description=self.description.toPlainText(),
            objectives=self.objective_list(),
            default_minutes=self.minutes.value(),
            delivery_format=DeliveryFormat(self.format.currentData()),  # item data returns as text
            certificate_validity_months=self.validity.value() or None,
            currency=self.currency.text(),
            prework=self.prework.toPlainText(),
            prework_link=self.prework_link.text(),
            completion_threshold=self.threshold.value() or None,
        )

    def _changed_elsewhere(self, who: str, changes: Changes) -> None:
        note = changed_elsewhere(who, changes, Entity.COURSE, self.row.id if self.row else None)
        if note:
            self.error.setText(note)

    def _store(
        self,
        seen: CourseRow | None,
        spec: CourseSpec,
        agenda: list[AgendaItemSpec],
        cost_lines: list[CostLineSpec],
    ) -> CourseRow | None:
        """Save the whole form in one transaction; a course changed meanwhile asks first."""
        db, course_id = self.ctx.db, seen.id if seen is not None else None
        try:
            return self.ctx.apply(
                catalogue.save_course(db, course_id, spec, agenda, cost_lines, seen=seen)
            )
        except StaleEditError as error:
            choice = ask_stale(self, error, str(self.ctx.prefs.get("default_timezone")))
        if choice is StaleChoice.OVERWRITE:
            return self.ctx.apply(catalogue.save_course(db, course_id, spec, agenda, cost_lines))
        if choice is StaleChoice.RELOAD and course_id is not None:
            current = catalogue.get_course(db, course_id)
            self.row = current
            self._fill(current)
            self.error.setText(_("Reloaded: this is the course as it is stored now."))
        return None

    def _save(self) -> None:
        previous = self.row
        db = self.ctx.db
        before: tuple[list[AgendaItemSpec], list[CostLineSpec]] = ([], [])
        if previous is not None:
            before = (
                [
                    AgendaItemSpec(
                        i.title, i.minutes, i.activity, i.objective_index, i.facilitator_notes
                    )
                    for i in catalogue.get_agenda(db, previous.id)
                ],
                [line.spec() for line in costs.course_costs(db, previous.id)],
            )
        try:
            spec, agenda = self.spec(), self.agenda.items()
            # Costs never shown: the lines as stored now (none for a new course).
            cost_lines = self.cost_lines.lines() if self.cost_lines is not None else before[1]
            course = self._store(previous, spec, agenda, cost_lines)
        except ValidationError as error:
            self.error.setText(str(error))
            return
        except Exception as error:  # a bug: logged and shown
            show_error(self, error)
            return
        if course is None:
            return
        self.row = self.saved = course
        if previous is not None:
            course_id, before_spec = previous.id, catalogue.spec_for_row(previous)
            self.ctx.undo_stack.push(
                EditCommand(
                    _("Edit course"),
                    self.ctx,
                    lambda: catalogue.save_course(db, course_id, before_spec, *before),
                    lambda: catalogue.save_course(db, course_id, spec, agenda, cost_lines),
                )
            )
        self.accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, ctx: AppContext, row: CourseRow | None = None
    ) -> CourseRow | None:
        dialog = cls(parent, ctx, row)
        if run_modal(dialog) == QDialog.DialogCode.Accepted:
            saved: CourseRow = dialog.saved
            return saved
        return None


def cost_per_learner_text(db: Database, zone: str, course_id: int) -> str:
    """What a place on the course cost over the last 12 months (from the cost report)."""
    from datetime import UTC
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from iltdesk.domain.reporting import Amounts
    from iltdesk.domain.reporting import Period
    from iltdesk.domain.reporting import ReportFilters
    from iltdesk.domain.reporting import ReportName
    from iltdesk.services.reports import build_report

    today = datetime.now(UTC).astimezone(ZoneInfo(zone)).date()
    start, end = Period.LAST_12_MONTHS.dates(today)
    table = build_report(
        db, ReportName.COST, ReportFilters(start=start, end=end, course_id=course_id)
    )
    per = table.totals.get("cost_per_learner")
    places = table.totals.get("enrolled")
    if not isinstance(per, Amounts) or not per.parts:
        return _("No session of this course with costs took place in the last 12 months.")
    count = places if isinstance(places, int) else 0
    return ngettext(
        "Cost per learner over the last 12 months: {amount} ({places} place).",
        "Cost per learner over the last 12 months: {amount} ({places} places).",
        count,
    ).format(
        amount=formatting.format_amounts([(m.amount, m.currency) for m in per.parts]),
        places=formatting.format_number(count),
    )

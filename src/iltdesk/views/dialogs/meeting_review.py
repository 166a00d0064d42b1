"""Attendance › Import meeting report…: review the proposed marks, then apply them as one batch.

The grid lists every learner on the roster with the minutes the report gives them, the mark
already recorded (if any) and the mark proposed; Apply is ticked where the cell is empty and
left unticked where a mark exists (a manual mark is never overwritten without a tick). Possible
matches (a renamed participant) are listed unticked, to confirm. The rule's four numbers can be
changed (and remembered for the course); people not on the roster are listed below, and one
with an email can be added as a walk-in. Applying is one undoable step.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QListWidgetItem
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.domain.meeting import MeetingRule
from iltdesk.domain.specs import LearnerSpec
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.importers.meeting_times import ReportDayUnknownError
from iltdesk.models.meeting import MeetingReviewModel
from iltdesk.models.meeting import ReviewRow
from iltdesk.services import attendance
from iltdesk.services import enrollment
from iltdesk.services import meeting_import
from iltdesk.services.attendance import MarkSpec
from iltdesk.services.meeting_import import MeetingPlan
from iltdesk.services.meeting_import import ReportPerson
from iltdesk.views.context import AppContext
from iltdesk.views.modal import run_modal
from iltdesk.views.undo import MarksCommand
from iltdesk.views.widgets import CANCEL
from iltdesk.views.widgets import MANY
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import error_label
from iltdesk.views.widgets import make_table
from iltdesk.views.widgets import zone_combo

REPORT_FILTER = "*.csv *.xlsx *.xls *.txt"


def pick_report(parent: QWidget) -> Path | None:
    """Ask for the meeting report file (the one place tests patch)."""
    name, _filter = QFileDialog.getOpenFileName(
        parent,
        _("Import meeting report"),
        "",
        _("Attendance reports ({patterns})").format(patterns=REPORT_FILTER),
    )
    return Path(name) if name else None


def pick_day(parent: QWidget | None, days: list[str]) -> int | None:
    """Ask which session day a report of bare times is from (1-based; None: cancelled)."""
    from PySide6.QtWidgets import QInputDialog

    chosen, ok = QInputDialog.getItem(
        parent,
        _("Which day?"),
        _("The report gives times without a date. Which day of the session is it from?"),
        days,
        0,
        False,
    )
    return days.index(chosen) + 1 if ok and chosen in days else None


def review_rows(plan: MeetingPlan) -> list[ReviewRow]:
    """The grid's rows: the roster (matched, then not in the report), then possible matches."""
    rows = [
        ReviewRow(
            m.enrollment_id,
            m.learner,
            m.shown_as,
            m.matched_by,
            m.minutes,
            m.first_join,
            m.existing,
            m.proposed,
            apply=m.existing is None,
        )
        for m in (*plan.matched, *plan.not_in_report)
    ]
    existing = {m.enrollment_id: m.existing for m in (*plan.matched, *plan.not_in_report)}
    for person in plan.possible:
        enrollment_id, name = person.candidates[0]
        rows.append(
            ReviewRow(
                enrollment_id,
                name,
                person.name,
                "possible",
                person.minutes,
                person.first_join,
                existing.get(enrollment_id),
                person.proposed,
                apply=False,
            )
        )
    return rows


class MeetingReviewDialog(QDialog):
    """The review; use `ask`. `applied` holds the marks recorded once applied."""

    def __init__(
        self,
        parent: QWidget | None,
        ctx: AppContext,
        session_id: int,
        path: Path,
        plan: MeetingPlan,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.session_id, self.path, self.plan = ctx, session_id, path, plan
        self.applied: list[MarkSpec] = []
        self.setWindowTitle(_("Import meeting report"))
        self.resize(900, 620)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        # The zone the report's times are read in: the session's unless the report was
        # written elsewhere (the organiser's own zone).
        self.zone = zone_combo(plan.zone)
        self.zone.setToolTip(_("The time zone the report's times are written in"))
        self.zone.activated.connect(lambda _i: self.replan())
        zone_row = QHBoxLayout()
        zone_label = QLabel(_("Report's &time zone:"))
        zone_label.setBuddy(self.zone)
        zone_row.addWidget(zone_label)
        zone_row.addWidget(self.zone)
        zone_row.addStretch()
        self.warning = error_label()
        self.this_meeting = QCheckBox(_("Yes, this is the report of this session's meeting"))
        self.this_meeting.toggled.connect(self._update_buttons)
        self.model = MeetingReviewModel(self)
        self.table = make_table(
            self.model,
            _("Proposed marks"),
            selection=MANY,
            fit=True,
        )
        self.rule_box = self._build_rule(plan.rule)
        self.unmatched = QListWidget()
        self.unmatched.setMaximumHeight(110)
        self.walk_in_button = QPushButton(_("Add as &walk-in"))
        self.walk_in_button.clicked.connect(self.add_walk_in)
        self.error = error_label()
        self.buttons = button_box(self, CANCEL, self.apply)
        self.apply_button = QPushButton(_("&Apply"))
        self.apply_button.setDefault(True)
        self.buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(zone_row)
        layout.addWidget(self.warning)
        layout.addWidget(self.this_meeting)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.rule_box)
        layout.addWidget(QLabel(_("In the report but not on the roster:")))
        unmatched_row = QHBoxLayout()
        unmatched_row.addWidget(self.unmatched, 1)
        unmatched_row.addWidget(self.walk_in_button)
        layout.addLayout(unmatched_row)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.show_plan(plan)

    # --- building ---
    def _build_rule(self, rule: MeetingRule) -> QWidget:
        box = QWidget()
        form = QFormLayout(box)
        self.present = self._spin(rule.present_percent, 0, 100, "%")
        self.absent = self._spin(rule.absent_below_percent, 0, 100, "%")
        self.late = self._spin(rule.late_after_minutes, 0, 240, _(" min"))
        self.early = self._spin(rule.early_before_minutes, 0, 240, _(" min"))
        row = QHBoxLayout()
        for label, spin in (
            (_("Present from"), self.present),
            (_("absent below"), self.absent),
            (_("late after"), self.late),
            (_("left early if leaving more than"), self.early),
        ):
            row.addWidget(QLabel(label))
            row.addWidget(spin)
        row.addStretch()
        self.remember = QCheckBox(_("Remember for this course"))
        row.addWidget(self.remember)
        form.addRow(row)
        return box

    def _spin(self, value: int, low: int, high: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setSuffix(suffix)
        spin.editingFinished.connect(self.replan)
        return spin

    def rule(self) -> MeetingRule:
        return MeetingRule(
            present_percent=self.present.value(),
            late_after_minutes=self.late.value(),
            early_before_minutes=self.early.value(),
            absent_below_percent=self.absent.value(),
        )

    # --- showing ---
    def show_plan(self, plan: MeetingPlan) -> None:
        self.plan = plan
        self.summary.setText(
            _(
                "{platform} report “{file}” of {date}: day {day} of the session, times read in "
                "{zone}. {matched} of {roster} learners found; {left} organiser(s) and "
                "instructor(s) left out."
            ).format(
                platform=plan.platform.capitalize(),
                file=plan.file_name,
                date=plan.report_date.isoformat(),
                day=plan.day_number,
                zone=plan.zone,
                matched=len(plan.matched),
                roster=len(plan.matched) + len(plan.not_in_report),
                left=len(plan.left_out),
            )
        )
        self.warning.setText(plan.title_warning)
        self.warning.setVisible(bool(plan.title_warning))
        self.this_meeting.setVisible(bool(plan.title_warning))
        self.model.set_rows(review_rows(plan), plan.zone)
        self.unmatched.clear()
        for person in plan.unmatched:
            text = _("{name} {email}— {minutes} min").format(
                name=person.name,
                email=f"<{person.email}> " if person.email else "",
                minutes=person.minutes,
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, person.name)
            self.unmatched.addItem(item)
        self.walk_in_button.setEnabled(any(p.email for p in plan.unmatched))
        self._update_buttons()

    def _update_buttons(self) -> None:
        confirmed = not self.plan.title_warning or self.this_meeting.isChecked()
        self.apply_button.setEnabled(confirmed)

    # --- actions ---
    def replan(self) -> None:
        """Propose again with the rule as set (and keep it for the course when asked)."""
        try:
            rule = self.rule()
            if self.remember.isChecked():
                self.ctx.apply(
                    meeting_import.set_meeting_rule(self.ctx.db, self.plan.course_id, rule)
                )
            plan = meeting_import.plan_meeting_import(
                self.ctx.db,
                self.session_id,
                self.path,
                day_number=None,  # the report's date may move with its zone
                zone=self.zone.currentText().strip() or None,
                rule=rule,
            )
        except UserError as error:
            self.error.setText(str(error))
            return
        self.error.setText("")
        self.show_plan(plan)

    def add_walk_in(self) -> None:
        """Enrol the chosen unmatched person (by their email) as a walk-in, then propose again."""
        item = self.unmatched.currentItem() or self.unmatched.item(0)
        person = self._person(item.data(Qt.ItemDataRole.UserRole) if item is not None else "")
        if person is None or not person.email:
            self.error.setText(_("Choose someone with an email address to add as a walk-in."))
            return
        first, _sep, last = person.name.replace(",", " ").strip().partition(" ")
        spec = LearnerSpec(first or person.email, last, person.email)
        if self.ctx.op(self, lambda: enrollment.walk_in(self.ctx.db, self.session_id, spec)):
            self.replan()

    def _person(self, name: str) -> ReportPerson | None:
        return next((p for p in self.plan.unmatched if p.name == name), None)

    def apply(self) -> None:
        """Record the ticked rows as one undoable batch."""
        ticked = [r for r in self.model.rows() if r.apply]
        if not ticked:
            self.error.setText(_("Tick the marks to apply (or Cancel)."))
            return
        overwrite = {r.enrollment_id for r in ticked if r.existing is not None}
        chosen_ids = {r.enrollment_id for r in ticked}
        confirmed = {r.shown_as: r.enrollment_id for r in ticked if r.matched_by == "possible"}
        threshold = int(self.ctx.prefs.get("completion_threshold"))
        trimmed = _only(self.plan, chosen_ids)
        # What those cells hold now, read before applying: the undo puts it back.
        cells = [MarkSpec(eid, self.plan.day.id, None) for eid in chosen_ids]
        held = {
            (m.enrollment_id, m.day_id): m
            for m in attendance.marks_before(self.ctx.db, self.session_id, cells)
        }
        outcome = self.ctx.op(
            self,
            lambda: meeting_import.apply_meeting_plan(
                self.ctx.db,
                trimmed,
                overwrite=overwrite,
                confirmed=confirmed,
                default_threshold=threshold,
            ),
        )
        if outcome is None:
            return
        self.applied = outcome.value
        before = [held[(m.enrollment_id, m.day_id)] for m in self.applied]
        text = ngettext(
            "Meeting report: {n} mark", "Meeting report: {n} marks", len(self.applied)
        ).format(n=len(self.applied))
        self.ctx.undo_stack.push(
            MarksCommand(text, self.ctx, self.session_id, before, self.applied, threshold)
        )
        self.accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, ctx: AppContext, session_id: int, path: Path | None = None
    ) -> list[MarkSpec] | None:
        """Pick a report (unless given), review it, apply it; the marks applied, or None."""
        path = path or pick_report(parent or QWidget())
        if path is None:
            return None
        try:
            plan = ctx.attempt(
                parent,
                lambda: meeting_import.plan_meeting_import(ctx.db, session_id, path),
                passing=(ReportDayUnknownError,),
            )
        except ReportDayUnknownError:
            from iltdesk import formatting
            from iltdesk.services import scheduling

            session = scheduling.get_session(ctx.db, session_id)
            labels = [formatting.format_date(d.start, session.timezone) for d in session.days]
            day = pick_day(parent, labels)
            if day is None:
                return None
            plan = ctx.attempt(
                parent,
                lambda: meeting_import.plan_meeting_import(
                    ctx.db, session_id, path, day_number=day
                ),
            )
        if plan is None:
            return None
        dialog = cls(parent, ctx, session_id, path, plan)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return None
        return dialog.applied


def _only(plan: MeetingPlan, enrollment_ids: set[int]) -> MeetingPlan:
    """The plan keeping only the learners ticked in the review."""
    from dataclasses import replace

    return replace(
        plan,
        matched=tuple(m for m in plan.matched if m.enrollment_id in enrollment_ids),
        not_in_report=tuple(m for m in plan.not_in_report if m.enrollment_id in enrollment_ids),
    )

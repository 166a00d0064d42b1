"""The Instructors screen: the bench, with each one's load, feedback and training.

The toolbar leads to their availability and qualifications, to qualifying a trainee, and to
the load grid.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.changes import Entity
from iltdesk.domain.rows import InstructorRow
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.models.tables import InstructorsTableModel
from iltdesk.services import people
from iltdesk.services.common import Outcome
from iltdesk.services.compliance import today_in
from iltdesk.views.catalogue_views import SmallTablePage
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs import record_forms
from iltdesk.views.modal import run_modal


class InstructorsPage(SmallTablePage[InstructorRow]):
    """The Instructors screen: the bench and each one's qualifications."""

    entity = Entity.INSTRUCTOR

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        self.new_label = _("&New instructor…")
        super().__init__(
            ctx,
            InstructorsTableModel(),
            _("No instructors yet — use “New instructor” to add one."),
            parent,
        )

        self.availability_button = QPushButton(_("A&vailability…"))
        self.availability_button.setToolTip(
            _("Working days and hours, time off, and busy times from a calendar file")
        )
        self.availability_button.clicked.connect(self.edit_availability)
        self.toolbar.insertWidget(self.toolbar.count() - 1, self.availability_button)
        self.qualify_button = QPushButton(_("&Qualify…"))
        self.qualify_button.setToolTip(
            _("Record a trainee as qualified for a course whose training they completed")
        )
        self.qualify_button.setEnabled(False)
        self.qualify_button.clicked.connect(self.qualify_selected)
        self.toolbar.insertWidget(self.toolbar.count() - 1, self.qualify_button)
        self.load_button = QPushButton(_("&Load…"))
        self.load_button.setToolTip(_("A week or a month of instructors and days"))
        self.load_button.clicked.connect(self.show_load)
        self.toolbar.insertWidget(self.toolbar.count() - 1, self.load_button)

    def show_load(self) -> None:
        from iltdesk.views.dialogs.load_view import LoadDialog

        run_modal(LoadDialog(self, self.ctx))

    def qualify_selected(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        from iltdesk.services import train_the_trainer

        row = self.selected()
        if row is None:
            return
        ready = [p for p in train_the_trainer.progress(self.ctx.db, row.id) if p.ready]
        if not ready:
            return
        labels = [p.course for p in ready]
        chosen, ok = QInputDialog.getItem(
            self,
            _("Qualify"),
            _("{name} has completed the training for:").format(name=row.name),
            labels,
            0,
            False,
        )
        if ok and chosen in labels:
            course_id = ready[labels.index(chosen)].course_id
            self.ctx.op(self, lambda: train_the_trainer.qualify(self.ctx.db, row.id, course_id))
            self.show_side(row)

    def edit_availability(self) -> None:
        from iltdesk.views.dialogs.availability import AvailabilityDialog

        row = self.selected()
        if row is not None:
            run_modal(AvailabilityDialog(self, self.ctx, row.id, row.name))

    def fetch(self) -> list[InstructorRow]:
        return people.list_instructors(self.ctx.db, include_archived=self.include_archived())

    def edit(self, row: InstructorRow | None) -> None:
        record_forms.ask(record_forms.InstructorDialog, self, self.ctx, row)

    def archive_call(self, row_id: int, archived: bool) -> Outcome[object]:
        return people.set_instructor_archived(self.ctx.db, row_id, archived)

    def build_side_panel(self) -> QWidget:
        self.load_label = QLabel(_("Select an instructor to see their upcoming sessions."))
        self.load_label.setWordWrap(True)
        self.load_label.setTextFormat(Qt.TextFormat.RichText)
        self.load_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        return self.load_label

    def show_side(self, row: InstructorRow | None) -> None:
        if row is None:
            return
        zone = str(self.ctx.prefs.get("default_timezone"))
        load = people.instructor_load(self.ctx.db, row.id, timezone=zone)
        taught = formatting.format_number(round(load.minutes_taught / 60, 1))
        scheduled = formatting.format_number(round(load.minutes_scheduled / 60, 1))
        lines = [
            f"<b>{escape(row.name)}</b>",
            _("This month: {taught} hours taught, {scheduled} hours still scheduled.").format(
                taught=taught, scheduled=scheduled
            ),
            self._feedback_line(row.id),
            "",
            "<b>" + _("Upcoming sessions") + "</b>",
        ]
        for session in load.upcoming[:15]:
            first = session.days[0]
            lines.append(
                escape(
                    formatting.format_span(first.start, first.end, session.timezone)
                    + f" · {session.course_code}"
                )
            )
        if not load.upcoming:
            lines.append(_("None scheduled."))
        lines.extend(self._training_lines(row.id))
        self.load_label.setText("<br>".join(lines))

    def _training_lines(self, instructor_id: int) -> list[str]:
        """Train-the-trainer progress, and whether the Qualify button has anything to do."""
        from iltdesk.services import train_the_trainer

        found = train_the_trainer.progress(self.ctx.db, instructor_id)
        self.qualify_button.setEnabled(any(p.ready for p in found))
        if not found:
            return []
        lines = ["", "<b>" + escape(_("Train-the-trainer")) + "</b>"]
        for item in found:
            text = _(
                "{course}: co-facilitated {co} of {co_needed}, observed {seen} of {seen_needed}"
            )
            text = text.format(
                course=item.course,
                co=item.co_facilitated,
                co_needed=item.co_needed,
                seen=item.observed,
                seen_needed=item.observed_needed,
            )
            if item.ready:
                text += " — " + _("ready to qualify")
            lines.append(escape(text))
        return lines

    def _feedback_line(self, instructor_id: int) -> str:
        from datetime import timedelta

        from iltdesk.services.feedback import instructor_feedback

        since = today_in(str(self.ctx.prefs.get("default_timezone"))) - timedelta(days=365)
        found = instructor_feedback(self.ctx.db, instructor_id, since)
        if not found.responses:
            return _("No feedback in the last 12 months.")
        shown = {
            "instructor": formatting.format_score(found.instructor) if found.instructor else "—",
            "overall": formatting.format_score(found.overall) if found.overall else "—",
        }
        return ngettext(
            "Feedback, last 12 months: instructor {instructor}, overall {overall} ({n} response).",
            "Feedback, last 12 months: instructor {instructor}, overall {overall} ({n} responses).",
            found.responses,
        ).format(n=found.responses, **shown)

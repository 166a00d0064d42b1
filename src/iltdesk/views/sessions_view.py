"""The sessions list: upcoming or past, filtered by status, course and text."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QWidget

from iltdesk.domain.changes import Changes, Entity
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import _, ngettext
from iltdesk.models.tables import SessionsTableModel
from iltdesk.services import catalogue, people, scheduling
from iltdesk.views.context import AppContext
from iltdesk.views.widgets import LazyComboBox, TablePage

if TYPE_CHECKING:
    from iltdesk.views.calendar_view import MonthView, WeekView
    from iltdesk.views.session_detail import SessionDetailDialog


class SessionsPage(TablePage):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("No sessions yet — use “New session” to schedule one."), parent)
        self.ctx = ctx
        self.when = QComboBox()
        self.when.addItem(_("Upcoming"), "upcoming")
        self.when.addItem(_("Past"), "past")
        self.when.addItem(_("All"), "all")
        self.when.setAccessibleName(_("When"))
        self.status = QComboBox()
        self.status.addItem(_("Any status"), None)
        for status in SessionStatus:
            self.status.addItem(status.label(), status)
        self.status.setAccessibleName(_("Status"))
        self.course = LazyComboBox(self._fill_courses)
        self.course.setAccessibleName(_("Course"))
        self.instructor = LazyComboBox(self._fill_instructors)
        self.instructor.setAccessibleName(_("Instructor"))
        self.text = QLineEdit()
        self.text.setPlaceholderText(_("Filter…"))
        self.text.setClearButtonEnabled(True)
        self.view_mode = QComboBox()
        self.view_mode.addItem(_("List"), "list")
        self.view_mode.addItem(_("Month"), "month")
        self.view_mode.addItem(_("Week"), "week")
        self.view_mode.setAccessibleName(_("View"))
        self.new_button = QPushButton(_("&New session…"))
        self.open_button = QPushButton(_("&Open"))
        for widget in (self.when, self.status, self.course, self.instructor, self.text):
            self.toolbar.addWidget(widget)
        self.toolbar.addStretch()
        self.toolbar.addWidget(self.view_mode)
        self.toolbar.addWidget(self.new_button)
        self.toolbar.addWidget(self.open_button)

        self.model = SessionsTableModel(self)
        # Sorted by the model itself and filtered in Python before it sees the rows: with
        # thousands of sessions a proxy would call data() for every comparison (STYLE.md 6).
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(SessionsTableModel.WHEN, Qt.SortOrder.AscendingOrder)
        self._all_rows: list[SessionRow] = []
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.new_button.clicked.connect(self.new_session)
        self.open_button.clicked.connect(self.open_selected)
        self.text.textChanged.connect(lambda _t: self._show_rows())
        self._details: dict[int, SessionDetailDialog] = {}
        self._month: MonthView | None = None
        self._week: WeekView | None = None
        ctx.changes_applied.connect(self.on_changes)
        self.course.addItem(_("Any course"), None)
        self.instructor.addItem(_("Any instructor"), None)
        # Connected only now: filling the combos above must not reload once per item.
        for combo in (self.when, self.status, self.course, self.instructor):
            combo.currentIndexChanged.connect(self.reload)
        self.view_mode.currentIndexChanged.connect(lambda _i: self._show_rows())
        self.reload()
        # The course and instructor lists are not needed to paint the first screen.

    def _fill_courses(self, combo: QComboBox) -> None:
        rows = catalogue.list_courses(self.ctx.db)
        self._fill(combo, _("Any course"), [(f"{c.code} — {c.title}", c.id) for c in rows])

    def _fill_instructors(self, combo: QComboBox) -> None:
        rows = people.list_instructors(self.ctx.db)
        self._fill(combo, _("Any instructor"), [(i.name, i.id) for i in rows])

    @staticmethod
    def _fill(combo: QComboBox, label: str, items: list[tuple[str, int]]) -> None:
        current = combo.currentData()
        combo.clear()
        combo.addItem(label, None)
        for text, value in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(0, combo.findData(current)))

    def reload(self, *_args: object) -> None:
        now = datetime.now(UTC)
        when = self.when.currentData()
        rows = scheduling.list_sessions(
            self.ctx.db,
            status=self.status.currentData(),
            course_id=self.course.currentData(),
            instructor_id=self.instructor.currentData(),
            ends_after=now if when == "upcoming" else None,
            ends_before=now if when == "past" else None,
        )
        self._all_rows = rows
        self._show_rows()

    def _show_rows(self) -> None:
        needle = self.text.text().strip().casefold()
        rows = self._all_rows
        if needle:
            columns = SessionsTableModel.columns
            rows = [r for r in rows if any(needle in c.display(r).casefold() for c in columns)]
        self.model.set_rows(rows)
        self.fit_columns(SessionsTableModel.COURSE)
        mode = self.view_mode.currentData()
        if mode == "month":
            self.month.set_sessions(rows)
            self.stack.setCurrentWidget(self.month)
        elif mode == "week":
            self.week.set_sessions(rows)
            self.stack.setCurrentWidget(self.week)
        else:
            # The empty state is for a database without sessions, not a filter hiding all.
            self.show_empty(not rows and not scheduling.list_sessions(self.ctx.db, limit=1))

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(Entity.COURSE):
            self.course.refill()
        if changes.touches(Entity.INSTRUCTOR):
            self.instructor.refill()
        if any(
            changes.touches(k)
            for k in (
                Entity.SESSION,
                Entity.ENROLLMENT,
                Entity.COURSE,
                Entity.ROOM,
                Entity.INSTRUCTOR,
            )
        ):
            self.reload()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(rows[0].row()).id

    @property
    def month(self) -> MonthView:
        """The month view, built when first chosen."""
        if self._month is None:
            from iltdesk.views.calendar_view import MonthView

            self._month = MonthView()
            self._month.session_activated.connect(self.open_session)
            self.stack.addWidget(self._month)
        return self._month

    @property
    def week(self) -> WeekView:
        """The week view, built when first chosen."""
        if self._week is None:
            from iltdesk.views.calendar_view import WeekView

            self._week = WeekView()
            self._week.session_activated.connect(self.open_session)
            self.stack.addWidget(self._week)
        return self._week

    def new_session(self) -> None:
        from iltdesk.views.dialogs.session_editor import SessionEditorDialog

        SessionEditorDialog.ask(self, self.ctx)

    def open_selected(self) -> None:
        session_id = self.selected_id()
        if session_id is not None:
            self.open_session(session_id)

    def open_session(self, session_id: int) -> SessionDetailDialog:
        from iltdesk.views.session_detail import SessionDetailDialog

        dialog = self._details.get(session_id)
        if dialog is None:
            dialog = SessionDetailDialog(self.window(), self.ctx, session_id)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.destroyed.connect(lambda *_a, sid=session_id: self._details.pop(sid, None))
            self._details[session_id] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def edit_selected(self) -> None:
        session_id = self.selected_id()
        if session_id is not None:
            from iltdesk.views.dialogs.session_editor import SessionEditorDialog

            before = scheduling.get_session(self.ctx.db, session_id)
            after = SessionEditorDialog.ask(self, self.ctx, before)
            if after is not None:
                self.offer_change_notice(before, after)

    def offer_change_notice(self, before: Any, after: Any) -> None:
        """Times, place or link changed and learners hold invitations: offer to update them."""
        from iltdesk.domain.enums import MessageKind
        from iltdesk.services import outbox
        from iltdesk.views import mail

        moved = (
            [(d.start, d.end) for d in before.days] != [(d.start, d.end) for d in after.days]
            or before.room_id != after.room_id
            or before.meeting_link != after.meeting_link
            or before.timezone != after.timezone
        )
        invited = outbox.invited_count(self.ctx.db, after.id) if moved else 0
        if not invited:
            return
        question = ngettext(
            "{n} learner has a calendar invitation for this session. Send them the change?",
            "{n} learners have a calendar invitation for this session. Send them the change?",
            invited,
        ).format(n=invited)
        if mail.ask_yes(self, question):
            if not hasattr(self, "mailer"):
                from iltdesk.tasks.runner import TaskRunner

                self.mailer = mail.Mailer(self.ctx, self, TaskRunner(self))
            self.mailer.compose_and_send(MessageKind.CHANGED, after.id)

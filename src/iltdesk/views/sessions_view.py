"""The sessions list: upcoming or past, filtered by status, course and text."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QWidget

from iltdesk.domain.changes import Changes, Entity
from iltdesk.domain.enums import SessionStatus
from iltdesk.i18n import _
from iltdesk.models.base import ROW_ROLE, SORT_ROLE
from iltdesk.models.tables import SessionsTableModel
from iltdesk.services import catalogue, people, scheduling
from iltdesk.views.calendar_view import MonthView, WeekView
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs.session_editor import SessionEditorDialog
from iltdesk.views.session_detail import SessionDetailDialog
from iltdesk.views.widgets import TablePage


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
        self.course = QComboBox()
        self.course.setAccessibleName(_("Course"))
        self.instructor = QComboBox()
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
        # A few hundred sessions at most per filter: a proxy is fine here (STYLE.md rule 6).
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(SessionsTableModel.WHEN, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.new_button.clicked.connect(self.new_session)
        self.open_button.clicked.connect(self.open_selected)
        self.text.textChanged.connect(self.proxy.setFilterFixedString)
        for combo in (self.when, self.status, self.course, self.instructor):
            combo.currentIndexChanged.connect(self.reload)
        self._details: dict[int, SessionDetailDialog] = {}
        self.month = MonthView()
        self.week = WeekView()
        self.stack.addWidget(self.month)
        self.stack.addWidget(self.week)
        for view in (self.month, self.week):
            view.session_activated.connect(self.open_session)
        self.view_mode.currentIndexChanged.connect(self.reload)
        ctx.changes_applied.connect(self.on_changes)
        self._fill_choices()
        self.reload()

    def _fill_choices(self) -> None:
        for combo, items, label in (
            (
                self.course,
                [(f"{c.code} — {c.title}", c.id) for c in catalogue.list_courses(self.ctx.db)],
                _("Any course"),
            ),
            (
                self.instructor,
                [(i.name, i.id) for i in people.list_instructors(self.ctx.db)],
                _("Any instructor"),
            ),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(label, None)
            for text, value in items:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

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
        if changes.touches(Entity.COURSE) or changes.touches(Entity.INSTRUCTOR):
            self._fill_choices()
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
        return int(self.proxy.data(rows[0], ROW_ROLE).id)

    def new_session(self) -> None:
        SessionEditorDialog.ask(self, self.ctx)

    def open_selected(self) -> None:
        session_id = self.selected_id()
        if session_id is not None:
            self.open_session(session_id)

    def open_session(self, session_id: int) -> SessionDetailDialog:
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
            SessionEditorDialog.ask(self, self.ctx, scheduling.get_session(self.ctx.db, session_id))

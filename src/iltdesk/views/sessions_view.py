"""The sessions list: upcoming or past, filtered by status, course and text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QWidget

from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.lifecycle import SessionPhase
from iltdesk.domain.lifecycle import can_become
from iltdesk.domain.lifecycle import closed_reason
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import _
from iltdesk.i18n import archived_label
from iltdesk.models.base import NOT_SAID
from iltdesk.models.base import SortOrder
from iltdesk.models.tables import SessionsTableModel
from iltdesk.services import catalogue
from iltdesk.services import people
from iltdesk.services import scheduling
from iltdesk.tasks.runner import TaskRunner
from iltdesk.views.context import AppContext
from iltdesk.views.errors import show_error
from iltdesk.views.errors import show_task_error
from iltdesk.views.modal import run_modal
from iltdesk.views.session_actions import SessionActions
from iltdesk.views.widgets import LazyComboBox
from iltdesk.views.widgets import TablePage
from iltdesk.views.widgets import readable_width
from iltdesk.views.widgets import settle_layout

if TYPE_CHECKING:
    from iltdesk.services.session_window import SessionWindowData
    from iltdesk.views.calendar_view import MonthView
    from iltdesk.views.calendar_view import WeekView
    from iltdesk.views.session_detail import SessionDetailDialog


def search_text(row: SessionRow) -> str:
    """What the filter box looks in: every column's text, folded.

    The columns stand a line apart, so that what is typed never matches across two of them.
    """
    return "\n".join(c.display(row) for c in SessionsTableModel.columns).casefold()


class SessionsPage(TablePage):
    """The Sessions screen: list or month calendar, filters, new and open."""

    loaded = Signal()  # the sessions the filters ask for are read and shown

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("No sessions yet — use “New session” to schedule one."), parent)
        self.ctx = ctx
        self.tasks = TaskRunner(self)
        self._reads = 0  # a newer read wins
        self._shown = 0  # the read on screen
        self._keys: list[str] = []  # each row's search_text
        self._any_sessions = True
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
        self.edit_button = QPushButton(_("&Edit…"))
        self.edit_button.setToolTip(_("Change the selected session's times, place or capacity"))
        self.actions_bar = self.add_bar()
        self.find_slot_button = self._find_slot_button()
        self._lay_out_bars()
        self._add_actions()

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
        self.edit_button.clicked.connect(self.edit_selected)
        self.text.textChanged.connect(lambda _t: self._show_rows())
        self._details: dict[int, SessionDetailDialog] = {}
        # Windows whose data is being read, with what to do with each once it shows.
        self._opening: dict[int, list[Callable[[SessionDetailDialog], object]]] = {}
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

    def _lay_out_bars(self) -> None:
        """The filters on one row, the filter box taking what they leave; the rest below.

        The view and the buttons sit on a row of their own: on one row they left the filter
        box 28 px wide at 1,100 px in German, and the window could not be narrower than 1,133.
        """
        for widget in (self.when, self.status, self.course, self.instructor):
            self.toolbar.addWidget(widget)
        self.text.setMinimumWidth(readable_width(self.text))
        self.toolbar.addWidget(self.text, 1)
        self.actions_bar.addWidget(self.view_mode)
        self.actions_bar.addStretch()
        for button in (self.new_button, self.find_slot_button, self.open_button, self.edit_button):
            self.actions_bar.addWidget(button)

    def _add_actions(self) -> None:
        """The actions on the selected session: keys, and the table's context menu."""
        self.session_actions = SessionActions(self.ctx, self)
        self.open_action = self._action(_("&Open"), self.open_selected, "Return")
        self.edit_action = self._action(_("&Edit…"), self.edit_selected, "Ctrl+E")
        self.duplicate_action = self._action(_("&Duplicate…"), self.duplicate_selected, "Ctrl+D")
        self.cancel_action = self._action(_("&Cancel session…"), self.cancel_selected, "")
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

    def _action(self, text: str, slot: Callable[[], object], keys: str) -> QAction:
        """An action on the selected session; its shortcut works while the table has focus."""
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.table.addAction(action)
        return action

    # Archived courses and instructors too: their past sessions are still there to find.
    def _fill_courses(self, combo: QComboBox) -> None:
        rows = catalogue.list_courses(self.ctx.db, include_archived=True)
        items = [(archived_label(f"{c.code} — {c.title}", c.archived), c.id) for c in rows]
        self._fill(combo, _("Any course"), items)

    def _fill_instructors(self, combo: QComboBox) -> None:
        rows = people.list_instructors(self.ctx.db, include_archived=True)
        self._fill(
            combo, _("Any instructor"), [(archived_label(i.name, i.archived), i.id) for i in rows]
        )

    @staticmethod
    def _fill(combo: QComboBox, label: str, items: list[tuple[str, int]]) -> None:
        current = combo.currentData()
        combo.clear()
        combo.addItem(label, None)
        for text, value in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(0, combo.findData(current)))

    def reload(self, *_args: object) -> None:
        """Read the sessions the filters ask for, off the GUI thread.

        All or past sessions run to thousands (2,000 took 76 ms to read and make into rows,
        and filtering them by every column's text 35-55 ms a keystroke, on the GUI thread):
        the rows are read, ordered and made searchable on a worker.
        """
        now = datetime.now(UTC)
        when = self.when.currentData()
        status = self.status.currentData()  # Qt returns item data as text: an enum again
        course_id, instructor_id = self.course.currentData(), self.instructor.currentData()
        db, model, order = self.ctx.db, self.model, self.model.sort_order()
        self._reads += 1
        read = self._reads

        def work(_progress: object) -> tuple[list[SessionRow], list[str], bool]:
            rows = scheduling.list_sessions(
                db,
                status=SessionStatus(status) if status is not None else None,
                course_id=course_id,
                instructor_id=instructor_id,
                ends_after=now if when == "upcoming" else None,
                ends_before=now if when == "past" else None,
            )
            rows = model.ordered(rows, order)
            any_sessions = bool(rows) or bool(scheduling.list_sessions(db, limit=1))
            return rows, [search_text(r) for r in rows], any_sessions

        def done(found: tuple[list[SessionRow], list[str], bool]) -> None:
            if read != self._reads:
                return  # a newer read is on its way
            self._all_rows, self._keys, self._any_sessions = found
            self._shown = read
            self._show_rows(ordered_by=order)
            self.loaded.emit()

        def failed(error: BaseException) -> None:
            if read == self._reads:
                self._shown = read  # nothing more is coming for these filters
            show_error(self, error)

        self.tasks.run(work, title=_("Reading the sessions…"), on_done=done, on_error=failed)

    def is_reading(self) -> bool:
        """Whether the sessions the filters last asked for are still being read."""
        return self._shown != self._reads

    def _show_rows(self, ordered_by: SortOrder | None = NOT_SAID) -> None:
        needle = self.text.text().strip().casefold()
        rows = self._all_rows
        if needle:
            rows = [r for r, key in zip(rows, self._keys, strict=True) if needle in key]
        chosen = self.selected_id()
        self.model.set_rows(rows, ordered_by=ordered_by)
        if not self._fitted and rows:
            self.fit_columns(SessionsTableModel.COURSE)
            self.columns_restored()
        if chosen is not None:  # a refresh keeps the coordinator's place in the list
            for index, row in enumerate(self.model.rows()):
                if row.id == chosen:
                    self.table.selectRow(index)
                    break
        mode = self.view_mode.currentData()
        if mode == "month":
            self.month.set_sessions(rows)
            self.stack.setCurrentWidget(self.month)
        elif mode == "week":
            self.week.set_sessions(rows)
            self.stack.setCurrentWidget(self.week)
        else:
            # The empty state is for a database without sessions, not a filter hiding all.
            self.show_empty(not self._any_sessions)

    def columns_restored(self) -> None:
        """Make room for the longest status label, whatever the language.

        Widths were measured on a few rows, or restored from an earlier run: "Abgeschlossen"
        must never be cut to "Abgesc…".
        """
        metrics = self.table.fontMetrics()
        widest = max(metrics.horizontalAdvance(p.label()) for p in SessionPhase) + 24
        header = self.table.horizontalHeader()
        status = SessionsTableModel.STATUS
        header.resizeSection(status, max(header.sectionSize(status), widest))

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

    def _find_slot_button(self) -> QPushButton:
        button = QPushButton(_("Find a s&lot…"))
        button.setToolTip(_("When a course could run: a qualified free instructor and a free room"))
        button.clicked.connect(self.find_slot)
        return button

    def find_slot(self) -> None:
        from iltdesk.views.dialogs.find_slot import FindSlotDialog

        run_modal(FindSlotDialog(self, self.ctx))

    def show_course(self, course_id: int) -> None:
        """Upcoming sessions of one course (to schedule a refresher, say)."""
        self.course.ensure_filled()
        self.when.setCurrentIndex(self.when.findData("upcoming"))
        self.course.setCurrentIndex(max(0, self.course.findData(course_id)))

    def open_selected(self) -> None:
        session_id = self.selected_id()
        if session_id is not None:
            self.open_session(session_id)

    def open_session(
        self, session_id: int, then: Callable[[SessionDetailDialog], object] | None = None
    ) -> None:
        """Open the window on a session, or bring it forward if it is open; `then` it.

        What the window shows is read off the GUI thread; the window appears when it is in
        (`detail` then finds it). A second double-click meanwhile opens nothing more.
        """
        dialog = self._details.get(session_id)
        if dialog is not None:
            _present(dialog, then)
            return
        waiting = self._opening.get(session_id)
        if waiting is not None:  # a second click while it reads: one window, pointed as asked
            if then is not None:
                waiting.append(then)
            return
        self._opening[session_id] = [then] if then is not None else []
        from iltdesk.services.session_window import read_session_window

        def opened(data: SessionWindowData) -> None:
            thens = self._opening.pop(session_id, [])
            window = self._detail_window(session_id, data)

            def show() -> None:
                _present(window, None)
                for each in thens:
                    each(window)

            # Shown in the event loop's next turn: building the window, then laying it out and
            # painting it, hold the screen twice briefly instead of once for both.
            QTimer.singleShot(0, window, show)

        def failed(error: BaseException) -> None:
            self._opening.pop(session_id, None)
            show_task_error(self, error)

        self.tasks.run(
            lambda _progress: read_session_window(self.ctx.db, session_id),
            title=_("Opening the session…"),
            on_done=opened,
            on_error=failed,
        )

    def detail(self, session_id: int) -> SessionDetailDialog | None:
        """The open window on a session, if there is one."""
        return self._details.get(session_id)

    def _detail_window(self, session_id: int, data: SessionWindowData) -> SessionDetailDialog:
        from iltdesk.views.session_detail import SessionDetailDialog

        dialog = self._details.get(session_id)  # opened meanwhile another way
        if dialog is None:
            dialog = SessionDetailDialog(self.window(), self.ctx, session_id, data)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.destroyed.connect(lambda *_a, sid=session_id: self._details.pop(sid, None))
            self._details[session_id] = dialog
        return dialog

    def edit_selected(self) -> SessionRow | None:
        session_id = self.selected_id()
        return self.session_actions.edit(session_id) if session_id is not None else None

    def duplicate_selected(self) -> SessionRow | None:
        session_id = self.selected_id()
        return self.session_actions.duplicate(session_id) if session_id is not None else None

    def cancel_selected(self) -> bool:
        session_id = self.selected_id()
        return self.session_actions.cancel(session_id) if session_id is not None else False

    def confirm_selected(self) -> None:
        session_id = self.selected_id()
        if session_id is not None:
            self.session_actions.confirm(session_id)

    def _context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        self.table.selectRow(index.row())
        row = self.model.row_at(index.row())
        menu = QMenu(self)
        menu.addAction(self.open_action)
        menu.addAction(self.edit_action)
        menu.addAction(self.duplicate_action)
        menu.addSeparator()
        confirm = menu.addAction(_("Con&firm"), self.confirm_selected)
        confirm.setEnabled(can_become(row.status, SessionStatus.CONFIRMED))
        menu.addAction(self.cancel_action)
        self.edit_action.setEnabled(closed_reason(row.status) is None)
        self.cancel_action.setEnabled(can_become(row.status, SessionStatus.CANCELLED))
        menu.exec(self.table.viewport().mapToGlobal(position))
        self.edit_action.setEnabled(True)
        self.cancel_action.setEnabled(True)


def _present(
    dialog: SessionDetailDialog, then: Callable[[SessionDetailDialog], object] | None
) -> None:
    """Show the window (or bring it forward), then point it where `then` says."""
    dialog.show()
    settle_layout()  # painted twice as it settles, not four times
    dialog.raise_()
    dialog.activateWindow()
    if then is not None:
        then(dialog)

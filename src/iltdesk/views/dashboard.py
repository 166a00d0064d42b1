"""The home dashboard (the first screen; Ctrl+1): this week's sessions and what needs doing.

Each "Needs attention" line is a link: Enter or a double-click asks the main window to open
the place to fix it (`target_requested`). The lists are computed off the GUI thread, again
after every change and every ten minutes (sessions end while the app is open).
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.attention import AttentionItem
from iltdesk.domain.attention import Target
from iltdesk.domain.changes import Changes
from iltdesk.i18n import _
from iltdesk.models.dashboard import AttentionListModel
from iltdesk.models.dashboard import WeekTableModel
from iltdesk.services import dashboard
from iltdesk.tasks.runner import CancelledError
from iltdesk.tasks.runner import TaskRunner
from iltdesk.views.context import AppContext
from iltdesk.views.errors import show_error
from iltdesk.views.widgets import fit_columns

REFRESH_MS = 10 * 60 * 1000
SHARING_COLUMNS = (1, 4)  # of the week's table, course and room: they share the width left
ROW_PADDING = 6  # pixels above and below a week row's two lines


class DashboardPage(QWidget):
    """The week's sessions on the left, "Needs attention" on the right."""

    target_requested = Signal(object, object)  # Target, id (or None)
    attention_changed = Signal(int)  # how many items need attention

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.tasks = TaskRunner(self)
        self.generation = 0
        self.greeting = QLabel()
        self.greeting.setStyleSheet("font-size: 16pt; font-weight: 600")
        self.week_model = WeekTableModel(self)
        self.week = QTableView()
        self.week.setModel(self.week_model)
        self.week.setAccessibleName(_("This week's sessions"))
        self._table_look(self.week)
        # Every column stays in view on a small laptop screen: the course and the room share
        # the width the others leave (wrapped onto a second line, then cut short with "…",
        # whole in their tooltips) rather than "Seats" and "Where" going off to the right
        # behind a scroll bar. Every row is two lines high (the day over its times), so no
        # row's height is measured.
        week_header = self.week.horizontalHeader()
        week_header.setStretchLastSection(False)
        # The other columns are fitted to their texts when the rows arrive (`fit_columns`):
        # sized by Qt as they are shown, they asked the model about every role of every cell
        # twice, 8 ms of the first paint for a busy week's 15 rows.
        week_header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        for column in SHARING_COLUMNS:
            week_header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.week.setWordWrap(True)
        self.week.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows = self.week.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(2 * self.week.fontMetrics().lineSpacing() + ROW_PADDING)
        self.week.doubleClicked.connect(lambda _i: self.open_week_session())
        QShortcut(QKeySequence("Return"), self.week, self.open_week_session)
        self.week_empty = QLabel(_("No session meets this week."))
        self.week_box = QGroupBox(_("This week"))
        week_layout = QVBoxLayout(self.week_box)
        week_layout.addWidget(self.week)
        week_layout.addWidget(self.week_empty)
        self.attention_model = AttentionListModel(self)
        self.attention = self._attention_view()
        self.attention.doubleClicked.connect(lambda _i: self.open_attention())
        QShortcut(QKeySequence("Return"), self.attention, self.open_attention)
        self.all_clear = QLabel(_("Nothing needs attention. Well done."))
        self.attention_box = QGroupBox(_("Needs attention"))
        attention_layout = QVBoxLayout(self.attention_box)
        attention_layout.addWidget(self.attention)
        attention_layout.addWidget(self.all_clear)
        splitter = QSplitter()
        splitter.addWidget(self.week_box)
        splitter.addWidget(self.attention_box)
        # The attention list's sentences wrap; the week's table has five columns to show.
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.greeting)
        layout.addWidget(splitter, 1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.refresh)
        self._clock = QTimer(self)
        self._clock.setInterval(REFRESH_MS)
        self._clock.timeout.connect(self.refresh)
        self._clock.start()
        ctx.changes_applied.connect(self._on_changes)
        self.refresh()

    def _attention_view(self) -> QTableView:
        view = QTableView()
        view.setModel(self.attention_model)
        view.setAccessibleName(_("Needs attention"))
        self._table_look(view)
        view.horizontalHeader().hide()
        view.setWordWrap(True)
        # Wrapped over two or three lines, one item ran into the next: each has its shade.
        view.setAlternatingRowColors(True)
        # Items take the height their wrapped sentence needs at the width they have now, again
        # whenever the window or the splitter changes it.
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return view

    @staticmethod
    def _table_look(view: QTableView) -> None:
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        view.horizontalHeader().setStretchLastSection(True)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.setShowGrid(False)

    def zone(self) -> str:
        return str(self.ctx.prefs.get("default_timezone"))

    def refresh(self) -> None:
        """Recompute both lists off the GUI thread; a newer refresh wins."""
        self._debounce.stop()  # a change's pending refresh would read the same again
        self.generation += 1
        generation = self.generation
        zone = self.zone()
        now = datetime.now(UTC)
        today = now.astimezone(ZoneInfo(zone)).date()
        self.greeting.setText(formatting.format_date(today, fmt="full"))
        first, self.ctx.first_reading = self.ctx.first_reading, None
        if first is not None:  # started as the app opened, while the window was being built
            first.then(
                self,
                lambda found: self._arrived(generation, found),
                lambda error: self._failed(generation, error),
            )
            return
        db = self.ctx.db
        self.tasks.run(
            lambda _progress: dashboard.overview(db, now=now, zone=zone),
            title=_("Looking at what needs attention…"),
            on_done=lambda found: self._arrived(generation, found),
            on_error=lambda error: self._failed(generation, error),
        )

    def _arrived(self, generation: int, found: dashboard.Overview) -> None:
        if generation != self.generation:
            return
        today, week, items = found
        monday, sunday = dashboard.week_of(today)
        self.week_box.setTitle(
            _("This week ({first} – {last})").format(
                first=formatting.format_date(monday), last=formatting.format_date(sunday)
            )
        )
        self.week_model.today = today
        self.week_model.set_rows(week)
        fit_columns(self.week)
        self.week.setVisible(bool(week))
        self.week_empty.setVisible(not week)
        self.attention_model.set_rows(items)
        self.attention.setVisible(bool(items))
        self.all_clear.setVisible(not items)
        self.attention_box.setTitle(_("Needs attention ({n})").format(n=len(items)))
        self.attention_changed.emit(len(items))

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self.generation and not isinstance(error, CancelledError):
            show_error(self, error)

    def _on_changes(self, _changes: Changes) -> None:
        self._debounce.start()

    def open_week_session(self) -> None:
        index = self.week.currentIndex()
        if index.isValid():
            row = self.week_model.row_at(index.row())
            self.target_requested.emit(Target.SESSION, row.id)

    def open_attention(self) -> None:
        index = self.attention.currentIndex()
        if index.isValid():
            item = self.attention_model.row_at(index.row())
            self.target_requested.emit(item.target, item.target_id)

    def items(self) -> list[AttentionItem]:
        return self.attention_model.rows()

"""Small shared widgets: a table page with a toolbar, and the empty-state hint."""

from __future__ import annotations

import heapq
import zoneinfo
from collections.abc import Callable
from functools import cache
from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtCore import QCoreApplication
from PySide6.QtCore import QEvent
from PySide6.QtCore import QObject
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QCompleter
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QStackedLayout
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import ngettext
from iltdesk.models.base import Sorter
from iltdesk.tasks.runner import TaskRunner
from iltdesk.views.errors import show_task_error

T = TypeVar("T")

# A table's selection: one row (lists to act on one at a time), or several (Ctrl and Shift).
ONE = QAbstractItemView.SelectionMode.SingleSelection
MANY = QAbstractItemView.SelectionMode.ExtendedSelection


def make_table(
    model: QAbstractItemModel | None = None,
    name: str = "",
    *,
    selection: QAbstractItemView.SelectionMode = ONE,
    fit: bool = False,
) -> QTableView:
    """A table view as every list uses it: one whole row selected, alternate colours, read-only.

    `name` is what a screen reader announces; `fit` sizes the columns to their contents (short
    lists in dialogs), otherwise the user sizes them. The last column takes the spare width.
    """
    view = QTableView()
    if model is not None:
        view.setModel(model)
    if name:
        view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(selection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(
        QHeaderView.ResizeMode.ResizeToContents if fit else QHeaderView.ResizeMode.Interactive
    )
    header.setStretchLastSection(True)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return view


def button_box(
    dialog: QDialog,
    buttons: QDialogButtonBox.StandardButton,
    accept: Callable[[], object] | None = None,
) -> QDialogButtonBox:
    """A dialog's standard buttons, wired to it.

    Accepting runs `accept` (the dialog's own by default); rejecting (Cancel, Close, Escape)
    rejects the dialog.
    """
    box = QDialogButtonBox(buttons)
    box.accepted.connect(accept or dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


# The standard sets of dialog buttons.
_BUTTON = QDialogButtonBox.StandardButton
OK_CANCEL = _BUTTON.Ok | _BUTTON.Cancel
SAVE_CANCEL = _BUTTON.Save | _BUTTON.Cancel
CANCEL = _BUTTON.Cancel
CLOSE = _BUTTON.Close


# Rows whose texts `fit_columns` measures (Qt's own sizing measures 1,000): each measured cell
# is a call into Python `data()`, and a 160-learner roster with its attendance grid otherwise
# costs tens of thousands of them each time the window lays out.
MEASURED_ROWS = 40


def worker_sorter(tasks: TaskRunner, parent: QWidget, title: str) -> Sorter:
    """What a big table's model sorts through (`RowTableModel.sort_off_thread`).

    The work runs through `tasks`, with `title` on the progress dialog should it take long;
    a failure is shown over `parent`.
    """

    def sort(work: Callable[[], T], done: Callable[[T], None]) -> None:
        tasks.run(
            lambda _progress: work(),
            title=title,
            on_done=done,
            on_error=lambda error: show_task_error(parent, error),
        )

    return sort


# Cells of a column measured through the delegate when columns are fitted: the widest texts.
FIT_CANDIDATES = 3
# The least a filter box or a stretched column keeps, in characters, however crowded.
READABLE_CHARS = 12


def readable_width(widget: QWidget) -> int:
    """The width of READABLE_CHARS average characters in `widget`'s font."""
    return READABLE_CHARS * widget.fontMetrics().averageCharWidth()


def fit_columns(view: QTableView) -> None:
    """Size the columns to their contents once, as `resizeColumnsToContents` would, for less.

    Qt's own sizing asks the delegate about every cell of MEASURED_ROWS rows: a call into
    Python `data()` for each and its text laid out, 10-15 ms for a roster. Here the rows' texts
    are measured with the font's metrics and only the widest few of each column go through the
    delegate, so a column is as wide as Qt would make it for the cell that sets its width.
    """
    model = view.model()
    if model is None:
        return
    header = view.horizontalHeader()
    top = max(0, view.rowAt(0))
    rows = range(top, min(model.rowCount(), top + MEASURED_ROWS))
    metrics = view.fontMetrics()
    display = Qt.ItemDataRole.DisplayRole
    grid = 1 if view.showGrid() else 0  # Qt adds the grid line to a column's width
    stretched = header.logicalIndex(header.count() - 1) if header.stretchLastSection() else -1
    stretch = QHeaderView.ResizeMode.Stretch
    for column in range(model.columnCount()):
        if (
            view.isColumnHidden(column)
            or column == stretched
            or header.sectionResizeMode(column) == stretch  # takes the width left, not its own
        ):
            continue
        texts = ((model.data(model.index(row, column), display), row) for row in rows)
        widest = heapq.nlargest(
            FIT_CANDIDATES,
            (
                (metrics.horizontalAdvance(str(text)), row)
                for text, row in texts
                if text is not None and text != ""  # a 0 is measured, as Qt would
            ),
        )
        hints = (view.sizeHintForIndex(model.index(row, column)).width() for _, row in widest)
        content = max(hints, default=0) + grid
        size = max(content, 0 if header.isHidden() else header.sectionSizeHint(column))
        header.resizeSection(
            column, min(max(size, header.minimumSectionSize()), header.maximumSectionSize())
        )


def settle_layout() -> None:
    """Deliver the polish and layout requests a widget just shown has posted, before it paints.

    Qt delivers them after a new window's first paint, then lays it out and paints it again,
    and again: a session's window (its tabs and tables) was painted three or four times as it
    opened. (The main window's pages and the course editor paint once: nothing to do there.)
    """
    for kind in (QEvent.Type.PolishRequest, QEvent.Type.LayoutRequest) * 2:
        QCoreApplication.sendPostedEvents(None, kind.value)


class _FitWhenShown(QObject):
    """Fits a hidden table's columns when it is first shown again, then stops watching."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view

    def watch(self) -> None:
        self.view.removeEventFilter(self)  # installed once, however often it is asked
        self.view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.view and event.type() == QEvent.Type.Show:
            self.view.removeEventFilter(self)
            fit_columns(self.view)
        return False


def fit_columns_when_shown(view: QTableView) -> None:
    """`fit_columns` now if the table shows, else when it is shown (a tab not yet opened)."""
    if view.isVisible():
        fit_columns(view)
        return
    fitter = view.findChild(_FitWhenShown)
    (fitter or _FitWhenShown(view)).watch()


class TablePage(QWidget):
    """A toolbar row above a table, with an empty-state message in place of an empty table."""

    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fitted = False
        self.toolbar = QHBoxLayout()
        self.table = make_table()
        self.empty = QLabel(empty_text)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setObjectName("emptyState")
        holder = QWidget()
        self.stack = QStackedLayout(holder)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.splitter = QSplitter()
        self.splitter.addWidget(holder)
        layout = QVBoxLayout(self)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.splitter)

    def add_bar(self) -> QHBoxLayout:
        """A second row of controls under the toolbar (where one row would not fit a laptop)."""
        bar = QHBoxLayout()
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(layout.indexOf(self.splitter), bar)
        return bar

    def add_side_panel(self, panel: QWidget) -> None:
        """A panel beside the table for the selected row's details."""
        self.splitter.addWidget(panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

    def fit_columns(self, stretch: int) -> None:
        """Size columns to their contents once, and give the spare width to `stretch`.

        Only the first load sizes columns (later the user's widths stand), and only the first
        rows are measured: measuring every row calls Python `data()` thousands of times.
        """
        if self._fitted or self.table.model() is None or not self.table.model().rowCount():
            return
        self._fitted = True
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        fit_columns(self.table)
        widths = {
            column: min(header.sectionSize(column), 320)
            for column in range(header.count())
            if column != stretch and not header.isSectionHidden(column)
        }
        # The stretched column keeps room for a dozen characters: where the others' texts
        # are wider than the table, the widest of them give way (their texts end in "…"),
        # rather than it shrinking to a sliver (the Outbox's subjects at 1,100 px).
        least = readable_width(self.table)
        # (the width a vertical scroll bar takes once the rows fill the table, too)
        room = (
            self.table.viewport().width()
            - least
            - self.table.verticalScrollBar().sizeHint().width()
        )
        if self.table.isVisible() and sum(widths.values()) > room > 0:
            cap = _cap(widths, room)
            widths = {column: min(width, cap) for column, width in widths.items()}
        for column, width in widths.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)

    def show_empty(self, empty: bool) -> None:
        self.stack.setCurrentWidget(self.empty if empty else self.table)


def _cap(widths: dict[int, int], room: int) -> int:
    """The widest a column may be for `widths` to fit `room`, the narrower ones kept whole."""
    ordered = sorted(widths.values())
    spent = 0
    for left, width in zip(range(len(ordered), 0, -1), ordered, strict=True):
        if spent + width * left > room:
            return max(1, (room - spent) // left)
        spent += width
    return ordered[-1] if ordered else room


class LazyComboBox(QComboBox):
    """A combo box whose items are filled when its list is first opened.

    Keeps start-up from querying for choices (all courses, all instructors) that the first
    screen does not show; `refill()` marks the items stale after a change.
    """

    def __init__(self, fill: Callable[[QComboBox], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fill = fill
        self._stale = True

    def refill(self) -> None:
        self._stale = True

    def ensure_filled(self) -> None:
        if self._stale:
            self._stale = False
            self.blockSignals(True)
            try:
                self._fill(self)
            finally:
                self.blockSignals(False)

    def showPopup(self) -> None:  # noqa: N802 - Qt's name
        self.ensure_filled()
        super().showPopup()


@cache
def zones() -> frozenset[str]:
    """The IANA zone names this machine knows (read from disk once, when first needed)."""
    return frozenset(zoneinfo.available_timezones())


ERROR_COLOUR = "#c0392b"  # readable on light and dark backgrounds


def error_label() -> QLabel:
    """A wrapping label in the error colour, for a form's sentence about what is wrong."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR}")
    return label


def keep_room(widget: QWidget) -> None:
    """Keep a widget's space in its layout while it is hidden, so nothing below it jumps."""
    policy = widget.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    widget.setSizePolicy(policy)


def session_choice_label(row: SessionRow) -> str:
    """A session as a line in a list of choices: never two lines alike for one course and day.

    "FS-101 · Forklift Safety · Cohort B · 14 Dec 2026, 13:00–17:00 CST · In person · 3 seats
    free"
    """
    parts = [row.course_code, row.course_title]
    if row.cohort:
        parts.append(row.cohort)
    if row.days:
        first = row.days[0]
        when = formatting.format_span(first.start, first.end, row.timezone)
        if len(row.days) > 1:
            extra = len(row.days) - 1
            when += " " + ngettext("(+{n} day)", "(+{n} days)", extra).format(n=extra)
        parts.append(when)
    parts.append(row.room_name or row.mode.label())
    free = max(0, row.capacity - row.enrolled)
    parts.append(ngettext("{n} seat free", "{n} seats free", free).format(n=free))
    return " · ".join(parts)


def zone_combo(current: str, parent: QWidget | None = None) -> QComboBox:
    """An editable list of every IANA time zone that finds "berlin" or "new_y" as you type."""
    names = sorted(zones())
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.addItems(names)
    completer = QCompleter(names, combo)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    combo.setCompleter(completer)
    combo.setCurrentText(current)
    return combo


def open_dialog(dialog: QDialog) -> QDialog:
    """Open a dialog (window-modal, deleted when closed) and return it without waiting.

    Deleted, not hidden: a closed dialog left as its window's child kept what it showed (the
    register: 223,191 rows) alive, and every later full collection walked it (~30 ms).
    """
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


# After a new window's first paint, how long until its work starts: the window behind it
# repaints then as it loses the focus (measured best at 30-45 ms on the register).
SETTLE_MS = 40


class _AfterPaint(QObject):
    """Runs its work once, after its window's first paint (or `latest_ms`, whichever first)."""

    def __init__(self, window: QWidget, work: Callable[[], object], latest_ms: int) -> None:
        super().__init__(window)
        self._work: Callable[[], object] | None = work
        window.installEventFilter(self)
        QTimer.singleShot(latest_ms, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(SETTLE_MS, self, self._run)  # once the painting is done
        return False

    def _run(self) -> None:
        work, self._work = self._work, None
        if work is not None:
            work()


def after_first_paint(window: QWidget, work: Callable[[], object], latest_ms: int = 500) -> None:
    """Start `work` once the new `window` has painted for the first time.

    A worker started from a new window's constructor holds the interpreter while the window
    lays itself out and paints (and the window behind repaints), and each of Qt's calls into
    Python then waits for it: opening the certificate register on 223,191 certificates held
    the GUI 36-42 ms that way, 27-32 when its read started after the paint (bench_gui's
    lists step). A window never shown gets its work after `latest_ms`.
    """
    _AfterPaint(window, work, latest_ms)

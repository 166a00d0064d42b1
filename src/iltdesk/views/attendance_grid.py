"""The session window's attendance tab: the grid, keyboard marks, minutes, all present, lock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtCore import QObject
from PySide6.QtCore import Qt
from PySide6.QtCore import QUrl
from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent
from PySide6.QtGui import QDropEvent
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QInputDialog
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import MARK_LETTERS
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.lifecycle import closed_reason
from iltdesk.domain.rows import AttendanceMarkRow
from iltdesk.domain.rows import RosterRow
from iltdesk.domain.rows import SessionDayRow
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.models.attendance import AttendanceTableModel
from iltdesk.services import attendance
from iltdesk.services.attendance import MarkSpec
from iltdesk.views.context import AppContext
from iltdesk.views.undo import MarksCommand
from iltdesk.views.widgets import fit_columns_when_shown

# Qt's key codes for letters are their capitals' code points.
KEYS = {Qt.Key(ord(letter)): status for status, letter in MARK_LETTERS.items()}


class _GridKeys(QObject):
    """Keyboard entry on the attendance grid: P, L, F (left early), A, E; Delete clears."""

    mark_requested = Signal(int, int, object)  # row, column, AttendanceStatus | None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and isinstance(watched, QTableView):
            assert isinstance(event, QKeyEvent)
            key = Qt.Key(event.key())
            index = watched.currentIndex()
            if index.isValid() and (
                key in KEYS or key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            ):
                self.mark_requested.emit(index.row(), index.column(), KEYS.get(key))
                return True
        return False


def _report_from_drop(urls: list[QUrl]) -> Path | None:
    """The one meeting report file dropped (CSV or workbook), if that is what was dropped."""
    files = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
    if len(files) != 1 or files[0].suffix.casefold() not in (".csv", ".xlsx", ".xls", ".txt"):
        return None
    return files[0]


class AttendanceGrid(QWidget):
    """Learners down, days across; marks are saved undoably as they are typed.

    `toggle_lock` completes or unlocks the session (the session window's use case).
    """

    def __init__(self, ctx: AppContext, session_id: int, toggle_lock: Callable[[], None]) -> None:
        super().__init__()
        self.ctx = ctx
        self.session_id = session_id
        self.days: list[SessionDayRow] = []
        self.model = AttendanceTableModel(self)
        self.grid = QTableView()
        self.grid.setModel(self.model)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.verticalHeader().hide()
        self.grid.setAccessibleName(_("Attendance grid"))
        self._keys = _GridKeys(self)
        self._keys.mark_requested.connect(self._mark_from_key)
        self.grid.installEventFilter(self._keys)
        self.grid.doubleClicked.connect(self._edit_minutes)
        help_text = QLabel(
            _(
                "Keys: P present · L late · F left early · A absent · E excused · "
                "Delete clears · double-click to enter minutes."
            )
        )
        help_text.setWordWrap(True)
        self.all_present_button = QPushButton(_("Mark all &present for this day"))
        self.all_present_button.clicked.connect(self.mark_all_present)
        self.meeting_button = QPushButton(_("Import &meeting report…"))
        self.meeting_button.setToolTip(
            _("Marks from a Teams, Zoom, Google Meet or Webex attendance report (or drop it here)")
        )
        self.meeting_button.clicked.connect(lambda: self.import_meeting_report())
        self.setAcceptDrops(True)
        self.lock_button = QPushButton()
        self.lock_button.clicked.connect(toggle_lock)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_present_button)
        buttons.addWidget(self.meeting_button)
        buttons.addStretch()
        buttons.addWidget(self.lock_button)
        layout = QVBoxLayout(self)
        layout.addWidget(help_text)
        layout.addWidget(self.grid)
        layout.addLayout(buttons)

    def load(
        self,
        row: SessionRow,
        roster: list[RosterRow],
        marks: list[AttendanceMarkRow],
        threshold: int,
    ) -> None:
        """Show the session's marks; the buttons follow its status. Keeps the current cell."""
        current = self.grid.currentIndex()
        self.days = list(row.days)
        self.model.load(roster, self.days, row.timezone, marks, threshold)
        fit_columns_when_shown(self.grid)
        locked = row.status is SessionStatus.COMPLETED
        self.lock_button.setText(_("&Unlock…") if locked else _("Complete and &lock"))
        self.lock_button.setEnabled(row.status is not SessionStatus.CANCELLED)
        self.all_present_button.setEnabled(closed_reason(row.status) is None)
        if current.isValid():
            self.grid.setCurrentIndex(self.model.index(current.row(), current.column()))

    def import_meeting_report(self, path: Path | None = None) -> list[MarkSpec] | None:
        """Review a meeting report's proposed marks and apply them (one undoable step)."""
        from iltdesk.views.dialogs.meeting_review import MeetingReviewDialog

        return MeetingReviewDialog.ask(self, self.ctx, self.session_id, path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if _report_from_drop(event.mimeData().urls()) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        path = _report_from_drop(event.mimeData().urls())
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_meeting_report(path)

    def record(self, marks: list[MarkSpec]) -> bool:
        """Save marks (undoably); the window reloads through the relay, keeping its cell.

        Each mark is checked against the one this grid shows: a mark another coordinator set
        or changed meanwhile is refused with who and when, and the grid shows theirs.
        """
        threshold = int(self.ctx.prefs.get("completion_threshold"))
        marks = [
            replace(m, seen_version=self.model.seen_version(m.enrollment_id, m.day_id))
            if m.seen_version is None
            else m
            for m in marks
        ]
        before = attendance.marks_before(self.ctx.db, self.session_id, marks)
        saved = self.ctx.op(
            self,
            lambda: attendance.record_marks(
                self.ctx.db, self.session_id, marks, default_threshold=threshold
            ),
        )
        if saved is None:
            # Refused (perhaps someone else's mark came first): show what is stored now.
            self.ctx.announce(Changes.of(Entity.ATTENDANCE, self.session_id))
            return False
        text = ngettext("Attendance mark", "{n} attendance marks", len(marks)).format(n=len(marks))
        self.ctx.undo_stack.push(
            MarksCommand(text, self.ctx, self.session_id, before, marks, threshold)
        )
        return True

    def _mark_from_key(self, row: int, column: int, status: AttendanceStatus | None) -> None:
        day = self.model.day_at(column)
        if day is None:
            return
        learner = self.model.learner_at(row)
        if self.record([MarkSpec(learner.enrollment_id, day.id, status)]):
            below = self.model.index(min(row + 1, self.model.rowCount() - 1), column)
            self.grid.setCurrentIndex(below)

    def _edit_minutes(self, _index: object) -> None:
        column = self.grid.currentIndex().column()
        row = self.grid.currentIndex().row()
        day = self.model.day_at(column)
        if day is None:
            return
        current = self.model.mark_at(row, column)
        minutes, ok = QInputDialog.getInt(
            self,
            _("Minutes attended"),
            _("Minutes attended on this day (of {total}):").format(total=day.minutes),
            current.minutes_attended
            if current and current.minutes_attended is not None
            else day.minutes,
            0,
            day.minutes,
        )
        if not ok:
            return
        partial = (AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)
        status = (
            AttendanceStatus.PRESENT
            if minutes == day.minutes
            else (
                current.status if current and current.status in partial else AttendanceStatus.LATE
            )
        )
        if minutes == 0:
            status = AttendanceStatus.ABSENT
        learner = self.model.learner_at(row)
        kept = None if status is AttendanceStatus.PRESENT else minutes
        self.record([MarkSpec(learner.enrollment_id, day.id, status, kept)])

    def mark_all_present(self) -> None:
        """Everyone without a mark on the current day (the first day if none) is present."""
        day = self.model.day_at(self.grid.currentIndex().column()) or (
            self.days[0] if self.days else None
        )
        if day is None:
            return
        column = next(
            c for c in range(1, self.model.completion_column) if self.model.day_at(c) == day
        )
        marks = [
            MarkSpec(self.model.learner_at(r).enrollment_id, day.id, AttendanceStatus.PRESENT)
            for r in range(self.model.rowCount())
            if self.model.mark_at(r, column) is None
        ]
        if marks:
            self.record(marks)

"""Other coordinators' changes, arriving while the window is open (team mode on a server).

The listener (db/live.py) waits on its own connection and thread; each notice crosses to the
GUI thread through a queued signal, is gathered for a quarter of a second (a bulk change sends
several), and is announced like a change made here, so the roster, the attendance grid, the
sessions list and the dashboard refresh the affected rows. On a SQLite file nothing starts.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal

from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import from_trail
from iltdesk.services.team import Listener
from iltdesk.services.team import Notice
from iltdesk.services.team import listen
from iltdesk.views.context import AppContext

GATHER_MS = 250


class LiveUpdates(QObject):
    """Starts the listener for a server database and announces what others changed."""

    received = Signal(object)  # Notice, emitted on the listener's thread
    arrived = Signal(str, object)  # who, Changes: after they were announced here

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.listener: Listener | None = None
        self._pending = Changes()
        self._who: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(GATHER_MS)
        self._timer.timeout.connect(self._flush)
        self.received.connect(self._gather)

    def start(self) -> bool:
        """Listen, when the database is a server; True when listening started."""
        if self.listener is not None:
            return False
        self.listener = listen(self.ctx.db, self.received.emit)
        return self.listener is not None

    def stop(self) -> None:
        if self.listener is not None:
            self.listener.stop()
            self.listener = None

    def _gather(self, notice: Notice) -> None:
        self._pending |= from_trail(notice.touched, everything=notice.everything)
        if notice.who and notice.who not in self._who:
            self._who.append(notice.who)
        if not self._timer.isActive():
            self._timer.start()

    def _flush(self) -> None:
        changes, who = self._pending, ", ".join(self._who)
        self._pending, self._who = Changes(), []
        if changes:
            self.ctx.announce(changes)
            self.ctx.remote_changes.emit(who, changes)
            self.arrived.emit(who, changes)

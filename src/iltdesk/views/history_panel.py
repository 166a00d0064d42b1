"""History tabs: the audit trail of a session, a learner or a course, in words.

Entries are read when the tab is first shown and again after changes while it is shown;
nothing here can change them (the trail is append-only, Tools › Check the audit trail
verifies its chain).
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.domain.changes import Changes
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.models.history import HistoryTableModel
from iltdesk.services import audit
from iltdesk.views.context import AppContext
from iltdesk.views.widgets import fit_columns

LIMIT = 500


class HistoryPanel(QWidget):
    """The newest entries about one session, learner or course."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        session_id: int | None = None,
        learner_id: int | None = None,
        course_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session_id = session_id
        self.learner_id = learner_id
        self.course_id = course_id
        self.stale = True
        self.model = HistoryTableModel(str(ctx.prefs.get("default_timezone")), self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("History"))
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        ctx.changes_applied.connect(self._changed)

    def set_subject(
        self,
        *,
        session_id: int | None = None,
        learner_id: int | None = None,
        course_id: int | None = None,
    ) -> None:
        """Show another session, learner or course (the learners page follows its selection)."""
        self.session_id, self.learner_id, self.course_id = session_id, learner_id, course_id
        self.stale = True
        if self.isVisible():
            self.load()

    def load(self) -> None:
        self.stale = False
        if self.session_id is None and self.learner_id is None and self.course_id is None:
            self.model.set_rows([])
            self.note.setText(_("Choose one to see its history."))
            return
        rows = audit.history(
            self.ctx.db,
            session_id=self.session_id,
            learner_id=self.learner_id,
            course_id=self.course_id,
            limit=LIMIT,
        )
        self.model.set_rows(rows)
        fit_columns(self.table)
        if not rows:
            self.note.setText(_("Nothing recorded yet."))
        elif len(rows) == LIMIT:
            self.note.setText(
                _("The newest {n} entries; `iltdesk audit` lists them all.").format(n=LIMIT)
            )
        else:
            self.note.setText(
                ngettext(
                    "{n} entry. Nobody can change it: each entry is chained to the one before.",
                    "{n} entries, newest first. Nobody can change them: each is chained to the "
                    "one before.",
                    len(rows),
                ).format(n=len(rows))
            )

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.stale:
            self.load()

    def _changed(self, _changes: Changes) -> None:
        self.stale = True
        if self.isVisible():
            self.load()

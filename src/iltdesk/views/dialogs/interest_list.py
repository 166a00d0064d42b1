"""Courses › Interest list…: who waits for a date of the course, offered seats, then enrolled.

The list is in the order learners joined it. **Add learners…** puts people on it (the due list
of the Compliance screen adds too); **Take off…** closes their wait with a reason. When a
session is scheduled, **Offer seats…** emails the chosen (or everyone) the session's dates and
place through the outbox, asked first, each person once per session. Tick the replies that
accept, then **Enrol the ticked…** seats them in list order (then the waitlist); their wait
ends. Someone booked elsewhere at that time stays on the list, and the dialog says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QObject
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QInputDialog
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.enums import SessionStatus
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.models.base import NOT_SAID
from iltdesk.models.base import ROW_ROLE
from iltdesk.models.base import Column
from iltdesk.models.base import ItemData
from iltdesk.models.base import RowTableModel
from iltdesk.models.base import SortOrder
from iltdesk.services import interest
from iltdesk.services import outbox
from iltdesk.services import scheduling
from iltdesk.services.interest import InterestRow
from iltdesk.views.context import AppContext
from iltdesk.views.widgets import CLOSE
from iltdesk.views.widgets import MANY
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import make_table

Index = QModelIndex | QPersistentModelIndex


class InterestTableModel(RowTableModel[InterestRow]):
    """The waiting learners in list order; the first column ticks those who accepted."""

    ACCEPTED = 0
    columns = (
        Column(lambda: _("Accepted"), lambda _r: "", sort=lambda _r: 0),
        Column(lambda: "#", lambda r: str(r.position), sort=lambda r: r.position),
        Column(lambda: _("Learner"), lambda r: r.name),
        Column(lambda: _("Email"), lambda r: r.email),
        Column(lambda: _("Department"), lambda r: r.department),
        Column(
            lambda: _("Waiting since"),
            lambda r: formatting.format_date(r.added_at),
            sort=lambda r: r.added_at,
        ),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.accepted: set[int] = set()

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.ACCEPTED:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> ItemData:
        if role == Qt.ItemDataRole.CheckStateRole and index.isValid():
            if index.column() != self.ACCEPTED or not 0 <= index.row() < self.rowCount():
                return None
            row = self._rows[index.row()]
            ticked = row.learner_id in self.accepted
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(  # noqa: N802 - Qt's name
        self, index: Index, value: ItemData, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        if index.column() != self.ACCEPTED:
            return False
        learner_id = self._rows[index.row()].learner_id
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.accepted.add(learner_id)
        else:
            self.accepted.discard(learner_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def set_rows(
        self, rows: Sequence[InterestRow], *, ordered_by: SortOrder | None = NOT_SAID
    ) -> None:
        """Replace the rows; a learner no longer listed is no longer ticked."""
        super().set_rows(rows, ordered_by=ordered_by)
        self.accepted &= {r.learner_id for r in self._rows}


def ask_list_file(parent: QWidget) -> Path | None:
    """A file of learners to put on the list (the one place tests patch)."""
    from PySide6.QtWidgets import QFileDialog

    name, _filter = QFileDialog.getOpenFileName(
        parent,
        _("Learners for the interest list"),
        "",
        _("Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;All files (*)"),
    )
    return Path(name) if name else None


def choose_session(parent: QWidget, ctx: AppContext, course_id: int, count: int) -> int | None:
    """Which upcoming session of the course (the one place tests patch)."""
    from iltdesk.views.dialogs.session_choice import SessionChoiceDialog

    now = datetime.now(UTC)
    sessions = [
        s
        for s in scheduling.list_sessions(ctx.db, course_id=course_id)
        if s.status in (SessionStatus.PLANNED, SessionStatus.CONFIRMED)
        and s.first_start is not None
        and s.first_start > now
    ]
    if not sessions:
        from iltdesk.errors import UserError
        from iltdesk.views.errors import show_error

        show_error(
            parent,
            UserError(_("The course has no upcoming session: schedule one first.")),
        )
        return None
    return SessionChoiceDialog.ask(parent, sessions, count)


class InterestListDialog(QDialog):
    """One course's interest list."""

    def __init__(
        self, parent: QWidget | None, ctx: AppContext, course_id: int, course: str
    ) -> None:
        super().__init__(parent)
        from iltdesk.tasks.runner import TaskRunner
        from iltdesk.views.mail import Mailer

        self.ctx = ctx
        self.course_id = course_id
        self.setWindowTitle(_("Interest list — {course}").format(course=course))
        self.resize(820, 480)
        self.model = InterestTableModel(self)
        self.view = make_table(
            self.model,
            _("Learners waiting for a date"),
            selection=MANY,
            fit=True,
        )
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.add_button = QPushButton(_("&Add learners…"))
        self.add_button.clicked.connect(self.add_learners)
        self.import_button = QPushButton(_("&Import…"))
        self.import_button.setToolTip(_("Learners from a file (xlsx or CSV with their emails)"))
        self.import_button.clicked.connect(self.import_file)
        self.remove_button = QPushButton(_("&Take off…"))
        self.remove_button.clicked.connect(self.take_off)
        self.offer_button = QPushButton(_("&Offer seats…"))
        self.offer_button.setToolTip(
            _("Email the ticked learners (or everyone) the dates of an upcoming session")
        )
        self.offer_button.clicked.connect(self.offer)
        self.enrol_button = QPushButton(_("&Enrol the ticked…"))
        self.enrol_button.clicked.connect(self.enrol)
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.import_button,
            self.remove_button,
            self.offer_button,
            self.enrol_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = button_box(self, CLOSE)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.mailer = Mailer(ctx, self, TaskRunner(self, ctx))
        ctx.changes_applied.connect(self._on_changes)
        self.reload()

    def reload(self) -> None:
        rows = self.ctx.attempt(self, lambda: interest.interest_list(self.ctx.db, self.course_id))
        if rows is not None:
            self.model.set_rows(rows)

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(Entity.LEARNER) or changes.touches(Entity.ENROLLMENT):
            self.reload()

    def _selected(self) -> list[InterestRow]:
        rows = [
            self.model.index(i.row(), 0).data(ROW_ROLE)
            for i in self.view.selectionModel().selectedRows()
        ]
        return [r for r in rows if isinstance(r, InterestRow)]

    def _chosen(self) -> list[int]:
        """The ticked learners, else everyone, in list order."""
        ticked = [r.learner_id for r in self.model.rows() if r.learner_id in self.model.accepted]
        return ticked or [r.learner_id for r in self.model.rows()]

    def add_learners(self) -> None:
        from iltdesk.services.compliance_actions import add_to_interest
        from iltdesk.views.dialogs.learner_picker import LearnerPickerDialog

        chosen = LearnerPickerDialog.ask(self, self.ctx)
        if chosen:
            self.ctx.op(self, lambda: add_to_interest(self.ctx.db, self.course_id, chosen))

    def import_file(self, path: Path | None = None) -> None:
        path = path or ask_list_file(self)
        if path is None:
            return
        outcome = self.ctx.op(self, lambda: interest.import_list(self.ctx.db, self.course_id, path))
        if outcome is None:
            return
        result = outcome.value
        text = ngettext(
            "{added} added, {already} already waiting.",
            "{added} added, {already} already waiting.",
            result.already,
        ).format(added=result.added, already=result.already)
        if result.unknown:
            text += " " + _("No learner has these addresses: {emails}").format(
                emails=", ".join(result.unknown)
            )
        self.status.setText(text)

    def take_off(self) -> None:
        chosen = self._selected()
        if not chosen:
            self.status.setText(_("Select the learners to take off the list."))
            return
        reason, ok = QInputDialog.getText(
            self, _("Take off the interest list"), _("Why (kept with the list's history)?")
        )
        if ok:
            ids = [r.learner_id for r in chosen]
            self.ctx.op(self, lambda: interest.remove(self.ctx.db, self.course_id, ids, reason))

    def offer(self) -> None:
        chosen = self._chosen()
        if not chosen:
            self.status.setText(_("Nobody is waiting for a date."))
            return
        session_id = choose_session(self, self.ctx, self.course_id, len(chosen))
        if session_id is None:
            return
        language = str(self.ctx.prefs.get("locale"))
        composed = self.ctx.attempt(
            self,
            lambda: outbox.compose_interest_offers(
                self.ctx.db, session_id, chosen, fallback_language=language
            ),
        )
        if composed is None:
            return
        if not composed.drafts:
            self.status.setText(_("Everyone chosen was offered this session already."))
            return
        self.mailer.confirm_and_send(composed, MessageKind.INTEREST_OFFER, self.status.setText)

    def enrol(self) -> None:
        ticked = [r.learner_id for r in self.model.rows() if r.learner_id in self.model.accepted]
        if not ticked:
            self.status.setText(_("Tick the learners who accepted a seat first."))
            return
        session_id = choose_session(self, self.ctx, self.course_id, len(ticked))
        if session_id is None:
            return
        outcome = self.ctx.op(
            self, lambda: interest.enrol_from_list(self.ctx.db, session_id, ticked)
        )
        if outcome is None:
            return
        report = outcome.value
        text = report.summary()
        if report.clashing:
            text += " " + ngettext(
                "{n} is booked elsewhere then and stays on the list.",
                "{n} are booked elsewhere then and stay on the list.",
                len(report.clashing),
            ).format(n=len(report.clashing))
        self.status.setText(text)

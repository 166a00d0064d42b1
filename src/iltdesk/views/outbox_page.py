"""The Outbox screen: every message with its status; retry, cancel, resend, export, send."""

from __future__ import annotations

import email
from collections.abc import Callable
from email.policy import default
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout

from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import OutboxStatus
from iltdesk.domain.rows import OutboxRow
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.models.base import ROW_ROLE
from iltdesk.models.outbox import OutboxTableModel
from iltdesk.services import outbox
from iltdesk.services.outbox import Draft
from iltdesk.tasks.runner import TaskRunner
from iltdesk.views import mail
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs import document_preview
from iltdesk.views.errors import show_error
from iltdesk.views.widgets import CLOSE
from iltdesk.views.widgets import TablePage
from iltdesk.views.widgets import button_box

if TYPE_CHECKING:
    from iltdesk.services.common import Database
    from iltdesk.services.common import Outcome

STATUS_FILTERS: tuple[tuple[tuple[OutboxStatus, ...], Callable[[], str]], ...] = (
    ((), lambda: _("All messages")),
    ((OutboxStatus.PENDING,), lambda: _("Pending")),
    ((OutboxStatus.FAILED,), lambda: _("Failed")),
    ((OutboxStatus.UNCERTAIN,), lambda: _("Uncertain")),
    ((OutboxStatus.SENT,), lambda: _("Sent")),
    ((OutboxStatus.CANCELLED,), lambda: _("Cancelled")),
)


class OutboxPage(TablePage):
    """Messages by status: open one, retry failed, cancel pending, export the failed list."""

    loaded = Signal()  # the rows of the last reload are shown

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(_("No email yet. Messages appear here when you send them."))
        self.ctx = ctx
        self.tasks = TaskRunner(self)
        self.mailer = mail.Mailer(ctx, self, self.tasks)
        self._reloads = 0  # a newer reload wins
        self._counts: dict[OutboxStatus, int] = {}  # messages in each state, as last read
        self.model = OutboxTableModel(self, zone=mail.home_zone(ctx))
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.doubleClicked.connect(self.open_selected)
        self.filter = QComboBox()
        self.filter.setAccessibleName(_("Show"))
        for _statuses, label in STATUS_FILTERS:
            self.filter.addItem(label())
        self.filter.currentIndexChanged.connect(self.reload)
        self.send_button = QPushButton(_("&Send pending…"))
        self.open_button = QPushButton(_("&Open"))
        self.retry_button = QPushButton(_("&Retry"))
        self.cancel_button = QPushButton(_("&Cancel sending"))
        self.resend_button = QPushButton(_("Re&send…"))
        self.resend_button.setToolTip(_("Queue a new copy of the selected messages"))
        self.sent_button = QPushButton(_("Mark as &sent"))
        self.sent_button.setToolTip(_("For uncertain messages you found in the sent mail"))
        self.export_button = QPushButton(_("&Export failed…"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        # What is shown and the whole queue's actions on one row, what acts on the selected
        # messages on the next: on one row the eight held the window 1,273 px wide in German.
        self.toolbar.addWidget(self.filter)
        self.toolbar.addStretch()
        self.toolbar.addWidget(self.send_button)
        self.toolbar.addWidget(self.export_button)
        selected = self.add_bar()
        for button in (
            self.open_button,
            self.retry_button,
            self.cancel_button,
            self.resend_button,
            self.sent_button,
        ):
            selected.addWidget(button)
        selected.addStretch()
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addWidget(self.status)
        layout.setStretchFactor(self.splitter, 1)
        self.send_button.clicked.connect(self.send_pending)
        self.open_button.clicked.connect(self.open_selected)
        self.retry_button.clicked.connect(lambda: self._act(outbox.retry))
        self.cancel_button.clicked.connect(lambda: self._act(outbox.cancel))
        self.sent_button.clicked.connect(lambda: self._act(outbox.mark_sent_by_user))
        self.export_button.clicked.connect(self.export_failed)
        self.resend_button.clicked.connect(self.resend_selected)
        self.table.selectionModel().selectionChanged.connect(self._update)
        ctx.changes_applied.connect(self._on_changes)
        self.reload()

    def reload(self) -> None:
        """Read the messages (and how many are in each state) off the GUI thread.

        The newest 5,000 messages are rows to build (~150 ms): read on the GUI thread they
        held the window on opening the screen and after every change to the outbox.
        """
        self._reloads += 1
        reload = self._reloads
        statuses = STATUS_FILTERS[max(0, self.filter.currentIndex())][0]
        db, model, order = self.ctx.db, self.model, self.model.sort_order()

        def work(_progress: object) -> tuple[list[OutboxRow], dict[OutboxStatus, int]]:
            rows = model.ordered(outbox.list_outbox(db, statuses or None), order)
            return rows, outbox.outbox_counts(db)

        def done(found: tuple[list[OutboxRow], dict[OutboxStatus, int]]) -> None:
            if reload != self._reloads:
                return  # a newer reload is on its way
            rows, self._counts = found
            self.model.set_rows(rows, ordered_by=order)
            self.stack.setCurrentIndex(0 if self.model.rowCount() else 1)
            self.fit_columns(3)
            self._update()
            self.loaded.emit()

        self.tasks.run(
            work,
            title=_("Reading the outbox…"),
            on_done=done,
            on_error=lambda error: show_error(self, error),
        )

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(Entity.OUTBOX):
            self.reload()

    def selected(self) -> list[OutboxRow]:
        return [
            self.table.model().data(index, ROW_ROLE)
            for index in self.table.selectionModel().selectedRows()
        ]

    def _update(self, *_args: object) -> None:
        rows = self.selected()
        statuses = {r.status for r in rows}
        self.open_button.setEnabled(len(rows) == 1)
        self.retry_button.setEnabled(bool(statuses & {OutboxStatus.FAILED, OutboxStatus.UNCERTAIN}))
        self.cancel_button.setEnabled(
            bool(statuses & {OutboxStatus.PENDING, OutboxStatus.FAILED, OutboxStatus.UNCERTAIN})
        )
        self.sent_button.setEnabled(OutboxStatus.UNCERTAIN in statuses)
        self.resend_button.setEnabled(bool(statuses) and OutboxStatus.PENDING not in statuses)
        self.send_button.setEnabled(bool(self._counts.get(OutboxStatus.PENDING)))
        self.export_button.setEnabled(bool(self._counts.get(OutboxStatus.FAILED)))

    def _act(self, action: Callable[[Database, list[int]], Outcome[int]]) -> None:
        ids = [r.id for r in self.selected()]
        if ids:
            self.ctx.op(self, lambda: action(self.ctx.db, ids))

    def open_selected(self, *_args: object) -> None:
        rows = self.selected()
        if len(rows) != 1:
            return
        row = rows[0]
        content = outbox.message_content(self.ctx.db, row.id)
        parsed = email.message_from_bytes(content, policy=default)
        body = parsed.get_body(preferencelist=("plain",))
        draft = Draft(
            "",
            row.kind,
            row.session_id,
            None,
            row.recipient,
            row.recipient_name,
            row.subject,
            body.get_content() if body is not None else "",
            content,
            row.message_id,
        )
        dialog = QDialog(self)
        dialog.setWindowTitle(row.subject)
        dialog.resize(620, 480)
        text = QPlainTextEdit(mail.message_text(draft))
        text.setReadOnly(True)
        details = QLabel(
            _("Status: {status}. Attempts: {n}. Message-ID: {mid}").format(
                status=row.status.label(), n=row.attempts, mid=row.message_id
            )
            + (("\n" + row.last_error) if row.last_error else "")
        )
        details.setWordWrap(True)
        buttons = button_box(dialog, CLOSE)
        layout = QVBoxLayout(dialog)
        layout.addWidget(details)
        layout.addWidget(text)
        layout.addWidget(buttons)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.message_dialog = dialog

    def send_pending(self) -> None:
        pending = outbox.outbox_counts(self.ctx.db).get(OutboxStatus.PENDING, 0)
        if not pending:
            return
        question = ngettext(
            "Send {n} pending message?", "Send {n} pending messages?", pending
        ).format(n=pending)
        if mail.ask_yes(self, question):
            self.mailer.send(None, self.status.setText)

    def resend_selected(self) -> None:
        rows = self.selected()
        if not rows:
            return
        question = ngettext(
            "Send {n} message again as a new copy?",
            "Send {n} messages again as new copies?",
            len(rows),
        ).format(n=len(rows))
        if mail.ask_yes(self, question):
            ids = self.ctx.apply(outbox.resend(self.ctx.db, [r.id for r in rows]))
            self.mailer.send(ids, self.status.setText)

    def export_failed(self) -> None:
        path = document_preview.ask_save_path(
            self, _("Export failed messages"), "failed-messages.csv", "CSV (*.csv)"
        )
        if path is not None:
            done = self.ctx.attempt(self, lambda: outbox.export_failed(self.ctx.db, path))
            if done is not None:
                self.status.setText(_("Saved {path}.").format(path=path))

"""The outbox table: every message with its fate."""

from __future__ import annotations

from PySide6.QtCore import QObject

from iltdesk import formatting
from iltdesk.domain.rows import OutboxRow
from iltdesk.i18n import _
from iltdesk.models.base import Column
from iltdesk.models.base import RowTableModel


class OutboxTableModel(RowTableModel[OutboxRow]):
    """Instants are shown in `zone` (the user's), since a message belongs to no venue."""

    def __init__(self, parent: QObject | None = None, zone: str = "UTC") -> None:
        super().__init__(parent)
        self.zone = zone
        self.columns = (
            Column(header=lambda: _("Status"), display=lambda r: r.status.label()),
            Column(header=lambda: _("Kind"), display=lambda r: r.kind.label()),
            Column(
                header=lambda: _("Recipient"),
                display=lambda r: r.recipient,
                tooltip=lambda r: r.recipient_name,
            ),
            Column(header=lambda: _("Subject"), display=lambda r: r.subject),
            Column(
                header=lambda: _("Attempts"),
                display=lambda r: str(r.attempts),
                sort=lambda r: r.attempts,
                align_right=True,
            ),
            Column(
                header=lambda: _("Queued or sent"),
                display=self._when,
                sort=lambda r: r.sent_at or r.created_at,
            ),
            Column(
                header=lambda: _("Last error"),
                display=lambda r: r.last_error,
                tooltip=lambda r: r.last_error,
            ),
        )

    def _when(self, row: OutboxRow) -> str:
        return formatting.format_datetime(row.sent_at or row.created_at, self.zone)

"""The outbox table: every message with its fate."""

from __future__ import annotations

from iltdesk import formatting
from iltdesk.i18n import _
from iltdesk.models.base import Column, RowTableModel
from iltdesk.services.outbox import OutboxRow


def _when(row: OutboxRow) -> str:
    instant = row.sent_at or row.created_at
    return formatting.format_datetime(instant, "UTC") if instant else ""


class OutboxTableModel(RowTableModel[OutboxRow]):
    columns = (
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
            display=_when,
            sort=lambda r: r.sent_at or r.created_at,
        ),
        Column(
            header=lambda: _("Last error"),
            display=lambda r: r.last_error,
            tooltip=lambda r: r.last_error,
        ),
    )

"""Limits and groups of message kinds the outbox modules share."""

from __future__ import annotations

from collections.abc import Callable

from iltdesk.domain.enums import MessageKind
from iltdesk.domain.enums import OutboxStatus

Report = Callable[[int, int, str], None]
BACKOFF_SECONDS = (2.0, 10.0, 60.0, 300.0)  # after the 1st, 2nd, 3rd, 4th transient failure
MAX_ATTEMPTS = 5
INVITING = (MessageKind.CONFIRMATION, MessageKind.PROMOTED, MessageKind.CHANGED)
# Messages with a calendar part: each one's SEQUENCE is one more than the last.
CALENDAR_KINDS = (*INVITING, MessageKind.DAYS_REMOVED, MessageKind.CANCELLED)
# Rows that reached (or may have reached) the learner's mailbox, so their calendar.
DELIVERED = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.SENT, OutboxStatus.UNCERTAIN)

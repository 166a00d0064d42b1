"""Reminders due before upcoming sessions."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from iltdesk.db.engine import Database
from iltdesk.domain.enums import MessageKind
from iltdesk.services import scheduling
from iltdesk.services.outbox.compose import compose
from iltdesk.services.outbox.context import Composed
from iltdesk.services.outbox.settings import mail_settings

# --- reminders ------------------------------------------------------------------------------


def due_reminders(
    db: Database, now: datetime | None = None, fallback_language: str = "en"
) -> list[Composed]:
    """Reminders that fall due now (N days before the first day) and are not yet queued.

    Only when the coordinator switched reminders on. Nothing is written: the caller asks first.
    """
    settings = mail_settings(db)
    if not settings.reminders_enabled:
        return []
    now = now or datetime.now(UTC)
    horizon = now + timedelta(days=settings.reminder_days)
    sessions = scheduling.list_sessions(db, starts_after=now, starts_before=horizon)
    found = []
    for session in sessions:
        if session.status.value not in ("planned", "confirmed"):
            continue
        composed = compose(
            db, MessageKind.REMINDER, session.id, fallback_language=fallback_language
        )
        if composed.drafts:
            found.append(composed)
    return found

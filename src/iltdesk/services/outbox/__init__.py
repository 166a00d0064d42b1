"""The outbox: every email is first a row, then sent exactly as stored, exactly once.

Composing renders messages for a session's learners (nothing is written); queueing stores them
under a dedupe key, so the same certificate or confirmation is never queued twice unless the
user asks for a resend; sending claims one row at a time ("sending"), delivers it, and marks
it sent in its own small transaction. A row found in "sending" after a crash becomes
"uncertain" — it may have gone out — and is only sent again if the user says so.
"""

from __future__ import annotations

from iltdesk.services.outbox.compose import (
    compose,
    compose_interest_offers,
    compose_test,
)
from iltdesk.services.outbox.constants import (
    BACKOFF_SECONDS,
    CALENDAR_KINDS,
    DELIVERED,
    INVITING,
    MAX_ATTEMPTS,
    Report,
)
from iltdesk.services.outbox.context import (
    CalendarState,
    Composed,
    Draft,
    calendar_states,
    first_date,
    invited_count,
    session_dates,
)
from iltdesk.services.outbox.queue import (
    cancel,
    export_failed,
    list_outbox,
    mark_sent_by_user,
    message_content,
    outbox_counts,
    queue,
    recover_interrupted,
    resend,
    retry,
)
from iltdesk.services.outbox.reminders import (
    due_reminders,
)
from iltdesk.services.outbox.sending import (
    SendSummary,
    ensure_can_send,
    retry_delay,
    send_queue,
)
from iltdesk.services.outbox.settings import (
    MAIL_DEFAULTS,
    MailSettings,
    get_config,
    get_template,
    mail_settings,
    make_transport,
    reset_template,
    save_template,
    set_mail_settings,
)

__all__ = [
    "BACKOFF_SECONDS",
    "CALENDAR_KINDS",
    "DELIVERED",
    "INVITING",
    "MAIL_DEFAULTS",
    "MAX_ATTEMPTS",
    "CalendarState",
    "Composed",
    "Draft",
    "MailSettings",
    "Report",
    "SendSummary",
    "calendar_states",
    "cancel",
    "compose",
    "compose_interest_offers",
    "compose_test",
    "due_reminders",
    "ensure_can_send",
    "export_failed",
    "first_date",
    "get_config",
    "get_template",
    "invited_count",
    "list_outbox",
    "mail_settings",
    "make_transport",
    "mark_sent_by_user",
    "message_content",
    "outbox_counts",
    "queue",
    "recover_interrupted",
    "resend",
    "reset_template",
    "retry",
    "retry_delay",
    "save_template",
    "send_queue",
    "session_dates",
    "set_mail_settings",
]

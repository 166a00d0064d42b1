"""The outbox: every email is first a row, then sent exactly as stored, exactly once.

Composing renders messages for a session's learners (nothing is written); queueing stores them
under a dedupe key, so the same certificate or confirmation is never queued twice unless the
user asks for a resend; sending claims one row at a time ("sending"), delivers it, and marks
it sent in its own small transaction. A row found in "sending" after a crash becomes
"uncertain" — it may have gone out — and is only sent again if the user says so.
"""

from __future__ import annotations

from iltdesk.services.outbox.compose import compose
from iltdesk.services.outbox.compose import compose_interest_offers
from iltdesk.services.outbox.compose import compose_test
from iltdesk.services.outbox.constants import BACKOFF_SECONDS
from iltdesk.services.outbox.constants import CALENDAR_KINDS
from iltdesk.services.outbox.constants import DELIVERED
from iltdesk.services.outbox.constants import INVITING
from iltdesk.services.outbox.constants import MAX_ATTEMPTS
from iltdesk.services.outbox.constants import Report
from iltdesk.services.outbox.context import CalendarState
from iltdesk.services.outbox.context import Composed
from iltdesk.services.outbox.context import Draft
from iltdesk.services.outbox.context import calendar_states
from iltdesk.services.outbox.context import first_date
from iltdesk.services.outbox.context import invited_count
from iltdesk.services.outbox.context import session_dates
from iltdesk.services.outbox.queue import cancel
from iltdesk.services.outbox.queue import export_failed
from iltdesk.services.outbox.queue import list_outbox
from iltdesk.services.outbox.queue import mark_sent_by_user
from iltdesk.services.outbox.queue import message_content
from iltdesk.services.outbox.queue import outbox_counts
from iltdesk.services.outbox.queue import queue
from iltdesk.services.outbox.queue import recover_interrupted
from iltdesk.services.outbox.queue import resend
from iltdesk.services.outbox.queue import retry
from iltdesk.services.outbox.reminders import due_reminders
from iltdesk.services.outbox.sending import SendSummary
from iltdesk.services.outbox.sending import ensure_can_send
from iltdesk.services.outbox.sending import retry_delay
from iltdesk.services.outbox.sending import send_queue
from iltdesk.services.outbox.settings import MAIL_DEFAULTS
from iltdesk.services.outbox.settings import MailSettings
from iltdesk.services.outbox.settings import config_text
from iltdesk.services.outbox.settings import config_values
from iltdesk.services.outbox.settings import get_config
from iltdesk.services.outbox.settings import get_template
from iltdesk.services.outbox.settings import mail_settings
from iltdesk.services.outbox.settings import make_transport
from iltdesk.services.outbox.settings import reset_template
from iltdesk.services.outbox.settings import save_template
from iltdesk.services.outbox.settings import set_mail_settings

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
    "config_text",
    "config_values",
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

"""Building the email itself.

Headers that cannot be injected into, text, attachments, and a calendar part that mail
programs show as an invitation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.policy import SMTPUTF8
from email.utils import format_datetime
from email.utils import make_msgid

from iltdesk.domain.emails import envelope


@dataclass(frozen=True)
class Sender:
    """Who a message comes from, and where replies go."""

    name: str
    address: str
    reply_to: str = ""


@dataclass(frozen=True)
class Attachment:
    """A file attached to a message."""

    filename: str
    data: bytes
    maintype: str = "application"
    subtype: str = "pdf"


@dataclass(frozen=True)
class CalendarPart:
    """The calendar part of a message: the iCalendar text and its method."""

    ics: bytes
    method: str  # REQUEST or CANCEL


def one_line(text: str) -> str:
    r"""Header text with every line break and control character turned into a space.

    A learner called "Ann\r\nBcc: x@y" gets a name with spaces in it, never a new header.
    """
    cleaned = "".join(" " if ord(ch) < 32 or ch in "\u2028\u2029\x7f\x85" else ch for ch in text)
    return " ".join(cleaned.split())


def _address(name: str, address: str) -> Address:
    """The header form of an address: its domain in ASCII (a Unicode domain as IDNA)."""
    carried = envelope(address)
    return Address(display_name=one_line(name), username=carried.local, domain=carried.domain)


def build_message(
    *,
    sender: Sender,
    recipient_name: str,
    recipient: str,
    subject: str,
    body: str,
    attachments: tuple[Attachment, ...] = (),
    calendar: CalendarPart | None = None,
    now: datetime | None = None,
) -> tuple[bytes, str]:
    """The message as bytes ready for SMTP, and its Message-ID."""
    message = EmailMessage(policy=SMTP)
    message["From"] = _address(sender.name, sender.address)
    message["To"] = _address(recipient_name, recipient)
    if sender.reply_to:
        message["Reply-To"] = _address("", sender.reply_to)
    message["Subject"] = one_line(subject)
    message["Date"] = format_datetime((now or datetime.now(UTC)).astimezone(UTC))
    domain = sender.address.rpartition("@")[2] or "iltdesk.invalid"
    message_id = make_msgid(idstring="iltdesk", domain=domain)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    if calendar is not None:
        message.add_alternative(
            calendar.ics.decode("utf-8"),
            subtype="calendar",
            params={"method": calendar.method},
        )
        message.add_attachment(
            calendar.ics, maintype="application", subtype="ics", filename="invite.ics"
        )
    for attachment in attachments:
        message.add_attachment(
            attachment.data,
            maintype=attachment.maintype,
            subtype=attachment.subtype,
            filename=attachment.filename,
        )
    # An address with a Unicode name part (łukasz@…) cannot be written in ASCII headers (an
    # encoded word is not allowed there): such a message is UTF-8 throughout (RFC 6532), sent
    # with SMTPUTF8.
    international = any(
        envelope(address).smtputf8 for address in (sender.address, recipient, sender.reply_to)
    )
    return message.as_bytes(policy=SMTPUTF8 if international else SMTP), message_id

"""Calendar invitations (iCalendar, RFC 5545/5546) for a learner's place on a session.

One VEVENT per session day, each with a UID derived from the enrolment (so an update or a
cancellation replaces exactly what the first invitation created), times in the venue's zone
with its VTIMEZONE, and a SEQUENCE that grows with every update.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event
from icalendar import Timezone
from icalendar import vCalAddress
from icalendar import vText


@dataclass(frozen=True)
class InviteDay:
    """One day of a calendar invitation."""

    start: datetime  # aware, UTC
    end: datetime
    index: int | None = None  # which day's UID; None: its position in the invitation
    link: str = ""  # this day's own meeting link (else the invitation's)


@dataclass(frozen=True)
class Invitation:
    """A calendar invitation for one learner and session (RFC 5545)."""

    uid: str  # stable per enrolment, e.g. "enrollment-40@iltdesk.example.com"
    sequence: int
    method: str  # "REQUEST" or "CANCEL"
    summary: str
    location: str
    description: str
    timezone: str
    days: tuple[InviteDay, ...]
    organizer_email: str
    organizer_name: str
    attendee_email: str
    attendee_name: str
    url: str = ""


def day_uid(uid: str, index: int) -> str:
    """The UID of one day of a multi-day invitation."""
    local, _, domain = uid.partition("@")
    return f"{local}-day{index + 1}@{domain}" if domain else f"{uid}-day{index + 1}"


def build_invitation(invite: Invitation, now: datetime | None = None) -> bytes:
    """The invitation as iCalendar bytes, one event per day in the venue's zone."""
    zone = ZoneInfo(invite.timezone)
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//ILT Desk//EN")
    calendar.add("version", "2.0")
    calendar.add("method", invite.method)
    if invite.days:
        first = invite.days[0].start.astimezone(zone).date()
        last = invite.days[-1].end.astimezone(zone).date()
        calendar.add_component(
            Timezone.from_tzinfo(
                zone,
                tzid=invite.timezone,
                first_date=first - timedelta(days=1),
                last_date=max(last, first) + timedelta(days=366),
            )
        )
    organizer = vCalAddress(f"mailto:{invite.organizer_email}")
    organizer.params["cn"] = vText(invite.organizer_name or invite.organizer_email)
    attendee = vCalAddress(f"mailto:{invite.attendee_email}")
    attendee.params["cn"] = vText(invite.attendee_name or invite.attendee_email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    attendee.params["rsvp"] = vText("FALSE")
    total = max((d.index + 1 for d in invite.days if d.index is not None), default=0)
    total = max(total, len(invite.days))
    for position, day in enumerate(invite.days):
        index = position if day.index is None else day.index
        event = Event()
        event.add("uid", day_uid(invite.uid, index))
        event.add("sequence", invite.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", day.start.astimezone(zone))
        event.add("dtend", day.end.astimezone(zone))
        summary = invite.summary if total == 1 else f"{invite.summary} ({index + 1}/{total})"
        event.add("summary", summary)
        location, description, url = invite.location, invite.description, invite.url
        if day.link:  # a day with a link of its own (a multi-day virtual session)
            location = location.replace(invite.url, day.link) if invite.url else day.link
            description, url = day.link, day.link
        if location:
            event.add("location", location)
        if description:
            event.add("description", description)
        if url:
            event.add("url", url)
        event["organizer"] = organizer
        event.add("attendee", attendee, encode=False)
        event.add("status", "CANCELLED" if invite.method == "CANCEL" else "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def event_times(message: bytes) -> dict[str, tuple[datetime, datetime]]:
    """UID → (start, end) as UTC instants for every event in a stored message's calendar part."""
    from email import message_from_bytes
    from email.policy import default

    parsed = message_from_bytes(message, policy=default)
    found: dict[str, tuple[datetime, datetime]] = {}
    for part in parsed.walk():
        if part.get_content_type() != "text/calendar":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        for event in Calendar.from_ical(payload).walk("VEVENT"):
            start, end = event.decoded("dtstart"), event.decoded("dtend")
            if isinstance(start, datetime) and isinstance(end, datetime):
                found[str(event["uid"])] = (start.astimezone(UTC), end.astimezone(UTC))
        break
    return found

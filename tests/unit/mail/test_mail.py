"""Messages, invitations and templates, parsed back with the standard library and icalendar."""

from __future__ import annotations

import email
from datetime import UTC
from datetime import datetime
from email.policy import default
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iltdesk.domain.enums import MessageKind
from iltdesk.mail.calendar import Invitation
from iltdesk.mail.calendar import InviteDay
from iltdesk.mail.calendar import build_invitation
from iltdesk.mail.messages import Attachment
from iltdesk.mail.messages import CalendarPart
from iltdesk.mail.messages import Sender
from iltdesk.mail.messages import build_message
from iltdesk.mail.messages import one_line
from iltdesk.mail.templates import Template
from iltdesk.mail.templates import default_template
from iltdesk.mail.templates import render
from iltdesk.mail.templates import template_errors

LONDON = ZoneInfo("Europe/London")


def _london(day: int, month: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=LONDON).astimezone(UTC)


def _invite(method="REQUEST", sequence=0):
    # Saturday 24 Oct (BST, UTC+1) and Monday 26 Oct (GMT, UTC+0): clocks go back on the 25th.
    return Invitation(
        uid="iltdesk-enrollment-40@example.com",
        sequence=sequence,
        method=method,
        summary="Forklift Safety",
        location="Room 2, 1 High St",
        description="",
        timezone="Europe/London",
        days=(
            InviteDay(_london(24, 10, 9), _london(24, 10, 17)),
            InviteDay(_london(26, 10, 9), _london(26, 10, 17)),
        ),
        organizer_email="training@example.com",
        organizer_name="Training",
        attendee_email="ann@example.com",
        attendee_name="Ann Lee",
    )


def test_invitation_across_a_daylight_saving_change_parses_back_right():
    calendar = icalendar.Calendar.from_ical(build_invitation(_invite()))
    assert calendar["METHOD"] == "REQUEST"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    starts = [e.decoded("DTSTART") for e in events]
    assert [s.astimezone(UTC).hour for s in starts] == [8, 9]  # 09:00 BST, then 09:00 GMT
    assert [s.hour for s in starts] == [9, 9]
    assert events[0]["DTSTART"].params["TZID"] == "Europe/London"
    assert [str(e["UID"]) for e in events] == [
        "iltdesk-enrollment-40-day1@example.com",
        "iltdesk-enrollment-40-day2@example.com",
    ]
    assert "mailto:ann@example.com" in str(events[0]["ATTENDEE"])


def test_update_and_cancel_keep_the_uid_and_raise_the_sequence():
    first = icalendar.Calendar.from_ical(build_invitation(_invite()))
    update = icalendar.Calendar.from_ical(build_invitation(_invite(sequence=1)))
    cancel = icalendar.Calendar.from_ical(build_invitation(_invite("CANCEL", 2)))
    uid = [str(e["UID"]) for e in first.walk("VEVENT")]
    assert [str(e["UID"]) for e in update.walk("VEVENT")] == uid
    assert [int(e["SEQUENCE"]) for e in update.walk("VEVENT")] == [1, 1]
    assert cancel["METHOD"] == "CANCEL"
    assert {str(e["STATUS"]) for e in cancel.walk("VEVENT")} == {"CANCELLED"}


def test_message_with_pdf_and_invitation():
    ics = build_invitation(_invite())
    raw, message_id = build_message(
        sender=Sender("Training Team", "training@example.com", "help@example.com"),
        recipient_name="Zoë Müller",
        recipient="zoe@example.com",
        subject="Bestätigt: Forklift Safety",
        body="Guten Tag Zoë,\n",
        attachments=(Attachment("certificate.pdf", b"%PDF-1.4 test"),),
        calendar=CalendarPart(ics, "REQUEST"),
    )
    message = email.message_from_bytes(raw, policy=default)
    assert message["Message-ID"] == message_id
    assert str(message["To"]) == "Zoë Müller <zoe@example.com>"
    assert str(message["Reply-To"]) == "help@example.com"
    assert message["Subject"] == "Bestätigt: Forklift Safety"
    parts = {p.get_content_type(): p for p in message.walk()}
    assert parts["text/calendar"].get_param("method") == "REQUEST"
    assert parts["application/pdf"].get_content() == b"%PDF-1.4 test"
    assert parts["text/plain"].get_content().rstrip() == "Guten Tag Zoë,"


@pytest.mark.parametrize("evil", ["Ann\r\nBcc: thief@example.com", "Ann\nBcc: thief@example.com"])
def test_line_breaks_in_names_and_subjects_never_add_headers(evil):
    raw, _mid = build_message(
        sender=Sender(evil, "training@example.com"),
        recipient_name=evil,
        recipient="ann@example.com",
        subject=evil,
        body="x",
    )
    message = email.message_from_bytes(raw, policy=default)
    assert message["Bcc"] is None
    assert b"\r\nBcc:" not in raw
    assert b"\nBcc:" not in raw


@given(st.text())
def test_one_line_never_leaves_a_line_break(text):
    cleaned = one_line(text)
    assert "\r" not in cleaned
    assert "\n" not in cleaned


def test_templates_report_unknown_placeholders_and_render_known_ones():
    assert template_errors(Template("Hi {first_name}", "{course} on {session_dates}")) == []
    errors = template_errors(Template("Hi {frist_name}", "ok {"))
    assert "{frist_name}" in errors[0]
    assert "does not know" in errors[0]
    assert "opens or closes nothing" in errors[1]
    subject, body = render(
        Template("Hi  {first_name}\n", "{course}"), {"first_name": "Ann", "course": "First Aid"}
    )
    assert (subject, body) == ("Hi Ann", "First Aid")


@pytest.mark.parametrize("kind", list(MessageKind))
@pytest.mark.parametrize("language", ["en", "de"])
def test_every_default_template_is_valid(kind, language):
    assert template_errors(default_template(kind, language)) == []

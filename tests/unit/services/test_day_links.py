"""A multi-day virtual session may meet on a different link each day."""

from __future__ import annotations

import email
from datetime import date
from email.policy import default

import icalendar

from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.specs import SessionSpec
from iltdesk.services import enrollment
from iltdesk.services import outbox
from iltdesk.services import printing
from iltdesk.services import scheduling
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.smtp import configure


def test_each_day_keeps_its_link_and_the_invitation_carries_it(db):
    from dataclasses import replace

    course = make_course(db)
    zone = "Europe/Berlin"
    first = day_spec(date(2027, 3, 15), "09:00", "12:00", zone)
    second = replace(
        day_spec(date(2027, 3, 16), "09:00", "12:00", zone),
        meeting_link="https://meet.example.com/day-two",
    )
    spec = SessionSpec(
        course_id=course.id,
        mode=DeliveryMode.VIRTUAL,
        timezone=zone,
        capacity=10,
        days=(first, second),
        meeting_link="https://meet.example.com/main",
    )
    session = scheduling.create_session(db, spec).value
    assert [d.meeting_link for d in session.days] == ["", "https://meet.example.com/day-two"]
    listed = next(s for s in scheduling.list_sessions(db) if s.id == session.id)
    assert listed.days[1].meeting_link == "https://meet.example.com/day-two"
    assert scheduling.spec_for_row(session).days[1].meeting_link.endswith("day-two")
    guide = printing.facilitator_guide(db, session.id)
    assert guide.days[1].heading.endswith("https://meet.example.com/day-two")
    configure(db, 2525)  # composing only: nothing is sent
    enrollment.enroll_learner(db, session.id, make_learner(db).id)
    composed = outbox.compose(db, MessageKind.CONFIRMATION, session.id)
    message = email.message_from_bytes(composed.drafts[0].content, policy=default)
    calendar_part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    events = icalendar.Calendar.from_ical(calendar_part.get_payload(decode=True)).walk("VEVENT")
    assert [str(e["url"]) for e in events] == [
        "https://meet.example.com/main",
        "https://meet.example.com/day-two",
    ]

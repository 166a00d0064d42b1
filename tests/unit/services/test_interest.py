"""The interest list: waiting in order, offered a session's seats once, enrolled in list order."""

from __future__ import annotations

from datetime import date

import pytest

from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import MessageKind
from iltdesk.errors import NotFoundError
from iltdesk.errors import ValidationError
from iltdesk.mail.transport import SmtpTransport
from iltdesk.services import enrollment
from iltdesk.services import interest
from iltdesk.services import outbox
from iltdesk.services.compliance_actions import add_to_interest
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session
from tests.fixtures.smtp import start_server


@pytest.fixture
def waiting(db):
    course = make_course(db, code="CO-101", title="Coaching Basics")
    people = [
        make_learner(db, "Ann", "Lee", email="ann@example.com"),
        make_learner(db, "Bo", "Chen", email="bo@example.com"),
        make_learner(db, "Cy", "Ode", email="cy@example.com"),
    ]
    add_to_interest(db, course.id, [people[0].id])
    interest.add_by_email(db, course.id, ["CY@example.com", "bo@example.com"])
    return course, people


def test_waiting_in_the_order_they_joined(db, waiting):
    course, people = waiting
    rows = interest.interest_list(db, course.id)
    assert [(r.position, r.email) for r in rows] == [
        (1, "ann@example.com"),
        (2, "cy@example.com"),
        (3, "bo@example.com"),
    ]
    assert interest.add_by_email(db, course.id, ["ann@example.com"]).value == 0  # already there
    with pytest.raises(ValidationError, match=r"zed@example\.com"):
        interest.add_by_email(db, course.id, ["zed@example.com"])
    interest.remove(db, course.id, [people[2].id], "Left the company")
    assert [r.email for r in interest.interest_list(db, course.id)] == [
        "ann@example.com",
        "bo@example.com",
    ]
    assert interest.course_by_code(db, "co-101")[0] == course.id
    with pytest.raises(NotFoundError):
        interest.course_by_code(db, "XX-1")


def test_those_who_accept_are_enrolled_in_list_order_and_their_wait_ends(db, waiting):
    course, people = waiting
    session = make_session(db, course.id, capacity=1)
    report = interest.enrol_from_list(db, session.id, [people[1].id, people[0].id]).value
    assert [r.learner_id for r in report.enrolled] == [people[0].id]  # Ann joined first
    assert [r.learner_id for r in report.waitlisted] == [people[1].id]
    assert [r.email for r in interest.interest_list(db, course.id)] == ["cy@example.com"]
    statuses = {r.learner_id: r.status for r in enrollment.roster(db, session.id)}
    assert statuses == {
        people[0].id: EnrollmentStatus.ENROLLED,
        people[1].id: EnrollmentStatus.WAITLISTED,
    }


def test_someone_booked_elsewhere_stays_on_the_list(db, waiting):
    course, people = waiting
    day = (day_spec(date(2027, 5, 3), "09:00", "12:00", "Europe/London"),)
    elsewhere = make_session(db, days=day)
    enrollment.enroll_learner(db, elsewhere.id, people[2].id)
    session = make_session(db, course.id, days=day)
    report = interest.enrol_from_list(db, session.id, [people[2].id]).value
    assert report.clashing[0][0] == people[2].id
    assert "cy@example.com" in [r.email for r in interest.interest_list(db, course.id)]


def test_seats_are_offered_by_email_once_per_session(db, waiting):
    course, people = waiting
    session = make_session(db, course.id)
    server = start_server()
    try:
        settings = outbox.set_mail_settings(
            db,
            {
                "mail.host": "127.0.0.1",
                "mail.port": str(server.port),
                "mail.security": "none",
                "mail.sender_address": "training@example.com",
            },
        ).value
        ids = [p.id for p in people[:2]]
        composed = outbox.compose_interest_offers(db, session.id, ids)
        assert [d.recipient for d in composed.drafts] == ["ann@example.com", "bo@example.com"]
        assert all(d.enrollment_id is None and d.session_id == session.id for d in composed.drafts)
        assert composed.drafts[0].kind is MessageKind.INTEREST_OFFER
        assert "Coaching Basics" in composed.drafts[0].subject
        assert "Reply to this message" in composed.drafts[0].body
        outbox.queue(db, composed.drafts)
        report = outbox.send_queue(
            db, SmtpTransport(settings.smtp, ""), settings.sender_address, backoff=(0.0,)
        )
        assert report.sent == 2
        assert sorted(m.recipients[0] for m in server.recorder.received) == [
            "ann@example.com",
            "bo@example.com",
        ]
        again = outbox.compose_interest_offers(db, session.id, ids)
        assert (again.drafts, again.already_queued) == ((), 2)
    finally:
        server.stop()


def test_a_session_cancelled_for_low_numbers_hands_its_learners_to_the_list(db, waiting):
    from iltdesk.domain.enums import CancelCause
    from iltdesk.services import lifecycle

    course, people = waiting
    interest.remove(db, course.id, [people[1].id, people[2].id], "Enrolled elsewhere")
    session = make_session(db, course.id, capacity=1)
    newcomer = make_learner(db, "Di", "Fox", email="di@example.com")
    for person in (newcomer, people[0], people[1]):  # Di has the seat; Ann and Bo wait
        enrollment.enroll_learner(db, session.id, person.id)
    lifecycle.cancel_session(
        db, session.id, "Too few", cause=CancelCause.LOW_NUMBERS, to_interest=True
    )
    rows = interest.interest_list(db, course.id)
    # Ann was waiting already and keeps her place; Di (a seat) before Bo (the waitlist).
    assert [r.email for r in rows] == ["ann@example.com", "di@example.com", "bo@example.com"]
    assert rows[1].note == f"Session {session.id} was cancelled"

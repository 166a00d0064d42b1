"""Seats and the waitlist: counted, numbered, renumbered and filled in order."""

from __future__ import annotations

from iltdesk.db.entities import TrainingSession
from iltdesk.domain.enums import EnrollmentStatus as E
from iltdesk.services import enrollment
from iltdesk.services import seats
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session


def test_seats_taken_waitlist_order_and_the_next_position(db):
    session = make_session(db, capacity=2)
    people = [make_learner(db, last=name) for name in ("A", "B", "C", "D")]
    for person in people:
        enrollment.enroll_learner(db, session.id, person.id)
    with db.transaction() as tx:
        assert seats.seats_taken(tx, session.id) == 2
        assert [e.learner_id for e in seats.waitlist(tx, session.id)] == [
            people[2].id,
            people[3].id,
        ]
        assert seats.next_waitlist_position(tx, session.id) == 3


def test_renumbering_closes_gaps_and_free_seats_promote_in_order(db):
    session = make_session(db, capacity=1)
    people = [make_learner(db, last=name) for name in ("A", "B", "C", "D")]
    places = [enrollment.enroll_learner(db, session.id, p.id).value.row for p in people]
    with db.transaction() as tx:
        first_waiting = seats.waitlist(tx, session.id)[0]
        first_waiting.status = E.CANCELLED  # left the waitlist without renumbering
        first_waiting.waitlist_position = None
        seats.renumber_waitlist(tx, session.id)
        assert [e.waitlist_position for e in seats.waitlist(tx, session.id)] == [1, 2]
        row = tx.get(TrainingSession, session.id)
        assert row is not None
        row.capacity = 3
        promoted = seats.fill_free_seats(tx, row)
        assert [e.learner_id for e in promoted] == [people[2].id, people[3].id]
        assert all(e.status is E.ENROLLED and e.waitlist_position is None for e in promoted)
        assert seats.seats_taken(tx, session.id) == 3
    assert places[0].status is E.ENROLLED

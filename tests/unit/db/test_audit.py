"""The audit trail: written by the unit of work, chained, and any rewrite is found."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy import text

from iltdesk.db.entities import AuditEntry
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.services import audit
from iltdesk.services import enrollment
from iltdesk.services import lifecycle
from iltdesk.services.attendance import MarkSpec
from iltdesk.services.attendance import record_marks
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session


@pytest.fixture
def marked(db):
    db.actor = "Maria Coordinator"
    session = make_session(db, capacity=3)
    ann = make_learner(db, "Ann", "Lee")
    place = enrollment.enroll_learner(db, session.id, ann.id).value.row.enrollment_id
    record_marks(db, session.id, [MarkSpec(place, session.days[0].id, AttendanceStatus.LATE, 200)])
    return session, ann, place


def entries(db):
    with db.transaction() as tx:
        return list(tx.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_changes_are_recorded_field_by_field_with_who_and_what(db, marked):
    session, ann, _place = marked
    found = entries(db)
    assert {e.actor for e in found} == {"Maria Coordinator"}
    marks = [e for e in found if e.entity == "attendance"]
    assert len(marks) == 1
    detail = json.loads(marks[0].detail)
    assert detail["status"] == "late"
    assert detail["minutes_attended"] == 200
    assert (marks[0].session_id, marks[0].learner_id) == (session.id, ann.id)
    status_changes = [
        json.loads(e.detail)["status"]
        for e in found
        if e.entity == "enrollment" and e.action == "update" and "status" in e.detail
    ]
    assert ["enrolled", "incomplete"] in status_changes  # 200 of 480 minutes
    words = [row.text for row in audit.history(db, session_id=session.id)]
    assert "Maria Coordinator marked Ann Lee Late on day 1" in words
    assert audit.verify(db).intact


def test_a_changed_or_cleared_mark_names_its_day(db, marked):
    """A change of status records only what changed; it read "on day 0"."""
    session, _ann, place = marked
    day = session.days[0].id  # marked Late by the fixture
    record_marks(db, session.id, [MarkSpec(place, day, AttendanceStatus.PRESENT)])
    words = [row.text for row in audit.history(db, session_id=session.id)]
    assert "Maria Coordinator marked Ann Lee Present on day 1" in words
    assert not any("day 0" in w for w in words)
    record_marks(db, session.id, [MarkSpec(place, day, None)])  # cleared: the mark is gone
    record_marks(db, session.id, [MarkSpec(place, day, AttendanceStatus.ABSENT)])
    words = [row.text for row in audit.history(db, session_id=session.id)]
    assert "Maria Coordinator cleared Ann Lee's mark on day 1" in words
    assert "Maria Coordinator marked Ann Lee Present on day 1" in words
    assert not any("day 0" in w for w in words)


def test_a_created_record_is_named_by_its_id_once(db, marked):
    """A new row's entry carries the id the database gave it, and no second summary entry."""
    from iltdesk.domain.specs import RoomSpec
    from iltdesk.services import people

    session, ann, place = marked
    room = people.save_room(db, RoomSpec("Suite 3", capacity=10)).value
    found = entries(db)
    created = {(e.entity, e.entity_id) for e in found if e.action == "create"}
    assert ("session", session.id) in created
    assert ("learner", ann.id) in created
    assert ("enrollment", place) in created
    assert [e.entity_id for e in found if e.entity == "room"] == [room.id]
    assert all(e.entity_id is not None for e in found if e.action == "create")


def test_a_reason_asked_for_travels_with_the_entries(db, marked):
    session, _ann, _place = marked
    lifecycle.cancel_session(db, session.id, "Trainer ill")
    cancelled = [e for e in entries(db) if e.entity == "session" and e.action == "cancel"]
    assert cancelled
    assert cancelled[0].reason == "Trainer ill"


def test_a_rolled_back_transaction_leaves_no_entry(db, marked):
    before = len(entries(db))
    from iltdesk.errors import ValidationError

    with pytest.raises(ValidationError):
        lifecycle.cancel_session(db, marked[0].id, "")  # refused: no reason
    assert len(entries(db)) == before


def _raw(db, sql, **params):
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_an_update_made_outside_the_app_is_found(db, marked):
    target = entries(db)[2].id
    _raw(db, "UPDATE audit_entries SET detail = '{}' WHERE id = :id", id=target)
    check = audit.verify(db)
    assert not check.intact
    assert check.broken.entry_id == target
    assert check.broken.kind == "content"
    assert f"entry {target}" in check.sentence()
    assert "changed, or added" in check.sentence()


def test_a_delete_made_outside_the_app_is_found(db, marked):
    found = entries(db)
    _raw(db, "DELETE FROM audit_entries WHERE id = :id", id=found[1].id)
    check = audit.verify(db)
    assert check.broken.entry_id == found[2].id
    assert check.broken.kind == "link"
    assert check.checked == 1
    assert "deleted or inserted" in check.sentence()


def test_an_insert_made_outside_the_app_is_found(db, marked):
    _raw(
        db,
        "INSERT INTO audit_entries (at, actor, entity, entity_id, action, detail, reason, "
        "prev_hash, hash) VALUES ('2026-01-01 00:00:00.000000', 'x', 'session', 1, "
        "'update', '{}', '', '', '')",
    )
    check = audit.verify(db)
    assert check.broken is not None
    assert check.broken.entity == "session"
    assert check.checked == len(entries(db)) - 1  # every real entry before it holds


def test_new_entries_keep_chaining_after_a_verify(db, marked):
    assert audit.verify(db).intact
    lifecycle.confirm_session(db, marked[0].id)
    assert audit.verify(db).checked == len(entries(db))


def test_a_session_days_times_read_on_the_venues_clock(db):
    """The trail keeps UTC; its history says a day's times as the venue's clock read them."""
    from datetime import date

    from iltdesk.services import scheduling
    from tests.fixtures.builders import day_spec

    session = make_session(
        db,
        days=(day_spec(date(2027, 6, 1), "09:00", "17:00", "Europe/Berlin"),),
        zone="Europe/Berlin",
    )
    spec = scheduling.spec_for_row(session)
    later = day_spec(date(2027, 6, 1), "10:00", "17:00", "Europe/Berlin")
    scheduling.update_session(db, session.id, replace(spec, days=(later,)))
    scheduling.update_session(
        db,
        session.id,
        replace(spec, days=(later, day_spec(date(2027, 6, 2), "09:00", "12:00", "Europe/Berlin"))),
    )
    words = " | ".join(row.text for row in audit.history(db, session_id=session.id))
    assert "10:00 CEST" in words  # the first day moved to 10:00 on the venue's clock
    assert "added a day starting 2 Jun 2027 09:00 CEST" in words
    assert "UTC" not in words
    assert "[]" not in words  # an empty list of promotions is left out

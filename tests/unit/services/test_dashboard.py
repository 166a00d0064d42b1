"""Dashboard items from their causes: instructor and room clashes in the coming weeks."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime

from iltdesk.domain.attention import AttentionKind
from iltdesk.domain.attention import Target
from iltdesk.domain.enums import InstructorRole
from iltdesk.services import dashboard
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_instructor
from tests.fixtures.builders import make_room
from tests.fixtures.builders import make_session

NOW = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


def clashes(db):
    kinds = (AttentionKind.INSTRUCTOR_CLASH, AttentionKind.ROOM_CLASH)
    return [
        (i.kind, i.target, i.target_id, i.text)
        for i in dashboard.needs_attention(db, now=NOW)
        if i.kind in kinds
    ]


def test_an_instructor_and_a_room_booked_twice_are_named_once_each(db):
    course = make_course(db)
    room = make_room(db, name="Suite 3")
    lead = make_instructor(db, "Priya Nair")
    other = make_instructor(db, "Tomasz Nowak")
    zone = "Europe/London"
    first = make_session(
        db,
        course.id,
        days=(day_spec(date(2026, 6, 3), "09:00", "12:00", zone),),
        room_id=room.id,
        instructors=((lead.id, InstructorRole.LEAD),),
    )
    make_session(  # the same morning, same trainer, same room
        db,
        course.id,
        days=(day_spec(date(2026, 6, 3), "11:00", "15:00", zone),),
        room_id=room.id,
        instructors=((lead.id, InstructorRole.LEAD),),
        allow_clashes=True,
    )
    make_session(  # touching end to start, another trainer: no clash
        db,
        course.id,
        days=(day_spec(date(2026, 6, 3), "15:00", "17:00", zone),),
        room_id=room.id,
        instructors=((other.id, InstructorRole.LEAD),),
    )
    assert clashes(db) == [
        (
            AttentionKind.INSTRUCTOR_CLASH,
            Target.SESSION,
            first.id,
            "Priya Nair is booked on two sessions at once on 3 Jun 2026.",
        ),
        (
            AttentionKind.ROOM_CLASH,
            Target.SESSION,
            first.id,
            "Suite 3 is booked for two sessions at once on 3 Jun 2026.",
        ),
    ]


def test_the_longest_queries_are_asked_first(db):
    """As the app starts, the home screen's reading runs beside the window being built: its
    two longest queries (expiring certificates, certificates not yet issued or emailed) go to
    SQLite first, so they run while the GUI thread loads Qt, not after the window shows."""
    from sqlalchemy import event

    make_session(db)
    asked: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            asked.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        dashboard.overview(db, now=datetime(2026, 6, 1, 12, tzinfo=UTC), zone="Europe/London")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert "min(certificates.expires_at)" in asked[0]  # expiring certificates
    assert "certificates.id IS NULL" in asked[1]  # completed without a certificate, unsent
    assert len(asked) > 8  # the rest of the attention list and the week follow

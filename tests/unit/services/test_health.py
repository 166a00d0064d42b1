"""“Check database” finds broken invariants, in sentences, and changes nothing."""

from __future__ import annotations

from sqlalchemy import text

from iltdesk.domain.enums import AttendanceStatus
from iltdesk.services import attendance
from iltdesk.services import enrollment
from iltdesk.services import health
from iltdesk.services.attendance import MarkSpec
from iltdesk.services.demo import DemoSize
from iltdesk.services.demo import load_demo
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session


def test_a_sound_demo_database_has_no_problems(db):
    load_demo(db, DemoSize(learners=300, sessions=30))
    assert health.check_database(db) == []


def test_broken_invariants_are_reported_in_sentences_and_stably(db):
    a, b = make_session(db, capacity=1), make_session(db)
    first = enrollment.enroll_learner(db, a.id, make_learner(db).id).value.row
    for _ in range(3):
        enrollment.enroll_learner(db, a.id, make_learner(db).id)
    attendance.record_marks(
        db, a.id, [MarkSpec(first.enrollment_id, a.days[0].id, AttendanceStatus.PRESENT)]
    )
    with db.engine.begin() as conn:  # damage the data behind the services' back
        conn.execute(text("UPDATE attendance SET day_id = :d"), {"d": b.days[0].id})
        conn.execute(
            text("UPDATE enrollments SET waitlist_position = 5 WHERE waitlist_position = 2")
        )
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        # Foreign keys off for one statement: SQLite's PRAGMA, PostgreSQL's replica role.
        raw.execute(
            "PRAGMA foreign_keys = OFF"
            if db.is_sqlite
            else "SET session_replication_role = replica"
        )
        raw.execute(
            "INSERT INTO certificates (enrollment_id, code, issued_at, revoke_reason) "
            "VALUES (999, 'ABC-123', '2026-01-01 00:00:00', '')"
        )
        raw.commit()
        raw.execute(
            "PRAGMA foreign_keys = ON" if db.is_sqlite else "SET session_replication_role = origin"
        )
    problems = health.check_database(db)
    kinds = sorted({p.check for p in problems})
    # SQLite's foreign-key check finds the orphan too; a server keeps storage to itself.
    expected = ["attendance", "certificate", "storage", "waitlist"]
    assert kinds == (expected if db.is_sqlite else [k for k in expected if k != "storage"])
    messages = " ".join(p.message for p in problems)
    assert "is for a day of session" in messages
    assert "Certificate ABC-123 belongs to no enrollment" in messages
    assert "positions 1, 3, 5" in messages
    assert health.check_database(db) == problems  # running again reports nothing new

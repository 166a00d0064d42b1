"""The demo organisation: realistic, deterministic, scalable."""

from __future__ import annotations

from datetime import date

import pytest

from iltdesk.db.engine import database_url
from iltdesk.db.opening import open_database
from iltdesk.domain.enums import ActivityType
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.errors import ValidationError
from iltdesk.services import catalogue
from iltdesk.services import enrollment
from iltdesk.services import people
from iltdesk.services import scheduling
from iltdesk.services.demo import DemoSize
from iltdesk.services.demo import load_demo

TODAY = date(2026, 11, 28)


def test_demo_has_the_promised_shape(db):
    summary = load_demo(db, today=TODAY).value
    assert (summary.courses, summary.instructors, summary.rooms) == (12, 8, 5)
    assert (summary.sessions, summary.learners) == (360, 600)
    sessions = scheduling.list_sessions(db)
    zones = {s.timezone for s in sessions}
    assert len(zones) >= 3
    assert {s.mode for s in sessions} >= {DeliveryMode.IN_PERSON, DeliveryMode.VIRTUAL}
    assert any(len(s.days) > 1 for s in sessions)
    assert (
        min(s.first_start.date() for s in sessions)
        < TODAY
        < max(s.first_start.date() for s in sessions)
    )
    assert any(s.waitlisted for s in sessions)
    assert all(len(c.objectives) >= 2 for c in catalogue.list_courses(db))
    agendas = [catalogue.get_agenda(db, c.id) for c in catalogue.list_courses(db)]
    assert all(agendas)
    # A break serves no objective (the facilitator guide printed "Break · Objective 2").
    blocks = [item for agenda in agendas for item in agenda]
    assert all(i.objective_index is None for i in blocks if i.activity is ActivityType.BREAK)
    assert all(
        i.objective_index is not None for i in blocks if i.activity is not ActivityType.BREAK
    )
    assert people.list_rooms(db)
    assert people.list_instructors(db)
    past = [s for s in sessions if s.last_end.date() < TODAY and s.status.value == "completed"]
    statuses = {r.status for s in past for r in enrollment.roster(db, s.id)}
    assert EnrollmentStatus.COMPLETED in statuses
    assert summary.attendance > 0
    # Two and a half years of history, so every report has something to say.
    assert (TODAY - min(s.first_start.date() for s in sessions)).days >= 850


def test_demo_history_feeds_every_report(db):
    from datetime import UTC
    from datetime import datetime

    from iltdesk.domain.reporting import GroupBy
    from iltdesk.domain.reporting import Period
    from iltdesk.domain.reporting import ReportFilters
    from iltdesk.domain.reporting import ReportName
    from iltdesk.services.reports import build_report

    load_demo(db, today=TODAY)
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    last_year = Period.LAST_YEAR.dates(TODAY)
    attendance = build_report(db, ReportName.ATTENDANCE, ReportFilters(*last_year), now=now)
    assert attendance.totals["no_shows"]
    assert attendance.totals["late_cancellations"]
    cost = build_report(db, ReportName.COST, ReportFilters(*last_year), now=now)
    remaining = [row[cost.column("remaining")].single for row in cost.rows]
    assert any(r is not None and r < 0 for r in remaining)  # a course over budget
    assert any(r is not None and r > 0 for r in remaining)
    assert not cost.notes or "converted" in cost.notes[0]  # the demo enters its rates
    fill = build_report(db, ReportName.FILL, ReportFilters(group_by=GroupBy.YEAR), now=now)
    assert fill.totals["cancelled_low_numbers"]
    assert len(fill.rows) >= 3  # 2024, 2025, 2026 (and the start of 2027)


def test_demo_is_deterministic(tmp_path):
    def snapshot(name):
        with open_database(database_url(tmp_path / name)) as database:
            load_demo(database, DemoSize(learners=200, sessions=20), today=TODAY)
            return [
                (s.course_code, s.first_start, s.enrolled, s.waitlisted)
                for s in scheduling.list_sessions(database)
            ]

    assert snapshot("a.sqlite3") == snapshot("b.sqlite3")


def test_demo_scales_and_refuses_a_database_with_data(db):
    summary = load_demo(db, DemoSize(learners=5000, sessions=120), today=TODAY).value
    assert summary.learners == 5000
    assert summary.sessions == 120
    with pytest.raises(ValidationError, match="empty database"):
        load_demo(db, today=TODAY)


def test_nothing_in_the_demo_happened_after_it_was_loaded(db):
    # Loaded at 00:30, the demo showed a reminder that failed at 07:00 that day, certificates
    # issued and mailed, and feedback received, later in the day it was loaded.
    from datetime import UTC
    from datetime import datetime

    from sqlalchemy import func
    from sqlalchemy import select

    from iltdesk.db.entities import Certificate
    from iltdesk.db.entities import FeedbackResponse
    from iltdesk.db.entities import OutboxMessage

    load_demo(db, today=TODAY)
    midnight = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC)
    with db.reading() as tx:
        latest = {
            str(column): tx.scalar(select(func.max(column)))
            for column in (
                Certificate.issued_at,
                OutboxMessage.created_at,
                OutboxMessage.updated_at,
                OutboxMessage.sent_at,
                FeedbackResponse.received_at,
            )
        }
    assert all(moment is not None for moment in latest.values()), latest
    assert {k: v for k, v in latest.items() if v >= midnight} == {}

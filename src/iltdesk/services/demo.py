"""`iltdesk demo`: a realistic, deterministic organisation to try the app on and benchmark.

The same `seed`, size and `today` always give the same data. Rows are written with bulk
inserts (explicit ids, one transaction), so 50,000 learners take seconds, not minutes.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select

from iltdesk.db.base import Base
from iltdesk.db.bulk import advance_id_sequences
from iltdesk.db.engine import Database
from iltdesk.db.entities import AgendaItem
from iltdesk.db.entities import Attendance
from iltdesk.db.entities import Certificate
from iltdesk.db.entities import CostLine
from iltdesk.db.entities import Course
from iltdesk.db.entities import CourseBudget
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import ExchangeRate
from iltdesk.db.entities import FeedbackAnswer
from iltdesk.db.entities import FeedbackResponse
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import InstructorQualification
from iltdesk.db.entities import Learner
from iltdesk.db.entities import LearningObjective
from iltdesk.db.entities import OutboxContent
from iltdesk.db.entities import OutboxMessage
from iltdesk.db.entities import Requirement
from iltdesk.db.entities import RequirementCourse
from iltdesk.db.entities import Room
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import SessionInstructor
from iltdesk.db.entities import Setting
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.common import Outcome
from iltdesk.services.demo_aftermath import AftermathBuilder
from iltdesk.services.demo_directory import DemoSize
from iltdesk.services.demo_feedback import add_feedback

__all__ = ["DemoSize", "DemoSummary", "load_demo"]


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each kind the demo wrote."""

    courses: int
    instructors: int
    rooms: int
    sessions: int
    learners: int
    enrollments: int
    attendance: int


_ORDER = [
    Course,
    LearningObjective,
    AgendaItem,
    Instructor,
    InstructorQualification,
    Room,
    Learner,
    TrainingSession,
    SessionDay,
    SessionInstructor,
    Enrollment,
    Attendance,
    CostLine,
    CourseBudget,
    Setting,
    ExchangeRate,
    Certificate,
    OutboxMessage,
    OutboxContent,
    Requirement,
    RequirementCourse,
    FeedbackResponse,
    FeedbackAnswer,
]


def load_demo(
    db: Database, size: DemoSize | None = None, *, today: date | None = None, seed: int = 2026
) -> Outcome[DemoSummary]:
    """Fill an empty database with the demo organisation, in one transaction."""
    size = size or DemoSize()
    if size.learners < 1 or size.sessions < 1:
        raise ValidationError(_("The demo needs at least one learner and one session."))
    builder = AftermathBuilder(random.Random(seed), size, today or datetime.now(UTC).date())
    builder.courses()
    # One bench of instructors and rooms per 80 sessions in any half year (more for benchmarks).
    per_half_year = size.sessions * 180 / (size.history_days + 90)
    builder.people_and_places(copies=max(1, math.ceil(per_half_year / 80)))
    builder.learners()
    builder.sessions()
    builder.certificates()
    builder.failed_reminder()
    builder.budgets()
    builder.requirements()
    add_feedback(builder)
    with db.transaction() as tx:
        has_data = any(
            tx.scalar(select(func.count()).select_from(entity))
            for entity in (Course, Room, Instructor, Learner, TrainingSession)
        )
        if has_data:
            raise ValidationError(
                _(
                    "This database already holds courses, rooms or learners. Demo data goes into "
                    "an empty database: start ILT Desk with a new database file."
                )
            )
        for entity in _ORDER:
            rows = builder.rows.get(entity, [])
            for start in range(0, len(rows), 20_000):
                tx.execute(insert(entity), rows[start : start + 20_000])
        advance_id_sequences(tx, [Base.metadata.tables[e.__tablename__] for e in _ORDER])
    count = {e: len(builder.rows.get(e, [])) for e in _ORDER}
    summary = DemoSummary(
        courses=count[Course],
        instructors=count[Instructor],
        rooms=count[Room],
        sessions=count[TrainingSession],
        learners=count[Learner],
        enrollments=count[Enrollment],
        attendance=count[Attendance],
    )
    changes = (
        Changes.of(Entity.COURSE, 0) | Changes.of(Entity.SESSION, 0) | Changes.of(Entity.LEARNER, 0)
    )
    return Outcome(summary, changes)

"""Train-the-trainer: co-facilitate a course N times, observe it once, then be qualified.

The numbers are each course's (two and one by default); an instructor who has done both is
proposed as qualified.

Only sessions that took place count (not cancelled, last day ended). Qualifying records the
date and how it was gained.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import Course
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import InstructorQualification
from iltdesk.db.entities import SessionInstructor
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services import settings_store
from iltdesk.services.common import Outcome
from iltdesk.services.common import get_or_fail

KEY = "train_the_trainer.{course_id}"
CO_FACILITATIONS = 2  # the default: co-facilitate twice …
OBSERVATIONS = 1  # … and observe once
TRAIN_THE_TRAINER = "train_the_trainer"


@dataclass(frozen=True)
class Progress:
    """How far an instructor is towards teaching a course."""

    course_id: int
    course: str
    co_facilitated: int
    co_needed: int
    observed: int
    observed_needed: int

    @property
    def ready(self) -> bool:
        return self.co_facilitated >= self.co_needed and self.observed >= self.observed_needed


def requirement(db: Database, course_id: int) -> tuple[int, int]:
    """Co-facilitations and observations the course asks for."""
    stored = settings_store.get_setting(db, KEY.format(course_id=course_id))
    if isinstance(stored, list) and len(stored) == 2:
        return int(stored[0]), int(stored[1])
    return CO_FACILITATIONS, OBSERVATIONS


def set_requirement(db: Database, course_id: int, co: int, observed: int) -> Outcome[None]:
    """Keep what the course asks of a trainee."""
    if co < 0 or observed < 0 or co + observed == 0:
        raise ValidationError(_("A trainee must co-facilitate or observe at least once."))
    return settings_store.set_setting(db, KEY.format(course_id=course_id), [co, observed])


def progress(db: Database, instructor_id: int, now: datetime | None = None) -> list[Progress]:
    """Courses the instructor is training for (taking part, not yet qualified), by course."""
    moment = now or utcnow()
    with db.reading() as tx:
        qualified = set(
            tx.scalars(
                select(InstructorQualification.course_id).where(
                    InstructorQualification.instructor_id == instructor_id
                )
            )
        )
        rows = tx.execute(
            select(Course.id, Course.code, Course.title, SessionInstructor.role, func.count())
            .select_from(SessionInstructor)
            .join(TrainingSession, TrainingSession.id == SessionInstructor.session_id)
            .join(Course, Course.id == TrainingSession.course_id)
            .where(
                SessionInstructor.instructor_id == instructor_id,
                SessionInstructor.role.in_(
                    (InstructorRole.CO_FACILITATOR, InstructorRole.OBSERVER)
                ),
                TrainingSession.status != SessionStatus.CANCELLED,
                TrainingSession.last_end <= moment,
            )
            .group_by(Course.id, Course.code, Course.title, SessionInstructor.role)
        ).all()
    counts: dict[int, dict[str, object]] = {}
    for course_id, code, title, role, count in rows:
        if course_id in qualified:
            continue
        entry = counts.setdefault(course_id, {"label": f"{code} {title}", "co": 0, "obs": 0})
        entry["co" if role == InstructorRole.CO_FACILITATOR else "obs"] = int(count)
    found = []
    for course_id, entry in sorted(counts.items(), key=lambda i: str(i[1]["label"])):
        co, observed = requirement(db, course_id)
        found.append(
            Progress(
                course_id,
                str(entry["label"]),
                int(str(entry["co"])),
                co,
                int(str(entry["obs"])),
                observed,
            )
        )
    return found


def qualify(
    db: Database,
    instructor_id: int,
    course_id: int,
    *,
    gained: str = TRAIN_THE_TRAINER,
    on: date | None = None,
    expires_on: date | None = None,
) -> Outcome[None]:
    """Record the instructor as qualified for the course, with when and how."""
    if expires_on is not None and on is not None and expires_on <= on:
        raise ValidationError(_("A qualification must expire after it was gained."))
    with db.transaction() as tx:
        instructor = get_or_fail(
            tx, Instructor, instructor_id, _("That instructor no longer exists.")
        )
        get_or_fail(tx, Course, course_id, _("That course no longer exists."))
        found = next((q for q in instructor.qualifications if q.course_id == course_id), None)
        if found is None:
            found = InstructorQualification(course_id=course_id)
            instructor.qualifications.append(found)
        found.qualified_on = on or utcnow().date()
        found.expires_on = expires_on
        found.gained = gained
    return Outcome(None, Changes.of(Entity.INSTRUCTOR, instructor_id))


@dataclass(frozen=True)
class QualificationRow:
    """A course an instructor is qualified for: since when, until when, how."""

    course_id: int
    course: str
    qualified_on: date | None
    expires_on: date | None
    gained: str  # "certified", "train_the_trainer" or ""


GAINED = ("certified", TRAIN_THE_TRAINER, "")


def qualifications(db: Database, instructor_id: int) -> list[QualificationRow]:
    """The instructor's qualifications, by course code."""
    with db.reading() as tx:
        rows = tx.execute(
            select(
                Course.id,
                Course.code,
                Course.title,
                InstructorQualification.qualified_on,
                InstructorQualification.expires_on,
                InstructorQualification.gained,
            )
            .join(InstructorQualification, InstructorQualification.course_id == Course.id)
            .where(InstructorQualification.instructor_id == instructor_id)
            .order_by(Course.code)
        ).all()
    return [QualificationRow(r[0], f"{r[1]} {r[2]}", r[3], r[4], r[5] or "") for r in rows]

"""What the user asks for: input values for creating and editing records.

Services validate these and turn them into rows; the UI and the command line build them.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime

from iltdesk.domain.enums import ActivityType
from iltdesk.domain.enums import DeliveryFormat
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import InstructorRole


@dataclass(frozen=True)
class CourseSpec:
    """What a coordinator types for a course, before validation."""

    code: str
    title: str
    description: str = ""
    objectives: tuple[str, ...] = ()
    default_minutes: int = 480
    delivery_format: DeliveryFormat = DeliveryFormat.IN_PERSON
    certificate_validity_months: int | None = None
    currency: str = "EUR"
    prework: str = ""
    prework_link: str = ""
    completion_threshold: int | None = None


@dataclass(frozen=True)
class AgendaItemSpec:
    """What a coordinator types for an agenda block."""

    title: str
    minutes: int
    activity: ActivityType
    objective_index: int | None = None  # index into the course's objectives
    facilitator_notes: str = ""


@dataclass(frozen=True)
class RoomSpec:
    """What a coordinator types for a room."""

    name: str
    address: str = ""
    capacity: int = 0
    notes: str = ""
    timezone: str = ""  # the venue's IANA zone; "" when not known
    paper_size: str = ""  # "A4", "Letter", or "" for the user's preference


@dataclass(frozen=True)
class InstructorSpec:
    """What a coordinator types for an instructor, with the courses they teach."""

    name: str
    email: str = ""
    phone: str = ""
    external: bool = False
    qualified_course_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class LearnerSpec:
    """What a coordinator types (or a form holds) for a learner."""

    first_name: str
    last_name: str
    email: str
    employee_id: str | None = None
    department: str = ""
    manager_name: str = ""
    manager_email: str = ""
    location: str = ""
    job_title: str = ""
    preferred_language: str = ""
    hire_date: date | None = None


@dataclass(frozen=True)
class DaySpec:
    """One day of a session as two aware instants (any zone; stored as UTC)."""

    start: datetime
    end: datetime
    meeting_link: str = ""  # this day's own link ("" : the session's)


@dataclass(frozen=True)
class SessionSpec:
    """What the session editor holds: course, mode, place, zone, capacity, days, people."""

    course_id: int
    mode: DeliveryMode
    timezone: str
    capacity: int
    days: tuple[DaySpec, ...]
    cohort: str = ""
    room_id: int | None = None
    meeting_link: str = ""
    min_size: int = 0
    notes: str = ""
    instructors: tuple[tuple[int, InstructorRole], ...] = field(default_factory=tuple)
    survey_link: str = ""  # the session's own feedback survey ("": the organisation's)
    pilot: bool = False  # its feedback and debrief go to the course page and the guide
    go_no_go: date | None = None  # decide by then whether it runs (None: a week before)

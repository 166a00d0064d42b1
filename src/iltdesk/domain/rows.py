"""Frozen rows that services hand to the UI, the command line and document builders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime

from iltdesk.domain.enums import ActivityType
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import Audience
from iltdesk.domain.enums import DeliveryFormat
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import EnrollmentSource
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import MaterialKind
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.enums import OutboxStatus
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.jsontypes import JsonObject
from iltdesk.i18n import _
from iltdesk.i18n import ngettext


@dataclass(frozen=True)
class CourseRow:
    """A course as lists and editors show it."""

    id: int
    code: str
    title: str
    description: str
    objectives: tuple[str, ...]
    default_minutes: int
    delivery_format: DeliveryFormat
    certificate_validity_months: int | None
    currency: str
    prework: str
    prework_link: str
    completion_threshold: int | None
    archived: bool
    version: int = 0  # what a save checks against (optimistic locking)


@dataclass(frozen=True)
class AgendaItemRow:
    """An agenda block as the agenda builder shows it."""

    id: int
    course_id: int
    position: int
    title: str
    minutes: int
    activity: ActivityType
    objective_index: int | None
    facilitator_notes: str


@dataclass(frozen=True)
class MaterialRow:
    """A course material as the materials panel shows it."""

    id: int
    course_id: int
    title: str
    kind: MaterialKind
    audience: Audience
    file_name: str
    sha256: str
    size: int
    version: int
    added_at: datetime


@dataclass(frozen=True)
class RoomRow:
    """A room as lists and the session editor show it."""

    id: int
    name: str
    address: str
    capacity: int
    notes: str
    timezone: str = ""
    paper_size: str = ""
    archived: bool = False


@dataclass(frozen=True)
class InstructorRow:
    """An instructor as lists and the session editor show them."""

    id: int
    name: str
    email: str
    phone: str
    external: bool
    qualified_course_ids: frozenset[int]
    archived: bool = False


@dataclass(frozen=True)
class LearnerRow:
    """A learner as the directory and pickers show them."""

    id: int
    first_name: str
    last_name: str
    email: str
    employee_id: str | None
    department: str
    manager_name: str
    manager_email: str
    location: str
    job_title: str
    preferred_language: str
    hire_date: date | None = None
    version: int = 0  # what a save checks against (optimistic locking)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class SessionDayRow:
    """A session day: its instants and minutes."""

    id: int
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    meeting_link: str = ""  # this day's own link ("" : the session's)

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class SessionInstructorRow:
    """An instructor on a session, with their role."""

    instructor_id: int
    name: str
    role: InstructorRole


@dataclass(frozen=True)
class SessionRow:
    """A session with what lists need: course, days, counts."""

    id: int
    course_id: int
    course_code: str
    course_title: str
    cohort: str
    mode: DeliveryMode
    room_id: int | None
    room_name: str
    meeting_link: str
    timezone: str
    capacity: int
    min_size: int
    status: SessionStatus
    notes: str
    days: tuple[SessionDayRow, ...]
    instructors: tuple[SessionInstructorRow, ...]
    enrolled: int
    waitlisted: int
    cancelled_at: datetime | None = None
    cancel_reason: str = ""
    completed_at: datetime | None = None
    completion_note: str = ""
    version: int = 0  # what a save checks against (optimistic locking)
    survey_link: str = ""  # the session's own feedback survey ("": the organisation's)
    series_id: int | None = None  # the series it was scheduled in (a repeat rule)
    pilot: bool = False
    debrief: str = ""  # a pilot's note of what to change in the agenda and guide
    go_no_go: date | None = None  # the decision date set for it (None: the default)

    @property
    def first_start(self) -> datetime | None:
        return self.days[0].start if self.days else None

    @property
    def last_end(self) -> datetime | None:
        return self.days[-1].end if self.days else None


@dataclass(frozen=True)
class RosterRow:
    """One learner's place on one session."""

    enrollment_id: int
    learner_id: int
    first_name: str
    last_name: str
    email: str
    employee_id: str | None
    department: str
    status: EnrollmentStatus
    waitlist_position: int | None
    source: EnrollmentSource
    enrolled_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str
    prework_done: bool
    prework_done_at: datetime | None = None


@dataclass(frozen=True)
class AttendanceMarkRow:
    """A stored attendance mark as the grid shows it."""

    enrollment_id: int
    day_id: int
    status: AttendanceStatus
    minutes_attended: int | None
    note: str
    version: int = 0  # what a change of this mark checks against (optimistic locking)


@dataclass(frozen=True)
class Clash:
    """One overlap or warning found while scheduling or enrolling, as a sentence."""

    kind: str  # "instructor", "room", "learner", "day", "qualification"
    message: str
    other_session_id: int | None = None
    is_warning: bool = False


@dataclass(frozen=True)
class Problem:
    """One thing the database check found wrong, as a sentence."""

    check: str
    message: str


@dataclass(frozen=True)
class LearnerHistoryRow:
    """One session in a learner's history."""

    enrollment_id: int
    session_id: int
    course_code: str
    course_title: str
    first_start: datetime | None
    timezone: str
    status: EnrollmentStatus
    certificate_code: str | None


@dataclass(frozen=True)
class InstructorLoad:
    """An instructor's upcoming sessions, and this month's minutes: taught and still to come.

    Taught counts days that have ended, of sessions not cancelled; scheduled counts the rest
    of the month's days.
    """

    upcoming: tuple[SessionRow, ...]
    minutes_taught: int
    minutes_scheduled: int


@dataclass(frozen=True)
class OutboxRow:
    """A message in the outbox as its list shows it."""

    id: int
    kind: MessageKind
    recipient: str
    recipient_name: str
    subject: str
    status: OutboxStatus
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    session_id: int | None
    message_id: str


@dataclass(frozen=True)
class HistoryRow:
    """One entry of a history panel: when, who, and what happened, in words."""

    id: int
    at: datetime
    actor: str
    entity: str
    entity_id: int | None
    action: str
    text: str
    reason: str
    detail: JsonObject


@dataclass(frozen=True)
class LoadCell:
    """One instructor on one day of the load grid: what they teach, or why they are not free."""

    kind: str  # "teaching", "off", "not_working" or "free"
    text: str  # course codes, the time off's reason, or ""


@dataclass(frozen=True)
class LoadRow:
    """One instructor across the days of the load grid."""

    instructor_id: int
    name: str
    cells: tuple[LoadCell, ...]


@dataclass(frozen=True)
class EnrollResult:
    """Where a learner landed, and who was promoted from the waitlist as a result."""

    row: RosterRow
    promoted: tuple[int, ...] = ()  # enrollment ids


@dataclass(frozen=True)
class EnrollReport:
    """Where each of several learners went: enrolled, waitlisted, already there, or a clash."""

    enrolled: tuple[RosterRow, ...] = ()
    waitlisted: tuple[RosterRow, ...] = ()
    already: tuple[RosterRow, ...] = ()  # were on the session before (seat or waitlist)
    clashing: tuple[tuple[int, str], ...] = ()  # (learner id, the clash sentence): not placed

    def summary(self) -> str:
        """One sentence saying where everyone went, for the roster's status line."""
        parts = []
        if self.enrolled:
            parts.append(
                ngettext("{n} enrolled", "{n} enrolled", len(self.enrolled)).format(
                    n=len(self.enrolled)
                )
            )
        if self.waitlisted:
            names = ", ".join(
                f"{r.first_name} {r.last_name} (#{r.waitlist_position})".strip()
                for r in self.waitlisted
            )
            parts.append(
                ngettext(
                    "{n} waitlisted because the session is full: {names}",
                    "{n} waitlisted because the session is full: {names}",
                    len(self.waitlisted),
                ).format(n=len(self.waitlisted), names=names)
            )
        if self.already:
            names = ", ".join(f"{r.first_name} {r.last_name}".strip() for r in self.already)
            parts.append(
                ngettext(
                    "{n} already on the session: {names}",
                    "{n} already on the session: {names}",
                    len(self.already),
                ).format(n=len(self.already), names=names)
            )
        if self.clashing:
            parts.append(
                ngettext(
                    "{n} not enrolled because of a clash",
                    "{n} not enrolled because of a clash",
                    len(self.clashing),
                ).format(n=len(self.clashing))
            )
        return "; ".join(parts) + "." if parts else _("Nobody was chosen.")

"""What printed documents and exported workbooks hold: plain data built by services."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from iltdesk.domain.enums import AttendanceStatus
from iltdesk.i18n import N_
from iltdesk.i18n import _


class SignInColumn(StrEnum):
    """A column a sign-in sheet can show."""

    NAME = "name"
    EMPLOYEE_ID = "employee_id"
    DEPARTMENT = "department"
    EMAIL = "email"
    JOB_TITLE = "job_title"
    SIGNATURE = "signature"
    TIME_IN = "time_in"
    TIME_OUT = "time_out"
    INITIALS = "initials"
    PREWORK = "prework"  # ✓ for those who did the pre-work (blended courses)

    def label(self) -> str:
        return _(_COLUMN_LABELS[self])


_COLUMN_LABELS = {
    SignInColumn.NAME: N_("Name"),
    SignInColumn.EMPLOYEE_ID: N_("Employee ID"),
    SignInColumn.DEPARTMENT: N_("Department"),
    SignInColumn.EMAIL: N_("Email"),
    SignInColumn.JOB_TITLE: N_("Job title"),
    SignInColumn.SIGNATURE: N_("Signature"),
    SignInColumn.TIME_IN: N_("Time in"),
    SignInColumn.TIME_OUT: N_("Time out"),
    SignInColumn.INITIALS: N_("Initials"),
    SignInColumn.PREWORK: N_("Pre-work"),
}

DEFAULT_COLUMNS = (
    SignInColumn.NAME,
    SignInColumn.DEPARTMENT,
    SignInColumn.SIGNATURE,
    SignInColumn.TIME_IN,
    SignInColumn.TIME_OUT,
)
MAX_CUSTOM_HEADINGS = 3


@dataclass(frozen=True)
class SignInOptions:
    """The columns and layout chosen for a session's sheets (remembered per session)."""

    columns: tuple[SignInColumn, ...] = DEFAULT_COLUMNS
    custom_headings: tuple[str, ...] = ()
    blank_rows: int = 5
    landscape: bool = False


@dataclass(frozen=True)
class SignInPerson:
    """One learner's line on a sign-in sheet."""

    last_name: str
    first_name: str
    employee_id: str
    department: str
    email: str
    job_title: str
    prework_done: bool = False


@dataclass(frozen=True)
class SignInSheet:
    """One day's sheet, every text already formatted for the reader's locale and zone."""

    organisation: str
    course_title: str
    course_code: str
    cohort: str
    day_number: int
    day_count: int
    date_label: str  # "Tuesday, 12 March 2026"
    time_label: str  # "09:00–17:00 GMT"
    place: str  # room and address, or the meeting link
    instructors: tuple[str, ...]  # "Maria Rossi (Lead)"
    people: tuple[SignInPerson, ...]  # sorted by last name
    printed_label: str
    options: SignInOptions = field(default_factory=SignInOptions)
    paper: str = "A4"
    logo: Path | None = None


class CertificateDesign(StrEnum):
    """The look of a printed certificate."""

    CLASSIC = "classic"
    MODERN = "modern"
    MINIMAL = "minimal"


@dataclass(frozen=True)
class CertificateDoc:
    """One certificate, every text formatted (the date in the learner's own language)."""

    code: str
    learner_name: str
    course_title: str
    completed_label: str  # "12 March 2026" / "12. März 2026"
    hours_label: str  # "7.5 hours"
    instructor: str
    expires_label: str  # "" when the course has no validity
    verify_text: str  # the code, or a verification link built from the preferences' pattern
    organisation: str = ""
    logo: Path | None = None
    signature: Path | None = None
    language: str = "en"


@dataclass(frozen=True)
class GuideItem:
    """An agenda block on a facilitator guide's clock."""

    clock: str  # "09:00–09:20"
    title: str
    minutes: int
    activity: str
    objective: str
    notes: str


@dataclass(frozen=True)
class GuideDay:
    """One day of a facilitator guide, its blocks on the day's clock."""

    heading: str  # "Day 1 · Thursday, 12 March 2026 · 09:00–17:00 GMT"
    items: tuple[GuideItem, ...]
    zone: str = ""  # the clock's label the Time column names ("GMT"); "" when unknown


@dataclass(frozen=True)
class FacilitatorGuide:
    """What a facilitator guide shows: the session, its days and the course's content."""

    organisation: str
    course_title: str
    course_code: str
    cohort: str
    objectives: tuple[str, ...]
    days: tuple[GuideDay, ...]
    materials: tuple[str, ...]  # "Slides — deck.pptx (v2)"
    place: str
    instructors: tuple[str, ...]
    roster_count: str  # "18 enrolled · 2 waiting"
    printed_label: str
    paper: str = "A4"
    # A virtual session's readiness checks: (label, ticked).
    readiness: tuple[tuple[str, bool], ...] = ()
    # What the course's pilots said to change: (which pilot, the debrief).
    pilot_notes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FeedbackSheet:
    """A session's printed feedback form, every text already in the reader's language."""

    organisation: str
    course_title: str
    course_code: str
    when: tuple[str, ...]  # one line per day: "Tuesday, 10 March 2026 · 09:00–17:00 CET"
    place: str
    instructors: tuple[str, ...]
    questions: tuple[tuple[str, str], ...]  # (wording, QuestionKind value)
    copies: int
    printed_label: str
    paper: str = "A4"


@dataclass(frozen=True)
class AttendanceRecord:
    """One learner on one session day, for the flat "Attendance" sheet."""

    session_id: int
    session_label: str
    course: str
    day: date
    start: datetime  # naive local time in the session's zone (what a spreadsheet shows)
    end: datetime
    timezone: str  # the zone those local times are in, labelled ("Europe/London (GMT)")
    duration_minutes: int
    learner: str
    employee_id: str
    department: str
    status: str
    # The minutes the completion rule counted for this mark (None: not marked yet).
    minutes_attended: int | None
    instructors: str
    location: str
    enrollment_id: int  # kept in hidden columns, so a sorted sheet still maps back
    day_id: int
    completion: str = ""  # the learner's outcome on the session: Completed, No-show, …
    certificate: str = ""  # the code of their valid certificate, if any


@dataclass(frozen=True)
class GridSheet:
    """A learners × days grid for one session that a trainer can fill in and send back."""

    session_id: int
    title: str
    heading: str
    day_ids: tuple[int, ...]
    day_labels: tuple[str, ...]
    learners: tuple[tuple[int, str, str], ...]  # (enrollment id, name, employee id)
    # (enrollment, day) -> the mark as exported; the workbook keeps a hidden copy, so reading
    # it back tells a cell the trainer changed from one left as it was.
    marks: dict[tuple[int, int], AttendanceStatus] = field(default_factory=dict)


@dataclass(frozen=True)
class AttendanceWorkbook:
    """What the attendance workbook holds for one or more sessions."""

    records: tuple[AttendanceRecord, ...]
    grids: tuple[GridSheet, ...]
    status_labels: tuple[str, ...]  # the drop-down's choices, in the reader's language
    present_labels: tuple[str, ...]  # those that count as attended in the summary


@dataclass(frozen=True)
class ReturnedMark:
    """One filled-in status cell as found in a returned workbook (its grid or flat sheet)."""

    sheet: str
    row: int
    session_id: int
    enrollment_id: int | None
    day_id: int | None
    learner: str
    label: str
    # The status (its value) this cell held when exported, "" for none; None where the workbook
    # does not say (made before it kept them, or a row the trainer added).
    exported: str | None = None

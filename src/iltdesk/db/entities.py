"""The ILT Desk schema as SQLAlchemy 2 entities.

History is never deleted: cancelling, moving and withdrawing change a status and keep the row
and its attendance. Names and emails carry a normalised `*_key` beside them for forgiving search.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from iltdesk.db.base import Base, UTCDateTime, utcnow
from iltdesk.domain.enums import (
    ActivityType,
    AttendanceStatus,
    Audience,
    CancelCause,
    CostBasis,
    CostCategory,
    DeliveryFormat,
    DeliveryMode,
    EnrollmentSource,
    EnrollmentStatus,
    InstructorRole,
    MaterialKind,
    MessageKind,
    OutboxStatus,
    RequirementAnchor,
    SessionStatus,
)


def _enum(cls: type, name: str) -> Enum:
    # Stored by value as plain strings (no native enum type) so PostgreSQL migrations stay simple.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    title_key: Mapped[str] = mapped_column(String(300), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    default_minutes: Mapped[int] = mapped_column(Integer, default=480)
    delivery_format: Mapped[DeliveryFormat] = mapped_column(
        _enum(DeliveryFormat, "delivery_format"), default=DeliveryFormat.IN_PERSON
    )
    certificate_validity_months: Mapped[int | None] = mapped_column(Integer)
    # The currency new cost lines of the course start in (costs themselves are cost lines).
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    prework: Mapped[str] = mapped_column(Text, default="")
    prework_link: Mapped[str] = mapped_column(String(2000), default="")
    completion_threshold: Mapped[int | None] = mapped_column(Integer)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    objectives: Mapped[list[LearningObjective]] = relationship(
        back_populates="course",
        order_by="LearningObjective.position",
        cascade="all, delete-orphan",
    )
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="course", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    materials: Mapped[list[CourseMaterial]] = relationship(
        back_populates="course", order_by="CourseMaterial.id"
    )

    __table_args__ = (
        CheckConstraint(
            "completion_threshold IS NULL OR (completion_threshold BETWEEN 0 AND 100)",
            name="threshold_percent",
        ),
    )


class LearningObjective(Base):
    __tablename__ = "learning_objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    course: Mapped[Course] = relationship(back_populates="objectives")

    __table_args__ = (UniqueConstraint("course_id", "position"),)


class AgendaItem(Base):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    minutes: Mapped[int] = mapped_column(Integer)
    activity: Mapped[ActivityType] = mapped_column(_enum(ActivityType, "activity_type"))
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_objectives.id", ondelete="SET NULL")
    )
    facilitator_notes: Mapped[str] = mapped_column(Text, default="")

    course: Mapped[Course] = relationship(back_populates="agenda")
    objective: Mapped[LearningObjective | None] = relationship()

    __table_args__ = (
        UniqueConstraint("course_id", "position"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
    )


class CourseMaterial(Base):
    __tablename__ = "course_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[MaterialKind] = mapped_column(_enum(MaterialKind, "material_kind"))
    audience: Mapped[Audience] = mapped_column(_enum(Audience, "audience"))
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship(back_populates="materials")


class Room(Base):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # The venue's IANA zone ("" when not known): choosing the room sets a session's zone.
    timezone: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # "A4" or "Letter" for sheets printed for sessions here ("": the user's preference).
    paper_size: Mapped[str] = mapped_column(String(10), default="", server_default="")


class InstructorQualification(Base):
    __tablename__ = "instructor_qualifications"

    instructor_id: Mapped[int] = mapped_column(
        ForeignKey("instructors.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )


class Instructor(Base):
    __tablename__ = "instructors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    external: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    qualifications: Mapped[list[InstructorQualification]] = relationship(
        cascade="all, delete-orphan"
    )


class TrainingSession(Base):
    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    cohort: Mapped[str] = mapped_column(String(200), default="")
    mode: Mapped[DeliveryMode] = mapped_column(_enum(DeliveryMode, "delivery_mode"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"), index=True)
    meeting_link: Mapped[str] = mapped_column(String(2000), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int] = mapped_column(Integer)
    min_size: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[SessionStatus] = mapped_column(
        _enum(SessionStatus, "session_status"), default=SessionStatus.PLANNED
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    # Denormalised from the days so lists can sort and filter by date in SQL.
    first_start: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first day's date as the venue's calendar reads it: reports select periods by it.
    first_date: Mapped[date | None] = mapped_column(Date, index=True)
    # The last day's date as the venue's calendar reads it: the day a completion counts from.
    last_date: Mapped[date | None] = mapped_column(Date)
    # When and why the session was cancelled, or completed (with the reason when recorded
    # before its last day had ended).
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    cancel_cause: Mapped[CancelCause] = mapped_column(
        _enum(CancelCause, "cancel_cause"), default=CancelCause.OTHER, server_default="other"
    )
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completion_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    course: Mapped[Course] = relationship()
    room: Mapped[Room | None] = relationship()
    days: Mapped[list[SessionDay]] = relationship(
        back_populates="session", order_by="SessionDay.start", cascade="all, delete-orphan"
    )
    instructors: Mapped[list[SessionInstructor]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity_non_negative"),
        CheckConstraint("min_size >= 0", name="min_size_non_negative"),
    )


class SessionDay(Base):
    __tablename__ = "session_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    # Denormalised from start, end and the session's zone whenever they are set, so reports
    # count hours and months in SQL: the minutes between the instants (a day across a clock
    # change is an hour shorter or longer) and the date the venue's calendar shows.
    minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    local_date: Mapped[date | None] = mapped_column(Date, index=True)

    session: Mapped[TrainingSession] = relationship(back_populates="days")

    __table_args__ = (CheckConstraint('"end" > start', name="ends_after_start"),)


class SessionInstructor(Base):
    __tablename__ = "session_instructors"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    instructor_id: Mapped[int] = mapped_column(
        ForeignKey("instructors.id"), primary_key=True, index=True
    )
    role: Mapped[InstructorRole] = mapped_column(_enum(InstructorRole, "instructor_role"))

    session: Mapped[TrainingSession] = relationship(back_populates="instructors")
    instructor: Mapped[Instructor] = relationship()


class Learner(Base):
    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320))
    # Lower-cased email: the unique key that makes emails unique case-insensitively.
    email_key: Mapped[str] = mapped_column(String(320), unique=True)
    employee_id: Mapped[str | None] = mapped_column(String(60), unique=True)
    department: Mapped[str] = mapped_column(String(200), default="")
    manager_name: Mapped[str] = mapped_column(String(300), default="")
    manager_email: Mapped[str] = mapped_column(String(320), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    preferred_language: Mapped[str] = mapped_column(String(16), default="")
    first_key: Mapped[str] = mapped_column(String(200), index=True)
    last_key: Mapped[str] = mapped_column(String(200), index=True)
    # Sort order for lists: last name then first name, normalised.
    sort_key: Mapped[str] = mapped_column(String(400), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id"))
    # When the learner joined: requirements due "within 30 days of hire" count from it.
    hire_date: Mapped[date | None] = mapped_column(Date)


class ImportBatch(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    column_mapping: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    counts: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    sheet_name: Mapped[str] = mapped_column(String(200), default="")
    # JSON: what the batch created and what it changed (with the old values), for undo.
    undo_data: Mapped[str] = mapped_column(Text, default="{}")
    session_id: Mapped[int | None] = mapped_column(ForeignKey("training_sessions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Enrollment(Base):
    __tablename__ = "enrollments"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    status: Mapped[EnrollmentStatus] = mapped_column(_enum(EnrollmentStatus, "enrollment_status"))
    waitlist_position: Mapped[int | None] = mapped_column(Integer)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    # Whether the cancelled enrollment held a seat (not a waitlist spot): late cancellations
    # of places are what reports count.
    cancelled_seat: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # The minutes the completion rule counted from the marks (None: no mark yet), kept by
    # `attendance.evaluate_enrollment`, so reports add hours without reading every mark.
    attended_minutes: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[EnrollmentSource] = mapped_column(
        _enum(EnrollmentSource, "enrollment_source"), default=EnrollmentSource.MANUAL
    )
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    moved_to_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    prework_done: Mapped[bool] = mapped_column(Boolean, default=False)

    session: Mapped[TrainingSession] = relationship()
    learner: Mapped[Learner] = relationship()

    __table_args__ = (
        UniqueConstraint("session_id", "learner_id"),
        Index("ix_enrollments_session_status", "session_id", "status"),
        # Finds a learner's places, and covers what per-learner reports read of them.
        Index(
            "ix_enrollments_learner_id",
            "learner_id",
            "attended_minutes",
            "session_id",
            "status",
        ),
        # Covers what reports read of a place, so they scan this index, not the wide rows.
        Index(
            "ix_enrollments_facts",
            "session_id",
            "status",
            "attended_minutes",
            "learner_id",
            "cancelled_seat",
            "cancelled_at",
        ),
        CheckConstraint(
            "(status = 'waitlisted') = (waitlist_position IS NOT NULL)",
            name="waitlist_position_iff_waitlisted",
        ),
    )


class Attendance(Base):
    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"))
    day_id: Mapped[int] = mapped_column(ForeignKey("session_days.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(_enum(AttendanceStatus, "attendance_status"))
    minutes_attended: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("enrollment_id", "day_id"),
        CheckConstraint(
            "minutes_attended IS NULL OR minutes_attended >= 0", name="minutes_non_negative"
        ),
    )


class Certificate(Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoke_reason: Mapped[str] = mapped_column(Text, default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))


class CostLine(Base):
    """One cost of a session, or one default cost of a course that new sessions copy.

    The amount is multiplied by its basis: once per session, per day, or per learner holding
    a place. Amounts in different currencies are never added (reports group or convert them).
    """

    __tablename__ = "cost_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[CostCategory] = mapped_column(_enum(CostCategory, "cost_category"))
    basis: Mapped[CostBasis] = mapped_column(_enum(CostBasis, "cost_basis"))
    description: Mapped[str] = mapped_column(String(300), default="")
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    # Whose fee an instructor-fee line is (the instructor-hours report lists it).
    instructor_id: Mapped[int | None] = mapped_column(ForeignKey("instructors.id"), index=True)

    __table_args__ = (
        CheckConstraint("(course_id IS NULL) <> (session_id IS NULL)", name="course_or_session"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
    )


class CourseBudget(Base):
    """A course's training budget for one calendar year."""

    __tablename__ = "course_budgets"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))

    __table_args__ = (CheckConstraint("amount >= 0", name="amount_non_negative"),)


class ExchangeRate(Base):
    """How many units of the report currency one unit of `currency` is worth (user-entered)."""

    __tablename__ = "exchange_rates"

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(Numeric(18, 6))

    __table_args__ = (CheckConstraint("rate > 0", name="rate_positive"),)


class Requirement(Base):
    """A course (or any equivalent one) that learners in scope must complete.

    Once, or every `recurrence_months`; the first time within `within_days` of the learner's
    hire date (anchor "hire") or of becoming eligible (anchor "eligible": added to the list,
    or the requirement's start). Scope: learners matching every non-empty attribute filter,
    or (`explicit`) exactly the listed members. Nothing before `starts_on` makes anyone due.
    """

    __tablename__ = "requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    recurrence_months: Mapped[int | None] = mapped_column(Integer)
    within_days: Mapped[int | None] = mapped_column(Integer)
    anchor: Mapped[RequirementAnchor] = mapped_column(
        _enum(RequirementAnchor, "requirement_anchor"), default=RequirementAnchor.ELIGIBLE
    )
    starts_on: Mapped[date | None] = mapped_column(Date)
    department: Mapped[str] = mapped_column(String(200), default="")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    explicit: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(
            "recurrence_months IS NULL OR recurrence_months > 0", name="recurrence_positive"
        ),
        CheckConstraint("within_days IS NULL OR within_days >= 0", name="within_non_negative"),
    )


class RequirementCourse(Base):
    """A course whose completion meets a requirement (the requirement's own course included)."""

    __tablename__ = "requirement_courses"

    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("requirements.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class RequirementMember(Base):
    """A learner on an explicit requirement's list, eligible from `added_on`."""

    __tablename__ = "requirement_members"

    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("requirements.id", ondelete="CASCADE"), primary_key=True
    )
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), primary_key=True, index=True)
    added_on: Mapped[date] = mapped_column(Date)


class Exemption(Base):
    """A learner excused from a requirement, with the reason and who granted it."""

    __tablename__ = "exemptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("requirements.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    granted_by: Mapped[str] = mapped_column(String(200), default="")
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("reason <> ''", name="reason_given"),
        # The matrix looks each learner up per requirement: both columns, or 50,000 scans.
        Index("ix_exemptions_requirement_learner", "requirement_id", "learner_id"),
    )


class InterestEntry(Base):
    """A learner who wants (or must take) a course and waits for a date."""

    __tablename__ = "interest_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    # When the wait ended: enrolled in a session, or taken off the list (kept for history).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_reason: Mapped[str] = mapped_column(Text, default="")


class PrintedDocument(Base):
    """A copy of a document as it was printed for a session (for the evidence pack)."""

    __tablename__ = "printed_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # "signin", "certificates", "guide"
    label: Mapped[str] = mapped_column(String(300), default="")
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)


class SessionScan(Base):
    """A scanned signed sheet (PDF, JPEG or PNG) attached to a session day."""

    __tablename__ = "session_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    day_id: Mapped[int | None] = mapped_column(ForeignKey("session_days.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(Base):
    """One entry of the append-only, hash-chained audit trail (written by `db/audit.py`)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200), default="", server_default="")
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str] = mapped_column(Text, default="")  # JSON of what changed
    reason: Mapped[str] = mapped_column(Text, default="")
    # What the entry is about, for the history panels of sessions, learners and courses.
    session_id: Mapped[int | None] = mapped_column(Integer, index=True)
    learner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    course_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The chain: the previous entry's hash and this entry's (content and previous hash).
    prev_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    hash: Mapped[str] = mapped_column(String(64), default="", server_default="")

    __table_args__ = (Index("ix_audit_entries_entity", "entity", "entity_id"),)


class Setting(Base):
    """A domain setting shared by everyone using this database (organisation name, defaults)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON


class OutboxMessage(Base):
    """One outgoing email: rendered once, then sent (and retried) exactly as stored.

    `dedupe_key` ("certificate:12", "confirmation:40") is unique, so the same message cannot be
    queued twice; a deliberate resend gets a key of its own.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[MessageKind] = mapped_column(_enum(MessageKind, "message_kind"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    recipient: Mapped[str] = mapped_column(String(320))
    recipient_name: Mapped[str] = mapped_column(String(300), default="")
    subject: Mapped[str] = mapped_column(String(998), default="")
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        _enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many day events the message's calendar part carried (invitations and updates), so
    # a later change can cancel the events of days that were removed.
    invited_days: Mapped[int | None] = mapped_column(Integer)

    # Also answers "was this place's certificate mailed?" from the index alone (dashboard).
    __table_args__ = (Index("ix_outbox_messages_enrollment_id", "enrollment_id", "kind", "status"),)


class OutboxContent(Base):
    """The whole RFC 5322 message of an outbox row, kept apart from it.

    Status updates then rewrite a small row, not a 60 KB one with a PDF inside (SQLite
    rewrites the whole record on UPDATE): that halved the cost of sending.
    """

    __tablename__ = "outbox_contents"

    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)

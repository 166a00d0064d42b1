"""Sessions, their days and instructors, places, attendance, certificates and costs."""

from datetime import date
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import false
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from iltdesk.db.base import Base
from iltdesk.db.base import UTCDateTime
from iltdesk.db.base import utcnow
from iltdesk.db.entities.columns import stored_enum
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import CancelCause
from iltdesk.domain.enums import CostBasis
from iltdesk.domain.enums import CostCategory
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import EnrollmentSource
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus

if TYPE_CHECKING:
    from iltdesk.db.entities.catalogue import Course
    from iltdesk.db.entities.people import Instructor
    from iltdesk.db.entities.people import Learner
    from iltdesk.db.entities.people import Room


class SessionSeries(Base):
    """Sessions scheduled together from one repeat rule (RFC 5545 RRULE), each its own roster."""

    __tablename__ = "session_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrainingSession(Base):
    """One delivery of a course: mode, place or link, zone, capacity and status."""

    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    cohort: Mapped[str] = mapped_column(String(), default="")
    mode: Mapped[DeliveryMode] = mapped_column(stored_enum(DeliveryMode, "delivery_mode"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"), index=True)
    meeting_link: Mapped[str] = mapped_column(String(), default="")
    # The session's own feedback survey (empty: the organisation's link from the mail settings).
    survey_link: Mapped[str] = mapped_column(String(), default="", server_default="")
    series_id: Mapped[int | None] = mapped_column(ForeignKey("session_series.id"), index=True)
    # A pilot: its feedback and debrief (what to change in agenda and guide) go to the course.
    pilot: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    debrief: Mapped[str] = mapped_column(Text, default="", server_default="")
    # When to decide whether it runs if below its minimum (None: a week before the first day).
    go_no_go: Mapped[date | None] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int] = mapped_column(Integer)
    min_size: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[SessionStatus] = mapped_column(
        stored_enum(SessionStatus, "session_status"), default=SessionStatus.PLANNED
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
        stored_enum(CancelCause, "cancel_cause"), default=CancelCause.OTHER, server_default="other"
    )
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completion_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Optimistic locking: each UPDATE checks and bumps it, so a save based on an older
    # reading fails instead of overwriting another coordinator's change.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own shape

    course: Mapped["Course"] = relationship()
    room: Mapped["Room | None"] = relationship()
    days: Mapped[list["SessionDay"]] = relationship(
        back_populates="session", order_by="SessionDay.start", cascade="all, delete-orphan"
    )
    instructors: Mapped[list["SessionInstructor"]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity_non_negative"),
        CheckConstraint("min_size >= 0", name="min_size_non_negative"),
    )


class SessionDay(Base):
    """One day of a session as two UTC instants, with its local date and minutes."""

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
    # This day's own meeting link, when it differs from the session's ("" : the session's).
    meeting_link: Mapped[str] = mapped_column(String(), default="", server_default="")

    session: Mapped["TrainingSession"] = relationship(back_populates="days")

    __table_args__ = (CheckConstraint('"end" > start', name="ends_after_start"),)


class SessionInstructor(Base):
    """An instructor teaching a session, in a role (lead, co-facilitator, backup)."""

    __tablename__ = "session_instructors"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    instructor_id: Mapped[int] = mapped_column(
        ForeignKey("instructors.id"), primary_key=True, index=True
    )
    role: Mapped[InstructorRole] = mapped_column(stored_enum(InstructorRole, "instructor_role"))

    session: Mapped["TrainingSession"] = relationship(back_populates="instructors")
    instructor: Mapped["Instructor"] = relationship()


class Enrollment(Base):
    """A learner's place on a session: enrolled, waitlisted, cancelled, moved, or a result."""

    __tablename__ = "enrollments"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    status: Mapped[EnrollmentStatus] = mapped_column(
        stored_enum(EnrollmentStatus, "enrollment_status")
    )
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
        stored_enum(EnrollmentSource, "enrollment_source"), default=EnrollmentSource.MANUAL
    )
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    moved_to_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    prework_done: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the pre-work was done (ticked, or the LMS's completion date when imported).
    prework_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: each UPDATE checks and bumps it, so a save based on an older
    # reading fails instead of overwriting another coordinator's change.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own shape

    session: Mapped["TrainingSession"] = relationship()
    learner: Mapped["Learner"] = relationship()

    __table_args__ = (
        UniqueConstraint("session_id", "learner_id"),
        # Two learners never share a waitlist place, whatever two coordinators do at once.
        Index("uq_enrollments_waitlist_place", "session_id", "waitlist_position", unique=True),
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
    """One mark for one place and one day, with minutes when the learner was partly there."""

    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"))
    day_id: Mapped[int] = mapped_column(ForeignKey("session_days.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(
        stored_enum(AttendanceStatus, "attendance_status")
    )
    minutes_attended: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic locking: each UPDATE checks and bumps it, so a save based on an older
    # reading fails instead of overwriting another coordinator's change.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own shape

    __table_args__ = (
        UniqueConstraint("enrollment_id", "day_id"),
        CheckConstraint(
            "minutes_attended IS NULL OR minutes_attended >= 0", name="minutes_non_negative"
        ),
    )


class Certificate(Base):
    """A certificate issued for a completed place: code, dates, and revocation if any."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    code: Mapped[str] = mapped_column(String(), unique=True)
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
    category: Mapped[CostCategory] = mapped_column(stored_enum(CostCategory, "cost_category"))
    basis: Mapped[CostBasis] = mapped_column(stored_enum(CostBasis, "cost_basis"))
    description: Mapped[str] = mapped_column(String(), default="")
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    # Whose fee an instructor-fee line is (the instructor-hours report lists it).
    instructor_id: Mapped[int | None] = mapped_column(ForeignKey("instructors.id"), index=True)

    __table_args__ = (
        CheckConstraint("(course_id IS NULL) <> (session_id IS NULL)", name="course_or_session"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
    )

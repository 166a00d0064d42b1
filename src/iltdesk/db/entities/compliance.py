"""Requirements and exemptions, interest lists, kept prints and scans, the audit trail."""

from datetime import date
from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from iltdesk.db.base import Base
from iltdesk.db.base import UTCDateTime
from iltdesk.db.base import utcnow
from iltdesk.db.entities.columns import stored_enum
from iltdesk.domain.enums import RequirementAnchor


class Requirement(Base):
    """A course (or any equivalent one) that learners in scope must complete.

    Once, or every `recurrence_months`; the first time within `within_days` of the learner's
    hire date (anchor "hire") or of becoming eligible (anchor "eligible": added to the list,
    or the requirement's start). Scope: learners matching every non-empty attribute filter,
    or (`explicit`) exactly the listed members. Nothing before `starts_on` makes anyone due.
    """

    __tablename__ = "requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String())
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    recurrence_months: Mapped[int | None] = mapped_column(Integer)
    within_days: Mapped[int | None] = mapped_column(Integer)
    anchor: Mapped[RequirementAnchor] = mapped_column(
        stored_enum(RequirementAnchor, "requirement_anchor"), default=RequirementAnchor.ELIGIBLE
    )
    starts_on: Mapped[date | None] = mapped_column(Date)
    department: Mapped[str] = mapped_column(String(), default="")
    job_title: Mapped[str] = mapped_column(String(), default="")
    location: Mapped[str] = mapped_column(String(), default="")
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
    granted_by: Mapped[str] = mapped_column(String(), default="")
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
    kind: Mapped[str] = mapped_column(String())  # "signin", "certificates", "guide"
    label: Mapped[str] = mapped_column(String(), default="")
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)


class SessionScan(Base):
    """A scanned signed sheet (PDF, JPEG or PNG) attached to a session day."""

    __tablename__ = "session_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    day_id: Mapped[int | None] = mapped_column(ForeignKey("session_days.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(String())
    media_type: Mapped[str] = mapped_column(String())
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(Base):
    """One entry of the append-only, hash-chained audit trail (written by `db/audit.py`)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(), default="", server_default="")
    entity: Mapped[str] = mapped_column(String())
    entity_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String())
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

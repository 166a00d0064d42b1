"""Rooms, instructors and their qualifications, learners, and roster import batches."""

from datetime import date
from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from iltdesk.db.base import Base
from iltdesk.db.base import UTCDateTime
from iltdesk.db.base import utcnow
from iltdesk.db.entities.columns import search_key


class Room(Base):
    """A training room: capacity, time zone, equipment notes and its paper for sheets."""

    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(), unique=True)
    address: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # The venue's IANA zone ("" when not known): choosing the room sets a session's zone.
    timezone: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # "A4" or "Letter" for sheets printed for sessions here ("": the user's preference).
    paper_size: Mapped[str] = mapped_column(String(10), default="", server_default="")


class InstructorQualification(Base):
    """An instructor qualified to teach a course."""

    __tablename__ = "instructor_qualifications"

    instructor_id: Mapped[int] = mapped_column(
        ForeignKey("instructors.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    qualified_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)  # None: does not expire
    gained: Mapped[str] = mapped_column(String(), default="", server_default="")


class InstructorTimeOff(Base):
    """A time an instructor cannot teach: leave, a blocked date, or a calendar's busy time.

    Busy times read from an instructor's calendar file have `source` "calendar" and are
    replaced when the file is read again.
    """

    __tablename__ = "instructor_time_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    instructor_id: Mapped[int] = mapped_column(
        ForeignKey("instructors.id", ondelete="CASCADE"), index=True
    )
    starts: Mapped[datetime] = mapped_column(UTCDateTime)
    ends: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(), default="manual", server_default="manual")


class Instructor(Base):
    """A person who teaches: internal or external, with their qualifications."""

    __tablename__ = "instructors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String())
    name_key: Mapped[str] = mapped_column(search_key(), index=True)
    email: Mapped[str] = mapped_column(String(), default="")
    phone: Mapped[str] = mapped_column(String(), default="")
    external: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # When they teach, on the venue's clock: weekdays ("MO,TU,WE,TH,FR") and minutes of the day.
    working_days: Mapped[str] = mapped_column(
        String(), default="MO,TU,WE,TH,FR", server_default="MO,TU,WE,TH,FR"
    )
    work_start: Mapped[int] = mapped_column(Integer, default=480, server_default="480")
    work_end: Mapped[int] = mapped_column(Integer, default=1080, server_default="1080")

    qualifications: Mapped[list["InstructorQualification"]] = relationship(
        cascade="all, delete-orphan"
    )


class Learner(Base):
    """A person in the directory, with search keys beside their name and email."""

    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(), default="")
    last_name: Mapped[str] = mapped_column(String(), default="")
    email: Mapped[str] = mapped_column(String())
    # Lower-cased email: the unique key that makes emails unique case-insensitively.
    email_key: Mapped[str] = mapped_column(search_key(), unique=True)
    employee_id: Mapped[str | None] = mapped_column(String(), unique=True)
    department: Mapped[str] = mapped_column(String(), default="")
    manager_name: Mapped[str] = mapped_column(String(), default="")
    manager_email: Mapped[str] = mapped_column(String(), default="")
    location: Mapped[str] = mapped_column(String(), default="")
    job_title: Mapped[str] = mapped_column(String(), default="")
    preferred_language: Mapped[str] = mapped_column(String(16), default="")
    first_key: Mapped[str] = mapped_column(search_key(), index=True)
    last_key: Mapped[str] = mapped_column(search_key(), index=True)
    # Sort order for lists: last name then first name, normalised.
    sort_key: Mapped[str] = mapped_column(search_key(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id"))
    # When the learner joined: requirements due "within 30 days of hire" count from it.
    hire_date: Mapped[date | None] = mapped_column(Date)
    # Optimistic locking: each UPDATE checks and bumps it, so a save based on an older
    # reading fails instead of overwriting another coordinator's change.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own shape


class ImportBatch(Base):
    """One roster import: the file, its column mapping, counts, and what undo needs."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String())
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    column_mapping: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    counts: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    sheet_name: Mapped[str] = mapped_column(String(), default="")
    # JSON: what the batch created and what it changed (with the old values), for undo.
    undo_data: Mapped[str] = mapped_column(Text, default="{}")
    session_id: Mapped[int | None] = mapped_column(ForeignKey("training_sessions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

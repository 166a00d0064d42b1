"""Courses and what they carry: objectives, agenda, materials, budgets, rates."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import Numeric
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from iltdesk.db.base import Base
from iltdesk.db.base import UTCDateTime
from iltdesk.db.base import utcnow
from iltdesk.db.entities.columns import search_key
from iltdesk.db.entities.columns import stored_enum
from iltdesk.domain.enums import ActivityType
from iltdesk.domain.enums import Audience
from iltdesk.domain.enums import DeliveryFormat
from iltdesk.domain.enums import MaterialKind


class Course(Base):
    """A course in the catalogue: what it teaches, how long, how it is delivered and certified."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(), unique=True)
    title: Mapped[str] = mapped_column(String())
    title_key: Mapped[str] = mapped_column(search_key(), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    default_minutes: Mapped[int] = mapped_column(Integer, default=480)
    delivery_format: Mapped[DeliveryFormat] = mapped_column(
        stored_enum(DeliveryFormat, "delivery_format"), default=DeliveryFormat.IN_PERSON
    )
    certificate_validity_months: Mapped[int | None] = mapped_column(Integer)
    # The currency new cost lines of the course start in (costs themselves are cost lines).
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    prework: Mapped[str] = mapped_column(Text, default="")
    prework_link: Mapped[str] = mapped_column(String(), default="")
    completion_threshold: Mapped[int | None] = mapped_column(Integer)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # Optimistic locking: each UPDATE checks and bumps it, so a save based on an older
    # reading fails instead of overwriting another coordinator's change.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own shape

    objectives: Mapped[list["LearningObjective"]] = relationship(
        back_populates="course",
        order_by="LearningObjective.position",
        cascade="all, delete-orphan",
    )
    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="course", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    materials: Mapped[list["CourseMaterial"]] = relationship(
        back_populates="course", order_by="CourseMaterial.id"
    )

    __table_args__ = (
        CheckConstraint(
            "completion_threshold IS NULL OR (completion_threshold BETWEEN 0 AND 100)",
            name="threshold_percent",
        ),
    )


class LearningObjective(Base):
    """One learning objective of a course, in the order the course lists them."""

    __tablename__ = "learning_objectives"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    course: Mapped["Course"] = relationship(back_populates="objectives")

    __table_args__ = (UniqueConstraint("course_id", "position"),)


class AgendaItem(Base):
    """One block of a course's agenda: title, minutes and kind of activity, in order."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String())
    minutes: Mapped[int] = mapped_column(Integer)
    activity: Mapped[ActivityType] = mapped_column(stored_enum(ActivityType, "activity_type"))
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_objectives.id", ondelete="SET NULL")
    )
    facilitator_notes: Mapped[str] = mapped_column(Text, default="")

    course: Mapped["Course"] = relationship(back_populates="agenda")
    objective: Mapped["LearningObjective | None"] = relationship()

    __table_args__ = (
        UniqueConstraint("course_id", "position"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
    )


class CourseMaterial(Base):
    """A file a course carries (slides, guide, handout), kept by content hash."""

    __tablename__ = "course_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    title: Mapped[str] = mapped_column(String())
    kind: Mapped[MaterialKind] = mapped_column(stored_enum(MaterialKind, "material_kind"))
    audience: Mapped[Audience] = mapped_column(stored_enum(Audience, "audience"))
    file_name: Mapped[str] = mapped_column(String())
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped["Course"] = relationship(back_populates="materials")


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

"""Settings and the outbox: each message and its stored bytes."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from iltdesk.db.base import Base
from iltdesk.db.base import UTCDateTime
from iltdesk.db.base import utcnow
from iltdesk.db.entities.columns import stored_enum
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.enums import OutboxStatus


class Setting(Base):
    """A domain setting shared by everyone using this database (organisation name, defaults)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON
    # Optimistic locking: each UPDATE checks and bumps it, so a save based on an older
    # reading fails instead of overwriting another coordinator's change.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own shape


class OutboxMessage(Base):
    """One outgoing email: rendered once, then sent (and retried) exactly as stored.

    `dedupe_key` ("certificate:12", "confirmation:40") is unique, so the same message cannot be
    queued twice; a deliberate resend gets a key of its own.
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(), unique=True)
    kind: Mapped[MessageKind] = mapped_column(stored_enum(MessageKind, "message_kind"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    recipient: Mapped[str] = mapped_column(String())
    recipient_name: Mapped[str] = mapped_column(String(), default="")
    subject: Mapped[str] = mapped_column(String(), default="")
    message_id: Mapped[str] = mapped_column(String(), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        stored_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING, index=True
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

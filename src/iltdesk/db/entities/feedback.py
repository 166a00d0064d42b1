"""Feedback responses to a session's post-session survey, and their answers."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from iltdesk.db.base import Base
from iltdesk.db.base import UTCDateTime
from iltdesk.db.base import utcnow


class FeedbackResponse(Base):
    """One learner's filled-in form: typed from paper or read from a survey export.

    `enrollment_id` names the learner when the form was signed (empty: anonymous); `reference`
    is unique per session, so importing the same export twice adds nothing ("import:<id or
    digest>", "paper:<random>").
    """

    __tablename__ = "feedback_responses"
    __table_args__ = (UniqueConstraint("session_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    source: Mapped[str] = mapped_column(String())  # "paper" or "import"
    reference: Mapped[str] = mapped_column(String())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    answers: Mapped[list["FeedbackAnswer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="FeedbackAnswer.id"
    )


class FeedbackAnswer(Base):
    """One answer: a score (1–5, 0–10) or a comment, to the question with key `question`."""

    __tablename__ = "feedback_answers"
    __table_args__ = (Index("ix_feedback_answers_response_question", "response_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_responses.id", ondelete="CASCADE")
    )
    question: Mapped[str] = mapped_column(String())
    score: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")

    response: Mapped["FeedbackResponse"] = relationship(back_populates="answers")

"""Demo feedback: about half of those who completed a session answered its feedback form."""

from __future__ import annotations

import random
from datetime import datetime
from datetime import timedelta
from typing import Protocol

from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import FeedbackAnswer
from iltdesk.db.entities import FeedbackResponse
from iltdesk.db.entities import TrainingSession
from iltdesk.db.expressions import ColumnValues
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.feedback import DEFAULT_QUESTIONS
from iltdesk.domain.feedback import QuestionKind
from iltdesk.i18n import N_
from iltdesk.i18n import _

RESPONDING = 0.55  # share of those who completed who answer
_COMMENTS = {
    "useful": (
        N_("The practical exercises."),
        N_("Real examples from our own work."),
        N_("Time to practise with the others."),
        N_("The checklist to take away."),
    ),
    "improve": (
        N_("More breaks, please."),
        N_("Less theory at the start."),
        N_("Send the materials beforehand."),
        N_("The room was too warm."),
    ),
}


class Builder(Protocol):
    """What the demo's history builder offers this module."""

    rng: random.Random
    rows: dict[type, list[ColumnValues]]

    def add(self, entity: type, **values: object) -> int: ...

    def settled(self, moment: datetime) -> datetime: ...


def add_feedback(builder: Builder) -> None:
    """Responses with answers for completed sessions: each course rated a little differently."""
    rng = random.Random(builder.rng.random())  # its own stream: the rest of the demo unchanged
    sessions = builder.rows[TrainingSession]
    quality: dict[int, float] = {}
    session_level: dict[int, float] = {}
    for enrollment in builder.rows[Enrollment]:
        session = sessions[enrollment["session_id"] - 1]
        if session["status"] is not SessionStatus.COMPLETED:
            continue
        if enrollment["status"] is not EnrollmentStatus.COMPLETED or rng.random() > RESPONDING:
            continue
        course = quality.setdefault(session["course_id"], rng.uniform(3.5, 4.6))
        level = session_level.setdefault(session["id"], course + rng.gauss(0, 0.3))
        response_id = builder.add(
            FeedbackResponse,
            session_id=session["id"],
            enrollment_id=enrollment["id"] if rng.random() < 0.4 else None,
            source="paper" if rng.random() < 0.5 else "import",
            reference=f"demo:{enrollment['id']}",
            received_at=builder.settled(session["last_end"] + timedelta(hours=rng.randint(1, 72))),
        )
        for question in DEFAULT_QUESTIONS:
            score: int | None = None
            text = ""
            if question.kind is QuestionKind.SCALE:
                score = min(5, max(1, round(rng.gauss(level, 0.7))))
            elif question.kind is QuestionKind.RECOMMEND:
                score = min(10, max(0, round(2 * level + rng.gauss(0, 1.3))))
            elif rng.random() < 0.2:
                text = _(rng.choice(_COMMENTS[question.key]))
            else:
                continue
            builder.add(
                FeedbackAnswer,
                response_id=response_id,
                question=question.key,
                score=score,
                text=text,
            )

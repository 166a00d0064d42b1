"""Pilot sessions: what the first runs of a course taught, kept beside its agenda and guide.

A session flagged as a pilot gets a debrief — what to change in the agenda and the facilitator
guide — written in its window; the course page lists each pilot with its feedback (the overall
score and the number of responses) and its debrief, and the facilitator guide prints the
debriefs under "Changes from the pilots", so the next run's guide records what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select

from iltdesk.db.engine import Database
from iltdesk.db.entities import FeedbackAnswer
from iltdesk.db.entities import FeedbackResponse
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.feedback import OVERALL
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.common import Outcome
from iltdesk.services.common import get_or_fail
from iltdesk.services.reports.feedback import question_average


@dataclass(frozen=True)
class PilotReview:
    """One pilot of a course: when, what learners said overall, and the debrief."""

    session_id: int
    first_start: datetime | None
    timezone: str
    responses: int
    overall: float | None
    debrief: str


def set_debrief(db: Database, session_id: int, text: str) -> Outcome[None]:
    """Keep the pilot's debrief (what to change in the agenda and guide)."""
    with db.transaction() as tx:
        session = get_or_fail(tx, TrainingSession, session_id, _("That session no longer exists."))
        if not session.pilot:
            raise ValidationError(
                _("Only a pilot session has a debrief: mark it as a pilot in its editor first.")
            )
        session.debrief = text.strip()
    return Outcome(None, Changes.of(Entity.SESSION, session_id))


def pilot_reviews(db: Database, course_id: int) -> list[PilotReview]:
    """The course's pilot sessions (not cancelled), earliest first, with their feedback."""
    overall = question_average(OVERALL)
    with db.reading() as tx:
        pilots = tx.execute(
            select(
                TrainingSession.id,
                TrainingSession.first_start,
                TrainingSession.timezone,
                TrainingSession.debrief,
            )
            .where(
                TrainingSession.course_id == course_id,
                TrainingSession.pilot.is_(True),
                TrainingSession.status != SessionStatus.CANCELLED,
            )
            .order_by(TrainingSession.first_start)
        ).all()
        ids = [p[0] for p in pilots]
        scores = {
            session_id: (int(responses or 0), average)
            for session_id, responses, average in tx.execute(
                select(
                    FeedbackResponse.session_id,
                    func.count(func.distinct(FeedbackResponse.id)),
                    overall,
                )
                .join(FeedbackAnswer, FeedbackAnswer.response_id == FeedbackResponse.id)
                .where(FeedbackResponse.session_id.in_(ids))
                .group_by(FeedbackResponse.session_id)
            ).all()
        }
    return [
        PilotReview(
            session_id,
            first_start,
            zone,
            scores.get(session_id, (0, None))[0],
            round(float(score), 2)
            if (score := scores.get(session_id, (0, None))[1]) is not None
            else None,
            debrief,
        )
        for session_id, first_start, zone, debrief in pilots
    ]

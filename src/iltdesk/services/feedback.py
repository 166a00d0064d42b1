"""Post-session feedback: a form per course, responses typed from paper, and the results.

The form is kept as a shared setting per course ("feedback_form.<course id>"; none: the default
level-1 evaluation). Responses and their answers are rows of their own so the reports can
average them in SQL. Survey exports are read in `services/feedback_import.py`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace
from datetime import date
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import Course
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import FeedbackAnswer
from iltdesk.db.entities import FeedbackResponse
from iltdesk.db.entities import Learner
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.feedback import Answer
from iltdesk.domain.feedback import FeedbackEntry
from iltdesk.domain.feedback import FeedbackForm
from iltdesk.domain.feedback import FeedbackResults
from iltdesk.domain.feedback import Question
from iltdesk.domain.feedback import check_form
from iltdesk.domain.feedback import summarise
from iltdesk.domain.printing import FeedbackSheet
from iltdesk.errors import NotFoundError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services import settings_store
from iltdesk.services.common import Outcome
from iltdesk.services.common import get_or_fail

FORM_KEY = "feedback_form.{course_id}"
PAPER = "paper"
IMPORTED = "import"


def feedback_form(db: Database, course_id: int) -> FeedbackForm:
    """The course's feedback form (the default evaluation until it is edited)."""
    return FeedbackForm.from_json(
        settings_store.get_setting(db, FORM_KEY.format(course_id=course_id))
    )


def set_feedback_form(
    db: Database, course_id: int, questions: Sequence[Question] | None
) -> Outcome[None]:
    """Keep the course's edited form (None: back to the default evaluation)."""
    if questions is not None:
        problems = check_form(questions)
        if problems:
            raise ValidationError(" ".join(problems))
    with db.reading() as tx:
        get_or_fail(tx, Course, course_id, _("That course no longer exists."))
    stored = None if questions is None else FeedbackForm(tuple(questions)).to_json()
    outcome = settings_store.set_setting(db, FORM_KEY.format(course_id=course_id), stored)
    return Outcome(None, outcome.changes | Changes.of(Entity.COURSE, course_id))


def record_feedback(
    db: Database, session_id: int, entries: Sequence[FeedbackEntry]
) -> Outcome[int]:
    """Keep forms typed from paper (one transaction); returns how many were kept.

    A form with no answer at all is skipped; a score the question does not allow is refused.
    """
    with db.reading() as tx:
        course_id = course_of(tx, session_id)
    form = feedback_form(db, course_id)
    kept = [e for e in entries if any(a.score is not None or a.text.strip() for a in e.answers)]
    for number, entry in enumerate(kept, start=1):
        for answer in entry.answers:
            question = form.question(answer.question)
            if question is None:
                raise ValidationError(
                    _("Form {n} answers a question the course's form does not ask.").format(
                        n=number
                    )
                )
            if answer.score is not None and answer.score not in question.kind.scores:
                raise ValidationError(
                    _("Form {n}: {score} is not an answer to “{question}”.").format(
                        n=number, score=answer.score, question=question.wording()
                    )
                )

    def work(tx: OrmSession) -> Outcome[int]:
        places = _places(tx, session_id)
        for entry in kept:
            if entry.enrollment_id is not None and entry.enrollment_id not in places:
                raise ValidationError(_("A learner named on a form is not on this session."))
            add_response(tx, session_id, entry, PAPER, f"{PAPER}:{secrets.token_hex(8)}")
        return Outcome(len(kept), Changes.of(Entity.FEEDBACK, session_id))

    return db.write(work)


def add_response(
    tx: OrmSession, session_id: int, entry: FeedbackEntry, source: str, reference: str
) -> None:
    """Add one response with its answers to the unit of work."""
    tx.add(
        FeedbackResponse(
            session_id=session_id,
            enrollment_id=entry.enrollment_id,
            source=source,
            reference=reference,
            answers=[
                FeedbackAnswer(question=a.question, score=a.score, text=a.text.strip())
                for a in entry.answers
                if a.score is not None or a.text.strip()
            ],
        )
    )


def remove_responses(db: Database, session_id: int, response_ids: Sequence[int]) -> Outcome[int]:
    """Remove responses typed or imported by mistake (the audit trail keeps that they were)."""

    def work(tx: OrmSession) -> Outcome[int]:
        found = tx.scalars(
            select(FeedbackResponse).where(
                FeedbackResponse.session_id == session_id,
                FeedbackResponse.id.in_(list(response_ids)),
            )
        ).all()
        for response in found:
            tx.delete(response)
        return Outcome(len(found), Changes.of(Entity.FEEDBACK, session_id))

    return db.write(work)


@dataclass(frozen=True)
class ResponseRow:
    """One response as the session window lists it."""

    response_id: int
    learner: str  # "" when anonymous
    source: str
    received_at: datetime
    answers: tuple[Answer, ...]
    timezone: str = "UTC"  # the session's, for showing when it was received


@dataclass(frozen=True)
class SessionFeedback:
    """A session's feedback: its form, results, the course's results beside them, responses."""

    session_id: int
    course_id: int
    course: str
    form: FeedbackForm
    results: FeedbackResults
    course_results: FeedbackResults
    survey_link: str
    responses: tuple[ResponseRow, ...]


def session_feedback(db: Database, session_id: int) -> SessionFeedback:
    """Averages, distribution, response rate and comments for the session (and its course)."""
    with db.reading() as tx:
        session = get_or_fail(tx, TrainingSession, session_id, _("That session no longer exists."))
        course = session.course
        course_id, label, survey_link = (
            course.id,
            f"{course.code} {course.title}",
            session.survey_link,
        )
        responses = [
            replace(r, timezone=session.timezone)
            for r in _responses(tx, [FeedbackResponse.session_id == session_id])
        ]
        course_answers = _answers(tx, [TrainingSession.course_id == course_id])
        course_responses = int(
            tx.scalar(
                select(func.count())
                .select_from(FeedbackResponse)
                .join(TrainingSession, TrainingSession.id == FeedbackResponse.session_id)
                .where(TrainingSession.course_id == course_id)
            )
            or 0
        )
        attended = _attended(tx, [TrainingSession.id == session_id])
        course_attended = _attended(
            tx,
            [
                TrainingSession.course_id == course_id,
                exists().where(FeedbackResponse.session_id == TrainingSession.id),
            ],
        )
    form = FeedbackForm.from_json(
        settings_store.get_setting(db, FORM_KEY.format(course_id=course_id))
    )
    answers = [a for r in responses for a in r.answers]
    return SessionFeedback(
        session_id=session_id,
        course_id=course_id,
        course=label,
        form=form,
        results=summarise(form, answers, len(responses), attended),
        course_results=summarise(form, course_answers, course_responses, course_attended),
        survey_link=survey_link,
        responses=tuple(responses),
    )


def _responses(tx: OrmSession, where: list[ColumnElement[bool]]) -> list[ResponseRow]:
    rows = tx.execute(
        select(
            FeedbackResponse.id,
            Learner.first_name,
            Learner.last_name,
            FeedbackResponse.source,
            FeedbackResponse.received_at,
        )
        .outerjoin(Enrollment, Enrollment.id == FeedbackResponse.enrollment_id)
        .outerjoin(Learner, Learner.id == Enrollment.learner_id)
        .where(*where)
        .order_by(FeedbackResponse.id)
    ).all()
    answers: dict[int, list[Answer]] = {row[0]: [] for row in rows}
    if answers:
        for response_id, question, score, text in tx.execute(
            select(
                FeedbackAnswer.response_id,
                FeedbackAnswer.question,
                FeedbackAnswer.score,
                FeedbackAnswer.text,
            )
            .where(FeedbackAnswer.response_id.in_(list(answers)))
            .order_by(FeedbackAnswer.id)
        ):
            answers[response_id].append(Answer(question, score, text or ""))
    return [
        ResponseRow(
            response_id=row[0],
            learner=" ".join(p for p in (row[1], row[2]) if p),
            source=row[3],
            received_at=row[4],
            answers=tuple(answers[row[0]]),
        )
        for row in rows
    ]


def _answers(tx: OrmSession, where: list[ColumnElement[bool]]) -> list[Answer]:
    return [
        Answer(question, score, text or "")
        for question, score, text in tx.execute(
            select(FeedbackAnswer.question, FeedbackAnswer.score, FeedbackAnswer.text)
            .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
            .join(TrainingSession, TrainingSession.id == FeedbackResponse.session_id)
            .where(*where)
        )
    ]


def _attended(tx: OrmSession, where: list[ColumnElement[bool]]) -> int:
    """Learners who attended the sessions `where` picks, counted as the reports count them.

    Attended: minutes from a present, late or left-early mark.
    """
    return int(
        tx.scalar(
            select(func.count())
            .select_from(Enrollment)
            .join(TrainingSession, TrainingSession.id == Enrollment.session_id)
            .where(
                *where,
                TrainingSession.status != SessionStatus.CANCELLED,
                Enrollment.status.in_(SEAT_HOLDING),
                Enrollment.attended_minutes > 0,
            )
        )
        or 0
    )


def course_of(tx: OrmSession, session_id: int) -> int:
    """The course of the session, or a sentence when the session is gone."""
    course_id = tx.scalar(select(TrainingSession.course_id).where(TrainingSession.id == session_id))
    if course_id is None:
        raise NotFoundError(_("That session no longer exists."))
    return int(course_id)


def _places(tx: OrmSession, session_id: int) -> set[int]:
    return set(tx.scalars(select(Enrollment.id).where(Enrollment.session_id == session_id)))


def feedback_sheet(
    db: Database,
    session_id: int,
    *,
    organisation: str = "",
    paper: str = "A4",
    now: datetime | None = None,
) -> FeedbackSheet:
    """The printed form's content: the session's details and its course's questions."""
    from iltdesk import formatting
    from iltdesk.services import scheduling

    session = scheduling.get_session(db, session_id)
    form = feedback_form(db, session.course_id)
    zone = session.timezone
    when = tuple(
        f"{formatting.format_day_with_weekday(day.start, zone)} · "
        f"{formatting.format_time_span(day.start, day.end, zone)}"
        for day in session.days
    )
    place = session.room_name or session.meeting_link or session.mode.label()
    return FeedbackSheet(
        organisation=organisation,
        course_title=session.course_title,
        course_code=session.course_code,
        when=when,
        place=place,
        instructors=tuple(
            i.name for i in session.instructors if i.role is not InstructorRole.BACKUP
        ),
        questions=tuple((q.wording(), q.kind.value) for q in form.questions),
        copies=max(1, session.enrolled),
        printed_label=_("Printed {when}").format(
            when=formatting.format_datetime(now or utcnow(), zone)
        ),
        paper=paper,
    )


@dataclass(frozen=True)
class InstructorFeedback:
    """What learners said about an instructor's sessions since a date."""

    responses: int
    instructor: float | None  # the average answer to the question about the instructor
    overall: float | None  # the average overall satisfaction


def instructor_feedback(db: Database, instructor_id: int, since: date) -> InstructorFeedback:
    """Feedback on the sessions the instructor taught (lead or co) from `since` on."""
    from iltdesk.db.entities import SessionInstructor
    from iltdesk.domain.feedback import INSTRUCTOR
    from iltdesk.domain.feedback import OVERALL
    from iltdesk.services.reports.common import TEACHING
    from iltdesk.services.reports.feedback import question_average as average

    with db.reading() as tx:
        responses, instructor, overall = tx.execute(
            select(
                func.count(func.distinct(FeedbackResponse.id)),
                average(INSTRUCTOR),
                average(OVERALL),
            )
            .select_from(FeedbackAnswer)
            .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
            .join(TrainingSession, TrainingSession.id == FeedbackResponse.session_id)
            .where(
                TrainingSession.first_date >= since,
                exists().where(
                    SessionInstructor.session_id == TrainingSession.id,
                    SessionInstructor.instructor_id == instructor_id,
                    SessionInstructor.role.in_(TEACHING),
                ),
            )
        ).one()
    return InstructorFeedback(
        int(responses or 0),
        round(float(instructor), 2) if instructor is not None else None,
        round(float(overall), 2) if overall is not None else None,
    )

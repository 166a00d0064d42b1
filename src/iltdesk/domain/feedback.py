"""Post-session feedback as plain data: forms, answers and what they add up to.

The form's questions, answers read from paper or a survey export, and their averages,
distribution, response rate and comments.

A course's form is a list of questions, each with a stable key. The default level-1 evaluation
uses the keys below; a question whose wording was never edited is printed in the reader's
language, an edited one as the coordinator wrote it. Reports read answers by key: the feedback
score is the "overall" question, the instructor's score the "instructor" question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum

from iltdesk.domain.text import search_key
from iltdesk.i18n import N_
from iltdesk.i18n import _

MAX_QUESTIONS = 20
OVERALL = "overall"
INSTRUCTOR = "instructor"
RECOMMEND = "recommend"


class QuestionKind(StrEnum):
    """How a question is answered."""

    SCALE = "scale"  # 1 (strongly disagree) … 5 (strongly agree)
    RECOMMEND = "recommend"  # 0 (not at all likely) … 10 (extremely likely)
    TEXT = "text"  # free text

    def label(self) -> str:
        return _(_KIND_LABELS[self])

    @property
    def scores(self) -> range:
        """The scores a tick can give (empty for free text)."""
        if self is QuestionKind.SCALE:
            return range(1, 6)
        if self is QuestionKind.RECOMMEND:
            return range(11)
        return range(0)


_KIND_LABELS = {
    QuestionKind.SCALE: N_("Rating 1–5"),
    QuestionKind.RECOMMEND: N_("Would recommend 0–10"),
    QuestionKind.TEXT: N_("Free text"),
}

DEFAULT_WORDING = {
    "content": N_("The content was clear and well organised."),
    INSTRUCTOR: N_("The instructor explained well and answered my questions."),
    "pace": N_("The pace was right for me."),
    "relevance": N_("What I learned is relevant to my work."),
    OVERALL: N_("Overall, I am satisfied with this training."),
    RECOMMEND: N_("How likely are you to recommend this training to a colleague?"),
    "useful": N_("What did you find most useful?"),
    "improve": N_("What should we improve?"),
}


SHORT_LABELS = {
    "content": N_("Content"),
    INSTRUCTOR: N_("Instructor"),
    "pace": N_("Pace"),
    "relevance": N_("Relevance"),
    OVERALL: N_("Overall"),
    RECOMMEND: N_("Recommend"),
    "useful": N_("Most useful"),
    "improve": N_("Improve"),
}


@dataclass(frozen=True)
class Question:
    """One question of a form: a stable key, how it is answered, and its wording."""

    key: str
    kind: QuestionKind
    text: str = ""  # empty: the default wording, in the reader's language

    def wording(self) -> str:
        if self.text:
            return self.text
        default = DEFAULT_WORDING.get(self.key)
        return _(default) if default else self.key

    def label(self) -> str:
        """A column heading: the short name of a default question, else the wording."""
        short = SHORT_LABELS.get(self.key)
        return _(short) if short and not self.text else self.wording()


DEFAULT_QUESTIONS = (
    Question("content", QuestionKind.SCALE),
    Question(INSTRUCTOR, QuestionKind.SCALE),
    Question("pace", QuestionKind.SCALE),
    Question("relevance", QuestionKind.SCALE),
    Question(OVERALL, QuestionKind.SCALE),
    Question(RECOMMEND, QuestionKind.RECOMMEND),
    Question("useful", QuestionKind.TEXT),
    Question("improve", QuestionKind.TEXT),
)


@dataclass(frozen=True)
class FeedbackForm:
    """A course's feedback form: its questions in order."""

    questions: tuple[Question, ...] = DEFAULT_QUESTIONS
    customised: bool = False

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def to_json(self) -> list[dict[str, str]]:
        return [{"key": q.key, "kind": q.kind.value, "text": q.text} for q in self.questions]

    @classmethod
    def from_json(cls, stored: object) -> FeedbackForm:
        """The form kept in the database; anything unreadable gives the default form."""
        if not isinstance(stored, list) or not stored:
            return cls()
        questions: list[Question] = []
        for item in stored:
            if not isinstance(item, dict):
                return cls()
            try:
                kind = QuestionKind(str(item.get("kind", "")))
            except ValueError:
                return cls()
            questions.append(Question(str(item.get("key", "")), kind, str(item.get("text", ""))))
        return cls(tuple(questions), customised=True)


def check_form(questions: Sequence[Question]) -> list[str]:
    """What is wrong with a form a coordinator edited, in sentences (empty: nothing)."""
    problems: list[str] = []
    if not questions:
        problems.append(_("A feedback form needs at least one question."))
    if len(questions) > MAX_QUESTIONS:
        problems.append(
            _("A feedback form has at most {count} questions (one printed page).").format(
                count=MAX_QUESTIONS
            )
        )
    seen: set[str] = set()
    for position, question in enumerate(questions, start=1):
        if not question.key or question.key in seen:
            problems.append(_("Question {n} has no key of its own.").format(n=position))
        seen.add(question.key)
        if not question.wording().strip() or (
            question.key not in DEFAULT_WORDING and not question.text.strip()
        ):
            problems.append(_("Question {n} has no wording.").format(n=position))
    return problems


def new_key(questions: Iterable[Question]) -> str:
    """A key no question of the form uses yet, for a question the coordinator adds."""
    taken = {q.key for q in questions}
    number = 1
    while f"q{number}" in taken:
        number += 1
    return f"q{number}"


# --- reading answers ---------------------------------------------------------------------------

# Likert labels as survey tools export them (Microsoft Forms, Google Forms; English and German).
_LIKERT = {
    "strongly disagree": 1,
    "disagree": 2,
    "neither agree nor disagree": 3,
    "neutral": 3,
    "agree": 4,
    "strongly agree": 5,
    "stimme uberhaupt nicht zu": 1,
    "stimme gar nicht zu": 1,
    "stimme nicht zu": 2,
    "teils teils": 3,
    "weder noch": 3,
    "stimme zu": 4,
    "stimme voll zu": 5,
    "stimme voll und ganz zu": 5,
    "very dissatisfied": 1,
    "dissatisfied": 2,
    "satisfied": 4,
    "very satisfied": 5,
    "poor": 1,
    "fair": 2,
    "good": 3,
    "very good": 4,
    "excellent": 5,
}
_NUMBER = re.compile(r"^\s*(\d{1,2})(?:[.,]0+)?(?:\s*(?:[-–—:/(]|$|\s+\w).*)?$", re.DOTALL)


class AnswerError(ValueError):
    """An answer that is not a score the question allows (the message says which)."""


def read_score(kind: QuestionKind, raw: object) -> int | None:
    """A score from a cell: 4, "4", "4 - Agree", "★★★★", "Strongly agree"; None when blank."""
    if kind is QuestionKind.TEXT:
        raise AnswerError(_("a free-text question has no score"))
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        number = float(raw)
        if not number.is_integer():
            raise AnswerError(_("“{value}” is not a whole score").format(value=raw))
        value = int(number)
    else:
        text = str(raw).strip()
        if not text:
            return None
        stars = text.count("★")
        if stars and not text.replace("★", "").replace("☆", "").strip():
            value = stars
        elif (found := _NUMBER.match(text)) is not None:
            value = int(found.group(1))
        elif kind is QuestionKind.SCALE and search_key(text) in _LIKERT:
            value = _LIKERT[search_key(text)]
        else:
            raise AnswerError(_("“{value}” is not a score").format(value=text))
    if value not in kind.scores:
        low, high = kind.scores[0], kind.scores[-1]
        raise AnswerError(
            _("{value} is outside {low}–{high}").format(value=value, low=low, high=high)
        )
    return value


@dataclass(frozen=True)
class Answer:
    """One answer of one response: a score, or a comment."""

    question: str
    score: int | None = None
    text: str = ""


@dataclass(frozen=True)
class FeedbackEntry:
    """One filled-in form: who (None: anonymous) and the answers given."""

    enrollment_id: int | None
    answers: tuple[Answer, ...]


# --- what the answers add up to -----------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    """One question's answers: how many, their average and spread, or the comments."""

    question: Question
    answered: int
    average: float | None
    distribution: tuple[int, ...]  # one count per score in `question.kind.scores`
    comments: tuple[str, ...] = ()
    net_promoter: int | None = None  # for a 0–10 question: % promoters − % detractors


@dataclass(frozen=True)
class FeedbackResults:
    """A session's (or a course's) feedback: responses against those who attended."""

    responses: int
    attended: int
    questions: tuple[QuestionResult, ...] = field(default_factory=tuple)

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.attended if self.attended else None

    def result(self, key: str) -> QuestionResult | None:
        return next((r for r in self.questions if r.question.key == key), None)


def summarise(
    form: FeedbackForm, answers: Iterable[Answer], responses: int, attended: int
) -> FeedbackResults:
    """Average, distribution and comments per question of `form`."""
    scores: dict[str, list[int]] = {q.key: [] for q in form.questions}
    comments: dict[str, list[str]] = {q.key: [] for q in form.questions}
    for answer in answers:
        if answer.question not in scores:
            continue  # a question since removed from the form
        if answer.score is not None:
            scores[answer.question].append(answer.score)
        if answer.text.strip():
            comments[answer.question].append(answer.text.strip())
    results: list[QuestionResult] = []
    for question in form.questions:
        given = scores[question.key]
        scale = question.kind.scores
        distribution = tuple(given.count(s) for s in scale)
        results.append(
            QuestionResult(
                question=question,
                answered=len(given) if scale else len(comments[question.key]),
                average=round(sum(given) / len(given), 2) if given else None,
                distribution=distribution,
                comments=tuple(comments[question.key]),
                net_promoter=net_promoter(given)
                if question.kind is QuestionKind.RECOMMEND
                else None,
            )
        )
    return FeedbackResults(responses, attended, tuple(results))


def net_promoter(scores: Sequence[int]) -> int | None:
    """Net promoter score of 0–10 answers: % of 9–10 minus % of 0–6 (None without answers)."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return round(100 * (promoters - detractors) / len(scores))

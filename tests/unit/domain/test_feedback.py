"""Feedback forms, scores read from any survey tool's cells, and what answers add up to."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iltdesk.domain.feedback import DEFAULT_QUESTIONS
from iltdesk.domain.feedback import Answer
from iltdesk.domain.feedback import AnswerError
from iltdesk.domain.feedback import FeedbackForm
from iltdesk.domain.feedback import Question
from iltdesk.domain.feedback import QuestionKind
from iltdesk.domain.feedback import check_form
from iltdesk.domain.feedback import net_promoter
from iltdesk.domain.feedback import new_key
from iltdesk.domain.feedback import read_score
from iltdesk.domain.feedback import summarise

SCALE, RECOMMEND = QuestionKind.SCALE, QuestionKind.RECOMMEND


@pytest.mark.parametrize(
    ("raw", "score"),
    [
        (4, 4),
        (4.0, 4),
        ("4", 4),
        (" 5 - Strongly agree", 5),
        ("3 (neutral)", 3),
        ("★★★★", 4),
        ("Strongly agree", 5),
        ("neither agree nor disagree", 3),
        ("Stimme überhaupt nicht zu", 1),
        ("Stimme zu", 4),
        ("", None),
        (None, None),
    ],
)
def test_scores_as_survey_tools_write_them(raw, score):
    assert read_score(SCALE, raw) == score


@pytest.mark.parametrize(
    ("raw", "says"), [("maybe", "not a score"), (6, "outside 1–5"), (4.5, "whole")]
)
def test_what_is_not_a_score_is_named(raw, says):
    with pytest.raises(AnswerError, match=says):
        read_score(SCALE, raw)


def test_recommend_runs_from_0_to_10():
    assert read_score(RECOMMEND, "0") == 0
    assert read_score(RECOMMEND, "10") == 10
    with pytest.raises(AnswerError):
        read_score(RECOMMEND, 11)
    with pytest.raises(AnswerError):
        read_score(QuestionKind.TEXT, "4")


def test_the_default_form_is_the_level_one_evaluation():
    form = FeedbackForm()
    kinds = [q.kind for q in form.questions]
    assert kinds.count(SCALE) == 5
    assert kinds.count(RECOMMEND) == 1
    assert kinds.count(QuestionKind.TEXT) == 2
    assert form.question("overall").wording() == "Overall, I am satisfied with this training."
    assert not form.customised


def test_a_form_round_trips_and_garbage_gives_the_default():
    edited = (*DEFAULT_QUESTIONS[:2], Question("q1", SCALE, "The room was comfortable."))
    stored = FeedbackForm(edited).to_json()
    back = FeedbackForm.from_json(stored)
    assert back.questions == edited
    assert back.customised
    assert FeedbackForm.from_json([{"kind": "nonsense"}]) == FeedbackForm()
    assert FeedbackForm.from_json("x") == FeedbackForm()


def test_an_edited_form_is_checked():
    assert check_form(DEFAULT_QUESTIONS) == []
    assert check_form(()) == ["A feedback form needs at least one question."]
    problems = check_form((Question("q1", SCALE, ""), Question("q1", SCALE, "Twice")))
    assert "Question 1 has no wording." in problems
    assert "Question 2 has no key of its own." in problems
    assert len(check_form([Question(f"q{i}", SCALE, "x") for i in range(21)])) == 1
    assert new_key([Question("q1", SCALE, "a"), Question("q2", SCALE, "b")]) == "q3"


def test_results_average_spread_and_comments():
    form = FeedbackForm()
    answers = [
        Answer("overall", 5),
        Answer("overall", 4),
        Answer("overall", 4),
        Answer("recommend", 10),
        Answer("recommend", 9),
        Answer("recommend", 3),
        Answer("improve", None, "More breaks"),
        Answer("gone", 2),  # a question since removed from the form
    ]
    results = summarise(form, answers, responses=3, attended=4)
    overall = results.result("overall")
    assert overall is not None
    assert (overall.answered, overall.average, overall.distribution) == (3, 4.33, (0, 0, 0, 2, 1))
    recommend = results.result("recommend")
    assert recommend is not None
    assert recommend.net_promoter == 33  # 2 promoters, 1 detractor of 3
    improve = results.result("improve")
    assert improve is not None
    assert improve.comments == ("More breaks",)
    assert results.response_rate == 0.75
    assert summarise(form, [], 0, 0).response_rate is None


@given(st.lists(st.integers(0, 10), max_size=60))
def test_net_promoter_is_a_percentage_difference(scores):
    value = net_promoter(scores)
    if not scores:
        assert value is None
    else:
        assert -100 <= value <= 100
        assert value == net_promoter(list(reversed(scores)))

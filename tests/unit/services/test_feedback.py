"""Feedback: typed from paper, read from survey exports, summed per session, course and report."""

from __future__ import annotations

import pytest

from iltdesk.domain.feedback import DEFAULT_QUESTIONS
from iltdesk.domain.feedback import Answer
from iltdesk.domain.feedback import FeedbackEntry
from iltdesk.domain.feedback import Question
from iltdesk.domain.feedback import QuestionKind
from iltdesk.domain.reporting import GroupBy
from iltdesk.domain.reporting import ReportFilters
from iltdesk.domain.reporting import ReportName
from iltdesk.errors import UnreadableFileError
from iltdesk.errors import ValidationError
from iltdesk.services.feedback import feedback_form
from iltdesk.services.feedback import record_feedback
from iltdesk.services.feedback import remove_responses
from iltdesk.services.feedback import session_feedback
from iltdesk.services.feedback import set_feedback_form
from iltdesk.services.feedback_import import apply_feedback_import
from iltdesk.services.feedback_import import plan_feedback_import
from iltdesk.services.reports import build_report
from tests.fixtures.surveys import delivered_session
from tests.fixtures.surveys import google_forms_csv
from tests.fixtures.surveys import microsoft_forms_xlsx


@pytest.fixture
def delivered(db):
    return delivered_session(db)


def test_the_history_says_whose_feedback_was_kept_in_words(db, delivered):
    """It dumped the response's fields ("created feedback 7 (received_at: …, reference: …)")."""
    from iltdesk.services import audit

    session, places, _rosa = delivered
    db.actor = "Maria"
    record_feedback(
        db,
        session.id,
        [
            FeedbackEntry(places[0], (Answer("overall", 5),)),
            FeedbackEntry(None, (Answer("overall", 3),)),
        ],
    )
    words = [row.text for row in audit.history(db, session_id=session.id, limit=3)]
    assert "Maria typed in Ann Lee's feedback form" in words
    assert "Maria typed in an anonymous feedback form" in words
    assert not any("received_at" in w or "reference" in w for w in words)


def test_paper_forms_read_back_as_results(db, delivered):
    session, places, _rosa = delivered
    entries = [
        FeedbackEntry(
            places[0],
            (Answer("overall", 5), Answer("instructor", 4), Answer("useful", None, "Role plays")),
        ),
        FeedbackEntry(None, (Answer("overall", 3), Answer("recommend", 9))),
        FeedbackEntry(None, ()),  # a blank form: not counted
    ]
    assert record_feedback(db, session.id, entries).value == 2
    found = session_feedback(db, session.id)
    assert (found.results.responses, found.results.attended) == (2, 2)
    assert found.results.response_rate == 1.0
    overall = found.results.result("overall")
    assert overall is not None
    assert (overall.average, overall.distribution) == (4.0, (0, 0, 1, 0, 1))
    assert found.results.result("useful").comments == ("Role plays",)
    assert [r.learner for r in found.responses] == ["Ann Lee", ""]
    assert found.course_results.responses == 2
    remove_responses(db, session.id, [found.responses[1].response_id])
    assert session_feedback(db, session.id).results.responses == 1


def test_a_score_the_question_does_not_allow_is_refused(db, delivered):
    session, _places, _rosa = delivered
    with pytest.raises(ValidationError, match="Form 1: 7 is not an answer"):
        record_feedback(db, session.id, [FeedbackEntry(None, (Answer("overall", 7),))])
    assert session_feedback(db, session.id).results.responses == 0


def test_a_course_keeps_its_edited_form(db, delivered):
    session, _places, _rosa = delivered
    course_id = session_feedback(db, session.id).course_id
    edited = (*DEFAULT_QUESTIONS[:5], Question("q1", QuestionKind.SCALE, "The venue was good."))
    set_feedback_form(db, course_id, edited)
    assert feedback_form(db, course_id).questions == edited
    with pytest.raises(ValidationError, match="at least one question"):
        set_feedback_form(db, course_id, [])
    set_feedback_form(db, course_id, None)
    assert not feedback_form(db, course_id).customised


def _forms_rows():
    return [
        [
            "ann@example.com",
            "Ann Lee",
            "Strongly agree",
            "Agree",
            4,
            "4",
            5,
            9,
            "The cases",
            None,
            "Sales",
        ],
        ["BO@example.com", "Bo Chen", "Agree", "maybe", 3, 4, 4, 6, None, "More breaks", "HR"],
        ["zed@example.com", "Zed Who", "Agree", "Agree", 4, 4, 4, 10, None, None, "HR"],
    ]


def test_a_microsoft_forms_export_is_mapped_and_read(db, delivered, tmp_path):
    session, places, _rosa = delivered
    path = microsoft_forms_xlsx(tmp_path / "Coaching feedback(1-3).xlsx", _forms_rows())
    plan = plan_feedback_import(db, session.id, path)
    targets = {c.heading: c.target for c in plan.columns}
    assert targets["Email"] == "email"
    assert targets["ID"] == "id"
    assert targets["The pace was right for me."] == "question:pace"
    assert (
        targets["How likely are you to recommend this training to a colleague?"]
        == "question:recommend"
    )
    assert set(plan.left_out) == {
        "Start time",
        "Completion time",
        "Last modified time",
        "Which team are you in?",
    }
    assert plan.problems == (
        "Line 3, “The instructor explained well and answered my questions.”: “maybe” is not a "
        "score; the answer is left out.",
    )
    assert plan.not_on_roster == ("zed@example.com",)
    assert [r.enrollment_id for r in plan.responses] == [places[0], places[1], None]
    assert apply_feedback_import(db, plan).value == 3
    found = session_feedback(db, session.id)
    assert found.results.responses == 3
    assert found.results.result("content").average == 4.33
    assert found.results.result("instructor").answered == 2
    assert found.results.result("recommend").net_promoter == 33
    # The same export again adds nothing.
    again = plan_feedback_import(db, session.id, path)
    assert (len(again.responses), again.already_imported, again.problems) == (0, 3, ())


def test_a_mapping_chosen_once_is_remembered(db, delivered, tmp_path):
    session, _places, _rosa = delivered
    path = google_forms_csv(tmp_path / "responses.csv", [["ann@example.com", "x", 4, 8, "ok"]])
    plan = plan_feedback_import(db, session.id, path)
    content = plan.headings.index("Der Inhalt war klar und gut gegliedert.")
    chosen = {c.index: c.target for c in plan.columns} | {content: "question:content"}
    apply_feedback_import(db, plan_feedback_import(db, session.id, path, chosen))
    later = plan_feedback_import(
        db,
        session.id,
        google_forms_csv(tmp_path / "more.csv", [["bo@example.com", "Stimme zu", 5, 10, ""]]),
    )
    assert {c.heading: c.target for c in later.columns}[
        "Der Inhalt war klar und gut gegliedert."
    ] == "question:content"
    assert later.responses[0].answers[0] == Answer("content", 4)


def test_an_export_of_another_survey_is_refused_with_a_sentence(db, delivered, tmp_path):
    session, _places, _rosa = delivered
    path = tmp_path / "other.csv"
    path.write_text(
        "Timestamp,Favourite colour,Lunch choice\n2027-01-01,blue,soup\n", encoding="utf-8"
    )
    with pytest.raises(UnreadableFileError, match=r"None of the columns of other\.csv matches"):
        plan_feedback_import(db, session.id, path)


def test_feedback_reaches_the_reports(db, delivered):
    session, places, _rosa = delivered
    record_feedback(
        db,
        session.id,
        [
            FeedbackEntry(
                places[0], (Answer("overall", 5), Answer("instructor", 5), Answer("recommend", 10))
            ),
            FeedbackEntry(
                None, (Answer("overall", 4), Answer("instructor", 4), Answer("recommend", 5))
            ),
        ],
    )
    table = build_report(db, ReportName.FEEDBACK, ReportFilters())
    row = dict(zip([c.key for c in table.columns], table.rows[0], strict=True))
    assert (row["sessions"], row["attended"], row["responses"], row["response_rate"]) == (
        1,
        2,
        2,
        1.0,
    )
    assert (row["overall_score"], row["instructor_score"], row["net_promoter"]) == (4.5, 4.5, 0)
    assert table.totals["overall_score"] == 4.5
    by_instructor = build_report(
        db, ReportName.FEEDBACK, ReportFilters(group_by=GroupBy.INSTRUCTOR)
    )
    assert by_instructor.rows[0][0] == "Rosa Díaz"
    hours = build_report(db, ReportName.INSTRUCTOR_HOURS, ReportFilters())
    hours_row = dict(zip([c.key for c in hours.columns], hours.rows[0], strict=True))
    assert (hours_row["instructor"], hours_row["feedback_score"]) == ("Rosa Díaz", 4.5)
    assert hours.totals["feedback_score"] == 4.5


def test_the_feedback_request_carries_the_sessions_own_survey_link(db):
    from dataclasses import replace

    from iltdesk.domain.enums import MessageKind
    from iltdesk.services import outbox
    from iltdesk.services import scheduling
    from tests.fixtures.builders import completed_session

    session = completed_session(db)
    outbox.set_mail_settings(
        db,
        {
            "mail.sender_address": "training@example.com",
            "mail.survey_link": "https://forms.example.com/general",
        },
    )
    drafts = outbox.compose(db, MessageKind.FEEDBACK, session.id).drafts
    assert len(drafts) == 3
    assert all("https://forms.example.com/general" in d.body for d in drafts)
    row = scheduling.get_session(db, session.id)
    spec = replace(scheduling.spec_for_row(row), survey_link=" https://forms.example.com/s42 ")
    assert scheduling.update_session(db, session.id, spec).value.survey_link == (
        "https://forms.example.com/s42"
    )
    drafts = outbox.compose(db, MessageKind.FEEDBACK, session.id).drafts
    assert all("https://forms.example.com/s42" in d.body for d in drafts)
    assert not any("general" in d.body for d in drafts)


def test_a_heading_in_german_is_the_german_wording_of_the_question(db, delivered, tmp_path):
    session, _places, _rosa = delivered
    path = google_forms_csv(
        tmp_path / "antworten.csv", [["ann@example.com", "Stimme zu", 5, 9, ""]]
    )
    plan = plan_feedback_import(db, session.id, path)
    targets = {c.heading: c.target for c in plan.columns}
    assert targets["Der Inhalt war klar und gut gegliedert."] == "question:content"
    assert targets["Email Address"] == "email"
    assert targets["Timestamp"] == ""
    assert plan.responses[0].answers[0] == Answer("content", 4)

"""The printed feedback form: the session's details, a box per score, a page per learner."""

from __future__ import annotations

import io
from datetime import UTC
from datetime import datetime

import pdfplumber

from iltdesk.documents.feedback_form import BOX
from iltdesk.documents.feedback_form import build_feedback_form_pdf
from iltdesk.domain.feedback import Question
from iltdesk.domain.feedback import QuestionKind
from iltdesk.services.feedback import feedback_sheet
from iltdesk.services.feedback import set_feedback_form
from tests.fixtures.surveys import delivered_session


def _boxes(page):
    size = BOX
    return [r for r in page.rects if abs(r["width"] - size) < 0.5 and abs(r["height"] - size) < 0.5]


def test_one_page_per_learner_with_the_session_and_every_question(db):
    session, _places, _rosa = delivered_session(db)
    sheet = feedback_sheet(
        db, session.id, organisation="Northwind", now=datetime(2026, 3, 9, 12, tzinfo=UTC)
    )
    assert sheet.copies == 3
    with pdfplumber.open(io.BytesIO(build_feedback_form_pdf(sheet))) as pdf:
        assert len(pdf.pages) == 3
        page = pdf.pages[0]
        text = page.extract_text()
        for expected in (
            "Northwind",
            "Coaching Basics",
            "Tuesday, 10 March 2026 · 09:00–17:00 CET",
            "Rosa Díaz",
            "The pace was right for me.",
            "How likely are you to recommend this training to a colleague?",
            "What should we improve?",
            "Name (optional)",
            "Printed 9 Mar 2026",
        ):
            assert expected in text, expected
        # Five boxes for each of the five rated statements, eleven for 0–10.
        assert len(_boxes(page)) == 5 * 5 + 11
        # The 1–5 boxes of a statement sit on its line, right of its words.
        words = page.extract_words()
        pace = next(w for w in words if w["text"] == "pace")
        beside = [b for b in _boxes(page) if abs(b["top"] - pace["top"]) < 8]
        assert len(beside) == 5
        assert min(b["x0"] for b in beside) > pace["x1"]


def test_an_edited_form_prints_as_edited(db):
    session, _places, _rosa = delivered_session(db)
    set_feedback_form(
        db,
        session.course_id,
        [
            Question("q1", QuestionKind.SCALE, "The venue was easy to reach."),
            Question("q2", QuestionKind.TEXT, "Anything else?"),
        ],
    )
    sheet = feedback_sheet(db, session.id)
    with pdfplumber.open(io.BytesIO(build_feedback_form_pdf(sheet))) as pdf:
        page = pdf.pages[0]
        text = page.extract_text()
        assert "The venue was easy to reach." in text
        assert "Anything else?" in text
        assert "recommend" not in text
        assert len(_boxes(page)) == 5

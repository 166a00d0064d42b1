"""Pilot sessions: the debrief kept, listed with the pilot's feedback, printed in the guide."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pdfplumber
import pytest

from iltdesk.documents.guide import build_guide_pdf
from iltdesk.domain.feedback import Answer
from iltdesk.domain.feedback import FeedbackEntry
from iltdesk.errors import ValidationError
from iltdesk.services import printing
from iltdesk.services import scheduling
from iltdesk.services.feedback import record_feedback
from iltdesk.services.pilots import pilot_reviews
from iltdesk.services.pilots import set_debrief
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_session


def test_a_pilots_debrief_reaches_the_course_and_the_next_guide(db):
    course = make_course(db, code="CO-101", title="Coaching Basics")
    pilot = make_session(
        db, course.id, days=(day_spec(date(2026, 3, 2), "09:00", "12:00", "Europe/London"),)
    )
    with pytest.raises(ValidationError, match="Only a pilot session has a debrief"):
        set_debrief(db, pilot.id, "Shorter intro")
    spec = replace(scheduling.spec_for_row(scheduling.get_session(db, pilot.id)), pilot=True)
    scheduling.update_session(db, pilot.id, spec)
    set_debrief(db, pilot.id, "  Cut the intro to 10 minutes.\nMore role play.  ")
    record_feedback(
        db,
        pilot.id,
        [
            FeedbackEntry(None, (Answer("overall", 4),)),
            FeedbackEntry(None, (Answer("overall", 3),)),
        ],
    )
    (review,) = pilot_reviews(db, course.id)
    assert (review.session_id, review.responses, review.overall) == (pilot.id, 2, 3.5)
    assert review.debrief == "Cut the intro to 10 minutes.\nMore role play."
    assert scheduling.get_session(db, pilot.id).pilot
    next_run = make_session(
        db, course.id, days=(day_spec(date(2027, 3, 1), "09:00", "12:00", "Europe/London"),)
    )
    guide = printing.facilitator_guide(db, next_run.id)
    assert guide.pilot_notes == (
        ("Pilot of 2 Mar 2026", "Cut the intro to 10 minutes.\nMore role play."),
    )
    with pdfplumber.open(io.BytesIO(build_guide_pdf(guide))) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Changes from the pilots" in text
    assert "More role play." in text

"""The meeting review model: the model tester, and its cells."""

from __future__ import annotations

from iltdesk.models.meeting import MeetingReviewModel
from iltdesk.services import meeting_import
from iltdesk.views.dialogs.meeting_review import review_rows
from tests.fixtures.meetings import meeting_people
from tests.fixtures.meetings import teams_report
from tests.fixtures.meetings import virtual_session


def test_review_model_passes_the_model_tester(model_validator, db, tmp_path):
    session, _places = virtual_session(db)
    path = teams_report(tmp_path / "report.csv", "Forklift Safety", meeting_people())
    plan = meeting_import.plan_meeting_import(db, session.id, path)
    model = MeetingReviewModel()
    model.set_rows(review_rows(plan), plan.zone)
    shown = model_validator(model)
    assert [row[0] for row in shown] == ["Ann Lee", "Chloé Martin", "Bob Stone", "Dan Roe"]
    assert shown[3][1:3] == ["not in the report", "0"]

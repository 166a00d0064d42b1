"""`feedback`, `import-feedback` and `report feedback`: the command-line contract, each mode."""

from __future__ import annotations

import json

import pytest

from iltdesk.cli import run
from iltdesk.domain.feedback import Answer
from iltdesk.domain.feedback import FeedbackEntry
from iltdesk.services.feedback import record_feedback
from tests.fixtures.surveys import delivered_session
from tests.fixtures.surveys import microsoft_forms_xlsx


@pytest.fixture
def session_id(db_url):
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database

    with open_database(database_url(db_url)) as db:  # closed again: the command opens it
        session, places, _rosa = delivered_session(db)
        record_feedback(
            db,
            session.id,
            [
                FeedbackEntry(
                    places[0],
                    (
                        Answer("overall", 5),
                        Answer("recommend", 10),
                        Answer("improve", None, "Longer"),
                    ),
                ),
                FeedbackEntry(None, (Answer("overall", 4), Answer("recommend", 6))),
            ],
        )
    return session.id


def test_feedback_in_text(db_url, session_id, capsys):
    assert run(["--db", db_url, "feedback", str(session_id)]) == 0
    out = capsys.readouterr().out
    assert "2 responses from 2 who attended (100.0%)" in out
    assert "Overall, I am satisfied with this training." in out
    assert "4.5" in out
    assert "Net promoter score: 0" in out
    assert "  – Longer" in out


def test_feedback_in_json(db_url, session_id, capsys):
    assert run(["--db", db_url, "feedback", str(session_id), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["session"], data["responses"], data["attended"], data["response_rate"]) == (
        session_id,
        2,
        2,
        1.0,
    )
    overall = next(q for q in data["questions"] if q["key"] == "overall")
    assert overall["average"] == 4.5
    assert overall["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}
    recommend = next(q for q in data["questions"] if q["key"] == "recommend")
    assert recommend["net_promoter"] == 0
    assert next(q for q in data["questions"] if q["key"] == "improve")["comments"] == ["Longer"]


def test_feedback_of_a_missing_session_is_a_sentence(db_url, capsys):
    assert run(["--db", db_url, "feedback", "999"]) != 0
    assert "That session no longer exists." in capsys.readouterr().err


def _export(tmp_path):
    return microsoft_forms_xlsx(
        tmp_path / "survey.xlsx",
        [
            ["ann@example.com", "Ann Lee", 5, 5, 4, 4, 5, 9, None, None, "Sales"],
            ["who@example.com", "Who", "Agree", "bad", 4, 4, 4, 8, None, None, "HR"],
        ],
    )


def test_one_response_is_counted_as_one(db_url, session_id, tmp_path, capsys):
    path = microsoft_forms_xlsx(
        tmp_path / "survey.xlsx",
        [["ann@example.com", "Ann Lee", 5, 5, 4, 4, 5, 9, None, None, "x"]],
    )
    args = ["--db", db_url, "import-feedback", str(path), "--session", str(session_id)]
    assert run([*args, "--dry-run"]) == 0
    assert "1 new response would be imported from survey.xlsx." in capsys.readouterr().out
    assert run(args) == 0
    assert "1 response imported from survey.xlsx." in capsys.readouterr().out
    assert run(args) == 0
    assert "1 was imported before." in capsys.readouterr().out


def test_import_feedback_in_json_then_again(db_url, session_id, tmp_path, capsys):
    path = _export(tmp_path)
    args = ["--db", db_url, "import-feedback", str(path), "--session", str(session_id), "--json"]
    assert run([*args, "--dry-run"]) == 0
    dry = json.loads(capsys.readouterr().out)
    assert (dry["new"], dry["imported"], dry["dry_run"]) == (2, 0, True)
    assert run(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["rows"], data["imported"], data["already_imported"]) == (2, 2, 0)
    assert {"heading": "Email", "maps_to": "email"} in data["columns"]
    assert {"heading": "The pace was right for me.", "maps_to": "pace"} in data["columns"]
    assert "Which team are you in?" in data["left_out"]
    assert data["not_on_roster"] == ["who@example.com"]
    assert len(data["problems"]) == 1
    assert "Line 3" in data["problems"][0]
    assert run(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["imported"], again["already_imported"]) == (0, 2)
    assert run(["--db", db_url, "feedback", str(session_id), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["responses"] == 4


def test_import_feedback_in_text(db_url, session_id, tmp_path, capsys):
    path = _export(tmp_path)
    args = ["--db", db_url, "import-feedback", str(path), "--session", str(session_id)]
    assert run([*args, "--dry-run"]) == 0
    assert "2 new responses would be imported from survey.xlsx." in capsys.readouterr().out
    assert run(args) == 0
    captured = capsys.readouterr()
    assert "2 responses imported from survey.xlsx." in captured.out
    assert "Left out: the column “Which team are you in?” maps to no question." in captured.out
    assert "Not on the roster (kept without a name): who@example.com" in captured.err
    assert "“bad” is not a score" in captured.err


def test_import_feedback_of_an_unrelated_file_is_a_sentence(db_url, session_id, tmp_path, capsys):
    path = tmp_path / "lunch.csv"
    path.write_text("Name,Lunch\nAnn,soup\n", encoding="utf-8")
    assert run(["--db", db_url, "import-feedback", str(path), "--session", str(session_id)]) == 2
    err = capsys.readouterr().err
    assert "None of the columns of lunch.csv matches a question" in err
    assert "Traceback" not in err


def test_report_feedback_in_each_mode(db_url, session_id, tmp_path, capsys):
    del session_id
    assert run(["--db", db_url, "report", "feedback"]) == 0
    assert "Response rate" in capsys.readouterr().out
    assert run(["--db", db_url, "report", "feedback", "--group-by", "instructor", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    row = dict(zip(data["columns"], data["rows"][0], strict=True))
    assert (row["instructor"], row["responses"], row["overall_score"]) == ("Rosa Díaz", 2, 4.5)
    out = tmp_path / "feedback.xlsx"
    assert run(["--db", db_url, "report", "feedback", "-o", str(out)]) == 0
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "Overall" in values
    assert 4.5 in values


def test_print_feedback_forms(db_url, session_id, tmp_path, capsys):
    out = tmp_path / "forms.pdf"
    assert run(["--db", db_url, "print", "feedback", str(session_id), "-o", str(out)]) == 0
    assert "Feedback forms (3 copies) written to" in capsys.readouterr().out
    import pdfplumber

    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 3
        assert "Coaching Basics" in pdf.pages[2].extract_text()


def test_sessions_edit_sets_the_survey_link_in_both_modes(db_url, session_id, capsys):
    link = "https://forms.example.com/coaching"
    args = ["--db", db_url, "sessions", "edit", str(session_id), "--survey-link", link]
    assert run([*args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["survey_link"] == link
    assert run(["--db", db_url, "sessions", "edit", str(session_id), "--survey-link", ""]) == 0
    assert f"Session {session_id} changed." in capsys.readouterr().out
    assert run(["--db", db_url, "sessions", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert next(s for s in listed if s["id"] == session_id)["survey_link"] is None

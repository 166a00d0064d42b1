"""Feedback in the session window: results, typing paper forms, importing a survey, the form."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from iltdesk.domain.feedback import Answer
from iltdesk.domain.feedback import FeedbackEntry
from iltdesk.models.feedback import LEARNER_ROLE
from iltdesk.services.feedback import feedback_form
from iltdesk.services.feedback import record_feedback
from iltdesk.services.feedback import session_feedback
from iltdesk.views import session_feedback as tab_module
from iltdesk.views.dialogs import document_preview
from iltdesk.views.dialogs.feedback_entry import FeedbackEntryDialog
from iltdesk.views.dialogs.feedback_form import WORDING
from iltdesk.views.dialogs.feedback_form import FeedbackFormDialog
from iltdesk.views.dialogs.feedback_import import FeedbackImportDialog
from iltdesk.views.session_detail import SessionDetailDialog
from tests.fixtures.surveys import delivered_session
from tests.fixtures.surveys import microsoft_forms_xlsx


@pytest.fixture
def delivered(ctx):
    return delivered_session(ctx.db)


@pytest.fixture
def detail(qtbot, ctx, delivered):
    session, _places, _rosa = delivered
    window = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(window)
    return window


def test_the_tab_shows_results_beside_the_course_and_refreshes(
    qtbot, ctx, detail, delivered, qtmodeltester
):
    session, places, _rosa = delivered
    tab = detail.feedback
    assert tab.summary.text().startswith("0 responses from 2 who attended (0.0%)")
    ctx.apply(
        record_feedback(
            ctx.db,
            session.id,
            [
                FeedbackEntry(
                    places[0], (Answer("overall", 5), Answer("improve", None, "Shorter"))
                ),
                FeedbackEntry(None, (Answer("overall", 3), Answer("recommend", 10))),
            ],
        )
    )
    assert tab.summary.text().startswith("2 responses from 2 who attended (100.0%)")
    assert "Net promoter score: 100" in tab.summary.text()
    model = tab.results_model
    overall = next(
        r for r in range(model.rowCount()) if model.index(r, 0).data().startswith("Overall")
    )
    assert model.index(overall, model.AVERAGE).data() == "4.0"
    assert model.index(overall, model.COURSE).data() == "4.0"
    assert model.index(overall, model.SPREAD).data() == "3: 1 · 5: 1"
    assert "  – Shorter" in tab.comments.toPlainText()
    assert tab.responses_model.rowCount() == 2
    assert tab.responses_model.index(0, 0).data() == "Ann Lee"
    assert tab.responses_model.index(1, 0).data() == "Anonymous"
    qtmodeltester.check(model)
    qtmodeltester.check(tab.responses_model)


def test_a_response_typed_by_mistake_is_removed(qtbot, ctx, detail, delivered, monkeypatch):
    session, _places, _rosa = delivered
    ctx.apply(record_feedback(ctx.db, session.id, [FeedbackEntry(None, (Answer("overall", 1),))]))
    tab = detail.feedback
    monkeypatch.setattr(tab_module, "confirm_remove", lambda parent, count: count == 1)
    tab.responses_view.selectRow(0)
    tab.remove_selected()
    assert session_feedback(ctx.db, session.id).results.responses == 0
    assert tab.responses_model.rowCount() == 0


def test_paper_forms_are_typed_at_keyboard_speed(qtbot, ctx, detail, delivered, qtmodeltester):
    session, places, _rosa = delivered
    dialog = FeedbackEntryDialog(detail, ctx, session.id, feedback_form(ctx.db, session.course_id))
    qtbot.addWidget(dialog)
    dialog.show()
    view, model = dialog.view, dialog.model
    assert view.currentIndex().column() == 1  # the first question, ready to type
    qtbot.keyClicks(view, "54455")  # five 1–5 answers: one key each, the cursor moves on
    assert view.currentIndex().column() == 6  # would recommend 0–10: typed, then Enter
    qtbot.keyClicks(view, "1")  # opens the cell's editor with the digit in it
    qtbot.keyClicks(view.focusWidget(), "0")
    qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.currentIndex().column() == 7)  # the commit is queued
    assert model.index(0, 6).data() == "10"
    qtbot.keyClicks(view, "R")
    qtbot.keyClicks(view.focusWidget(), "ole plays")
    qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: model.index(0, 7).data() == "Role plays")
    # A second, anonymous form with a tick that is not a score.
    view.setCurrentIndex(model.index(1, 1))
    qtbot.keyClicks(view, "7")
    assert "7 is outside 1–5" in dialog.problem.text()
    assert view.currentIndex() == model.index(1, 1)
    qtbot.keyClicks(view, "3")
    assert model.setData(model.index(0, 0), places[1], LEARNER_ROLE)
    assert model.index(0, 0).data() == "Chen, Bo"
    assert dialog.count.text() == "2 forms typed"
    qtmodeltester.check(model)
    dialog.save()
    found = session_feedback(ctx.db, session.id)
    assert found.results.responses == 2
    assert found.results.result("overall").distribution == (0, 0, 0, 0, 1)
    assert found.results.result("recommend").average == 10
    assert found.results.result("content").average == 4.0
    assert [r.learner for r in found.responses] == ["Bo Chen", ""]
    assert detail.feedback.summary.text().startswith("2 responses")


def test_a_survey_export_is_mapped_and_imported(
    qtbot, ctx, detail, delivered, tmp_path, monkeypatch
):
    session, _places, _rosa = delivered
    path = microsoft_forms_xlsx(
        tmp_path / "survey.xlsx",
        [
            ["ann@example.com", "Ann Lee", 5, 5, 4, 4, 5, 9, "Cases", None, "Sales"],
            ["bo@example.com", "Bo Chen", 4, 4, 4, 4, 4, 8, None, None, "HR"],
        ],
    )
    opened = []
    monkeypatch.setattr(tab_module, "ask_survey_file", lambda parent: path)
    monkeypatch.setattr(FeedbackImportDialog, "exec", lambda self: opened.append(self))
    detail.feedback.import_results()
    (dialog,) = opened
    qtbot.addWidget(dialog)
    assert dialog.summary.text() == "2 new responses"
    assert "Left out: the column “Which team are you in?”." in dialog.notes.toPlainText()
    assert dialog.import_button.isEnabled()
    dialog.choose("The pace was right for me.", "")  # the coordinator leaves one out
    assert "Left out: the column “The pace was right for me.”." in dialog.notes.toPlainText()
    dialog.apply()
    found = session_feedback(ctx.db, session.id)
    assert found.results.responses == 2
    assert found.results.result("pace").answered == 0
    assert found.results.result("content").average == 4.5
    assert detail.feedback.summary.text().startswith("2 responses")
    # Imported again: nothing new, and the column left out stays left out (remembered).
    again = FeedbackImportDialog.open_for(detail, ctx, session.id, path)
    assert again is not None
    qtbot.addWidget(again)
    assert again.summary.text() == "0 new responses · 2 imported before (left out)"
    assert not again.import_button.isEnabled()
    assert "Left out: the column “The pace was right for me.”." in again.notes.toPlainText()


def test_an_unreadable_export_is_a_sentence(qtbot, ctx, detail, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(
        "iltdesk.views.context.show_error", lambda parent, error: shown.append(str(error))
    )
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    monkeypatch.setattr(tab_module, "ask_survey_file", lambda parent: empty)
    detail.feedback.import_results()
    assert shown == ["empty.csv is empty: there is nothing to import."]


def test_the_course_form_is_edited_and_restored(qtbot, ctx, detail, delivered):
    session, _places, _rosa = delivered
    dialog = FeedbackFormDialog(detail, ctx, session.course_id, "Coaching Basics")
    qtbot.addWidget(dialog)
    assert len(dialog.questions()) == 8
    dialog.add_button.click()
    dialog.save()
    assert dialog.problem.text() == "Question 9 has no wording."
    wording = dialog.table.cellWidget(8, WORDING)  # the new question's wording
    wording.setText("The venue was easy to reach.")
    dialog.table.setCurrentCell(8, 1)
    dialog.move_question(-1)
    dialog.save()
    form = feedback_form(ctx.db, session.course_id)
    assert form.customised
    assert form.questions[7].text == "The venue was easy to reach."
    assert form.questions[7].key == "q1"
    assert "venue" in detail.feedback.results_model.index(6, 0).data()
    restore = FeedbackFormDialog(detail, ctx, session.course_id, "Coaching Basics")
    qtbot.addWidget(restore)
    restore.default_button.click()
    restore.save()
    assert not feedback_form(ctx.db, session.course_id).customised


def test_feedback_forms_print_from_the_documents_menu(qtbot, detail, monkeypatch):
    shown = []
    monkeypatch.setattr(
        document_preview,
        "show_pdf",
        lambda parent, title, pdf, name, on_output=None: shown.append((title, pdf, name)),
    )
    detail.feedback.print_button.click()
    detail.documents.tasks.wait_for_done()
    qtbot.waitUntil(lambda: bool(shown))
    title, pdf, name = shown[0]
    assert title == "Feedback forms"
    assert pdf.startswith(b"%PDF")
    assert name.startswith("feedback-")


def test_the_courses_screen_opens_a_courses_questions(qtbot, ctx, delivered, monkeypatch):
    from iltdesk.views.catalogue_views import CoursesPage

    opened = []
    monkeypatch.setattr(FeedbackFormDialog, "exec", lambda self: opened.append(self))
    page = CoursesPage(ctx)
    qtbot.addWidget(page)
    page.table.selectRow(0)
    page.feedback_action.trigger()
    (dialog,) = opened
    qtbot.addWidget(dialog)
    assert dialog.course_id == delivered[0].course_id
    assert "Coaching Basics" in dialog.windowTitle()


def test_the_session_editor_keeps_the_sessions_survey_link(qtbot, ctx, delivered):
    from iltdesk.services import scheduling
    from iltdesk.views.dialogs.session_editor import SessionEditorDialog
    from tests.fixtures.ui import press_save

    session, _places, _rosa = delivered
    dialog = SessionEditorDialog(None, ctx, scheduling.get_session(ctx.db, session.id))
    qtbot.addWidget(dialog)
    assert dialog.survey.text() == ""
    dialog.survey.setText("https://forms.example.com/coaching-march")
    press_save(dialog)
    assert scheduling.get_session(ctx.db, session.id).survey_link == (
        "https://forms.example.com/coaching-march"
    )
    reopened = SessionEditorDialog(None, ctx, scheduling.get_session(ctx.db, session.id))
    qtbot.addWidget(reopened)
    assert reopened.survey.text() == "https://forms.example.com/coaching-march"


def test_the_instructors_screen_shows_what_learners_said(qtbot, ctx, delivered):
    from iltdesk.views.instructors_view import InstructorsPage

    session, places, _rosa = delivered
    page = InstructorsPage(ctx)
    qtbot.addWidget(page)
    page.table.selectRow(0)
    assert "No feedback in the last 12 months." in page.load_label.text()
    ctx.apply(
        record_feedback(
            ctx.db,
            session.id,
            [
                FeedbackEntry(places[0], (Answer("instructor", 5), Answer("overall", 4))),
                FeedbackEntry(None, (Answer("instructor", 4),)),
            ],
        )
    )
    page.show_side(page.selected())
    assert (
        "Feedback, last 12 months: instructor 4.5, overall 4.0 (2 responses)."
        in page.load_label.text()
    )


def test_a_pilot_is_flagged_debriefed_and_shown_beside_the_agenda(qtbot, ctx, delivered):
    from iltdesk.services import scheduling
    from iltdesk.services.catalogue import get_course
    from iltdesk.views.dialogs.course_editor import CourseEditorDialog
    from iltdesk.views.dialogs.session_editor import SessionEditorDialog
    from tests.fixtures.ui import press_save

    session, _places, _rosa = delivered
    editor = SessionEditorDialog(None, ctx, scheduling.get_session(ctx.db, session.id))
    qtbot.addWidget(editor)
    editor.pilot.setChecked(True)
    press_save(editor)
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    tab = detail.feedback
    assert tab.debrief_box.isVisibleTo(tab)
    tab.debrief.setPlainText("Move the case study to the morning.")
    tab.save_debrief()
    assert (
        scheduling.get_session(ctx.db, session.id).debrief == "Move the case study to the morning."
    )
    course = get_course(ctx.db, session.course_id)
    course_editor = CourseEditorDialog(None, ctx, course)
    qtbot.addWidget(course_editor)
    from PySide6.QtWidgets import QPlainTextEdit

    pilots = course_editor.findChild(QPlainTextEdit, "pilots")
    assert pilots is not None
    assert "Move the case study to the morning." in pilots.toPlainText()
    assert "Pilot of 10 Mar 2026" in pilots.toPlainText()

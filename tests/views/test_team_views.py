"""Team mode in the window: stale edits asked about, the connect dialog, the status bar."""

from __future__ import annotations

from dataclasses import replace

import pytest

from iltdesk.domain.enums import AttendanceStatus
from iltdesk.services import attendance
from iltdesk.services import catalogue
from iltdesk.services import enrollment
from iltdesk.services.attendance import MarkSpec
from iltdesk.views.dialogs import course_editor
from iltdesk.views.dialogs import stale
from iltdesk.views.dialogs.course_editor import CourseEditorDialog
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session
from tests.fixtures.ui import click_button
from tests.fixtures.ui import press_save


def _changed_elsewhere(ctx, course):
    """Another coordinator renames the course while the editor is open."""
    ctx.db.actor = "Bea"
    catalogue.update_course(
        ctx.db, course.id, replace(catalogue.spec_for_row(course), title="Theirs")
    )
    ctx.db.actor = "Ann"


@pytest.mark.parametrize(
    ("choice", "title", "description", "open_after"),
    [
        (stale.StaleChoice.CANCEL, "Theirs", "", True),
        (stale.StaleChoice.OVERWRITE, "Original", "Mine", False),
        (stale.StaleChoice.RELOAD, "Theirs", "", True),
    ],
)
def test_a_course_changed_meanwhile_is_asked_about(
    qtbot, ctx, monkeypatch, choice, title, description, open_after
):
    course = make_course(ctx.db, title="Original")
    dialog = CourseEditorDialog(None, ctx, course)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.description.setPlainText("Mine")
    _changed_elsewhere(ctx, course)
    asked = []

    def answer(parent, error, zone):
        asked.append(error)
        return choice

    monkeypatch.setattr(course_editor, "ask_stale", answer)
    press_save(dialog)
    assert len(asked) == 1
    assert "Changed by Bea at" in str(asked[0])
    assert ("Title", "Original", "Theirs") in asked[0].differences
    stored = catalogue.get_course(ctx.db, course.id)
    assert (stored.title, stored.description) == (title, description)
    assert dialog.isVisible() is open_after
    if choice is stale.StaleChoice.RELOAD:
        assert dialog.title.text() == "Theirs"  # the form shows what is stored now
        assert dialog.description.toPlainText() == ""
        press_save(dialog)  # and saving again goes through without asking
        assert len(asked) == 1
        assert not dialog.isVisible()


def test_a_mark_set_elsewhere_is_not_overwritten_from_the_grid(qtbot, ctx, monkeypatch):
    from iltdesk.views.session_detail import SessionDetailDialog

    session = make_session(ctx.db)
    placed = enrollment.enroll_learner(ctx.db, session.id, make_learner(ctx.db).id).value.row
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    day = session.days[0].id
    # Someone else marks the learner absent after this grid was filled.
    attendance.record_marks(
        ctx.db, session.id, [MarkSpec(placed.enrollment_id, day, AttendanceStatus.ABSENT)]
    )
    shown = []
    import iltdesk.views.context as context_module

    monkeypatch.setattr(context_module, "show_error", lambda _p, error: shown.append(str(error)))
    saved = detail.attendance.record(
        [MarkSpec(placed.enrollment_id, day, AttendanceStatus.PRESENT)]
    )
    assert saved is False
    assert shown
    assert "since you opened" in shown[0]
    marks = attendance.marks_for_session(ctx.db, session.id)
    assert [m.status for m in marks] == [AttendanceStatus.ABSENT]
    # The grid now shows the other coordinator's mark, and a change from there is accepted.
    qtbot.waitUntil(lambda: detail.attendance_model.seen_version(placed.enrollment_id, day) == 1)
    assert detail.attendance.record([MarkSpec(placed.enrollment_id, day, AttendanceStatus.LATE)])


def _fill(dialog, host, port, database, user):
    dialog.host.setText(host)
    dialog.port.setValue(port)
    dialog.database.setText(database)
    dialog.user.setText(user)
    dialog.tls.setCurrentIndex(dialog.tls.findData("disable"))


def test_connecting_to_a_server_that_is_not_there_says_so(qtbot, ctx):
    from iltdesk.views.dialogs.connect_dialog import ConnectDialog

    dialog = ConnectDialog(None, ctx.prefs)
    qtbot.addWidget(dialog)
    click_button(dialog, "Connect")
    assert "server's name" in dialog.error.text()  # nothing tried without a host
    _fill(dialog, "127.0.0.1", 1, "iltdesk", "ann")
    click_button(dialog, "Connect")
    qtbot.waitUntil(lambda: "Could not connect" in dialog.error.text(), timeout=20000)
    assert "127.0.0.1" in dialog.error.text()
    assert dialog.connect_button.isEnabled()
    assert ctx.prefs.get("database") == ""  # nothing kept


@pytest.mark.postgres_only
def test_a_working_connection_is_kept_and_offered_again(qtbot, ctx, db_url):
    from sqlalchemy import make_url

    from iltdesk.views.dialogs.connect_dialog import ConnectDialog

    url = make_url(db_url)
    dialog = ConnectDialog(None, ctx.prefs)
    qtbot.addWidget(dialog)
    _fill(dialog, url.host, url.port, url.database, url.username)
    with qtbot.waitSignal(dialog.accepted, timeout=20000):
        click_button(dialog, "Connect")
    chosen = str(ctx.prefs.get("database"))
    assert make_url(chosen).database == url.database
    assert make_url(chosen).query["sslmode"] == "disable"
    assert ctx.prefs.get("recent_databases")[0] == chosen
    again = ConnectDialog(None, ctx.prefs)
    qtbot.addWidget(again)
    again.recent.setCurrentIndex(1)
    assert again.database.text() == url.database
    assert again.port.value() == url.port
    assert again.own_file_button.isEnabled()
    click_button(again, "Use my own database file")
    assert ctx.prefs.get("database") == ""
    assert ctx.prefs.get("recent_databases") == [chosen]


@pytest.mark.postgres_only
def test_the_status_bar_names_the_team_database_and_who_you_are(qtbot, ctx):
    from iltdesk.views.main_window import MainWindow

    ctx.db.actor = "Ann Coordinator"
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert "Ann Coordinator" in window.database_label.text()
    assert ctx.db.label in window.database_label.text()
    assert "server's job" in window.database_label.toolTip()
    assert "no backup taken yet" in window.database_label.text()
    assert window.live.listener is not None
    window.close()
    assert window.live.listener is None


def test_a_learner_changed_meanwhile_is_asked_about_then_reloaded(qtbot, ctx, monkeypatch):
    from iltdesk.domain.specs import LearnerSpec
    from iltdesk.services import learners
    from iltdesk.views.dialogs import record_forms

    row = make_learner(ctx.db, "Ann", "Lee")
    dialog = record_forms.LearnerDialog(None, ctx, row)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.fields["department"].setText("Sales")
    ctx.db.actor = "Import by Bea"
    learners.update_learner(
        ctx.db, row.id, LearnerSpec("Ann", "Lee-Smith", row.email, department="Finance")
    )
    asked = []
    monkeypatch.setattr(
        record_forms,
        "ask_stale",
        lambda _p, error, _zone: asked.append(error) or stale.StaleChoice.RELOAD,
    )
    press_save(dialog)
    assert "Changed by Import by Bea" in str(asked[0])
    assert ("Last name", "Lee", "Lee-Smith") in asked[0].differences
    assert dialog.fields["last_name"].text() == "Lee-Smith"
    assert dialog.fields["department"].text() == "Finance"
    assert learners.get_learner(ctx.db, row.id).department == "Finance"
    dialog.fields["department"].setText("Sales")
    press_save(dialog)  # filled from what is stored now: saved without asking again
    assert len(asked) == 1
    stored = learners.get_learner(ctx.db, row.id)
    assert (stored.last_name, stored.department) == ("Lee-Smith", "Sales")


def test_a_session_changed_meanwhile_is_asked_about(qtbot, ctx, monkeypatch):
    from iltdesk.services import scheduling
    from iltdesk.views.dialogs import session_editor
    from iltdesk.views.dialogs.session_editor import SessionEditorDialog

    session = make_session(ctx.db, capacity=10)
    editor = SessionEditorDialog(None, ctx, session)
    qtbot.addWidget(editor)
    editor.capacity.setValue(14)
    ctx.db.actor = "Bea"
    theirs = replace(scheduling.spec_for_row(session), capacity=12, notes="Bigger room")
    scheduling.update_session(ctx.db, session.id, theirs)
    asked = []
    answers = iter([stale.StaleChoice.CANCEL, stale.StaleChoice.RELOAD])
    monkeypatch.setattr(
        session_editor, "ask_stale", lambda _p, error, _zone: asked.append(error) or next(answers)
    )
    editor.save()
    assert "Changed by Bea" in str(asked[0])
    assert ("Capacity", "10", "12") in asked[0].differences
    assert scheduling.get_session(ctx.db, session.id).capacity == 12  # theirs kept
    assert editor.capacity.value() == 14  # cancel: my change still in the form
    editor.save()  # reload: the form shows what is stored now, nothing saved
    assert editor.capacity.value() == 12
    assert len(editor.days.rows) == 1
    assert editor.saved is None
    editor.capacity.setValue(16)
    editor.save()  # filled from the stored session: saved without asking
    assert len(asked) == 2
    stored = scheduling.get_session(ctx.db, session.id)
    assert (stored.capacity, stored.notes) == (16, "Bigger room")


def test_an_open_editor_says_when_another_coordinator_changed_its_record(qtbot, ctx):
    from iltdesk.domain.changes import Changes
    from iltdesk.domain.changes import Entity

    course = make_course(ctx.db)
    dialog = CourseEditorDialog(None, ctx, course)
    qtbot.addWidget(dialog)
    ctx.remote_changes.emit("Bea", Changes.of(Entity.COURSE, course.id + 1000))
    assert dialog.error.text() == ""  # another course: nothing to say
    ctx.remote_changes.emit("Bea", Changes.of(Entity.COURSE, course.id))
    assert "Changed by Bea since you opened it" in dialog.error.text()


def test_a_virtual_day_can_have_its_own_link(qtbot, ctx):
    from iltdesk.domain.enums import DeliveryMode
    from iltdesk.services import scheduling
    from iltdesk.views.dialogs.session_editor import SessionEditorDialog

    session = make_session(ctx.db, mode=DeliveryMode.VIRTUAL)
    editor = SessionEditorDialog(None, ctx, session)
    qtbot.addWidget(editor)
    assert not editor.days.rows[0].link.isHidden()
    editor.days.rows[0].link.setText("https://meet.example.com/day-one")
    editor.save()
    stored = scheduling.get_session(ctx.db, session.id)
    assert stored.days[0].meeting_link == "https://meet.example.com/day-one"
    in_person = SessionEditorDialog(None, ctx, make_session(ctx.db))
    qtbot.addWidget(in_person)
    assert in_person.days.rows[0].link.isHidden()
    in_person.mode.setCurrentIndex(in_person.mode.findData(DeliveryMode.HYBRID))
    assert not in_person.days.rows[0].link.isHidden()


def test_a_stale_save_says_when_in_the_users_zone():
    """The service words the refusal in UTC; the window says the time as the user's clock does."""
    from datetime import UTC
    from datetime import datetime

    from iltdesk.errors import StaleEditError
    from iltdesk.views.dialogs.stale import stale_text

    error = StaleEditError(
        "Changed by Bea at 2 Dec 2026, 14:05 UTC since you opened it.",
        who="Bea",
        at=datetime(2026, 12, 2, 14, 5, tzinfo=UTC),
        differences=[("Title", "Original", "Theirs")],
    )
    text = stale_text(error, "Europe/Berlin")
    assert text.startswith("Changed by Bea at 2 Dec 2026 15:05 CET since you opened it.")
    assert "Title “Theirs” (you saw “Original”)" in text
    assert stale_text(StaleEditError("The mark was cleared."), "Europe/Berlin") == (
        "The mark was cleared."
    )


def test_restarting_onto_a_chosen_database_drops_the_one_started_with():
    """After File › Connect to team database…, the new start opens the database chosen.

    Started as `iltdesk --db a.sqlite3`, the `--db` would otherwise win over it.
    """
    from iltdesk.app import restart_arguments

    argv = ["/usr/bin/iltdesk", "--db", "/data/a.sqlite3", "--verbose"]
    assert restart_arguments(argv, drop_database=True) == ["/usr/bin/iltdesk", "--verbose"]
    assert restart_arguments(["iltdesk", "--db=/data/a.sqlite3"], drop_database=True) == ["iltdesk"]
    # A new language or a restored backup starts again on the same database.
    assert restart_arguments(argv, drop_database=False) == argv


def test_connecting_to_another_database_asks_for_that_restart(qtbot, ctx, monkeypatch):
    from PySide6.QtWidgets import QWidget

    from iltdesk.views.dialogs import connect_dialog
    from iltdesk.views.dialogs import preferences
    from iltdesk.views.file_actions import FileActions

    window = QWidget()
    qtbot.addWidget(window)
    asked = []
    monkeypatch.setattr(
        connect_dialog.ConnectDialog, "ask", staticmethod(lambda *_a: "postgresql://h/db")
    )
    monkeypatch.setattr(preferences, "restart_app", lambda **kw: asked.append(kw))
    FileActions(window, ctx).connect_team_database()
    assert asked == [{"database_changed": True}]

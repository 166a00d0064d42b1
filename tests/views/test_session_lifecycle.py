"""A session's life in the real widgets: edit, duplicate, cancel, complete, typed times."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.localtime import WallTime
from iltdesk.domain.localtime import to_instant
from iltdesk.domain.localtime import to_wall
from iltdesk.domain.specs import DaySpec
from iltdesk.domain.specs import LearnerSpec
from iltdesk.domain.specs import RoomSpec
from iltdesk.models.attendance import AttendanceTableModel
from iltdesk.services import enrollment
from iltdesk.services import outbox
from iltdesk.services import people
from iltdesk.services import scheduling
from iltdesk.views import mail
from iltdesk.views import roster_buttons
from iltdesk.views import session_actions
from iltdesk.views import session_detail
from iltdesk.views.dialogs import session_editor
from iltdesk.views.dialogs import session_questions
from iltdesk.views.dialogs.session_editor import SessionEditorDialog
from iltdesk.views.session_actions import CancelChoice
from iltdesk.views.session_actions import CancelSessionDialog
from iltdesk.views.session_actions import DuplicateChoice
from iltdesk.views.session_detail import SessionDetailDialog
from iltdesk.views.sessions_view import SessionsPage
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_room
from tests.fixtures.builders import make_session
from tests.fixtures.smtp import configure
from tests.fixtures.ui import press_save
from tests.fixtures.ui import sessions_read
from tests.fixtures.ui import wait_for_check

E = EnrollmentStatus
NEXT_WEEK = datetime.now(UTC).date() + timedelta(days=7)


def type_into(qtbot, edit, text):
    """Select what a line edit holds, type over it as a person would, and leave the field."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    edit.editingFinished.emit()


def upcoming(ctx, capacity=12, zone="Europe/London", **more):
    days = (day_spec(NEXT_WEEK, "09:00", "17:00", zone),)
    return make_session(ctx.db, days=days, zone=zone, capacity=capacity, **more)


def editing_with(qtbot, change):
    """Stand in for `SessionEditorDialog.ask`: the real editor, changed by `change`, saved."""

    def ask(cls, parent, ctx, row=None):
        dialog = cls(parent, ctx, row)
        qtbot.addWidget(dialog)
        change(dialog)
        dialog.save()
        return dialog.saved

    return classmethod(ask)


@pytest.fixture
def page(qtbot, ctx):
    widget = SessionsPage(ctx)
    qtbot.addWidget(widget)
    return widget


def test_edit_from_the_list_by_button_shortcut_and_context_menu(qtbot, ctx, page, monkeypatch):
    session = upcoming(ctx, capacity=12)
    page.reload()
    sessions_read(qtbot, page)
    capacities = iter([13, 14, 15])
    monkeypatch.setattr(
        SessionEditorDialog,
        "ask",
        editing_with(qtbot, lambda d: d.capacity.setValue(next(capacities))),
    )
    page.table.selectRow(0)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    assert scheduling.get_session(ctx.db, session.id).capacity == 13
    sessions_read(qtbot, page)
    page.table.setFocus()
    page.table.selectRow(0)
    page.edit_action.trigger()  # Ctrl+E while the table has focus
    assert page.edit_action.shortcut().toString() == "Ctrl+E"
    assert scheduling.get_session(ctx.db, session.id).capacity == 14
    sessions_read(qtbot, page)
    page.session_actions.edit(page.selected_id())  # the context menu's Edit… entry
    assert scheduling.get_session(ctx.db, session.id).capacity == 15
    sessions_read(qtbot, page)
    assert page.model.row_at(0).capacity == 15  # the list refreshed through the relay


def test_edit_from_the_session_window_raises_the_capacity_and_seats_the_waitlist(
    qtbot, ctx, monkeypatch
):
    session = upcoming(ctx, capacity=1)
    for name in ("Adams", "Brown"):
        enrollment.enroll_learner(ctx.db, session.id, make_learner(ctx.db, "L", name).id)
    window = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(window)
    monkeypatch.setattr(
        SessionEditorDialog, "ask", editing_with(qtbot, lambda d: d.capacity.setValue(2))
    )
    qtbot.mouseClick(window.edit_button, Qt.MouseButton.LeftButton)
    assert [r.status for r in window.roster_model.rows()] == [E.ENROLLED, E.ENROLLED]
    assert window.capacity_bar.text().startswith("2 of 2 seats")


def test_duplicate_next_week_with_the_roster(qtbot, ctx, page, monkeypatch):
    session = upcoming(ctx, capacity=5)
    for name in ("Adams", "Brown"):
        enrollment.enroll_learner(ctx.db, session.id, make_learner(ctx.db, "L", name).id)
    monkeypatch.setattr(
        session_actions.DuplicateDialog, "ask", classmethod(lambda *a: DuplicateChoice(7, True))
    )

    def ask_duplicate(cls, parent, ctx_, template, shift_days):
        dialog = cls(parent, ctx_, None, template=template, shift_days=shift_days)
        qtbot.addWidget(dialog)
        dialog.save()
        return dialog.saved

    monkeypatch.setattr(SessionEditorDialog, "ask_duplicate", classmethod(ask_duplicate))
    told = []
    monkeypatch.setattr(session_actions.QMessageBox, "information", lambda *a: told.append(a[2]))
    page.reload()
    sessions_read(qtbot, page)
    page.table.selectRow(0)
    copy = page.duplicate_selected()
    assert copy is not None
    assert copy.days[0].start == session.days[0].start + timedelta(days=7)
    assert [r.last_name for r in enrollment.roster(ctx.db, copy.id)] == ["Adams", "Brown"]
    assert told == ["2 enrolled."]


def test_a_copy_moved_by_days_keeps_its_days_off_the_weekend(qtbot, ctx):
    """A Friday-Monday session copied six days later opened on Thursday and Sunday."""
    days = (
        day_spec(date(2027, 3, 26), "09:00", "17:00", "Europe/Berlin"),
        day_spec(date(2027, 3, 29), "09:00", "17:00", "Europe/Berlin"),
    )
    template = make_session(ctx.db, days=days, zone="Europe/Berlin")
    dialog = SessionEditorDialog(None, ctx, None, template=template, shift_days=6)
    qtbot.addWidget(dialog)
    assert [row.date.value() for row in dialog.days.rows] == [date(2027, 4, 1), date(2027, 4, 2)]
    assert [(row.start.value(), row.end.value()) for row in dialog.days.rows] == [
        (time(9), time(17)),
        (time(9), time(17)),
    ]


def test_cancel_from_the_context_menu_cancels_places_and_offers_the_notice(
    qtbot, ctx, page, server, monkeypatch
):
    configure(ctx.db, server.port)
    session = upcoming(ctx, capacity=1)
    for name in ("Adams", "Brown"):
        enrollment.enroll_learner(ctx.db, session.id, make_learner(ctx.db, "L", name).id)
    seen = []

    def ask(cls, parent, row, holders, others=()):
        dialog = CancelSessionDialog(parent, row, holders)
        qtbot.addWidget(dialog)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        seen.append((holders, ok.isEnabled()))  # no reason yet: cannot cancel
        return CancelChoice("Trainer ill", True)

    monkeypatch.setattr(CancelSessionDialog, "ask", classmethod(ask))
    monkeypatch.setattr(mail, "ask_send_confirmation", lambda *a: True)
    page.reload()
    sessions_read(qtbot, page)
    page.table.selectRow(0)
    assert page.cancel_selected()
    assert seen == [(2, False)]
    roster = enrollment.roster(ctx.db, session.id)
    assert {r.status for r in roster} == {E.CANCELLED}
    assert scheduling.get_session(ctx.db, session.id).status is SessionStatus.CANCELLED
    qtbot.waitUntil(lambda: len(server.recorder.received) == 2, timeout=20_000)
    subjects = {m.message["Subject"] for m in server.recorder.received}
    assert all(s.startswith("Cancelled:") for s in subjects)
    assert {r.kind for r in outbox.list_outbox(ctx.db)} == {MessageKind.CANCELLED}
    sessions_read(qtbot, page)
    assert page.model.row_at(0).status is SessionStatus.CANCELLED


def test_a_walk_in_past_capacity_is_asked_about(qtbot, ctx, monkeypatch):
    session = upcoming(ctx, capacity=1)
    enrollment.enroll_learner(ctx.db, session.id, make_learner(ctx.db).id)
    window = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(window)
    monkeypatch.setattr(
        roster_buttons.WalkInDialog,
        "ask",
        classmethod(lambda cls, parent: LearnerSpec("Sam", "Walker", "sam@example.com")),
    )
    questions = []
    answers = iter([False, True])

    def over(parent, full):
        questions.append((full.capacity, full.taken))
        return next(answers)

    monkeypatch.setattr(roster_buttons, "ask_over_capacity", over)
    qtbot.mouseClick(window.walk_in_button, Qt.MouseButton.LeftButton)
    assert window.row.enrolled == 1
    assert "not added" in window.report.text()
    qtbot.mouseClick(window.walk_in_button, Qt.MouseButton.LeftButton)
    assert questions == [(1, 1), (1, 1)]
    assert window.row.enrolled == 2
    assert window.capacity_bar.format() == "2 of 1 seat · 0 waiting"
    assert "Sam Walker joined as a walk-in (2 of 1 seat taken)" in window.report.text()


def test_adding_learners_says_where_everyone_went(qtbot, ctx, monkeypatch):
    session = upcoming(ctx, capacity=1)
    people_ = [make_learner(ctx.db, "L", name) for name in ("Adams", "Brown")]
    window = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(window)
    monkeypatch.setattr(
        session_detail.LearnerPickerDialog,
        "ask",
        classmethod(lambda cls, parent, c: [p.id for p in people_]),
    )
    qtbot.mouseClick(window.add_button, Qt.MouseButton.LeftButton)
    assert window.report.text() == (
        "1 enrolled; 1 waitlisted because the session is full: L Brown (#1)."
    )
    assert ctx.undo_stack.undoText() == "Enrol 2 learners"


def test_completing_before_the_end_needs_a_reason(qtbot, ctx, monkeypatch):
    session = upcoming(ctx)
    window = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(window)
    reasons = iter([None, "Delivered early at the client's request"])
    monkeypatch.setattr(session_actions, "ask_early_reason", lambda *a: next(reasons))
    qtbot.mouseClick(window.lock_button, Qt.MouseButton.LeftButton)
    assert scheduling.get_session(ctx.db, session.id).status is SessionStatus.PLANNED
    qtbot.mouseClick(window.lock_button, Qt.MouseButton.LeftButton)
    row = scheduling.get_session(ctx.db, session.id)
    assert row.status is SessionStatus.COMPLETED
    assert row.completion_note == "Delivered early at the client's request"
    assert not window.edit_button.isEnabled()


# --- typed times ----------------------------------------------------------------------------


@pytest.fixture
def editor(qtbot, ctx):
    make_course(ctx.db)
    dialog = SessionEditorDialog(None, ctx, None)
    qtbot.addWidget(dialog)
    return dialog


def test_typed_dates_and_times_land_on_what_was_typed(qtbot, editor):
    row = editor.days.rows[0]
    type_into(qtbot, row.date.edit, "Mon 2026-12-14")
    assert row.date.value() == date(2026, 12, 14)
    type_into(qtbot, row.end, "18:30")  # over "17:00"
    assert row.end.value() == time(18, 30)
    type_into(qtbot, row.date.edit, "Sat 2026-12-14")  # the 14th is a Monday
    assert row.date.value() is None  # marked invalid, never another date
    wait_for_check(qtbot, editor.clash_label, "is not a date")
    assert not editor.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()


def test_a_time_in_the_gap_cannot_be_saved(qtbot, editor):
    editor.zone.setCurrentText("Europe/London")
    row = editor.days.rows[0]
    type_into(qtbot, row.date.edit, "2027-03-28")
    type_into(qtbot, row.start, "01:30")
    type_into(qtbot, row.end, "02:30")
    wait_for_check(
        qtbot, editor.clash_label, "01:30 on 28 Mar 2027 does not exist in Europe/London"
    )
    assert not editor.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()


def test_a_time_that_happens_twice_is_asked_and_the_fold_is_kept(qtbot, ctx, editor, monkeypatch):
    editor.zone.setCurrentText("Europe/London")
    row = editor.days.rows[0]
    type_into(qtbot, row.date.edit, "2027-10-31")
    type_into(qtbot, row.start, "01:30")
    type_into(qtbot, row.end, "03:30")
    asked = []

    def second(parent, error):
        asked.append(str(error))
        return 1

    monkeypatch.setattr(session_questions, "ask_fold", second)
    editor.save()
    assert "01:30 BST (UTC+01:00)" in asked[0]
    assert "01:30 GMT (UTC+00:00)" in asked[0]
    saved = editor.saved
    assert saved.days[0].start == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # the second 01:30
    assert saved.days[0].minutes == 120
    # Opened again and saved unchanged: nothing is asked and nothing moves.
    monkeypatch.setattr(session_questions, "ask_fold", lambda *a: pytest.fail("asked again"))
    again = SessionEditorDialog(None, ctx, saved)
    qtbot.addWidget(again)
    again.save()
    assert again.saved.days[0].start == saved.days[0].start
    from iltdesk import formatting

    london = "Europe/London"
    assert formatting.format_span(saved.days[0].start, saved.days[0].end, london) == (
        "31 Oct 2027, 01:30–03:30 GMT"
    )
    # The first 01:30 is BST: each end of that span carries its own label.
    first = to_instant(WallTime(date(2027, 10, 31), time(1, 30), 0), london)
    assert to_wall(first, london).fold == 0
    assert formatting.format_time_span(first, saved.days[0].end, london) == "01:30 BST–03:30 GMT"


def test_choosing_a_room_sets_its_zone_or_asks(qtbot, ctx, monkeypatch):
    make_course(ctx.db)
    chicago = people.save_room(
        ctx.db, RoomSpec("Chicago — Learning Lab", capacity=14, timezone="America/Chicago")
    ).value
    dialog = SessionEditorDialog(None, ctx, None)
    qtbot.addWidget(dialog)
    dialog.zone.setCurrentText("Europe/London")
    dialog.room.setCurrentIndex(dialog.room.findData(chicago.id))
    assert dialog.zone.currentText() == "America/Chicago"
    assert "America/Chicago" in dialog.zone_note.text()
    # An existing London session: asked first, and nothing changes when declined.
    session = upcoming(ctx)
    asked = []
    monkeypatch.setattr(
        session_editor, "ask_use_room_zone", lambda p, room, zone: asked.append(zone) or False
    )
    existing = SessionEditorDialog(None, ctx, session)
    qtbot.addWidget(existing)
    existing.room.setCurrentIndex(existing.room.findData(chicago.id))
    assert asked == ["Europe/London"]
    assert existing.zone.currentText() == "Europe/London"


def test_sessions_list_shows_the_phase(qtbot, ctx, page):
    start = datetime.now(UTC) - timedelta(hours=1)
    make_session(
        ctx.db,
        days=(DaySpec(start, start + timedelta(hours=3)),),
        zone="UTC",
    )
    page.when.setCurrentIndex(page.when.findData("all"))
    page.reload()
    sessions_read(qtbot, page)
    assert page.model.data(page.model.index(0, page.model.STATUS)) == "Running"


def test_rooms_list_and_form_know_the_zone(qtbot, ctx):
    make_room(ctx.db)
    from iltdesk.views.dialogs.record_forms import RoomDialog

    dialog = RoomDialog(None, ctx, None)
    qtbot.addWidget(dialog)
    dialog.name.setText("Chicago — Learning Lab")
    dialog.zone.setCurrentText("America/Chicago")
    assert dialog.paper.currentData() == "Letter"  # the US prints on Letter
    press_save(dialog)
    saved = next(r for r in people.list_rooms(ctx.db) if r.name.startswith("Chicago"))
    assert (saved.timezone, saved.paper_size) == ("America/Chicago", "Letter")


def test_opening_a_large_session_measures_a_bounded_number_of_cells(qtbot, ctx, monkeypatch):
    # Columns sized to their contents are measured on the first rows only: a 150-learner roster
    # with its attendance grid once asked Python `data()` 32,000 times while the window opened
    # (a 90 ms freeze on a modest laptop).
    session = upcoming(ctx, capacity=150)
    learners = [make_learner(ctx.db, "L", f"Name{n:03}").id for n in range(150)]
    enrollment.enroll_many(ctx.db, session.id, learners, allow_clash=True)
    asked = []
    for model in (session_detail.RosterTableModel, AttendanceTableModel):
        original = model.data

        def counting(self, index, role=Qt.ItemDataRole.DisplayRole, _original=original):
            asked.append(index.row())
            return _original(self, index, role)

        monkeypatch.setattr(model, "data", counting)
    window = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert len(window.roster_model.rows()) == 150
    assert len(asked) < 5_000
    assert max(asked) < 100  # rows far below the fold are not measured


def test_the_list_is_read_off_the_gui_thread_and_filtered_by_its_texts(
    qtbot, ctx, page, monkeypatch
):
    # 2,000 sessions held the window 76 ms while "All" was read, and the filter box 35-55 ms a
    # keystroke while it formatted every column of every row again.
    import threading

    forklift = make_course(ctx.db, code="FL-1", title="Forklift Safety")
    upcoming(ctx, course_id=forklift.id)
    upcoming(ctx, course_id=make_course(ctx.db, code="EX-2", title="Excel").id)
    readers = []
    read = scheduling.list_sessions
    monkeypatch.setattr(
        scheduling,
        "list_sessions",
        lambda *a, **k: readers.append(threading.current_thread()) or read(*a, **k),
    )
    page.when.setCurrentIndex(page.when.findData("all"))
    sessions_read(qtbot, page)
    assert readers
    assert threading.main_thread() not in readers
    assert page.model.rowCount() == 2
    page.text.setText("FORKLIFT")
    assert [page.model.row_at(r).course_code for r in range(page.model.rowCount())] == ["FL-1"]
    page.text.setText("safety in person")  # words of two columns: no row, as before
    assert page.model.rowCount() == 0


def test_a_read_that_fails_is_said_and_the_list_stops_waiting(qtbot, ctx, page, monkeypatch):
    from iltdesk.errors import DiskIOError
    from iltdesk.views import sessions_view

    sessions_read(qtbot, page)
    said = []
    monkeypatch.setattr(sessions_view, "show_error", lambda parent, error: said.append(error))

    def busy(*_args, **_kwargs):
        raise DiskIOError("The disk could not be read.")

    monkeypatch.setattr(scheduling, "list_sessions", busy)
    page.reload()
    sessions_read(qtbot, page)
    assert [type(e) for e in said] == [DiskIOError]

"""Planning in the window: find a slot and schedule it, a substitute for a lead, availability."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from PySide6.QtCore import QDate
from PySide6.QtCore import Qt
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QDialog

from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.specs import RoomSpec
from iltdesk.services import availability
from iltdesk.services import people
from iltdesk.services import scheduling
from iltdesk.views.dialogs import availability as availability_dialog
from iltdesk.views.dialogs.availability import AvailabilityDialog
from iltdesk.views.dialogs.find_slot import FindSlotDialog
from iltdesk.views.dialogs.find_slot import prefill
from iltdesk.views.dialogs.session_editor import SessionEditorDialog
from iltdesk.views.dialogs.substitute import SubstituteDialog
from iltdesk.views.session_detail import SessionDetailDialog
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_instructor
from tests.fixtures.builders import make_session
from tests.unit.services.test_planning import ICS

ZONE = "Europe/London"


@pytest.fixture
def bench(ctx):
    course = make_course(ctx.db, code="CO-101", title="Coaching Basics", default_minutes=420)
    rosa = make_instructor(ctx.db, "Rosa Díaz", courses=(course.id,))
    sam = make_instructor(ctx.db, "Sam Ode", courses=(course.id,))
    room = people.save_room(ctx.db, RoomSpec("London — Room 1", capacity=12, timezone=ZONE)).value
    return course, rosa, sam, room


def test_find_a_slot_then_schedule_it(qtbot, ctx, bench, qtmodeltester, monkeypatch):
    course, _rosa, _sam, room = bench
    dialog = FindSlotDialog(None, ctx)
    qtbot.addWidget(dialog)
    dialog.course.setCurrentIndex(dialog.course.findData(course.id))
    dialog.first.setDate(QDate(2027, 3, 1))
    dialog.last.setDate(QDate(2027, 3, 2))
    dialog.learners.setValue(10)
    dialog.zone.setCurrentText(ZONE)
    dialog.search()
    qtmodeltester.check(dialog.model)
    assert dialog.status.text() == "2 proposals, best first."
    assert dialog.model.index(0, 0).data() == "1 Mar 2027, 09:00–16:00 GMT"
    assert dialog.model.index(0, 3).data() == "London — Room 1"
    opened = []
    monkeypatch.setattr(SessionEditorDialog, "exec", lambda self: opened.append(self) or 0)
    dialog.schedule()
    (editor,) = opened
    qtbot.addWidget(editor)
    spec = editor.spec()
    assert spec.course_id == course.id
    assert spec.room_id == room.id
    assert spec.timezone == ZONE
    assert spec.days[0].start == datetime(2027, 3, 1, 9, tzinfo=UTC)
    assert spec.instructors[0][1] == InstructorRole.LEAD
    assert spec.capacity == 10


def test_nothing_fits_says_so(qtbot, ctx, bench, monkeypatch):
    shown = []
    monkeypatch.setattr(
        "iltdesk.views.context.show_error", lambda parent, error: shown.append(str(error))
    )
    dialog = FindSlotDialog(None, ctx)
    qtbot.addWidget(dialog)
    dialog.learners.setValue(50)
    dialog.search()
    assert shown == ["No room holds 50 learners: lower the size or add a room."]


def test_a_substitute_takes_over_and_the_change_is_offered(
    qtbot, ctx, bench, monkeypatch, qtmodeltester
):
    course, rosa, _sam, room = bench
    session = make_session(
        ctx.db,
        course.id,
        days=(day_spec(date(2027, 3, 3), "09:00", "16:00", ZONE),),
        zone=ZONE,
        room_id=room.id,
        instructors=((rosa.id, InstructorRole.LEAD),),
    )
    dialog = SubstituteDialog(None, ctx, session.id)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    assert dialog.model.index(0, 0).data() == "Sam Ode"
    assert dialog.model.index(0, 1).data() == "Free"
    dialog.take_over()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert [i.name for i in scheduling.get_session(ctx.db, session.id).instructors] == ["Sam Ode"]
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    assert detail.substitute_action.isEnabled()


def test_nobody_qualified_offers_the_instructors_screen(qtbot, ctx):
    lonely = make_course(ctx.db, title="Welding")
    session = make_session(ctx.db, lonely.id)
    dialog = SubstituteDialog(None, ctx, session.id)
    qtbot.addWidget(dialog)
    assert dialog.note.text().startswith("Nobody else is qualified for this course.")
    assert not dialog.take_button.isEnabled()
    assert dialog.bench_button.isVisibleTo(dialog)


def test_availability_is_kept_and_a_calendar_file_read(qtbot, ctx, bench, tmp_path, qtmodeltester):
    _course, rosa, _sam, _room = bench
    dialog = AvailabilityDialog(None, ctx, rosa.id, "Rosa Díaz")
    qtbot.addWidget(dialog)
    assert [box.isChecked() for box in dialog.days] == [True] * 5 + [False] * 2
    assert dialog.days[0].text() == "Monday"
    dialog.days[4].setChecked(False)
    dialog.start.setTime(QTime(9, 30))
    dialog.save_pattern()
    pattern = availability.working_pattern(ctx.db, rosa.id)
    assert (sorted(pattern.days), pattern.start, pattern.end) == ([0, 1, 2, 3], 570, 1080)
    dialog.off_first.setDate(QDate(2027, 4, 5))
    dialog.off_last.setDate(QDate(2027, 4, 9))
    dialog.off_reason.setText("Easter leave")
    dialog.add_time_off()
    path = tmp_path / "rosa.ics"
    path.write_text(ICS, encoding="utf-8")
    dialog.read_calendar(path)
    assert dialog.problem.text() == "2 busy times read from rosa.ics."
    qtmodeltester.check(dialog.model)
    reasons = [dialog.model.index(r, 2).data() for r in range(dialog.model.rowCount())]
    assert reasons == ["Workshop for another client", "Holiday", "Easter leave"]
    # Whole days off run from midnight to midnight on the user's clock (London, summer time).
    leave = next(e for e in availability.time_off(ctx.db, rosa.id) if e.reason == "Easter leave")
    assert (leave.starts, leave.ends) == (
        datetime(2027, 4, 4, 23, 0, tzinfo=UTC),
        datetime(2027, 4, 9, 23, 0, tzinfo=UTC),
    )
    assert dialog.model.index(2, 0).data() == "5 Apr 2027 00:00 BST"
    dialog.view.selectRow(2)
    dialog.remove_selected()
    assert [e.reason for e in availability.time_off(ctx.db, rosa.id)] == [
        "Workshop for another client",
        "Holiday",
    ]
    assert availability_dialog.ask_calendar_file is not None


def test_the_screens_open_the_planning_dialogs(qtbot, ctx, bench, monkeypatch):
    from iltdesk.views.instructors_view import InstructorsPage
    from iltdesk.views.sessions_view import SessionsPage

    opened = []
    monkeypatch.setattr(FindSlotDialog, "exec", lambda self: opened.append("slot"))
    monkeypatch.setattr(AvailabilityDialog, "exec", lambda self: opened.append(self.instructor_id))
    sessions = SessionsPage(ctx)
    qtbot.addWidget(sessions)
    sessions.find_slot_button.click()
    page = InstructorsPage(ctx)
    qtbot.addWidget(page)
    page.table.selectRow(0)
    page.availability_button.click()
    assert opened[0] == "slot"
    assert isinstance(opened[1], int)
    assert prefill is not None


def test_the_instructors_screen_shows_training_and_qualifies(qtbot, ctx, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from iltdesk.services import train_the_trainer
    from iltdesk.views.catalogue_views import CoursesPage
    from iltdesk.views.instructors_view import InstructorsPage

    course = make_course(ctx.db, code="CO-101", title="Coaching Basics")
    rosa = make_instructor(ctx.db, "Rosa Díaz", courses=(course.id,))
    tess = make_instructor(ctx.db, "Tess Trainee")
    for day, role in (
        (date(2026, 3, 2), InstructorRole.OBSERVER),
        (date(2026, 4, 6), InstructorRole.CO_FACILITATOR),
    ):
        make_session(
            ctx.db,
            course.id,
            days=(day_spec(day, "09:00", "12:00", ZONE),),
            zone=ZONE,
            instructors=((rosa.id, InstructorRole.LEAD), (tess.id, role)),
        )
    courses = CoursesPage(ctx)
    qtbot.addWidget(courses)
    courses.table.selectRow(0)
    answers = iter([(1, True), (1, True)])
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: next(answers)))
    courses.trainee_action.trigger()
    assert train_the_trainer.requirement(ctx.db, course.id) == (1, 1)
    page = InstructorsPage(ctx)
    qtbot.addWidget(page)
    row = next(
        r for r in range(page.proxy.rowCount()) if page.proxy.index(r, 0).data() == "Tess Trainee"
    )
    page.table.selectRow(row)
    text = page.load_label.text()
    assert (
        "CO-101 Coaching Basics: co-facilitated 1 of 1, observed 1 of 1 — ready to qualify" in text
    )
    assert page.qualify_button.isEnabled()
    monkeypatch.setattr(
        QInputDialog, "getItem", staticmethod(lambda *a, **k: ("CO-101 Coaching Basics", True))
    )
    page.qualify_button.click()
    assert train_the_trainer.progress(ctx.db, tess.id) == []
    assert not page.qualify_button.isEnabled()


def test_the_load_grid_shows_teaching_time_off_and_free_days(
    qtbot, ctx, bench, monkeypatch, qtmodeltester
):
    from iltdesk.views.dialogs.load_view import LoadDialog
    from iltdesk.views.instructors_view import InstructorsPage

    course, rosa, sam, room = bench
    make_session(
        ctx.db,
        course.id,
        days=(day_spec(date(2027, 3, 2), "09:00", "16:00", ZONE),),
        zone=ZONE,
        room_id=room.id,
        instructors=((rosa.id, InstructorRole.LEAD),),
    )
    availability.add_time_off(
        ctx.db, sam.id, datetime(2027, 3, 3, tzinfo=UTC), datetime(2027, 3, 5, tzinfo=UTC), "Leave"
    )
    ctx.prefs.set("default_timezone", ZONE)
    dialog = LoadDialog(None, ctx, date(2027, 3, 3))
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    model = dialog.model
    assert model.columnCount() == 7
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Mon 01/03"
    names = [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())]
    rosa_row, sam_row = names.index("Rosa Díaz"), names.index("Sam Ode")
    assert model.index(rosa_row, 1).data() == "CO-101"
    assert model.index(sam_row, 2).data() == "Leave"
    assert model.index(sam_row, 3).data() == "Leave"
    assert model.index(sam_row, 4).data(Qt.ItemDataRole.ToolTipRole) == "Free"
    assert model.index(sam_row, 5).data(Qt.ItemDataRole.ToolTipRole) == "Not a working day"
    dialog.span.setCurrentIndex(1)
    assert model.columnCount() == 31
    dialog.shift_period(1)
    assert model.columnCount() == 30  # April
    assert dialog.period.text().startswith("1 Apr 2027 – 30 Apr 2027")
    opened = []
    monkeypatch.setattr(LoadDialog, "exec", lambda self: opened.append(self))
    page = InstructorsPage(ctx)
    qtbot.addWidget(page)
    page.load_button.click()
    assert len(opened) == 1


def test_qualification_dates_are_kept_and_an_expired_one_stops_counting(
    qtbot, ctx, bench, monkeypatch, qtmodeltester
):
    from iltdesk.services.planning import find_slots
    from iltdesk.views.dialogs.qualifications import QualificationDatesDialog

    course, rosa, sam, _room = bench
    dialog = AvailabilityDialog(None, ctx, rosa.id, "Rosa Díaz")
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.qualifications_model)
    model = dialog.qualifications_model
    assert model.index(0, 0).data() == "CO-101 Coaching Basics"
    assert (model.index(0, 1).data(), model.index(0, 2).data()) == ("—", "Never")
    dialog.edit_dates()
    assert dialog.problem.text() == "Choose a qualification first."
    dialog.qualifications_view.selectRow(0)
    monkeypatch.setattr(
        QualificationDatesDialog,
        "ask",
        classmethod(lambda cls, parent, row: (date(2025, 1, 6), date(2027, 1, 31), "certified")),
    )
    dialog.edit_dates()
    assert (model.index(0, 1).data(), model.index(0, 2).data(), model.index(0, 3).data()) == (
        "6 Jan 2025",
        "31 Jan 2027",
        "Certified",
    )
    # From February Rosa's qualification has expired: only Sam is proposed.
    found = find_slots(ctx.db, course.id, date(2027, 2, 1), date(2027, 2, 3), zone_name=ZONE)
    assert {p.instructor for p in found} == {"Sam Ode"}
    probe = QualificationDatesDialog(None, model.rows()[0])
    qtbot.addWidget(probe)
    assert probe.values() == (date(2025, 1, 6), date(2027, 1, 31), "certified")
    assert sam.id

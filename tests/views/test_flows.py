"""Whole coordinator flows on the real widgets."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QInputDialog
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPushButton

from iltdesk.domain.enums import ActivityType
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import MaterialKind
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.specs import AgendaItemSpec
from iltdesk.services import catalogue
from iltdesk.services import enrollment
from iltdesk.services import scheduling
from iltdesk.views.dialogs.course_editor import CourseEditorDialog
from iltdesk.views.dialogs.learner_picker import LearnerPickerDialog
from iltdesk.views.dialogs.session_editor import SessionEditorDialog
from iltdesk.views.session_detail import SessionDetailDialog
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session
from tests.fixtures.ui import click_button
from tests.fixtures.ui import press_save
from tests.fixtures.ui import wait_for_check

E = EnrollmentStatus


def test_create_course_with_agenda_and_the_15_minute_warning(qtbot, ctx):
    dialog = CourseEditorDialog(None, ctx, None)
    qtbot.addWidget(dialog)
    assert dialog.currency.text() == "GBP"  # the user's country's (en_GB), not always EUR
    qtbot.keyClicks(dialog.code, "FS-101")
    qtbot.keyClicks(dialog.title, "Forklift Safety")
    dialog.objectives.setPlainText("Inspect a forklift")
    builder = dialog.agenda
    builder.add_item(AgendaItemSpec("Welcome", 10, ActivityType.PRESENTATION, 0))
    builder.add_item(AgendaItemSpec("Walk-through", 10, ActivityType.DEMONSTRATION, 0))
    assert not builder.warnings.isHidden()
    assert "20 minutes of presentation" in builder.warnings.text()
    builder.table.setCurrentCell(1, 0)
    builder.add_item(AgendaItemSpec("Quick poll", 3, ActivityType.POLL, 0), row=1)
    assert builder.warnings.isHidden()
    assert builder.total.text() == "3 items · 0 h 23 min"
    assert builder.table.item(2, 4).text() == "0:13"  # the running clock
    press_save(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    course = catalogue.find_course_by_code(ctx.db, "FS-101")
    assert course is not None
    assert course.objectives == ("Inspect a forklift",)
    assert [i.title for i in catalogue.get_agenda(ctx.db, course.id)] == [
        "Welcome",
        "Quick poll",
        "Walk-through",
    ]


def test_a_course_edit_with_a_bad_agenda_item_saves_nothing(qtbot, ctx):
    """Details, agenda and costs are saved together: a mistake in one keeps all as they were."""
    course = make_course(ctx.db, title="Forklift Safety")
    catalogue.set_agenda(
        ctx.db, course.id, [AgendaItemSpec("Welcome", 10, ActivityType.PRESENTATION, None)]
    )
    dialog = CourseEditorDialog(None, ctx, catalogue.get_course(ctx.db, course.id))
    qtbot.addWidget(dialog)
    dialog.title.setText("Forklift Safety (2027)")
    dialog.agenda.add_item(AgendaItemSpec("", 10, ActivityType.PRESENTATION, None))
    press_save(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "needs a title" in dialog.error.text()
    assert catalogue.get_course(ctx.db, course.id).title == "Forklift Safety"
    assert [i.title for i in catalogue.get_agenda(ctx.db, course.id)] == ["Welcome"]
    # Corrected, it saves all of it; undo brings all of it back.
    dialog.agenda.table.setCurrentCell(1, 0)
    dialog.agenda.remove_current()
    press_save(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert catalogue.get_course(ctx.db, course.id).title == "Forklift Safety (2027)"
    ctx.undo_stack.undo()
    assert catalogue.get_course(ctx.db, course.id).title == "Forklift Safety"
    assert [i.title for i in catalogue.get_agenda(ctx.db, course.id)] == ["Welcome"]


def type_into(qtbot, edit, text):
    """Select what a line edit holds and type over it, then leave the field."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    edit.editingFinished.emit()


def test_schedule_a_two_day_session(qtbot, ctx):
    course = make_course(ctx.db, title="First Aid")
    dialog = SessionEditorDialog(None, ctx, None)
    qtbot.addWidget(dialog)
    dialog.course.setCurrentIndex(dialog.course.findData(course.id))
    dialog.zone.setCurrentText("America/New_York")
    dialog.capacity.setValue(3)
    first = dialog.days.rows[0]
    type_into(qtbot, first.date.edit, "2027-03-05")  # a Friday
    type_into(qtbot, first.start, "9")
    type_into(qtbot, first.end, "17:00")
    assert first.date.edit.text() == "Fri 05/03/2027"  # read back with its weekday
    dialog.days.add_after_last()
    assert dialog.days.rows[1].date.value() == date(2027, 3, 8)  # skips the weekend
    wait_for_check(qtbot, dialog.clash_label, "No clashes")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    [row] = scheduling.list_sessions(ctx.db)
    assert row.timezone == "America/New_York"
    assert len(row.days) == 2
    assert row.days[0].start.hour == 14  # 09:00 EST
    assert row.days[1].start.hour == 14


def test_roster_waitlist_promotion_attendance_and_undo(qtbot, ctx, monkeypatch):
    session = make_session(ctx.db, capacity=3)
    people = [make_learner(ctx.db, "L", name) for name in ("Adams", "Brown", "Clark", "Dunn")]
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    monkeypatch.setattr(
        LearnerPickerDialog, "ask", classmethod(lambda cls, parent, c: [p.id for p in people])
    )
    qtbot.mouseClick(detail.add_button, Qt.MouseButton.LeftButton)
    statuses = [(r.last_name, r.status) for r in detail.roster_model.rows()]
    assert statuses == [
        ("Adams", E.ENROLLED),
        ("Brown", E.ENROLLED),
        ("Clark", E.ENROLLED),
        ("Dunn", E.WAITLISTED),
    ]
    assert detail.capacity_bar.text().startswith("3 of 3 seats")

    detail.roster_view.selectRow(1)  # Brown
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: ("Double-booked", True))
    )
    qtbot.mouseClick(detail.cancel_button, Qt.MouseButton.LeftButton)
    by_name = {r.last_name: r for r in detail.roster_model.rows()}
    assert by_name["Brown"].status is E.CANCELLED
    assert by_name["Brown"].cancel_reason == "Double-booked"
    assert by_name["Dunn"].status is E.ENROLLED  # promoted from the waitlist

    # Attendance by keyboard: P on the first learner, the completion column updates at once.
    detail.tabs.setCurrentIndex(1)
    grid, model = detail.grid, detail.attendance_model
    grid.setFocus()
    grid.setCurrentIndex(model.index(0, 1))
    qtbot.keyClick(grid, Qt.Key.Key_P)
    assert model.data(model.index(0, 1)) == "P"
    assert model.data(model.index(0, model.completion_column)) == "Completed"
    assert grid.currentIndex().row() == 1  # moved down for the next learner
    qtbot.keyClick(grid, Qt.Key.Key_A)
    assert model.data(model.index(1, model.completion_column)) == "No-show"
    [first] = [r for r in enrollment.roster(ctx.db, session.id) if r.last_name == "Adams"]
    assert first.status is E.COMPLETED

    # Undo both marks, then the cancellation: Brown is back and Dunn waits again.
    ctx.undo_stack.undo()
    assert model.data(model.index(1, 1)) == ""
    ctx.undo_stack.undo()
    assert model.data(model.index(0, 1)) == ""
    ctx.undo_stack.undo()
    statuses = {r.last_name: r.status for r in enrollment.roster(ctx.db, session.id)}
    assert statuses["Brown"] is E.ENROLLED
    assert statuses["Dunn"] is E.WAITLISTED
    ctx.undo_stack.redo()
    statuses = {r.last_name: r.status for r in enrollment.roster(ctx.db, session.id)}
    assert statuses["Brown"] is E.CANCELLED
    assert statuses["Dunn"] is E.ENROLLED


def test_undo_an_enrollment(qtbot, ctx):
    session = make_session(ctx.db)
    learner = make_learner(ctx.db, "Zoë", "Müller")
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    detail.enroll(learner.id)
    assert [r.last_name for r in detail.roster_model.rows()] == ["Müller"]
    assert ctx.undo_stack.undoText() == "Enrol learner"
    ctx.undo_stack.undo()
    assert detail.roster_model.rows() == []
    ctx.undo_stack.redo()
    assert [r.status for r in detail.roster_model.rows()] == [E.ENROLLED]


def test_mark_all_present_then_minutes_by_double_click(qtbot, ctx, monkeypatch):
    """The button fills the unmarked; minutes below the day make the mark late, and undo."""
    session = make_session(ctx.db)  # one day, 09:00–17:00: 480 minutes
    for name in ("Adams", "Brown"):
        enrollment.enroll_learner(ctx.db, session.id, make_learner(ctx.db, "A", name).id)
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    detail.tabs.setCurrentIndex(1)
    grid, model = detail.grid, detail.attendance_model
    qtbot.mouseClick(detail.all_present_button, Qt.MouseButton.LeftButton)
    assert [model.data(model.index(r, 1)) for r in range(2)] == ["P", "P"]
    assert ctx.undo_stack.undoText() == "2 attendance marks"
    grid.setCurrentIndex(model.index(1, 1))
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: (420, True)))
    grid.doubleClicked.emit(model.index(1, 1))
    mark = model.mark_at(1, 1)
    assert mark is not None
    assert (mark.status, mark.minutes_attended) == (AttendanceStatus.LATE, 420)
    assert grid.currentIndex().row() == 1  # the reload kept the cell
    ctx.undo_stack.undo()
    assert model.data(model.index(1, 1)) == "P"


def test_lock_and_unlock_with_a_reason(qtbot, ctx, monkeypatch):
    session = make_session(ctx.db)
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    qtbot.mouseClick(detail.lock_button, Qt.MouseButton.LeftButton)
    assert scheduling.get_session(ctx.db, session.id).status is SessionStatus.COMPLETED
    assert not detail.all_present_button.isEnabled()
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: ("Late sign-in sheet", True))
    )
    qtbot.mouseClick(detail.lock_button, Qt.MouseButton.LeftButton)
    assert scheduling.get_session(ctx.db, session.id).status is SessionStatus.CONFIRMED


def test_enrolling_into_a_clash_asks_first(qtbot, ctx, monkeypatch):
    day = date(2026, 6, 1)
    from tests.fixtures.builders import day_spec

    a = make_session(ctx.db, days=(day_spec(day, "09:00", "12:00", "UTC"),), zone="UTC")
    b = make_session(ctx.db, days=(day_spec(day, "10:00", "11:00", "UTC"),), zone="UTC")
    learner = make_learner(ctx.db)
    enrollment.enroll_learner(ctx.db, a.id, learner.id)
    detail = SessionDetailDialog(None, ctx, b.id)
    qtbot.addWidget(detail)
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        staticmethod(lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No),
    )
    detail.enroll(learner.id)
    assert asked
    assert "also enrolled" in asked[0]
    assert detail.roster_model.rows() == []


def test_course_materials_add_replace_open_remove(qtbot, ctx, tmp_path, monkeypatch):
    from iltdesk.views import materials as materials_view

    course = make_course(ctx.db)
    dialog = CourseEditorDialog(None, ctx, course)
    qtbot.addWidget(dialog)
    panel = dialog.materials
    source = tmp_path / "Facilitator guide.pdf"
    source.write_bytes(b"%PDF-1.4 first")
    monkeypatch.setattr(materials_view, "pick_file", lambda parent, title: source)
    panel.kind.setCurrentIndex(panel.kind.findData(MaterialKind.FACILITATOR_GUIDE))
    panel.add_file()
    assert panel.table.rowCount() == 1
    assert panel.table.item(0, 3).text() == "Facilitator guide.pdf"
    panel.table.selectRow(0)
    source.write_bytes(b"%PDF-1.4 second")
    panel.replace_selected()
    assert panel.table.item(0, 2).text() == "2"
    copy = panel.copy_for_opening(panel.rows[0])
    assert copy.name == "Facilitator guide.pdf"
    assert copy.read_bytes() == b"%PDF-1.4 second"
    panel.table.selectRow(0)
    panel.remove_selected()
    assert panel.table.rowCount() == 0


def test_preferences_save_and_preview(qtbot, ctx):
    from iltdesk.views.dialogs.preferences import PreferencesDialog

    dialog = PreferencesDialog(None, ctx)
    qtbot.addWidget(dialog)
    dialog.format_locale.setCurrentIndex(dialog.format_locale.findData("de_DE"))
    assert "12.03.2026" in dialog.preview.text()
    assert "1.234,5" in dialog.preview.text()
    assert "takes effect when ILT Desk starts again" in dialog.language_note.text()
    assert not dialog.restart_button.isEnabled()
    dialog.language.setCurrentIndex(dialog.language.findData("de"))
    assert dialog.restart_button.isEnabled()
    dialog.colours.setCurrentIndex(dialog.colours.findData("dark"))
    from PySide6.QtWidgets import QApplication

    window_colour = QApplication.instance().palette().window().color()
    assert window_colour.lightness() < 80  # dark at once, whatever the platform
    dialog.zone.setCurrentText("Mars/Base")
    press_save(dialog)
    assert "not a known time zone" in dialog.problem.text()
    dialog.zone.setCurrentText("America/Chicago")
    qtbot.keyClicks(dialog.organisation, "Acme Training")
    press_save(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    reloaded = type(ctx.prefs)(ctx.prefs.path)
    assert reloaded.get("language") == "de"
    assert reloaded.get("default_timezone") == "America/Chicago"
    assert reloaded.get("organisation_name") == "Acme Training"
    assert reloaded.get("color_scheme") == "dark"
    from iltdesk.app import apply_color_scheme

    apply_color_scheme(QApplication.instance(), "system")
    assert QApplication.instance().palette().window().color().lightness() > 180
    assert dialog.last_backup.text() == "None yet"
    click_button(dialog, "Back up now")
    assert dialog.last_backup.text() != "None yet"


def test_preferences_certificate_settings_are_checked(qtbot, ctx, tmp_path):
    from iltdesk.views.dialogs.preferences import PreferencesDialog

    dialog = PreferencesDialog(None, ctx)
    qtbot.addWidget(dialog)
    dialog.verify_pattern.setText("https://example.com/verify")
    press_save(dialog)
    assert "must contain {code}" in dialog.problem.text()
    dialog.verify_pattern.setText("https://example.com/verify/{code}")
    dialog.signature.setText(str(tmp_path / "missing.png"))
    press_save(dialog)
    assert "does not exist" in dialog.problem.text()
    signature = tmp_path / "sig.png"
    signature.write_bytes(b"\x89PNG")
    dialog.signature.setText(str(signature))
    press_save(dialog)
    assert ctx.prefs.get("certificate_verify_pattern") == "https://example.com/verify/{code}"
    assert ctx.prefs.get("signature_image") == str(signature)


def test_agenda_warnings_do_not_move_the_buttons(qtbot, ctx):
    dialog = CourseEditorDialog(None, ctx, None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    builder = dialog.agenda
    dialog.tabs.setCurrentWidget(builder)
    add = next(b for b in builder.findChildren(QPushButton) if b.text() == "Add &item")
    before = add.mapTo(dialog, add.rect().topLeft())
    for minutes in (20, 20, 20, 20):  # long presentations: warnings appear
        builder.add_item(AgendaItemSpec("Talk", minutes, ActivityType.PRESENTATION, None))
    qtbot.wait(10)
    assert builder.warnings.isVisible()
    assert add.mapTo(dialog, add.rect().topLeft()) == before


def test_a_virtual_course_warns_about_shorter_presentations(qtbot, ctx):
    from iltdesk.domain.enums import DeliveryFormat

    dialog = CourseEditorDialog(None, ctx, None)
    qtbot.addWidget(dialog)
    builder = dialog.agenda
    builder.add_item(AgendaItemSpec("Talk", 13, ActivityType.PRESENTATION, None))
    assert builder.warnings.toolTip() == ""  # 13 minutes in a room is fine
    dialog.format.setCurrentIndex(dialog.format.findData(DeliveryFormat.VIRTUAL))
    assert "at least every 12 minutes" in builder.warnings.toolTip()
    dialog.format.setCurrentIndex(dialog.format.findData(DeliveryFormat.IN_PERSON))
    assert builder.warnings.toolTip() == ""


def test_the_editors_give_their_choices_as_enums(qtbot, ctx):
    """Qt hands a combo's item data back as plain text; the specs carry the enums again."""
    from iltdesk.domain.enums import DeliveryFormat
    from iltdesk.domain.enums import InstructorRole
    from tests.fixtures.builders import make_instructor

    make_course(ctx.db, title="First Aid")
    make_instructor(ctx.db)
    editor = SessionEditorDialog(None, ctx, None)
    qtbot.addWidget(editor)
    editor.add_instructor(None)
    spec = editor.spec()
    assert type(spec.mode) is DeliveryMode
    assert [type(role) for _id, role in spec.instructors] == [InstructorRole]
    course = CourseEditorDialog(None, ctx, None)
    qtbot.addWidget(course)
    course.agenda.add_item(AgendaItemSpec("Welcome", 10, ActivityType.PRESENTATION, None))
    assert type(course.spec().delivery_format) is DeliveryFormat
    assert type(course.agenda.items()[0].activity) is ActivityType


def test_an_in_person_session_without_a_room_is_warned_about(qtbot, ctx):
    """A warning, not a clash: the editor says both."""
    make_course(ctx.db, title="First Aid")
    editor = SessionEditorDialog(None, ctx, None)
    qtbot.addWidget(editor)
    wait_for_check(qtbot, editor.clash_label, "No room is booked yet")
    assert "No clashes" in editor.clash_label.text()
    editor.mode.setCurrentIndex(editor.mode.findData(DeliveryMode.VIRTUAL))
    qtbot.waitUntil(lambda: "No room" not in editor.clash_label.text(), timeout=2000)


def test_the_agenda_tab_says_which_clock_its_times_are_on(qtbot, ctx):
    """The venue's zone in the Time header; a time past a clock change carries its own."""
    from iltdesk.services.session_window import read_session_window
    from iltdesk.views.session_agenda import SessionAgendaTab
    from tests.fixtures.builders import day_spec

    course = make_course(ctx.db, title="Night Shift Safety")
    catalogue.set_agenda(
        ctx.db,
        course.id,
        [
            AgendaItemSpec("Welcome", 60, ActivityType.PRESENTATION, None),
            AgendaItemSpec("Walk-round", 60, ActivityType.DEMONSTRATION, None),
        ],
    )
    # The night the clocks in London go forward: 00:30 GMT, then 02:30 BST.
    session = make_session(
        ctx.db, course.id, days=(day_spec(date(2027, 3, 28), "00:30", "03:30", "Europe/London"),)
    )
    tab = SessionAgendaTab(ctx, session.id)
    qtbot.addWidget(tab)
    shown = read_session_window(ctx.db, session.id)
    tab.load(shown.session, shown.agenda, shown.checks)
    assert tab.table.horizontalHeaderItem(0).text() == "Time (GMT)"
    assert [tab.table.item(r, 0).text() for r in range(2)] == ["00:30", "02:30 BST"]


def test_each_mark_key_shows_its_own_letter_and_reads_back_from_a_workbook(qtbot, ctx):
    # The grid showed "LE" for left early while the key, the legend, the command line and
    # the workbook all say F: what is typed is what the cell shows.
    from iltdesk.services.workbooks import status_from_label
    from iltdesk.views.attendance_grid import KEYS

    session = make_session(ctx.db, capacity=len(KEYS))
    for n in range(len(KEYS)):
        learner = make_learner(ctx.db, "L", f"Learner{n}")
        enrollment.enroll_learner(ctx.db, session.id, learner.id)
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    detail.tabs.setCurrentIndex(1)
    grid, model = detail.grid, detail.attendance_model
    grid.setFocus()
    grid.setCurrentIndex(model.index(0, 1))
    for row, (key, status) in enumerate(KEYS.items()):
        qtbot.keyClick(grid, key)
        letter = model.data(model.index(row, 1))
        assert letter == QKeySequence(key).toString()
        assert status_from_label(letter) is status


def test_saving_a_course_keeps_its_agendas_facilitator_notes(qtbot, ctx):
    """The editor's agenda dropped each item's facilitator notes, so saving wiped them."""
    course = make_course(ctx.db, title="Ladder Safety")
    catalogue.set_agenda(
        ctx.db,
        course.id,
        [
            AgendaItemSpec("Welcome", 10, ActivityType.PRESENTATION, None, "Name cards"),
            AgendaItemSpec("Demo", 20, ActivityType.DEMONSTRATION, None, "Bring the ladder"),
        ],
    )
    for look_at_agenda in (False, True):
        dialog = CourseEditorDialog(None, ctx, catalogue.get_course(ctx.db, course.id))
        qtbot.addWidget(dialog)
        dialog.show()
        if look_at_agenda:
            dialog.tabs.setCurrentIndex(2)
            assert dialog.agenda.table.rowCount() == 2
        dialog.title.setText(f"Ladder Safety {look_at_agenda}")
        press_save(dialog)
        assert dialog.result() == QDialog.DialogCode.Accepted
        notes = [i.facilitator_notes for i in catalogue.get_agenda(ctx.db, course.id)]
        assert notes == ["Name cards", "Bring the ladder"]

"""Editors keep the archived course, room or instructor a record already has.

Archived ones are not offered for new choices, but what already has them keeps them: the session
editor showed another course (the first in its list), "No room" and the first instructor on the
bench, so saving any change moved the session to them; the instructor form left out archived
courses, so saving an instructor dropped their qualifications on them (with their dates).
"""

from __future__ import annotations

from iltdesk.domain.enums import InstructorRole
from iltdesk.services import catalogue
from iltdesk.services import people
from iltdesk.services import scheduling
from iltdesk.views.dialogs.record_forms import InstructorDialog
from iltdesk.views.dialogs.session_editor import SessionEditorDialog
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_instructor
from tests.fixtures.builders import make_room
from tests.fixtures.builders import make_session
from tests.fixtures.ui import press_save


def test_saving_a_session_keeps_its_archived_course_room_and_instructor(qtbot, ctx):
    make_course(ctx.db, code="AAA-1", title="Still running")  # first in the course list
    old_course = make_course(ctx.db, code="ZZZ-9", title="Retired course")
    make_instructor(ctx.db, "Aaron Active", courses=(old_course.id,))  # first on the bench
    retired = make_instructor(ctx.db, "Rita Retired", courses=(old_course.id,))
    make_room(ctx.db, name="Atrium")
    old_room = make_room(ctx.db, name="Old Wing")
    session = make_session(
        ctx.db,
        old_course.id,
        room_id=old_room.id,
        instructors=((retired.id, InstructorRole.LEAD),),
    )
    catalogue.set_course_archived(ctx.db, old_course.id, True)
    people.set_room_archived(ctx.db, old_room.id, True)
    people.set_instructor_archived(ctx.db, retired.id, True)

    dialog = SessionEditorDialog(None, ctx, scheduling.get_session(ctx.db, session.id))
    qtbot.addWidget(dialog)
    assert dialog.course.currentText() == "ZZZ-9 — Retired course (archived)"
    assert dialog.room.currentText() == "Old Wing (20 seats) (archived)"
    assert dialog.instructors.rows[0][0].currentText() == "Rita Retired (archived)"
    dialog.capacity.setValue(session.capacity + 2)
    press_save(dialog)

    saved = scheduling.get_session(ctx.db, session.id)
    assert saved.capacity == session.capacity + 2
    assert saved.course_id == old_course.id
    assert saved.room_id == old_room.id
    assert [(i.instructor_id, i.role) for i in saved.instructors] == [
        (retired.id, InstructorRole.LEAD)
    ]


def test_archived_ones_are_not_offered_for_a_new_session(qtbot, ctx):
    kept = make_course(ctx.db, code="AAA-1")
    gone = make_course(ctx.db, code="ZZZ-9")
    catalogue.set_course_archived(ctx.db, gone.id, True)
    room = make_room(ctx.db, name="Old Wing")
    people.set_room_archived(ctx.db, room.id, True)
    retired = make_instructor(ctx.db, "Rita Retired", courses=(kept.id,))
    people.set_instructor_archived(ctx.db, retired.id, True)
    dialog = SessionEditorDialog(None, ctx, None)
    qtbot.addWidget(dialog)
    assert dialog.course.findData(gone.id) == -1
    assert dialog.room.findData(room.id) == -1
    dialog.add_instructor(None)
    assert dialog.instructors.rows[0][0].findData(retired.id) == -1


def test_saving_an_instructor_keeps_their_qualification_on_an_archived_course(qtbot, ctx):
    current = make_course(ctx.db, code="AAA-1", title="Still running")
    old_course = make_course(ctx.db, code="ZZZ-9", title="Retired course")
    teacher = make_instructor(ctx.db, "Tess Teacher", courses=(current.id, old_course.id))
    catalogue.set_course_archived(ctx.db, old_course.id, True)
    dialog = InstructorDialog(None, ctx, people.get_instructor(ctx.db, teacher.id))
    qtbot.addWidget(dialog)
    texts = [dialog.courses.item(i).text() for i in range(dialog.courses.count())]
    assert texts == ["AAA-1 — Still running", "ZZZ-9 — Retired course (archived)"]
    dialog.phone.setText("+44 20 7946 0000")
    press_save(dialog)
    saved = people.get_instructor(ctx.db, teacher.id)
    assert saved.phone == "+44 20 7946 0000"
    assert saved.qualified_course_ids == {current.id, old_course.id}
    # Someone not qualified on it is not offered it.
    other = InstructorDialog(None, ctx, None)
    qtbot.addWidget(other)
    assert other.courses.count() == 1


def test_the_sessions_screen_filters_by_an_archived_course_or_instructor(qtbot, ctx):
    """Past sessions of an archived course, or taught by an archived instructor, are still
    there to find; the filters offered only current ones."""
    from iltdesk.views.main_window import MainWindow
    from tests.fixtures.ui import sessions_read

    old_course = make_course(ctx.db, code="ZZZ-9", title="Retired course")
    make_session(ctx.db)  # another course's
    retired = make_instructor(ctx.db, "Rita Retired", courses=(old_course.id,))
    session = make_session(ctx.db, old_course.id, instructors=((retired.id, InstructorRole.LEAD),))
    catalogue.set_course_archived(ctx.db, old_course.id, True)
    people.set_instructor_archived(ctx.db, retired.id, True)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.sessions
    page.when.setCurrentIndex(page.when.findData("all"))
    sessions_read(qtbot, page)
    assert page.model.rowCount() == 2
    for combo, wanted, text in (
        (page.course, old_course.id, "ZZZ-9 — Retired course (archived)"),
        (page.instructor, retired.id, "Rita Retired (archived)"),
    ):
        combo.ensure_filled()
        index = combo.findData(wanted)
        assert combo.itemText(index) == text
        combo.setCurrentIndex(index)
        sessions_read(qtbot, page)
        assert [page.model.row_at(r).id for r in range(page.model.rowCount())] == [session.id]
        combo.setCurrentIndex(0)
        sessions_read(qtbot, page)


def test_archived_records_can_be_shown_and_restored(qtbot, ctx):
    """Archive took a course, room or instructor off its screen for good: only Undo brought it
    back, though a requirement's message says "restore it in Courses first". Each screen shows
    archived ones on request, marked, and Restore brings the selected one back."""
    from iltdesk.views.main_window import MainWindow

    course = make_course(ctx.db, code="OLD-1", title="Retired course")
    room = make_room(ctx.db, name="Old Wing")
    teacher = make_instructor(ctx.db, "Rita Retired")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    cases = (("courses", "OLD-1"), ("rooms", "Old Wing"), ("instructors", "Rita Retired"))
    for screen, text in cases:
        page = window.show_screen(screen)

        def texts(page=page):
            return [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]

        page.table.selectRow(texts().index(text))
        assert page.archive_button.text().replace("&", "") == "Archive"
        page.archive_button.click()
        assert text not in texts()
        page.show_archived.setChecked(True)
        marked = f"{text} (archived)"
        assert marked in texts()
        metrics = page.table.fontMetrics()
        assert page.table.columnWidth(0) > metrics.horizontalAdvance(marked)  # refitted
        page.table.selectRow(texts().index(marked))
        assert page.archive_button.text().replace("&", "") == "Restore"
        page.archive_button.click()
        assert text in texts()
        assert marked not in texts()
        page.show_archived.setChecked(False)
        assert text in texts()
    assert not catalogue.get_course(ctx.db, course.id).archived
    assert room.id in {r.id for r in people.list_rooms(ctx.db)}
    assert teacher.id in {i.id for i in people.list_instructors(ctx.db)}

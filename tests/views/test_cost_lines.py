"""Cost lines as the course editor and a session's Costs tab edit them."""

from __future__ import annotations

from decimal import Decimal

from iltdesk.domain.costs import CostLineSpec
from iltdesk.domain.enums import CostBasis
from iltdesk.domain.enums import CostCategory
from iltdesk.services import catalogue
from iltdesk.services import costs
from iltdesk.services import people
from iltdesk.views.cost_lines import INSTRUCTOR
from iltdesk.views.cost_lines import SessionCostsPanel
from iltdesk.views.dialogs.course_editor import CourseEditorDialog
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_instructor
from tests.fixtures.builders import make_session
from tests.fixtures.ui import press_save


def _fee(instructor_id: int) -> CostLineSpec:
    return CostLineSpec(
        CostCategory.INSTRUCTOR_FEE, CostBasis.PER_DAY, Decimal(450), "GBP", "", instructor_id
    )


def test_a_fee_keeps_its_archived_instructor_when_the_course_is_saved(qtbot, ctx):
    """An archived instructor is not offered for new fees, but a fee already theirs stays theirs:
    the editor showed "—" for them and saving the course wrote the fee back with nobody."""
    course = make_course(ctx.db)
    retired = make_instructor(ctx.db, "Rita Retired")
    costs.set_course_costs(ctx.db, course.id, [_fee(retired.id)])
    people.set_instructor_archived(ctx.db, retired.id, True)
    dialog = CourseEditorDialog(None, ctx, catalogue.get_course(ctx.db, course.id))
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentWidget(dialog.costs_page)
    combo = dialog.cost_lines.table.cellWidget(0, INSTRUCTOR)
    assert combo.currentText() == "Rita Retired (archived)"
    dialog.title.setText("Renamed")
    press_save(dialog)
    assert [line.instructor_id for line in costs.course_costs(ctx.db, course.id)] == [retired.id]


def test_a_session_fee_keeps_its_archived_instructor_when_costs_are_saved(qtbot, ctx):
    session = make_session(ctx.db)
    retired = make_instructor(ctx.db, "Rita Retired")
    costs.set_session_costs(ctx.db, session.id, [_fee(retired.id)])
    people.set_instructor_archived(ctx.db, retired.id, True)
    panel = SessionCostsPanel(ctx, session.id, "GBP")
    qtbot.addWidget(panel)
    row = panel.editor.add_line()
    panel.editor.table.cellWidget(row, 2).setText("20")
    assert panel.save()
    lines = costs.session_costs(ctx.db, session.id)
    assert [line.instructor_id for line in lines] == [retired.id, None]
    # The archived instructor is not offered for the new line.
    assert panel.editor.table.cellWidget(row, INSTRUCTOR).findText("Rita Retired (archived)") == -1
    assert panel.editor.table.cellWidget(0, INSTRUCTOR).currentText() == "Rita Retired (archived)"


def test_the_course_editor_builds_its_cost_lines_when_the_tab_is_shown(qtbot, ctx):
    """The instructors' list and the lines' editors were ~20 ms of opening the editor on a tab
    it does not open on; saving without looking at the tab keeps the course's lines."""
    course = make_course(ctx.db)
    teacher = make_instructor(ctx.db, "Tess Teacher")
    room = CostLineSpec(CostCategory.ROOM, CostBasis.PER_DAY, Decimal("120.50"), "GBP", "Atrium")
    costs.set_course_costs(ctx.db, course.id, [_fee(teacher.id), room])
    dialog = CourseEditorDialog(None, ctx, catalogue.get_course(ctx.db, course.id))
    qtbot.addWidget(dialog)
    assert dialog.cost_lines is None
    dialog.title.setText("Renamed")
    press_save(dialog)
    assert catalogue.get_course(ctx.db, course.id).title == "Renamed"
    stored = [line.spec() for line in costs.course_costs(ctx.db, course.id)]
    assert stored == [_fee(teacher.id), room]

    again = CourseEditorDialog(None, ctx, catalogue.get_course(ctx.db, course.id))
    qtbot.addWidget(again)
    again.tabs.setCurrentWidget(again.costs_page)
    editor = again.cost_lines
    assert editor is not None
    assert editor.lines() == stored
    editor.table.selectRow(1)
    editor.remove_selected()
    press_save(again)
    assert [line.spec() for line in costs.course_costs(ctx.db, course.id)] == [_fee(teacher.id)]

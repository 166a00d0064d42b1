"""Pre-work in the session window: the count, the roster column, the tick, and undo."""

from __future__ import annotations

from PySide6.QtCore import Qt

from iltdesk.models.tables import RosterTableModel
from iltdesk.services import enrollment
from iltdesk.views.session_detail import SessionDetailDialog
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session


def test_pre_work_is_ticked_counted_and_undone(qtbot, ctx):
    course = make_course(ctx.db, prework="Watch the video.")
    session = make_session(ctx.db, course.id)
    for name in ("Adams", "Brown", "Clark"):
        enrollment.enroll_learner(ctx.db, session.id, make_learner(ctx.db, "L", name).id)
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    assert detail.prework_label.text() == "Pre-work: 0 of 3 done"
    detail.roster_view.selectRow(1)  # Brown
    assert detail.prework_button.isEnabled()
    qtbot.mouseClick(detail.prework_button, Qt.MouseButton.LeftButton)
    assert detail.prework_label.text() == "Pre-work: 1 of 3 done"
    model = detail.roster_model
    assert model.data(model.index(1, RosterTableModel.PREWORK)) == "✓"
    assert detail.prework_button.isChecked()
    ctx.undo_stack.undo()
    assert detail.prework_label.text() == "Pre-work: 0 of 3 done"
    ctx.undo_stack.redo()
    assert detail.prework_label.text() == "Pre-work: 1 of 3 done"


def test_a_course_without_pre_work_shows_no_count(qtbot, ctx):
    session = make_session(ctx.db)
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    assert not detail.prework_label.isVisibleTo(detail)
    assert not detail.prework_button.isVisibleTo(detail)

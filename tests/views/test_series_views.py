"""Recurring sessions in the window: the editor's Repeat row, a gap asked about, the series edited
from one session on, and the later sessions cancelled from the Session menu."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QDialog

from iltdesk.domain.enums import SessionStatus
from iltdesk.services import scheduling
from iltdesk.services.series import create_series
from iltdesk.views import series_editing
from iltdesk.views.dialogs.session_editor import SessionEditorDialog
from iltdesk.views.series_editing import MONTHLY
from iltdesk.views.series_editing import WEEKLY
from iltdesk.views.session_detail import SessionDetailDialog
from tests.fixtures.builders import make_course
from tests.unit.services.test_series import template
from tests.views.test_flows import type_into
from tests.views.test_flows import wait_for_check

ZONE = "Europe/Berlin"


def new_editor(qtbot, ctx, day: str, start: str, end: str):
    course = make_course(ctx.db, title="Coaching Basics")
    dialog = SessionEditorDialog(None, ctx, None)
    qtbot.addWidget(dialog)
    dialog.course.setCurrentIndex(dialog.course.findData(course.id))
    dialog.zone.setCurrentText(ZONE)
    first = dialog.days.rows[0]
    type_into(qtbot, first.date.edit, day)
    type_into(qtbot, first.start, start)
    type_into(qtbot, first.end, end)
    return dialog


def test_a_new_session_repeats_weekly_and_says_what_that_makes(qtbot, ctx):
    dialog = new_editor(qtbot, ctx, "2027-03-01", "9", "12:00")
    repeat = dialog.repeat
    assert repeat is not None
    repeat.kind.setCurrentIndex(MONTHLY)
    assert repeat.kind.itemText(MONTHLY) == "Every month on the first Monday"
    assert repeat.rule() == "FREQ=MONTHLY;BYDAY=1MO;COUNT=6"
    repeat.kind.setCurrentIndex(WEEKLY)
    repeat.count.setValue(5)
    assert repeat.summary.text() == "5 sessions, 1 Mar 2027 – 29 Mar 2027"
    wait_for_check(qtbot, dialog.clash_label, "No clashes")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    rows = scheduling.list_sessions(ctx.db)
    assert len(rows) == 5
    assert len({r.series_id for r in rows}) == 1
    tz = ZoneInfo(ZONE)
    assert {r.days[0].start.astimezone(tz).hour for r in rows} == {9}
    assert dialog.saved.id == rows[0].id


def test_a_custom_rule_that_is_not_one_is_said_at_once(qtbot, ctx):
    dialog = new_editor(qtbot, ctx, "2027-03-01", "9", "12:00")
    repeat = dialog.repeat
    repeat.kind.setCurrentIndex(series_editing.CUSTOM)
    repeat.custom.setText("FREQ=DAILY")
    assert "more than 200" in repeat.summary.text()
    repeat.custom.setText("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4")
    assert repeat.summary.text() == "4 sessions, 2 Mar 2027 – 11 Mar 2027"


def test_a_date_in_the_clock_change_gap_is_asked_about_then_left_out(qtbot, ctx, monkeypatch):
    asked = []
    monkeypatch.setattr(
        series_editing, "ask_skip_gap", lambda parent, error: asked.append(error.day) or True
    )
    dialog = new_editor(qtbot, ctx, "2027-03-14", "02:30", "04:00")
    dialog.repeat.kind.setCurrentIndex(WEEKLY)
    dialog.repeat.count.setValue(3)
    wait_for_check(qtbot, dialog.clash_label, "No clashes")
    dialog.save()
    assert asked == [date(2027, 3, 28)]
    assert len(scheduling.list_sessions(ctx.db)) == 2


def test_an_edit_asks_whether_the_later_sessions_change_too(qtbot, ctx, monkeypatch):
    rows = create_series(ctx.db, template(ctx.db), "FREQ=WEEKLY;COUNT=4").value
    monkeypatch.setattr(series_editing, "ask_scope", lambda parent, later: later == 2)
    dialog = SessionEditorDialog(None, ctx, scheduling.get_session(ctx.db, rows[1].id))
    qtbot.addWidget(dialog)
    assert dialog.repeat is None
    dialog.capacity.setValue(20)
    wait_for_check(qtbot, dialog.clash_label, "No clashes")
    dialog.save()
    assert [scheduling.get_session(ctx.db, r.id).capacity for r in rows] == [10, 20, 20, 20]


def test_the_session_menu_cancels_this_and_later_sessions(qtbot, ctx, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    rows = create_series(ctx.db, template(ctx.db), "FREQ=WEEKLY;COUNT=3").value
    detail = SessionDetailDialog(None, ctx, rows[1].id)
    qtbot.addWidget(detail)
    assert detail.cancel_series_action.isVisible()
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: ("Room closed", True))
    )
    detail.cancel_series_action.trigger()
    statuses = [scheduling.get_session(ctx.db, r.id).status for r in rows]
    assert statuses == [SessionStatus.PLANNED, SessionStatus.CANCELLED, SessionStatus.CANCELLED]
    alone = SessionDetailDialog(
        None, ctx, scheduling.create_session(ctx.db, template(ctx.db)).value.id
    )
    qtbot.addWidget(alone)
    assert not alone.cancel_series_action.isVisible()

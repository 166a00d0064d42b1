"""Attendance › Import meeting report…: the review grid, its choices, applying and undoing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from iltdesk.domain.enums import AttendanceStatus as A
from iltdesk.models.meeting import APPLY_COLUMN
from iltdesk.services import attendance
from iltdesk.services import meeting_import
from iltdesk.services.attendance import MarkSpec
from iltdesk.views.dialogs.meeting_review import MeetingReviewDialog
from tests.fixtures.meetings import Person
from tests.fixtures.meetings import at
from tests.fixtures.meetings import meeting_people
from tests.fixtures.meetings import teams_report
from tests.fixtures.meetings import virtual_session


def _marks(ctx, session_id):
    return {m.enrollment_id: m.status for m in attendance.marks_for_session(ctx.db, session_id)}


def _cells(model):
    return [
        [model.data(model.index(r, c)) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_review_apply_and_undo_as_one_step(qtbot, ctx, tmp_path, qtmodeltester):
    session, places = virtual_session(ctx.db)
    day = session.days[0].id
    attendance.record_marks(ctx.db, session.id, [MarkSpec(places["bob"], day, A.EXCUSED)])
    folks = [*meeting_people(), Person("Dan R", "", [(at("09:00"), at("17:00"))])]
    path = teams_report(tmp_path / "report.csv", "Forklift Safety", folks)
    plan = meeting_import.plan_meeting_import(ctx.db, session.id, path)
    dialog = MeetingReviewDialog(None, ctx, session.id, path, plan)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    shown = _cells(dialog.model)
    by_learner = {row[0]: row for row in shown}
    assert by_learner["Bob Stone"][4:6] == ["Excused", "Late"]  # current, proposed
    assert by_learner["Ann Lee"][3] == "09:00 GMT"  # joined early: counted from the start
    rows = {(r.learner, r.matched_by): r for r in dialog.model.rows()}
    assert rows[("Bob Stone", "email")].apply is False  # a manual mark is not overwritten
    assert rows[("Ann Lee", "email")].apply is True
    assert rows[("Dan Roe", "possible")].apply is False  # "Dan R": to confirm
    assert "Eve Outsider" in dialog.unmatched.item(0).text()
    # The coordinator confirms Dan and leaves Bob's excused mark alone.
    model = dialog.model
    dan_row = next(i for i, r in enumerate(model.rows()) if r.matched_by == "possible")
    model.setData(
        model.index(dan_row, APPLY_COLUMN), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
    )
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert _marks(ctx, session.id) == {
        places["ann"]: A.PRESENT,
        places["bob"]: A.EXCUSED,
        places["chloe"]: A.LEFT_EARLY,
        places["dan"]: A.PRESENT,
    }
    assert ctx.undo_stack.undoText().startswith("Meeting report: 3 marks")
    ctx.undo_stack.undo()
    assert _marks(ctx, session.id) == {places["bob"]: A.EXCUSED}
    ctx.undo_stack.redo()
    assert _marks(ctx, session.id)[places["dan"]] is A.PRESENT


def test_the_rule_is_changed_in_the_review_and_remembered(qtbot, ctx, tmp_path):
    session, places = virtual_session(ctx.db)
    path = teams_report(tmp_path / "report.csv", "Forklift Safety", meeting_people())
    plan = meeting_import.plan_meeting_import(ctx.db, session.id, path)
    dialog = MeetingReviewDialog(None, ctx, session.id, path, plan)
    qtbot.addWidget(dialog)
    bob = next(r for r in dialog.model.rows() if r.enrollment_id == places["bob"])
    assert bob.proposed is A.LATE
    dialog.late.setValue(30)
    dialog.remember.setChecked(True)
    dialog.replan()
    bob = next(r for r in dialog.model.rows() if r.enrollment_id == places["bob"])
    assert bob.proposed is A.PRESENT  # 25 minutes late is within 30; 88% ≥ 80%
    assert meeting_import.meeting_rule(ctx.db, session.course_id).late_after_minutes == 30


def test_another_meeting_must_be_confirmed_and_a_walk_in_can_be_added(qtbot, ctx, tmp_path):
    session, _places = virtual_session(ctx.db)
    path = teams_report(tmp_path / "report.csv", "Quarterly sales review", meeting_people())
    plan = meeting_import.plan_meeting_import(ctx.db, session.id, path)
    dialog = MeetingReviewDialog(None, ctx, session.id, path, plan)
    qtbot.addWidget(dialog)
    assert "does not name this session's course" in dialog.warning.text()
    assert not dialog.apply_button.isEnabled()
    dialog.this_meeting.setChecked(True)
    assert dialog.apply_button.isEnabled()
    dialog.unmatched.setCurrentRow(0)
    qtbot.mouseClick(dialog.walk_in_button, Qt.MouseButton.LeftButton)
    eve = next(r for r in dialog.model.rows() if r.learner == "Eve Outsider")
    assert (eve.matched_by, eve.proposed) == ("email", A.PRESENT)
    assert dialog.unmatched.count() == 0


def test_the_attendance_tab_opens_the_review_from_its_button(qtbot, ctx, tmp_path, monkeypatch):
    from iltdesk.views.dialogs import meeting_review
    from iltdesk.views.session_detail import SessionDetailDialog

    session, places = virtual_session(ctx.db)
    path = teams_report(tmp_path / "report.csv", "Forklift Safety", meeting_people())
    monkeypatch.setattr(meeting_review, "pick_report", lambda parent: path)

    def accept_as_proposed(self):
        self.apply()
        return self.result()

    monkeypatch.setattr(MeetingReviewDialog, "exec", accept_as_proposed)
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    qtbot.mouseClick(detail.attendance.meeting_button, Qt.MouseButton.LeftButton)
    assert _marks(ctx, session.id)[places["ann"]] is A.PRESENT
    shown = detail.attendance.model  # the grid shows the imported marks at once
    assert shown.seen_version(places["ann"], session.days[0].id) == 1


def test_times_are_read_in_the_zone_chosen_for_the_report(qtbot, ctx, tmp_path):
    from datetime import timedelta

    session, places = virtual_session(ctx.db)
    # The organiser in New York downloaded it: 05:00–13:00 there is 09:00–17:00 in London.
    folks = meeting_people()
    for person in folks:
        person.joins = [(a - timedelta(hours=4), b - timedelta(hours=4)) for a, b in person.joins]
    path = teams_report(tmp_path / "ny.csv", "Forklift Safety", folks)
    plan = meeting_import.plan_meeting_import(ctx.db, session.id, path)
    dialog = MeetingReviewDialog(None, ctx, session.id, path, plan)
    qtbot.addWidget(dialog)
    ann = next(r for r in dialog.model.rows() if r.enrollment_id == places["ann"])
    assert ann.minutes < 480  # read as London times, most of the day falls before 09:00
    dialog.zone.setCurrentText("America/New_York")
    dialog.replan()
    ann = next(r for r in dialog.model.rows() if r.enrollment_id == places["ann"])
    assert (ann.minutes, ann.proposed) == (480, A.PRESENT)
    assert "America/New_York" in dialog.summary.text()


def test_a_report_dropped_on_the_grid_opens_the_review(qtbot, ctx, tmp_path, monkeypatch):
    from PySide6.QtCore import QMimeData
    from PySide6.QtCore import QPointF
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDropEvent

    from iltdesk.views.session_detail import SessionDetailDialog

    session, places = virtual_session(ctx.db)
    path = teams_report(tmp_path / "report.csv", "Forklift Safety", meeting_people())
    opened = []
    monkeypatch.setattr(
        MeetingReviewDialog,
        "ask",
        classmethod(lambda cls, parent, c, sid, p=None: opened.append((sid, p))),
    )
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    detail.attendance.dropEvent(drop)
    assert opened == [(session.id, path)]
    pdf = tmp_path / "notes.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    data.setUrls([QUrl.fromLocalFile(str(pdf))])
    detail.attendance.dropEvent(drop)
    assert len(opened) == 1  # not a report: left to the window (scans)
    assert places


def test_bare_times_in_a_multi_day_session_ask_for_the_day(qtbot, ctx, tmp_path, monkeypatch):
    from datetime import timedelta

    from iltdesk.services import enrollment
    from iltdesk.views.dialogs import meeting_review
    from tests.fixtures.builders import day_spec
    from tests.fixtures.builders import make_learner
    from tests.fixtures.builders import make_session
    from tests.fixtures.meetings import DAY

    session = make_session(
        ctx.db,
        days=tuple(
            day_spec(DAY + timedelta(days=n), "09:00", "17:00", "Europe/London") for n in (0, 1)
        ),
    )
    learner = make_learner(ctx.db, "Ann", "Lee", email="ann.lee@example.com")
    place = enrollment.enroll_learner(ctx.db, session.id, learner.id).value.row.enrollment_id
    path = tmp_path / "meet-times.csv"
    path.write_text(
        "First name,Last name,Email,Duration,Time joined,Time exited\n"
        "Ann,Lee,ann.lee@example.com,8 hr,9:00 AM,5:00 PM\n",
        encoding="utf-8",
    )
    asked = []
    monkeypatch.setattr(meeting_review, "pick_day", lambda _p, days: asked.append(days) or 2)

    def accept_as_proposed(self):
        self.apply()
        return self.result()

    monkeypatch.setattr(MeetingReviewDialog, "exec", accept_as_proposed)
    applied = MeetingReviewDialog.ask(None, ctx, session.id, path)
    assert len(asked[0]) == 2
    assert applied is not None
    assert [(m.enrollment_id, m.day_id) for m in applied] == [(place, session.days[1].id)]

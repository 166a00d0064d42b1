"""The interest list dialog: ticked replies enrolled in list order, seats offered by email."""

from __future__ import annotations

from PySide6.QtCore import Qt

from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import MessageKind
from iltdesk.services import enrollment
from iltdesk.services import interest
from iltdesk.services.compliance_actions import add_to_interest
from iltdesk.views import mail
from iltdesk.views.dialogs import interest_list
from iltdesk.views.dialogs.interest_list import InterestListDialog
from iltdesk.views.dialogs.learner_picker import LearnerPickerDialog
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session


def setup(ctx):
    course = make_course(ctx.db, code="CO-101", title="Coaching Basics")
    people = [
        make_learner(ctx.db, "Ann", "Lee", email="ann@example.com"),
        make_learner(ctx.db, "Bo", "Chen", email="bo@example.com"),
        make_learner(ctx.db, "Cy", "Ode", email="cy@example.com"),
    ]
    add_to_interest(ctx.db, course.id, [p.id for p in people])
    session = make_session(ctx.db, course.id, capacity=1)
    return course, people, session


def test_ticked_replies_are_enrolled_in_list_order(qtbot, ctx, monkeypatch, qtmodeltester):
    course, people, session = setup(ctx)
    dialog = InterestListDialog(None, ctx, course.id, "CO-101 Coaching Basics")
    qtbot.addWidget(dialog)
    model = dialog.model
    qtmodeltester.check(model)
    assert [model.index(r, 2).data() for r in range(3)] == ["Ann Lee", "Bo Chen", "Cy Ode"]
    dialog.enrol()
    assert dialog.status.text() == "Tick the learners who accepted a seat first."
    for row in (2, 0):  # Cy and Ann reply yes
        assert model.setData(
            model.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
        )
    assert model.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    monkeypatch.setattr(
        interest_list, "choose_session", lambda parent, c, course_id, count: session.id
    )
    dialog.enrol()
    statuses = {r.learner_id: r.status for r in enrollment.roster(ctx.db, session.id)}
    assert statuses == {
        people[0].id: EnrollmentStatus.ENROLLED,
        people[2].id: EnrollmentStatus.WAITLISTED,
    }
    assert [model.index(r, 2).data() for r in range(model.rowCount())] == ["Bo Chen"]
    assert "1" in dialog.status.text()


def test_seats_are_offered_after_the_question(qtbot, ctx, monkeypatch):
    course, _people, session = setup(ctx)
    dialog = InterestListDialog(None, ctx, course.id, "CO-101 Coaching Basics")
    qtbot.addWidget(dialog)
    asked, sent = [], []
    monkeypatch.setattr(
        interest_list, "choose_session", lambda parent, c, course_id, count: session.id
    )
    monkeypatch.setattr(
        mail,
        "ask_send_confirmation",
        lambda parent, composed, kind: asked.append((composed, kind)) or True,
    )
    monkeypatch.setattr(mail.Mailer, "send", lambda self, only, done=None: sent.append(only))
    dialog.offer()
    ((composed, kind),) = asked
    assert kind is MessageKind.INTEREST_OFFER
    assert [d.recipient for d in composed.drafts] == [
        "ann@example.com",
        "bo@example.com",
        "cy@example.com",
    ]
    assert len(sent[0]) == 3
    dialog.offer()
    assert dialog.status.text() == "Everyone chosen was offered this session already."


def test_learners_are_added_and_taken_off(qtbot, ctx, monkeypatch):
    course, _people, _session = setup(ctx)
    dialog = InterestListDialog(None, ctx, course.id, "CO-101 Coaching Basics")
    qtbot.addWidget(dialog)
    newcomer = make_learner(ctx.db, "Di", "Fox", email="di@example.com")
    monkeypatch.setattr(
        LearnerPickerDialog, "ask", classmethod(lambda cls, parent, c, ok_text=None: [newcomer.id])
    )
    dialog.add_learners()
    assert dialog.model.rowCount() == 4
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("Moved away", True)))
    dialog.view.selectRow(1)
    dialog.take_off()
    assert [r.name for r in interest.interest_list(ctx.db, course.id)] == [
        "Ann Lee",
        "Cy Ode",
        "Di Fox",
    ]


def test_the_courses_screen_and_the_session_window_open_the_list(qtbot, ctx, monkeypatch):
    from iltdesk.views.catalogue_views import CoursesPage
    from iltdesk.views.session_detail import SessionDetailDialog

    course, _people, session = setup(ctx)
    opened = []
    monkeypatch.setattr(InterestListDialog, "exec", lambda self: opened.append(self.course_id))
    page = CoursesPage(ctx)
    qtbot.addWidget(page)
    page.table.selectRow(0)
    page.interest_action.trigger()
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    detail.interest_action.trigger()
    assert opened == [course.id, course.id]


def test_learners_are_imported_from_a_file(qtbot, ctx, tmp_path):
    course, _people, _session = setup(ctx)
    make_learner(ctx.db, "Di", "Fox", email="di@example.com")
    path = tmp_path / "list.csv"
    path.write_text(
        "Email\ndi@example.com\nann@example.com\nnobody@example.com\n", encoding="utf-8"
    )
    dialog = InterestListDialog(None, ctx, course.id, "CO-101 Coaching Basics")
    qtbot.addWidget(dialog)
    dialog.import_file(path)
    assert dialog.status.text() == (
        "1 added, 1 already waiting. No learner has these addresses: nobody@example.com"
    )
    assert dialog.model.rowCount() == 4

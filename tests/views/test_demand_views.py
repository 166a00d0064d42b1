"""Demand in the window: a session cancelled for low numbers puts its learners on the interest
list; a new session opened from a long waitlist offers its seats to those waiting."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest

from iltdesk import formatting
from iltdesk.domain.enums import CancelCause
from iltdesk.domain.enums import MessageKind
from iltdesk.services import enrollment
from iltdesk.services import interest
from iltdesk.services import scheduling
from iltdesk.views import mail
from iltdesk.views import session_actions
from iltdesk.views.dialogs.session_editor import SessionEditorDialog
from iltdesk.views.session_actions import CancelChoice
from iltdesk.views.session_actions import CancelSessionDialog
from iltdesk.views.session_actions import DuplicateChoice
from iltdesk.views.session_actions import SessionActions
from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session

NEXT_MONTH = date.today() + timedelta(days=30)


def upcoming(ctx, capacity, minimum=0, day=NEXT_MONTH):
    course = make_course(ctx.db, title="Coaching Basics")
    session = make_session(
        ctx.db,
        course.id,
        days=(day_spec(day, "09:00", "17:00", "Europe/London"),),
        capacity=capacity,
    )
    if minimum:
        from dataclasses import replace

        from iltdesk.services import scheduling

        spec = replace(
            scheduling.spec_for_row(scheduling.get_session(ctx.db, session.id)), min_size=minimum
        )
        scheduling.update_session(ctx.db, session.id, spec)
    return course, session


def test_cancelled_for_low_numbers_its_learners_wait_for_the_next_date(qtbot, ctx, monkeypatch):
    course, session = upcoming(ctx, capacity=3, minimum=3)
    people = [make_learner(ctx.db, "L", name) for name in ("Adams", "Brown")]
    for person in people:
        enrollment.enroll_learner(ctx.db, session.id, person.id)
    enrollment.cancel_enrollment(
        ctx.db, enrollment.roster(ctx.db, session.id)[1].enrollment_id, "Ill"
    )
    clark = make_learner(ctx.db, "L", "Clark")
    enrollment.enroll_learner(ctx.db, session.id, clark.id)
    row = scheduling.get_session(ctx.db, session.id)
    dialog = CancelSessionDialog(None, row, 2)
    qtbot.addWidget(dialog)
    assert dialog.cause.currentData() == CancelCause.LOW_NUMBERS
    assert dialog.to_interest.isChecked()
    dialog.cause.setCurrentIndex(dialog.cause.findData(CancelCause.VENUE))
    assert not dialog.to_interest.isChecked()
    monkeypatch.setattr(
        CancelSessionDialog,
        "ask",
        classmethod(
            lambda cls, parent, r, holders, others=(): CancelChoice(
                "Too few", False, CancelCause.LOW_NUMBERS, True
            )
        ),
    )
    assert SessionActions(ctx, None).cancel(session.id)
    waiting = interest.interest_list(ctx.db, course.id)
    assert [w.name for w in waiting] == ["L Adams", "L Clark"]  # Brown had left already
    assert waiting[0].note == f"Session {session.id} was cancelled"


def test_a_copy_of_a_full_session_offers_its_seats_to_the_waitlist(qtbot, ctx, monkeypatch):
    _course, session = upcoming(ctx, capacity=1)
    for name in ("Adams", "Brown", "Clark"):
        enrollment.enroll_learner(ctx.db, session.id, make_learner(ctx.db, "L", name).id)
    monkeypatch.setattr(
        session_actions.DuplicateDialog, "ask", classmethod(lambda *a: DuplicateChoice(7, False))
    )

    def ask_duplicate(cls, parent, ctx_, template, shift_days):
        dialog = cls(parent, ctx_, None, template=template, shift_days=shift_days)
        qtbot.addWidget(dialog)
        dialog.save()
        return dialog.saved

    monkeypatch.setattr(SessionEditorDialog, "ask_duplicate", classmethod(ask_duplicate))
    asked, confirmed, sent = [], [], []
    monkeypatch.setattr(
        session_actions, "ask_offer_waitlist", lambda parent, n: asked.append(n) or True
    )
    monkeypatch.setattr(
        mail,
        "ask_send_confirmation",
        lambda parent, composed, kind: confirmed.append((composed, kind)) or True,
    )
    monkeypatch.setattr(mail.Mailer, "send", lambda self, only, done=None: sent.append(only))
    copy = SessionActions(ctx, None).duplicate(session.id)
    assert copy is not None
    assert asked == [2]
    ((composed, kind),) = confirmed
    assert kind is MessageKind.INTEREST_OFFER
    assert [d.recipient_name for d in composed.drafts] == ["L Brown", "L Clark"]  # waitlist order
    assert all(d.session_id == copy.id for d in composed.drafts)
    assert len(sent[0]) == 2


def test_the_session_window_warns_below_the_minimum_near_the_decision(qtbot, ctx):
    from iltdesk.views.session_detail import SessionDetailDialog

    soon = date.today() + timedelta(days=14)
    _course, session = upcoming(ctx, capacity=6, minimum=4, day=soon)
    enrollment.enroll_learner(ctx.db, session.id, make_learner(ctx.db).id)
    window = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(window)
    decide = formatting.format_date(soon - timedelta(days=7))
    assert f"Below its minimum: 1 of at least 4 places. Decide by {decide}" in window.title.text()
    for _n in range(3):
        enrollment.enroll_learner(ctx.db, session.id, make_learner(ctx.db).id)
    window.reload()
    assert "Below its minimum" not in window.title.text()


def test_the_decision_is_only_near_in_the_last_weeks():
    from iltdesk.domain.attention import go_no_go_date

    today = date(2027, 3, 1)
    assert go_no_go_date(date(2027, 3, 20), 6, 2, today) == date(2027, 3, 13)
    assert go_no_go_date(date(2027, 5, 20), 6, 2, today) is None  # far off yet
    assert go_no_go_date(date(2027, 3, 20), 6, 6, today) is None  # enough places
    assert go_no_go_date(date(2027, 3, 20), 0, 0, today) is None  # no minimum


def test_a_chosen_go_no_go_date_is_kept_and_drives_the_warnings(qtbot, ctx):
    from dataclasses import replace

    from iltdesk.services import dashboard
    from iltdesk.services import scheduling
    from iltdesk.views.session_detail import SessionDetailDialog
    from tests.fixtures.ui import press_save

    _course, session = upcoming(ctx, capacity=6, minimum=4)  # in 30 days: not yet near
    editor = SessionEditorDialog(None, ctx, scheduling.get_session(ctx.db, session.id))
    qtbot.addWidget(editor)
    decide = date.today() + timedelta(days=5)
    editor.go_no_go.set_value(decide)
    press_save(editor)
    row = scheduling.get_session(ctx.db, session.id)
    assert row.go_no_go == decide
    window = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(window)
    assert f"Decide by {formatting.format_date(decide)}" in window.title.text()
    texts = [i.text for i in dashboard.needs_attention(ctx.db)]
    assert any(f"decide by {formatting.format_date(decide)}" in t for t in texts)
    scheduling.update_session(
        ctx.db, session.id, replace(scheduling.spec_for_row(row), go_no_go=None)
    )
    window.reload()
    assert "Below its minimum" not in window.title.text()


@pytest.mark.parametrize(
    ("days", "dashboard_says", "window_says"),
    [
        (0, "decide today whether it runs.", "Decide today whether it runs"),
        (
            -2,
            "the decision was due on {date}: decide now whether it runs.",
            "The decision was due on {date}: decide now whether it runs",
        ),
    ],
)
def test_a_go_no_go_date_today_or_past_says_so(qtbot, ctx, days, dashboard_says, window_says):
    # The home screen said "decide by 1 Dec 2026 whether it runs" on 3 Dec 2026.
    from dataclasses import replace

    from iltdesk.services import dashboard
    from iltdesk.services import scheduling
    from iltdesk.views.session_detail import SessionDetailDialog

    _course, session = upcoming(ctx, capacity=6, minimum=4)
    from iltdesk.domain.localtime import local_date

    # "Today" at the venue, for the home screen as for the session window.
    decide = local_date(datetime.now(UTC), "Europe/London") + timedelta(days=days)
    spec = scheduling.spec_for_row(scheduling.get_session(ctx.db, session.id))
    scheduling.update_session(ctx.db, session.id, replace(spec, go_no_go=decide))
    said = dashboard_says.format(date=formatting.format_date(decide))
    texts = [i.text for i in dashboard.needs_attention(ctx.db, zone="Europe/London")]
    assert any(t.endswith(f"0 of at least 4 places taken; {said}") for t in texts), texts
    window = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(window)
    assert window_says.format(date=formatting.format_date(decide)) in window.title.text()


def test_cancelled_for_low_numbers_its_learners_move_to_another_session(qtbot, ctx, monkeypatch):
    from iltdesk.services import scheduling
    from iltdesk.services.lifecycle import cancel_session

    course, session = upcoming(ctx, capacity=2)
    later = make_session(
        ctx.db,
        course.id,
        days=(day_spec(NEXT_MONTH + timedelta(days=7), "09:00", "17:00", "Europe/London"),),
        capacity=2,
    )
    for name in ("Adams", "Brown", "Clark"):  # Clark waits
        enrollment.enroll_learner(ctx.db, session.id, make_learner(ctx.db, "L", name).id)
    row = scheduling.get_session(ctx.db, session.id)
    dialog = CancelSessionDialog(None, row, 3, (scheduling.get_session(ctx.db, later.id),))
    qtbot.addWidget(dialog)
    dialog.move_to.setCurrentIndex(1)
    assert not dialog.to_interest.isEnabled()
    cancel_session(ctx.db, session.id, "Too few", cause=CancelCause.LOW_NUMBERS, move_to=later.id)
    moved = [(r.last_name, r.status.value) for r in enrollment.roster(ctx.db, later.id)]
    assert moved == [("Adams", "enrolled"), ("Brown", "enrolled"), ("Clark", "waitlisted")]
    old = {r.status.value for r in enrollment.roster(ctx.db, session.id)}
    assert old == {"moved"}
    assert scheduling.get_session(ctx.db, session.id).status.value == "cancelled"

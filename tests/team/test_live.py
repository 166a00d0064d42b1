"""Live updates: a change by one coordinator reaches the others within about a second."""

from __future__ import annotations

import queue
import time

import pytest

from iltdesk.db.engine import database_url
from iltdesk.db.live import Listener
from iltdesk.db.live import Notice
from iltdesk.db.opening import open_database
from iltdesk.domain.changes import Entity
from iltdesk.domain.changes import from_trail
from iltdesk.services import enrollment
from tests.fixtures.builders import make_learner
from tests.fixtures.builders import make_session

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def other(db_url):
    """A second client on the same database, as another coordinator's ILT Desk."""
    second = open_database(database_url(db_url))
    second.actor = "Bea (other desk)"
    yield second
    second.close()


def test_a_change_by_one_client_reaches_the_others_listener(db, other):
    session = make_session(db, capacity=5)
    learner = make_learner(db)
    heard: queue.Queue[Notice] = queue.Queue()
    listener = Listener(db.url, db.client_id, heard.put)
    listener.start()
    try:
        assert listener.listening.wait(10)
        started = time.monotonic()
        placed = enrollment.enroll_learner(other, session.id, learner.id).value.row
        notice = heard.get(timeout=5)
        assert time.monotonic() - started < 1.0
        assert notice.who == "Bea (other desk)"
        changes = from_trail(notice.touched, everything=notice.everything)
        assert placed.enrollment_id in changes.ids(Entity.ENROLLMENT)
        assert session.id in changes.ids(Entity.SESSION)
        # Its own writes are not echoed back to a client.
        make_learner(db, "Mine", "Only")
        with pytest.raises(queue.Empty):
            heard.get(timeout=1.5)
    finally:
        listener.stop()


def _add_then_fail(db):
    from iltdesk.db.entities import Learner
    from iltdesk.errors import ValidationError

    with db.transaction() as tx:
        tx.add(
            Learner(
                first_name="Not",
                last_name="Kept",
                email="not.kept@example.com",
                email_key="not.kept@example.com",
                first_key="not",
                last_key="kept",
                sort_key="kept not",
            )
        )
        tx.flush()  # the audit trail has the entry…
        raise ValidationError("changed my mind")  # …and the transaction rolls back


def test_a_rolled_back_change_is_never_announced(db, other):
    from iltdesk.errors import ValidationError

    session = make_session(db, capacity=5)
    heard: queue.Queue[Notice] = queue.Queue()
    listener = Listener(db.url, db.client_id, heard.put)
    listener.start()
    try:
        assert listener.listening.wait(10)
        with pytest.raises(ValidationError):  # written, flushed, then rolled back
            _add_then_fail(other)
        with pytest.raises(queue.Empty):
            heard.get(timeout=1.5)
        assert session.id
    finally:
        listener.stop()


def test_an_open_roster_refreshes_when_another_coordinator_enrols(qtbot, db, other, tmp_path):
    from iltdesk.services.material_store import MaterialStore
    from iltdesk.settings import Preferences
    from iltdesk.views.context import AppContext
    from iltdesk.views.live_updates import LiveUpdates
    from iltdesk.views.session_detail import SessionDetailDialog

    session = make_session(db, capacity=5)
    learner = make_learner(db, "Walk", "Through")
    ctx = AppContext(db, Preferences(tmp_path / "prefs.json"), MaterialStore(tmp_path / "m"))
    live = LiveUpdates(ctx)
    assert live.start()
    try:
        detail = SessionDetailDialog(None, ctx, session.id)
        qtbot.addWidget(detail)
        assert live.listener is not None
        assert live.listener.listening.wait(10)
        assert detail.roster_model.rowCount() == 0
        with qtbot.waitSignal(live.arrived, timeout=3000):
            enrollment.enroll_learner(other, session.id, learner.id)
        qtbot.waitUntil(lambda: detail.roster_model.rowCount() == 1, timeout=2000)
        assert detail.roster_model.rows()[0].last_name == "Through"
    finally:
        live.stop()

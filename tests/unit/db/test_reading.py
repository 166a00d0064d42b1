"""Read-only units of work (reports, the dashboard) never hold the write lock."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func
from sqlalchemy import select

from iltdesk.db.entities import Setting
from iltdesk.services import settings_store


def test_a_reader_lets_a_writer_commit_at_once(db):
    with db.reading() as tx:
        before = tx.scalar(select(func.count()).select_from(Setting))
        started = time.monotonic()
        settings_store.set_setting(db, "organisation_name", "Acme")  # another connection
        assert time.monotonic() - started < 1.0  # no wait on the busy timeout
        # The reader keeps its snapshot for the whole report.
        assert tx.scalar(select(func.count()).select_from(Setting)) == before
    assert settings_store.get_setting(db, "organisation_name") == "Acme"


def test_the_screens_reads_do_not_wait_for_a_writer(db):
    """A list or record the window reads while a background job writes comes at once.

    They used to open a writing transaction (on SQLite `BEGIN IMMEDIATE`), so opening the
    sessions list during an import waited until the import committed.
    """
    import threading

    from sqlalchemy import text

    from iltdesk.services import catalogue
    from iltdesk.services import enrollment
    from iltdesk.services import learners
    from iltdesk.services import people
    from iltdesk.services import scheduling
    from tests.fixtures.builders import make_learner
    from tests.fixtures.builders import make_session

    session = make_session(db)
    learner = make_learner(db)
    enrollment.enroll_learner(db, session.id, learner.id)
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with db.transaction() as tx:
            tx.execute(text("INSERT INTO settings (key, value) VALUES ('held', '1')"))
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(10)
    try:
        for read in (
            lambda: scheduling.list_sessions(db),
            lambda: scheduling.get_session(db, session.id),
            lambda: enrollment.roster(db, session.id),
            lambda: catalogue.list_courses(db),
            lambda: learners.get_learner(db, learner.id),
            lambda: people.list_rooms(db),
            lambda: settings_store.get_setting(db, "organisation_name"),
        ):
            started = time.monotonic()
            read()
            assert time.monotonic() - started < 1.0
    finally:
        release.set()
        thread.join()


def test_a_reader_cannot_write(db):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from iltdesk.errors import DatabaseError

    with pytest.raises((DBAPIError, DatabaseError)), db.reading() as tx:
        tx.execute(text("INSERT INTO settings (key, value) VALUES ('sneaked', '1')"))
    assert settings_store.get_setting(db, "sneaked") is None
    settings_store.set_setting(db, "organisation_name", "Acme")  # the pool's connection writes
    assert settings_store.get_setting(db, "organisation_name") == "Acme"

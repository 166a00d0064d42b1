"""Read-only units of work (reports, the dashboard) never hold the write lock."""

from __future__ import annotations

import time

from sqlalchemy import func, select

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

"""Shared fixtures: a real temporary database per test, and an isolated user home.

The database is a SQLite file, or, when `ILTDESK_TEST_DATABASE_URL` names a PostgreSQL server
(`make test-postgres` starts a throwaway one), a fresh database on that server per test, copied
from a migrated template. Tests about the SQLite file itself are marked `sqlite_only`; tests
about the server are marked `postgres_only`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from iltdesk import formatting
from iltdesk import i18n
from iltdesk.db.engine import Database
from iltdesk.db.engine import database_url
from iltdesk.db.opening import open_database
from tests.fixtures import server

# Headless by default, also when pytest is run directly rather than through `make test`.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own per-user folders, so nothing touches the real ones."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ILTDESK_HOME", str(home))
    monkeypatch.delenv("ILTDESK_DATABASE_URL", raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "iltdesk.sqlite3"


@pytest.fixture
def backup_dir(tmp_path: Path) -> Path:
    return tmp_path / "backups"


@pytest.fixture
def db_url(request: pytest.FixtureRequest, db_path: Path) -> Iterator[str]:
    """Where this test's database lives: a SQLite file path, or a PostgreSQL URL."""
    if server.TEST_SERVER_URL is None:
        yield str(db_path)
        return
    template = request.getfixturevalue("server_template")
    url, name = server.fresh_database(template, request.node.name)
    yield url
    server.drop_database(name)


@pytest.fixture(scope="session")
def server_template() -> Iterator[str]:
    """A migrated, empty database on the test server, copied for each test."""
    yield from server.template_database()


@pytest.fixture
def db(db_url: str, backup_dir: Path) -> Iterator[Database]:
    database = open_database(database_url(db_url), backup_dir=backup_dir)
    yield database
    database.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests that are about the other engine."""
    del config
    other = "sqlite_only" if server.TEST_SERVER_URL else "postgres_only"
    reason = (
        "about the SQLite file (this run is on PostgreSQL)"
        if server.TEST_SERVER_URL
        else "needs a PostgreSQL server (set ILTDESK_TEST_DATABASE_URL, or make test-postgres)"
    )
    for item in items:
        if item.get_closest_marker(other):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def german() -> Iterator[None]:
    """Run a test in German (catalog and formats), then back to English."""
    i18n.install("de")
    formatting.set_locale("de_DE")
    yield
    i18n.install("en")
    formatting.set_locale("en_GB")

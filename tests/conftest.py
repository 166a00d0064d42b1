"""Shared fixtures: a real temporary SQLite database per test, and an isolated user home."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from iltdesk import formatting, i18n
from iltdesk.db.engine import Database, database_url
from iltdesk.db.opening import open_database

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
def db(db_path: Path, backup_dir: Path) -> Iterator[Database]:
    database = open_database(database_url(db_path), backup_dir=backup_dir)
    yield database
    database.close()


@pytest.fixture
def german() -> Iterator[None]:
    """Run a test in German (catalog and formats), then back to English."""
    i18n.install("de")
    formatting.set_locale("de_DE")
    yield
    i18n.install("en")
    formatting.set_locale("en_GB")

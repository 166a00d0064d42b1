"""Choosing the engine: URLs, the PostgreSQL driver's absence, descriptions of a database."""

from __future__ import annotations

import sys

import pytest

from iltdesk.db.engine import Database
from iltdesk.db.engine import database_url
from iltdesk.db.engine import describe_url
from iltdesk.errors import DatabaseError


def test_a_plain_postgresql_url_gets_the_psycopg_driver():
    url = database_url("postgresql://ann@db.example.org:5433/iltdesk")
    assert url.drivername == "postgresql+psycopg"
    assert describe_url(url) == "ann@db.example.org:5433/iltdesk"


def test_a_missing_driver_is_a_sentence_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if not installed
    with pytest.raises(DatabaseError, match=r"iltdesk\[postgres\]"):
        Database.connect(database_url("postgresql://ann@127.0.0.1:1/iltdesk"), lock=False)


def test_another_kind_of_server_is_refused_with_a_sentence():
    with pytest.raises(DatabaseError, match="neither"):
        Database.connect(database_url("mysql://ann@127.0.0.1/iltdesk"), lock=False)

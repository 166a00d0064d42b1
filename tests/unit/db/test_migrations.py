"""Migrations: empty to head, the head equals the models, and upgrades back up first."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy import inspect
from sqlalchemy import text

from iltdesk.db import migrate
from iltdesk.db.backup import list_backups
from iltdesk.db.backup import verify_backup
from iltdesk.db.base import Base
from iltdesk.db.engine import database_url
from iltdesk.db.opening import open_database
from tests.fixtures.builders import make_course


def test_empty_to_head_creates_every_table(db):
    with db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_head_schema_equals_the_models(db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_migrations_run_from_a_plain_engine_too(tmp_path):
    # The alembic command line path (no connection handed over) works on its own.
    from alembic import command

    url = f"sqlite:///{tmp_path / 'plain.sqlite3'}"
    command.upgrade(migrate.alembic_config(url), "head")
    engine = create_engine(url)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is not None
    engine.dispose()


NEXT_REVISION = '''
"""add a column (test only)"""
import sqlalchemy as sa
from alembic import op

revision = "0099_test"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rooms") as batch:
        batch.add_column(sa.Column("floor", sa.String(10), nullable=True))


def downgrade():
    with op.batch_alter_table("rooms") as batch:
        batch.drop_column("floor")
'''


def test_upgrade_backs_up_first_and_keeps_data(tmp_path, db_path, backup_dir, monkeypatch):
    with open_database(database_url(db_path), backup_dir=backup_dir) as db:
        course = make_course(db, title="Kept through the upgrade")
        with db.engine.connect() as conn:
            head = migrate.schema_state(conn).head
    future = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, future)
    (future / "versions" / "0099_test.py").write_text(NEXT_REVISION.format(head=head))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", future)
    monkeypatch.setattr(migrate, "HEAD_REVISION", "0099_test")

    with (
        open_database(database_url(db_path), backup_dir=backup_dir) as db,
        db.engine.connect() as conn,
    ):
        assert migrate.schema_state(conn).current == "0099_test"
        columns = {c["name"] for c in inspect(conn).get_columns("rooms")}
        title = conn.execute(
            text("SELECT title FROM courses WHERE id = :id"), {"id": course.id}
        ).scalar()
    assert "floor" in columns
    assert title == "Kept through the upgrade"
    before_upgrade = [b for b in list_backups(backup_dir) if "before-upgrade" in b.path.name]
    assert len(before_upgrade) == 1
    assert verify_backup(before_upgrade[0].path) == []


@pytest.mark.parametrize("ext", ["py"])
def test_migration_scripts_ship_as_package_data(ext):
    scripts = list((migrate.MIGRATIONS_DIR / "versions").glob(f"*.{ext}"))
    assert scripts, "no migration scripts found beside the package"
    assert (migrate.MIGRATIONS_DIR / "env.py").exists()
    assert Path(migrate.MIGRATIONS_DIR / "script.py.mako").exists()


def test_head_constant_matches_the_newest_script():
    assert migrate._script().get_current_head() == migrate.HEAD_REVISION

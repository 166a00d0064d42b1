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


def test_upgrade_moves_what_earlier_merges_left_on_the_merged_record(db_path, backup_dir):
    """Merges made before merging moved requirement lists, exemptions and interest-list waits
    left them on the merged, hidden record; the upgrade moves them to the kept learner."""
    from datetime import date

    from iltdesk.domain.compliance import RequirementSpec
    from iltdesk.services import compliance_actions
    from iltdesk.services import interest
    from iltdesk.services import requirements
    from tests.fixtures.builders import make_learner

    with open_database(database_url(db_path), backup_dir=backup_dir) as db:
        course = make_course(db)
        listed = requirements.create_requirement(
            db, RequirementSpec("Ladder licence", (course.id,), within_days=0, explicit=True)
        ).value
        keep = make_learner(db, "Zoë", "Müller", email="zoe@example.com")
        dup = make_learner(db, "Zoe", "Muller", email="z.muller@example.com")
        both = requirements.create_requirement(
            db, RequirementSpec("Harness check", (course.id,), within_days=0, explicit=True)
        ).value
        requirements.set_members(db, listed.id, [dup.id], date(2026, 1, 10))
        requirements.set_members(db, both.id, [keep.id], date(2026, 3, 1))
        requirements.set_members(db, both.id, [dup.id], date(2026, 2, 1))
        requirements.exempt(db, listed.id, dup.id, "Works from home", "Maria")
        requirements.exempt(db, both.id, keep.id, "Office role", "Maria")
        requirements.exempt(db, both.id, dup.id, "Office role too", "Maria")
        compliance_actions.add_to_interest(db, course.id, [dup.id, keep.id])
        with db.engine.begin() as conn:  # the merge as it was made before, and the old stamp
            conn.execute(
                text("UPDATE learners SET merged_into_id = :keep WHERE id = :dup"),
                {"keep": keep.id, "dup": dup.id},
            )
            conn.execute(text("UPDATE alembic_version SET version_num = '0014'"))

    with open_database(database_url(db_path), backup_dir=backup_dir) as db:
        members = requirements.list_members(db, listed.id)
        assert [(m[0], m[3]) for m in members] == [(keep.id, date(2026, 1, 10))]
        members = requirements.list_members(db, both.id)
        assert [(m[0], m[3]) for m in members] == [(keep.id, date(2026, 2, 1))]  # the earlier
        waiting = interest.interest_list(db, course.id)
        assert [w.learner_id for w in waiting] == [keep.id]  # one wait: the earlier
        with db.engine.connect() as conn:
            query = "SELECT requirement_id, learner_id, revoked_at IS NULL FROM exemptions"
            exemptions = conn.execute(text(query)).all()
            assert migrate.schema_state(conn).current == migrate.HEAD_REVISION
    # Each moved; where both were exempt, the kept learner's stands and the other is lifted.
    assert sorted(exemptions) == [
        (listed.id, keep.id, True),
        (both.id, keep.id, False),
        (both.id, keep.id, True),
    ]
    assert any("before-upgrade" in b.path.name for b in list_backups(backup_dir))

"""team mode: version columns for optimistic locking, one learner per waitlist place, unbounded text and byte-order search keys on PostgreSQL

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = ("settings", "courses", "training_sessions", "enrollments", "attendance", "learners")
SEARCH_KEYS = {
    "courses": ("title_key",),
    "instructors": ("name_key",),
    "learners": ("email_key", "first_key", "last_key", "sort_key"),
}


def upgrade() -> None:
    bind = op.get_bind()
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    _renumber_waitlists(bind)
    op.create_index(
        "uq_enrollments_waitlist_place",
        "enrollments",
        ["session_id", "waitlist_position"],
        unique=True,
    )
    if bind.dialect.name == "postgresql":
        _unbounded_text(bind)
        for table, columns in SEARCH_KEYS.items():
            for column in columns:
                op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar COLLATE "C"')


def _renumber_waitlists(bind: sa.Connection) -> None:
    """Waitlist places 1, 2, 3… per session (races in older versions could share one)."""
    bind.execute(
        sa.text("UPDATE enrollments SET waitlist_position = NULL WHERE status <> 'waitlisted'")
    )
    rows = bind.execute(
        sa.text(
            "SELECT id, session_id FROM enrollments WHERE status = 'waitlisted' "
            "ORDER BY session_id, waitlist_position, id"
        )
    ).all()
    if not rows:
        return
    bind.execute(
        sa.text("UPDATE enrollments SET waitlist_position = -id WHERE status = 'waitlisted'")
    )
    position: dict[int, int] = {}
    values = []
    for enrollment_id, session_id in rows:
        position[session_id] = position.get(session_id, 0) + 1
        values.append({"id": enrollment_id, "p": position[session_id]})
    bind.execute(sa.text("UPDATE enrollments SET waitlist_position = :p WHERE id = :id"), values)


def _unbounded_text(bind: sa.Connection) -> None:
    """Text columns without a length limit, as on SQLite (which never enforced one)."""
    columns = bind.execute(
        sa.text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = 'character varying' "
            "AND character_maximum_length >= 40"
        )
    ).all()
    for table, column in columns:
        op.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE varchar')


def downgrade() -> None:
    op.drop_index("uq_enrollments_waitlist_place", table_name="enrollments")
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")

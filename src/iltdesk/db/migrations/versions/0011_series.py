"""recurring sessions: a series per repeat rule, sessions know their series

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import iltdesk.db.base

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "session_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("created_at", iltdesk.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_series")),
    )
    with op.batch_alter_table("training_sessions") as batch:
        batch.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_training_sessions_series_id_session_series"),
            "session_series",
            ["series_id"],
            ["id"],
        )
        batch.create_index(batch.f("ix_training_sessions_series_id"), ["series_id"])


def downgrade() -> None:
    with op.batch_alter_table("training_sessions") as batch:
        batch.drop_index(batch.f("ix_training_sessions_series_id"))
        batch.drop_constraint(
            batch.f("fk_training_sessions_series_id_session_series"), type_="foreignkey"
        )
        batch.drop_column("series_id")
    op.drop_table("session_series")

"""pilot sessions: a flag and the debrief of what to change

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("training_sessions") as batch:
        batch.add_column(
            sa.Column("pilot", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("debrief", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("training_sessions") as batch:
        batch.drop_column("debrief")
        batch.drop_column("pilot")

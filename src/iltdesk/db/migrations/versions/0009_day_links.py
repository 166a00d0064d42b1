"""a meeting link per session day (a multi-day virtual session may use several)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 15:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "session_days",
        sa.Column("meeting_link", sa.String(), nullable=False, server_default=""),
    )


def downgrade() -> None:
    with op.batch_alter_table("session_days") as batch:
        batch.drop_column("meeting_link")

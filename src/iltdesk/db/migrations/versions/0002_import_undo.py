"""import batches remember their sheet and what undo must reverse

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sheet_name", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("undo_data", sa.Text(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_column("undo_data")
        batch_op.drop_column("sheet_name")

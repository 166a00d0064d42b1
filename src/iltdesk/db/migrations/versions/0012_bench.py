"""the instructor bench: working days and hours, time off and calendar busy times,
qualifications with dates

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import iltdesk.db.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("instructors") as batch:
        batch.add_column(
            sa.Column("working_days", sa.String(), nullable=False, server_default="MO,TU,WE,TH,FR")
        )
        batch.add_column(
            sa.Column("work_start", sa.Integer(), nullable=False, server_default="480")
        )
        batch.add_column(sa.Column("work_end", sa.Integer(), nullable=False, server_default="1080"))
    with op.batch_alter_table("instructor_qualifications") as batch:
        batch.add_column(sa.Column("qualified_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("expires_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("gained", sa.String(), nullable=False, server_default=""))
    op.create_table(
        "instructor_time_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instructor_id", sa.Integer(), nullable=False),
        sa.Column("starts", iltdesk.db.base.UTCDateTime(), nullable=False),
        sa.Column("ends", iltdesk.db.base.UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(), nullable=False, server_default="manual"),
        sa.ForeignKeyConstraint(
            ["instructor_id"],
            ["instructors.id"],
            name=op.f("fk_instructor_time_off_instructor_id_instructors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instructor_time_off")),
    )
    op.create_index(
        op.f("ix_instructor_time_off_instructor_id"), "instructor_time_off", ["instructor_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_instructor_time_off_instructor_id"), table_name="instructor_time_off")
    op.drop_table("instructor_time_off")
    with op.batch_alter_table("instructor_qualifications") as batch:
        batch.drop_column("gained")
        batch.drop_column("expires_on")
        batch.drop_column("qualified_on")
    with op.batch_alter_table("instructors") as batch:
        batch.drop_column("work_end")
        batch.drop_column("work_start")
        batch.drop_column("working_days")

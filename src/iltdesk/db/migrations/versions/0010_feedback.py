"""feedback responses and answers; a survey link per session

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import iltdesk.db.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "training_sessions",
        sa.Column("survey_link", sa.String(), nullable=False, server_default=""),
    )
    op.create_table(
        "feedback_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("reference", sa.String(), nullable=False),
        sa.Column("received_at", iltdesk.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollments.id"],
            name=op.f("fk_feedback_responses_enrollment_id_enrollments"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_sessions.id"],
            name=op.f("fk_feedback_responses_session_id_training_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_responses")),
        sa.UniqueConstraint(
            "session_id", "reference", name=op.f("uq_feedback_responses_session_id_reference")
        ),
    )
    op.create_index(op.f("ix_feedback_responses_session_id"), "feedback_responses", ["session_id"])
    op.create_table(
        "feedback_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["feedback_responses.id"],
            name=op.f("fk_feedback_answers_response_id_feedback_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_answers")),
    )
    op.create_index(
        "ix_feedback_answers_response_question", "feedback_answers", ["response_id", "question"]
    )


def downgrade() -> None:
    op.drop_index("ix_feedback_answers_response_question", table_name="feedback_answers")
    op.drop_table("feedback_answers")
    op.drop_index(op.f("ix_feedback_responses_session_id"), table_name="feedback_responses")
    op.drop_table("feedback_responses")
    with op.batch_alter_table("training_sessions") as batch:
        batch.drop_column("survey_link")

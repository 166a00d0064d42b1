"""merged learners: what earlier merges left on the merged record goes to the kept learner

Merging learners moved only places on sessions; a duplicate's places on requirement lists,
its exemptions and its interest-list waits stayed on the merged, hidden record, so the kept
learner showed overdue where the duplicate was exempt and fell off lists. This moves them as a
merge now does (`services/learners._move_compliance`): the earlier list date, the earlier
wait (a later one is closed), the kept learner's own exemption stands (the duplicate's is
moved and lifted). No schema change.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 20:20:00
"""

from collections.abc import Sequence
from datetime import UTC
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLOSED_REASON = "Merged with an earlier wait of the same learner."


def _kept(merged: dict[int, int], learner_id: int) -> int:
    """Where a merged learner ended up, following merges of merged learners."""
    seen = {learner_id}
    while learner_id in merged and merged[learner_id] not in seen:
        learner_id = merged[learner_id]
        seen.add(learner_id)
    return learner_id


def _members(conn: sa.Connection, keep: int, dup: int) -> None:
    rows = conn.execute(
        sa.text("SELECT requirement_id, added_on FROM requirement_members WHERE learner_id = :d"),
        {"d": dup},
    ).all()
    for requirement_id, added_on in rows:
        mine = conn.execute(
            sa.text(
                "SELECT added_on FROM requirement_members "
                "WHERE requirement_id = :r AND learner_id = :k"
            ),
            {"r": requirement_id, "k": keep},
        ).first()
        if mine is None:
            conn.execute(
                sa.text(
                    "UPDATE requirement_members SET learner_id = :k "
                    "WHERE requirement_id = :r AND learner_id = :d"
                ),
                {"k": keep, "r": requirement_id, "d": dup},
            )
            continue
        if added_on < mine[0]:
            conn.execute(
                sa.text(
                    "UPDATE requirement_members SET added_on = :on "
                    "WHERE requirement_id = :r AND learner_id = :k"
                ),
                {"on": added_on, "r": requirement_id, "k": keep},
            )
        conn.execute(
            sa.text(
                "DELETE FROM requirement_members WHERE requirement_id = :r AND learner_id = :d"
            ),
            {"r": requirement_id, "d": dup},
        )


def _exemptions(conn: sa.Connection, keep: int, dup: int, now: datetime) -> None:
    standing = set(
        conn.execute(
            sa.text(
                "SELECT requirement_id FROM exemptions WHERE learner_id = :k AND revoked_at IS NULL"
            ),
            {"k": keep},
        ).scalars()
    )
    rows = conn.execute(
        sa.text("SELECT id, requirement_id, revoked_at FROM exemptions WHERE learner_id = :d"),
        {"d": dup},
    ).all()
    move = sa.text("UPDATE exemptions SET learner_id = :k WHERE id = :id")
    lift = sa.text("UPDATE exemptions SET revoked_at = :at WHERE id = :id").bindparams(
        sa.bindparam("at", type_=sa.DateTime())
    )
    for exemption_id, requirement_id, revoked_at in rows:
        lifted = revoked_at is None and requirement_id in standing
        if revoked_at is None:
            standing.add(requirement_id)
        conn.execute(move, {"k": keep, "id": exemption_id})
        if lifted:
            conn.execute(lift, {"at": now, "id": exemption_id})


def _waits(conn: sa.Connection, keep: int, dup: int, now: datetime) -> None:
    rows = conn.execute(
        sa.text(
            "SELECT id, course_id, closed_at FROM interest_entries "
            "WHERE learner_id IN (:k, :d) ORDER BY added_at, id"
        ),
        {"k": keep, "d": dup},
    ).all()
    close = sa.text(
        "UPDATE interest_entries SET closed_at = :at, closed_reason = :why WHERE id = :id"
    ).bindparams(sa.bindparam("at", type_=sa.DateTime()))
    waiting: set[int] = set()
    for entry_id, course_id, closed_at in rows:
        if closed_at is None:
            if course_id in waiting:
                conn.execute(close, {"at": now, "why": CLOSED_REASON, "id": entry_id})
            waiting.add(course_id)
    conn.execute(
        sa.text("UPDATE interest_entries SET learner_id = :k WHERE learner_id = :d"),
        {"k": keep, "d": dup},
    )


def upgrade() -> None:
    conn = op.get_bind()
    merged = {
        int(learner_id): int(into)
        for learner_id, into in conn.execute(
            sa.text("SELECT id, merged_into_id FROM learners WHERE merged_into_id IS NOT NULL")
        )
    }
    now = datetime.now(UTC).replace(tzinfo=None)  # stored as naive UTC, as the app stores it
    for dup in sorted(merged):
        keep = _kept(merged, dup)
        if keep == dup:
            continue
        _members(conn, keep, dup)
        _exemptions(conn, keep, dup, now)
        _waits(conn, keep, dup, now)


def downgrade() -> None:
    """Nothing to undo: the records now belong to the learner they were merged into."""

"""Service operations on a 50,000-learner, 2,000-session database against raw sqlite3 SQL.

Targets (issue 2): each service call within 3x of raw SQL doing the same work and under
20 ms; opening the database at start-up (lock, quick check, migrations check) under 150 ms.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC
from datetime import datetime
from pathlib import Path

from common import bench_database
from common import report
from common import timed

from iltdesk.db.engine import database_url
from iltdesk.db.opening import open_database
from iltdesk.domain.enums import EnrollmentSource
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.rows import RosterRow
from iltdesk.domain.text import prefix_range
from iltdesk.domain.text import search_key
from iltdesk.services import enrollment
from iltdesk.services import learners
from iltdesk.services import scheduling

LEARNERS, SESSIONS, SEATS = 50_000, 2_000, 160


def raw_connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def bench_roster(db, path: Path, session_id: int) -> None:
    conn = raw_connect(path)
    sql = (
        "SELECT e.id, l.id, l.first_name, l.last_name, l.email, l.employee_id, l.department, "
        "e.status, e.waitlist_position, e.source, e.enrolled_at, e.cancelled_at, "
        "e.cancel_reason, e.prework_done FROM enrollments e JOIN learners l "
        "ON l.id = e.learner_id WHERE e.session_id = ? ORDER BY CASE WHEN e.status = "
        "'waitlisted' THEN 1 WHEN e.status IN ('cancelled','moved') THEN 2 ELSE 0 END, "
        "e.waitlist_position, l.sort_key, l.id"
    )

    def raw_roster() -> list[tuple]:
        conn.execute("SELECT id FROM training_sessions WHERE id = ?", (session_id,)).fetchone()
        return conn.execute(sql, (session_id,)).fetchall()

    def parse(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None

    def raw_typed_roster() -> list[RosterRow]:
        # The same SQL, then the same typed rows built by hand: what a caller needs.
        return [
            RosterRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                EnrollmentStatus(r[7]),
                r[8],
                EnrollmentSource(r[9]),
                parse(r[10]),
                parse(r[11]),
                r[12],
                bool(r[13]),
            )
            for r in raw_roster()
        ]

    raw_fetch = timed(raw_roster)
    raw = timed(raw_typed_roster)
    rows = enrollment.roster(db, session_id)
    assert raw_typed_roster() == rows
    ours = timed(lambda: enrollment.roster(db, session_id))
    conn.close()
    report(
        "roster_load",
        ours,
        raw,
        3.0,
        rows=len(rows),
        raw_fetch_only_ms=round(raw_fetch * 1000, 3),
        ok_under_20ms=ours < 0.020,
    )


def bench_search(db, path: Path) -> None:
    conn = raw_connect(path)
    low, high = prefix_range(search_key("mul"))
    sql = (
        "SELECT * FROM learners WHERE merged_into_id IS NULL AND ((last_key >= ? AND "
        "last_key < ?) OR (first_key >= ? AND first_key < ?) OR (email_key >= ? AND "
        "email_key < ?)) ORDER BY sort_key, id LIMIT 200"
    )
    params = (low, high) * 3
    raw = timed(lambda: conn.execute(sql, params).fetchall())
    rows = learners.search_learners(db, "mul")
    ours = timed(lambda: learners.search_learners(db, "mul"))
    conn.close()
    report("learner_search_prefix", ours, raw, 3.0, rows=len(rows), ok_under_20ms=ours < 0.020)


def bench_enroll(db, path: Path) -> None:
    """Enrol learners one by one (with clash checks) into a large future session."""
    future = [s for s in scheduling.list_sessions(db) if s.status.value in ("planned", "confirmed")]
    target = max(future, key=lambda s: s.capacity - s.enrolled)
    on_roster = {r.learner_id for r in enrollment.roster(db, target.id)}
    candidates = [
        r.id for r in learners.search_learners(db, "", limit=5000) if r.id not in on_roster
    ]
    ours_ids, raw_ids = candidates[:60], candidates[60:120]
    # Our service: each call is one transaction with duplicate, clash and capacity checks.
    samples = []
    for learner_id in ours_ids:
        start = time.perf_counter()
        enrollment.enroll_learner(db, target.id, learner_id, allow_clash=True)
        samples.append(time.perf_counter() - start)
    ours = sorted(samples)[len(samples) // 2]

    conn = raw_connect(path)
    day_rows = conn.execute(
        'SELECT start, "end" FROM session_days WHERE session_id = ?', (target.id,)
    ).fetchall()
    raw_samples = []
    for learner_id in raw_ids:
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("SELECT * FROM training_sessions WHERE id = ?", (target.id,)).fetchone()
        conn.execute("SELECT * FROM learners WHERE id = ?", (learner_id,)).fetchone()
        conn.execute(
            "SELECT * FROM enrollments WHERE session_id = ? AND learner_id = ?",
            (target.id, learner_id),
        ).fetchone()
        where = " OR ".join('(d.start < ? AND d."end" > ?)' for _ in day_rows)
        params = [v for s, e in day_rows for v in (e, s)]
        others = conn.execute(
            "SELECT d.id, s.id FROM session_days d JOIN training_sessions s ON s.id = "
            f"d.session_id WHERE ({where}) AND s.status != 'cancelled' AND s.id != ?",
            (*params, target.id),
        ).fetchall()
        ids = sorted({o[1] for o in others})
        conn.execute(
            f"SELECT session_id FROM enrollments WHERE learner_id = ? AND session_id IN "
            f"({','.join('?' * len(ids)) or 'NULL'}) AND status NOT IN ('cancelled','moved')",
            (learner_id, *ids),
        ).fetchall()
        conn.execute(
            "SELECT count(*) FROM enrollments WHERE session_id = ? AND status IN "
            "('enrolled','completed','incomplete','no_show')",
            (target.id,),
        ).fetchone()
        conn.execute(
            "INSERT INTO enrollments (session_id, learner_id, status, enrolled_at, "
            "cancel_reason, source, prework_done) VALUES (?, ?, 'enrolled', "
            "'2026-11-28 10:00:00', '', 'manual', 0)",
            (target.id, learner_id),
        )
        conn.execute(
            "INSERT INTO audit_entries (at, entity, entity_id, action, detail, reason) "
            "VALUES ('2026-11-28 10:00:00', 'enrollment', last_insert_rowid(), 'enroll', "
            "'{}', '')"
        )
        conn.execute(
            "UPDATE settings SET value = '\"2026-01-01T00:00:00+00:00\"' "
            "WHERE key = 'data_changed_at'"
        )
        conn.execute("COMMIT")
        raw_samples.append(time.perf_counter() - start)
    conn.close()
    raw = sorted(raw_samples)[len(raw_samples) // 2]
    report("enroll_with_clash_checks", ours, raw, 3.0, ok_under_20ms=ours < 0.020)


def bench_open(path: Path) -> None:
    """Start-up open: after a clean close (the usual case) and with the full quick check."""
    state = path.parent / "work-state"

    def ours_open() -> None:  # the database was closed cleanly and verified
        db = open_database(database_url(path), backup_dir=state)
        db.backup_dir = None  # measure the open only, not the check at close
        db.close()

    def ours_open_checked() -> None:
        open_database(database_url(path), backup_dir=None).close()

    def raw_open() -> None:
        conn = raw_connect(path)
        conn.execute("SELECT version_num FROM alembic_version").fetchall()
        conn.close()

    def raw_open_checked() -> None:
        conn = raw_connect(path)
        conn.execute("PRAGMA quick_check").fetchall()
        conn.execute("SELECT version_num FROM alembic_version").fetchall()
        conn.close()

    open_database(database_url(path), backup_dir=state).close()  # verified at close
    size = round(path.stat().st_size / 1e6, 1)
    ours = timed(ours_open, repeat=10)
    raw = timed(raw_open, repeat=10)
    report("open_at_startup", ours, raw, None, ok_under_150ms=ours < 0.150, db_mb=size)
    ours = timed(ours_open_checked, repeat=10)
    raw = timed(raw_open_checked, repeat=10)
    report("open_after_unclean_exit", ours, raw, None, ok_under_150ms=ours < 0.150, db_mb=size)


def main() -> None:
    source = bench_database(LEARNERS, SESSIONS, SEATS)
    # Work on a copy: enrolling changes the database.
    path = source.with_name("work.sqlite3")
    path.write_bytes(source.read_bytes())
    with sqlite3.connect(path) as conn:
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("learners", "training_sessions", "attendance", "enrollments")
        }
    print(f"# database: {counts}", flush=True)
    db = open_database(database_url(path), lock=False)
    try:
        busiest = max(scheduling.list_sessions(db), key=lambda s: s.enrolled + s.waitlisted)
        bench_roster(db, path, busiest.id)
        bench_search(db, path)
        bench_enroll(db, path)
    finally:
        db.close()
    bench_open(path)


if __name__ == "__main__":
    main()

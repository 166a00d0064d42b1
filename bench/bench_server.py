"""Team mode on a PostgreSQL server: search, roster, enrol and the sessions list against raw
psycopg running the same SQL; and what live updates cost the GUI.

Starts a throwaway server (tools/pg-throwaway) unless ILTDESK_BENCH_DATABASE_URL names one,
fills 50,000 learners and 2,000 sessions, and prints one JSON line per measurement. "Raw" is
psycopg running exactly the statements our service sent (captured from the engine), so the
ratio is what our layers add. The sessions list is compared with the same statements and the
same typed rows built by hand (as bench_services does for the roster); enrolment, a write,
with hand-written statements doing the same checks, the same hashed audit entry and the same
notice.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any

from common import ROOT
from common import TODAY
from common import report
from common import timed
from sqlalchemy import event
from sqlalchemy import make_url
from sqlalchemy import text

from iltdesk.db.audit_chain import entry_hash
from iltdesk.db.engine import Database
from iltdesk.db.engine import database_url
from iltdesk.db.opening import open_database
from iltdesk.services import enrollment
from iltdesk.services import learners
from iltdesk.services import scheduling
from iltdesk.services.demo import DemoSize
from iltdesk.services.demo import load_demo

LEARNERS, SESSIONS = 50_000, 2_000


@contextmanager
def server() -> Iterator[str]:
    given = os.environ.get("ILTDESK_BENCH_DATABASE_URL")
    if given:
        yield given
        return
    folder = Path(tempfile.mkdtemp(prefix="iltdesk-bench-pg."))
    tool = str(ROOT / "tools" / "pg-throwaway")
    started = subprocess.run(
        [tool, "start", str(folder / "cluster")],  # on a free port
        check=False,
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        print(f"# skipped: no PostgreSQL server could be started ({started.stderr.strip()})")
        raise SystemExit(0)
    url = started.stdout.strip()
    try:
        yield url
    finally:
        subprocess.run([tool, "stop", str(folder / "cluster")], check=False)
        shutil.rmtree(folder, ignore_errors=True)


def captured(db: Database, work: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The statements (SQL and parameters) `work` sends to the server."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, sql: str, params: Any, *_rest: Any) -> None:
        statements.append((sql, params))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return statements


def replay(conn: Any, statements: list[tuple[str, Any]]) -> Callable[[], None]:
    def run() -> None:
        with conn.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params or None)
                if cursor.description is not None:
                    cursor.fetchall()
        conn.rollback()

    return run


def compare(
    name: str,
    db: Database,
    raw_conn: Any,
    work: Callable[[], Any],
    *,
    timed_target: bool = True,
    **extra: Any,
) -> None:
    statements = captured(db, work)
    raw = timed(replay(raw_conn, statements))
    ours = timed(work)
    if timed_target:
        extra["ok_under_10ms"] = ours < 0.010
    report(name, ours, raw, 2.0, statements=len(statements), **extra)


def typed_sessions(raw_conn: Any, statements: list[tuple[str, Any]]) -> Callable[[], Any]:
    """The same four statements through psycopg, and the same typed rows built by hand."""
    from collections import defaultdict
    from datetime import UTC

    from iltdesk.domain.enums import DeliveryMode
    from iltdesk.domain.enums import InstructorRole
    from iltdesk.domain.enums import SessionStatus
    from iltdesk.domain.rows import SessionDayRow
    from iltdesk.domain.rows import SessionInstructorRow
    from iltdesk.domain.rows import SessionRow

    def aware(value: Any) -> Any:
        return value.replace(tzinfo=UTC) if value is not None else None

    order = list(InstructorRole)

    def run() -> list[SessionRow]:
        with raw_conn.cursor() as cur:
            results = []
            for sql, params in statements:
                cur.execute(sql, params or None)
                results.append(cur.fetchall())
        raw_conn.rollback()
        sessions, day_rows, teacher_rows, count_rows = results
        days: dict[int, list[SessionDayRow]] = defaultdict(list)
        for session_id, day_id, start, end, link in day_rows:
            days[session_id].append(SessionDayRow(day_id, aware(start), aware(end), link))
        teachers: dict[int, list[SessionInstructorRow]] = defaultdict(list)
        for session_id, teacher_id, name, role in teacher_rows:
            teachers[session_id].append(
                SessionInstructorRow(teacher_id, name, InstructorRole(role))
            )
        counts = {sid: (int(a or 0), int(w or 0)) for sid, a, w in count_rows}
        rows = []
        for r in sessions:
            team = teachers.get(r[0], [])
            if len(team) > 1:
                team.sort(key=lambda t: (order.index(t.role), t.name))
            seats = counts.get(r[0], (0, 0))
            rows.append(
                SessionRow(
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    DeliveryMode(r[5]),
                    r[6],
                    r[7] or "",
                    r[8],
                    r[9],
                    r[10],
                    r[11],
                    SessionStatus(r[12]),
                    r[13],
                    tuple(days.get(r[0], ())),
                    tuple(team),
                    seats[0],
                    seats[1],
                    aware(r[14]),
                    r[15],
                    aware(r[16]),
                    r[17],
                    r[18],
                    survey_link=r[19],
                    series_id=r[20],
                    pilot=bool(r[21]),
                    debrief=r[22],
                    go_no_go=r[23],
                )
            )
        return rows

    return run


def bench_enrol(db: Database, raw_conn: Any) -> None:
    future = [s for s in scheduling.list_sessions(db) if s.status.value in ("planned", "confirmed")]
    target = max(future, key=lambda s: s.capacity - s.enrolled)
    on_roster = {r.learner_id for r in enrollment.roster(db, target.id)}
    candidates = [
        r.id for r in learners.search_learners(db, "", limit=400) if r.id not in on_roster
    ]
    samples: list[float] = []
    raw_samples: list[float] = []
    # Taken in turns, so both see the same machine (a busy moment hits both alike).
    with raw_conn.cursor() as cur:
        for ours_id, learner_id in zip(candidates[0:200:2], candidates[1:200:2], strict=True):
            start = time.perf_counter()
            enrollment.enroll_learner(db, target.id, ours_id, allow_clash=True)
            samples.append(time.perf_counter() - start)
            start = time.perf_counter()
            # The statements ours sends, written by hand: the session read and locked; the
            # learner, their place, the seats taken and the last waitlist position in one; the
            # place; the chain's lock and last hash; the entry with the notice.
            cur.execute("SELECT * FROM training_sessions WHERE id = %s FOR UPDATE", (target.id,))
            row = cur.fetchone()
            capacity = row[[column.name for column in cur.description].index("capacity")]
            cur.execute(
                "SELECT l.*, e.*, (SELECT count(*) FROM enrollments o WHERE o.session_id = %(s)s "
                "AND o.status IN ('enrolled','completed','incomplete','no_show')), "
                "(SELECT max(o.waitlist_position) FROM enrollments o WHERE o.session_id = %(s)s) "
                "FROM learners l LEFT OUTER JOIN enrollments e ON e.learner_id = l.id "
                "AND e.session_id = %(s)s WHERE l.id = %(l)s",
                {"s": target.id, "l": learner_id},
            )
            *_, taken, last_position = cur.fetchone()
            status, position = "enrolled", None
            if taken >= capacity:  # full: the end of the waitlist, as ours decides
                status, position = "waitlisted", (last_position or 0) + 1
            cur.execute(
                "INSERT INTO enrollments (session_id, learner_id, status, waitlist_position, "
                "enrolled_at, cancel_reason, source, prework_done, cancelled_seat) VALUES (%s, "
                "%s, %s, %s, now(), '', 'manual', false, false) RETURNING id",
                (target.id, learner_id, status, position),
            )
            new_id = cur.fetchone()[0]
            cur.execute("SELECT pg_advisory_xact_lock(1)")
            cur.execute("SELECT hash FROM audit_entries ORDER BY id DESC LIMIT 1")
            previous = cur.fetchone()[0]
            # The same work as our trail: the entry's detail, its hash, the notice.
            at = datetime.now(UTC)
            detail = json.dumps({"status": status, "learner_id": learner_id}, sort_keys=True)
            digest = entry_hash(
                previous,
                at,
                "bench",
                "enrollment",
                new_id,
                "create",
                detail,
                "",
                target.id,
                learner_id,
                None,
            )
            payload = json.dumps(
                {"c": "bench", "w": "bench", "t": [["enrollment", new_id, target.id]]}
            )
            cur.execute(
                "WITH written AS (INSERT INTO audit_entries (at, actor, entity, entity_id, "
                "action, detail, reason, session_id, learner_id, prev_hash, hash) VALUES (%s, "
                "'bench', 'enrollment', %s, 'create', %s, '', %s, %s, %s, %s)) "
                "SELECT pg_notify('iltdesk_changes', %s)",
                (
                    at.replace(tzinfo=None),
                    new_id,
                    detail,
                    target.id,
                    learner_id,
                    previous,
                    digest,
                    payload,
                ),
            )
            raw_conn.commit()
            raw_samples.append(time.perf_counter() - start)
    ours = sorted(samples)[len(samples) // 2]
    raw = sorted(raw_samples)[len(raw_samples) // 2]
    report("server_enrol", ours, raw, 2.0, ok_under_10ms=ours < 0.010)


def bench_listener_stall(db: Database, other: Database, session_id: int) -> None:
    """The longest GUI-thread gap while another client enrols and this window refreshes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from iltdesk.services.material_store import MaterialStore
    from iltdesk.settings import Preferences
    from iltdesk.views.context import AppContext
    from iltdesk.views.live_updates import LiveUpdates
    from iltdesk.views.session_detail import SessionDetailDialog

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="iltdesk-bench-gui."))
    ctx = AppContext(db, Preferences(folder / "prefs.json"), MaterialStore(folder / "m"))
    live = LiveUpdates(ctx)
    live.start()
    detail = SessionDetailDialog(None, ctx, session_id)
    detail.show()
    assert live.listener is not None
    live.listener.listening.wait(10)
    on_roster = {r.learner_id for r in enrollment.roster(db, session_id)}
    candidates = [
        r.id for r in learners.search_learners(db, "", limit=200) if r.id not in on_roster
    ]
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    probe = QTimer()
    probe.setInterval(5)
    probe.timeout.connect(tick)
    probe.start()
    refreshed = [0]
    live.arrived.connect(lambda *_args: refreshed.__setitem__(0, refreshed[0] + 1))
    for learner_id in candidates[:20]:
        enrollment.enroll_learner(other, session_id, learner_id, allow_clash=True)
        pause = QEventLoop()
        QTimer.singleShot(100, pause.quit)
        pause.exec()
    pause = QEventLoop()
    QTimer.singleShot(1000, pause.quit)
    pause.exec()
    probe.stop()
    live.stop()
    detail.close()
    app.processEvents()
    worst = max(gaps[1:]) if len(gaps) > 1 else 0.0
    shown = {r.learner_id for r in detail.roster_model.rows()}
    print(
        json.dumps(
            {
                "bench": "server_listener_gui_stall",
                "max_stall_ms": round(worst * 1000, 1),
                "refreshes": refreshed[0],
                "roster_caught_up": set(candidates[:20]) <= shown,
                "ok": worst < 0.050 and set(candidates[:20]) <= shown,
            }
        ),
        flush=True,
    )
    shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    import psycopg

    with server() as base:
        admin = psycopg.connect(
            make_url(base).set(drivername="postgresql").render_as_string(hide_password=False),
            autocommit=True,
        )
        admin.execute("DROP DATABASE IF EXISTS iltdesk_bench WITH (FORCE)")
        admin.execute("CREATE DATABASE iltdesk_bench")
        url = make_url(base).set(database="iltdesk_bench")
        db = open_database(database_url(url.render_as_string(hide_password=False)))
        start = time.perf_counter()
        load_demo(db, DemoSize(LEARNERS, SESSIONS, None), today=TODAY)
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        print(f"# demo loaded in {time.perf_counter() - start:.1f} s", flush=True)
        raw_conn = psycopg.connect(
            url.set(drivername="postgresql").render_as_string(hide_password=False)
        )
        try:
            busiest = max(scheduling.list_sessions(db), key=lambda s: s.enrolled + s.waitlisted)
            compare(
                "server_search_prefix",
                db,
                raw_conn,
                lambda: learners.search_learners(db, "mul"),
                rows=len(learners.search_learners(db, "mul")),
            )
            compare(
                "server_search_two_words",
                db,
                raw_conn,
                lambda: learners.search_learners(db, "muller a"),
            )
            compare(
                "server_roster",
                db,
                raw_conn,
                lambda: enrollment.roster(db, busiest.id),
                rows=len(enrollment.roster(db, busiest.id)),
            )
            listing = captured(db, lambda: scheduling.list_sessions(db))
            typed = typed_sessions(raw_conn, listing)
            assert typed() == scheduling.list_sessions(db)  # the same rows, built by hand
            raw_fetch = timed(replay(raw_conn, listing))
            report(
                "server_sessions_list",
                timed(lambda: scheduling.list_sessions(db)),
                timed(typed),
                2.0,
                rows=len(scheduling.list_sessions(db)),
                statements=len(listing),
                raw_fetch_only_ms=round(raw_fetch * 1000, 3),
            )
            bench_enrol(db, raw_conn)
            other = open_database(database_url(url.render_as_string(hide_password=False)))
            try:
                bench_listener_stall(db, other, busiest.id)
            finally:
                other.close()
        finally:
            raw_conn.close()
            db.close()
            admin.execute("DROP DATABASE IF EXISTS iltdesk_bench WITH (FORCE)")
            admin.close()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()

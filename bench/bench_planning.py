"""Find a slot over three months on the 2,000-session database (its whole bench of instructors
and rooms), against the raw floor: the same busy times read with hand-written SQL and checked
in a plain loop.

Target: under 300 ms (the issue's figure); the ratio is printed for the record.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from datetime import timedelta

from common import TODAY
from common import bench_database
from common import report
from common import timed

from iltdesk.db.engine import database_url
from iltdesk.db.opening import open_database
from iltdesk.services.planning import find_slots

LEARNERS, SESSIONS, SEATS = 50_000, 2_000, 160


def main() -> None:
    path = bench_database(LEARNERS, SESSIONS, SEATS)
    first = TODAY + timedelta(days=7)
    last = first + timedelta(days=90)
    conn = sqlite3.connect(path)
    counts = {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("instructors", "rooms", "training_sessions")
    }
    course_id = conn.execute(
        "SELECT course_id FROM instructor_qualifications GROUP BY course_id "
        "ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    db = open_database(database_url(path), lock=False)
    try:
        found = find_slots(db, course_id, first, last, size=12, zone_name="Europe/London")
        ours = timed(
            lambda: find_slots(db, course_id, first, last, size=12, zone_name="Europe/London"),
            repeat=10,
        )
    finally:
        db.close()

    def raw() -> int:
        start = datetime.combine(first, datetime.min.time())
        end = datetime.combine(last, datetime.min.time()) + timedelta(days=2)
        teachers = conn.execute(
            "SELECT q.instructor_id, d.start, d.end FROM instructor_qualifications q "
            "JOIN session_instructors i ON i.instructor_id = q.instructor_id "
            "JOIN training_sessions s ON s.id = i.session_id AND s.status != 'cancelled' "
            "JOIN session_days d ON d.session_id = s.id "
            "WHERE q.course_id = ? AND d.start < ? AND d.end > ?",
            (course_id, end.isoformat(" "), start.isoformat(" ")),
        ).fetchall()
        rooms = conn.execute(
            "SELECT s.room_id, d.start, d.end FROM training_sessions s "
            "JOIN session_days d ON d.session_id = s.id "
            "WHERE s.room_id IS NOT NULL AND s.status != 'cancelled' AND d.start < ? AND d.end > ?",
            (end.isoformat(" "), start.isoformat(" ")),
        ).fetchall()
        busy_t = {}
        for who, s, e in teachers:
            busy_t.setdefault(who, []).append((s, e))
        busy_r = {}
        for room, s, e in rooms:
            busy_r.setdefault(room, []).append((s, e))
        proposals = 0
        day = first
        while day <= last:
            if day.weekday() < 5:
                s = f"{day.isoformat()} 09:00:00"
                e = f"{day.isoformat()} 16:00:00"
                free_t = any(all(not (a < e and b > s) for a, b in v) for v in busy_t.values())
                free_r = any(all(not (a < e and b > s) for a, b in v) for v in busy_r.values())
                proposals += free_t and free_r
            day += timedelta(days=1)
        return proposals

    floor = timed(raw, repeat=10)
    conn.close()
    report(
        "find_slot_3_months",
        ours,
        floor,
        None,
        ok_under_300ms=ours < 0.300,
        proposals=len(found),
        **counts,
    )


if __name__ == "__main__":
    main()

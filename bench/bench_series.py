"""Recurring sessions: expanding and clash-checking a 52-occurrence weekly series on the
2,000-session database, against dateutil's rrule plus one hand-written overlap query per
occurrence (the same room and instructors, the same days).

Target: under 200 ms (the issue's figure); the ratio is printed for the record.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC
from datetime import timedelta
from zoneinfo import ZoneInfo

from common import bench_database
from common import report
from common import timed

from iltdesk.db.engine import database_url
from iltdesk.db.opening import open_database
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.specs import DaySpec
from iltdesk.domain.specs import SessionSpec
from iltdesk.services import scheduling
from iltdesk.services.series import check_series

LEARNERS, SESSIONS, SEATS = 50_000, 2_000, 160
RULE = "FREQ=WEEKLY;COUNT=52"


def main() -> None:
    path = bench_database(LEARNERS, SESSIONS, SEATS)
    db = open_database(database_url(path), lock=False)
    try:
        busy = max(
            (s for s in scheduling.list_sessions(db) if s.room_id and s.instructors),
            key=lambda s: s.enrolled,
        )
        zone = ZoneInfo(busy.timezone)
        start = busy.days[0].start.astimezone(zone).replace(day=1) + timedelta(days=2)
        spec = SessionSpec(
            course_id=busy.course_id,
            mode=DeliveryMode.IN_PERSON,
            timezone=busy.timezone,
            capacity=12,
            days=(DaySpec(start.astimezone(UTC), (start + timedelta(hours=3)).astimezone(UTC)),),
            room_id=busy.room_id,
            instructors=((busy.instructors[0].instructor_id, InstructorRole.LEAD),),
        )
        clashes = check_series(db, spec, RULE)
        ours = timed(lambda: check_series(db, spec, RULE), repeat=10)
    finally:
        db.close()
    raw_conn = sqlite3.connect(path)

    def raw() -> int:
        from dateutil.rrule import rrulestr

        found = 0
        naive = start.replace(tzinfo=None)
        for moment in rrulestr(RULE, dtstart=naive):
            begin = moment.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
            end = begin + timedelta(hours=3)
            found += raw_conn.execute(
                "SELECT count(*) FROM session_days d "
                "JOIN training_sessions s ON s.id = d.session_id "
                "LEFT JOIN session_instructors i ON i.session_id = s.id "
                "WHERE s.status != 'cancelled' AND d.start < ? AND d.end > ? "
                "AND (s.room_id = ? OR i.instructor_id = ?)",
                (end.isoformat(" "), begin.isoformat(" "), spec.room_id, spec.instructors[0][0]),
            ).fetchone()[0]
        return found

    raw_time = timed(raw, repeat=10)
    raw_conn.close()
    report(
        "series_52_check",
        ours,
        raw_time,
        None,
        ok_under_200ms=ours < 0.200,
        occurrences=52,
        clashes=len(clashes),
    )


if __name__ == "__main__":
    main()

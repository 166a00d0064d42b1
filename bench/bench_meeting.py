"""A 1,000-participant, 5,000-row Zoom report imported: parse, merge, match, propose (issue 17).

Target: under 1 s for the whole plan on a session with 1,000 learners. The floor is the same
work done plainly: the csv module and `datetime.strptime` reading the rows, each person's
intervals merged and clipped — no matching, no database.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from common import report
from common import timed

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fixtures.builders import day_spec
from tests.fixtures.builders import make_course
from tests.fixtures.builders import make_session
from tests.fixtures.meetings import Person
from tests.fixtures.meetings import zoom_report

from iltdesk.db.engine import database_url
from iltdesk.db.opening import open_database
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.meeting import merge_intervals
from iltdesk.domain.specs import LearnerSpec
from iltdesk.services import enrollment
from iltdesk.services import learners
from iltdesk.services import meeting_import

PEOPLE, JOINS = 1000, 5
DAY = date(2027, 3, 15)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="iltdesk-bench-meeting."))
    db = open_database(database_url(folder / "bench.sqlite3"))
    course = make_course(db, title="Forklift Safety")
    session = make_session(
        db,
        course.id,
        capacity=PEOPLE,
        days=(day_spec(DAY, "09:00", "17:00", "Europe/London"),),
        mode=DeliveryMode.VIRTUAL,
    )
    people = []
    ids = []
    for n in range(PEOPLE):
        row = learners.create_learner(
            db, LearnerSpec(f"First{n}", f"Last{n:04d}", f"person{n}@example.com")
        ).value
        ids.append(row.id)
        start = datetime(2027, 3, 15, 8, 55) + timedelta(minutes=n % 20)
        joins = [
            (start + timedelta(minutes=100 * k), start + timedelta(minutes=100 * k + 95))
            for k in range(JOINS)
        ]
        people.append(Person(f"First{n} Last{n:04d}", f"person{n}@example.com", joins))
    enrollment.enroll_many(db, session.id, ids, allow_clash=True)
    path = zoom_report(folder / "participants.csv", "Forklift Safety", "host@example.com", people)

    def ours() -> None:
        plan = meeting_import.plan_meeting_import(db, session.id, path)
        assert len(plan.matched) == PEOPLE

    def floor() -> None:
        spans: dict[str, list[tuple[datetime, datetime]]] = {}
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        header = next(i for i, r in enumerate(rows) if r and r[0].startswith("Name ("))
        fmt = "%m/%d/%Y %I:%M:%S %p"
        for row in rows[header + 1 :]:
            if row:
                spans.setdefault(row[1], []).append(
                    (datetime.strptime(row[2], fmt), datetime.strptime(row[3], fmt))
                )
        day_start, day_end = datetime(2027, 3, 15, 9), datetime(2027, 3, 15, 17)
        for intervals in spans.values():
            merged = merge_intervals(intervals)
            sum(
                (min(b, day_end) - max(a, day_start)).total_seconds()
                for a, b in merged
                if min(b, day_end) > max(a, day_start)
            )

    started = time.perf_counter()
    ours()
    first = time.perf_counter() - started
    seconds = timed(ours, repeat=5, warmup=1)
    raw = timed(floor, repeat=5, warmup=1)
    report(
        "meeting_report_1000_people_5000_rows",
        seconds,
        raw,
        None,
        first_run_ms=round(first * 1000),
        ok_under_1s=seconds < 1.0,
    )
    db.close()


if __name__ == "__main__":
    main()

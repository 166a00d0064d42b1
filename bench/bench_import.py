"""Roster import of a generated 50,000-row workbook (issue 5 targets).

Each stage runs in its own process (so its peak memory is its own), three times; the median
time is reported with the peak resident memory. Floors measured in the same run:
python-calamine reading the same file, openpyxl read-only, and `pandas.read_excel` with its
default engine (what a user would reach for), and for the full import the raw work it does:
calamine's read plus the driver's `executemany` of the same 50,000 learner rows (keys made with
`str.lower`) into the same table and indexes, committed. Targets: the dry run (read, map,
validate, match) within 3x the calamine floor, the full import within 3x (the issue's), both
faster than pandas alone; peak memory under 300 MB.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import CACHE
from common import ROOT
from common import report
from common import report_stall

from iltdesk.domain.imports import ImportSource

sys.path.insert(0, str(ROOT))
from tests.fixtures.rosters import HEADERS

ROWS = 50_000
RUNS = 3


def roster_file() -> Path:
    import xlsxwriter

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"roster-{ROWS}.xlsx"
    if not path.exists():
        first = ["Anna", "Zoë", "Łukasz", "Siobhán", "Mateo", "Ngozi", "Dmitri", "Chloé"]
        last = ["Müller", "O’Brien", "García", "Nguyen", "Kowalski", "Ivanova", "Dubois"]
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = book.add_worksheet("Export")
        sheet.write_row(0, 0, ["HR export — training nominations"])
        sheet.write_row(
            2,
            0,
            HEADERS,
        )
        for n in range(ROWS):
            sheet.write_row(
                n + 3,
                0,
                [
                    f"{n:06d}",
                    first[n % 8],
                    f"{last[n % 7]}{n}",
                    f"person.{n}@example-corp.com",
                    f"Dept {n % 40}",
                    f"Manager {n % 300}",
                    f"Site {n % 12}",
                    "Associate",
                ],
            )
        book.close()
    return path


def stage(name: str, path: Path, db_path: Path) -> float:
    """Run one stage in this process; returns seconds."""
    start = time.perf_counter()
    if name == "calamine":
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_name("Export").to_python()
        assert len(rows) > ROWS
    elif name == "openpyxl":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows = list(book["Export"].iter_rows(values_only=True))
        assert len(rows) > ROWS
    elif name == "raw_import":
        return _raw_import(path, db_path)
    elif name == "pandas":
        import pandas

        frame = pandas.read_excel(path, sheet_name="Export", header=2)
        assert len(frame) == ROWS
    else:
        from iltdesk.db.engine import database_url
        from iltdesk.db.opening import open_database
        from iltdesk.importers.reading import read_file
        from iltdesk.services import roster_import

        with open_database(database_url(db_path), backup_dir=db_path.parent / "backups") as db:
            start = time.perf_counter()
            source = read_file(path)
            parsed = roster_import.prepare(db, source)
            if name == "dry_run":
                plan = roster_import.plan_import(db, parsed)
                assert plan.counts.new + plan.counts.unchanged == ROWS
            else:
                ref = ImportSource(path.name, source.sha256, parsed.sheet)
                result = roster_import.commit_import(db, parsed, ref).value
                expected = "new" if name == "import_empty" else "unchanged"
                assert getattr(result.counts, expected) == ROWS, result.counts
    return time.perf_counter() - start


def _raw_import(path: Path, db_path: Path) -> float:
    """Calamine's rows straight into the learners table with the driver: the full import's
    floor (no cleaning, matching, undo record or backup). The schema is made before timing."""
    import sqlite3
    from datetime import UTC
    from datetime import datetime

    import python_calamine

    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database

    with open_database(database_url(db_path), backup_dir=db_path.parent / "backups"):
        pass
    start = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name("Export").to_python()[3:]
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    values = [
        (
            *(first, last, email, dept, manager, "", site, title, None, number),
            *(first.lower(), last.lower(), f"{last} {first}".lower(), email.lower(), "", now),
        )
        for number, first, last, email, dept, manager, site, title in rows
    ]
    columns = (
        "first_name, last_name, email, department, manager_name, manager_email, location, "
        "job_title, hire_date, employee_id, first_key, last_key, sort_key, email_key, "
        "preferred_language, created_at"
    )
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(f"INSERT INTO learners ({columns}) VALUES ({', '.join('?' * 16)})", values)
    conn.execute("COMMIT")
    conn.close()
    assert len(values) == ROWS
    return time.perf_counter() - start


def child(name: str, path: Path, db_path: Path) -> None:
    seconds = stage(name, path, db_path)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


def run(name: str, path: Path, runs: int = RUNS, prepare_db: str = "") -> tuple[float, float]:
    times, peaks = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            db_path = Path(folder) / "bench.sqlite3"
            if prepare_db:
                subprocess.run(
                    [sys.executable, __file__, prepare_db, str(path), str(db_path)],
                    check=True,
                    capture_output=True,
                )
            out = subprocess.run(
                [sys.executable, __file__, name, str(path), str(db_path)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            times.append(result["seconds"])
            peaks.append(result["peak_mb"])
    return statistics.median(times), max(peaks)


def wizard_stalls(path: Path, db_path: Path) -> None:
    """The import wizard on the same file, as the app runs it: the longest GUI-thread stall on
    each step (reading, columns, target, planning the preview, importing, finishing). Target
    50 ms."""
    from common import StallProbe
    from common import app_window
    from common import pause

    from iltdesk.tasks.runner import shutdown
    from iltdesk.views.dialogs.import_wizard import DONE
    from iltdesk.views.dialogs.import_wizard import ImportWizard

    app, db, window = app_window(db_path, db_path.parent)
    ctx = window.ctx
    pause(300)
    probe = StallProbe(window)
    probe.start()
    wizard = ImportWizard(ctx, window, path=path)
    wizard.show()
    worst = []
    while wizard.currentId() != DONE:
        before = wizard.currentId()
        wizard.next()
        while wizard.currentId() == before:
            pause(50)
        pause(500)
        worst.append(probe.stop())
        probe.start()
    wizard.accept()  # Finish: the wizard lets go of the rows and the collector runs again
    del wizard
    pause(1000)
    worst.append(probe.stop())
    shutdown()
    db.close()
    del app
    print(json.dumps({"steps_max_stall_ms": worst}))


def main() -> None:
    path = roster_file()
    calamine, calamine_mb = run("calamine", path)
    openpyxl_s, _mb = run("openpyxl", path, runs=1)
    try:
        pandas_s, _mb = run("pandas", path, runs=1)
    except subprocess.CalledProcessError:
        pandas_s = float("nan")
        print("# pandas is not installed: `make bench` installs the bench extra", flush=True)
    raw_import, _mb = run("raw_import", path)
    print(
        f"# floors for {ROWS} rows: calamine {calamine:.2f} s ({calamine_mb:.0f} MB), "
        f"openpyxl read-only {openpyxl_s:.2f} s, pandas.read_excel {pandas_s:.2f} s; "
        f"calamine and a raw executemany into learners {raw_import:.2f} s",
        flush=True,
    )
    for name, target, prepare_db in (
        ("dry_run", 3.0, ""),
        ("import_empty", 3.0, ""),  # the target for the full import
        ("import_unchanged", 5.0, "import_empty"),
    ):
        seconds, peak = run(name, path, prepare_db=prepare_db)
        report(
            f"import_{ROWS}_{name}",
            seconds,
            calamine,
            target,
            peak_mb=round(peak),
            pandas_ms=round(pandas_s * 1000),
            ok_faster_than_pandas=bool(seconds < pandas_s),
            ok_memory=bool(peak < 300),
            **(
                {
                    "raw_import_ms": round(raw_import * 1000),
                    "ratio_raw_import": round(seconds / raw_import, 2),
                }
                if name.startswith("import")
                else {}
            ),
        )
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.sqlite3"
        out = subprocess.run(
            [sys.executable, __file__, "--wizard", str(path), str(db_path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        steps = json.loads(out.strip().splitlines()[-1])["steps_max_stall_ms"]
    report_stall(f"import_wizard_max_stall[{ROWS}]", max(steps), steps_max_stall_ms=steps)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--wizard"]:
        wizard_stalls(Path(sys.argv[2]), Path(sys.argv[3]))
    elif len(sys.argv) == 4:
        child(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()

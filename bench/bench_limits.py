"""Peak memory of the largest spreadsheets ILT Desk accepts (just under each limit).

Each file is read and prepared for import (`read_file` + `roster_import.prepare`) in a fresh
process; its peak resident memory must stay under 300 MB. The floor printed beside it is the
same process reading the file with calamine alone.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_MB = 300

MEASURE = """
import resource, sys, time
from pathlib import Path
start = time.perf_counter()
if sys.argv[2] == "ours":
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database
    from iltdesk.importers.reading import read_file
    from iltdesk.services import roster_import
    source = read_file(Path(sys.argv[1]))
    with open_database(database_url(Path(sys.argv[3]))) as db:
        roster_import.prepare(db, source)
else:
    import io, python_calamine
    data = io.BytesIO(Path(sys.argv[1]).read_bytes())
    book = python_calamine.CalamineWorkbook.from_filelike(data)
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, time.perf_counter() - start)
"""


def write_xlsx(path: Path, rows: int, columns: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Roster")
    headings = ["First name", "Last name", "Email", "Employee ID", "Department"]
    headings += [f"Extra {n}" for n in range(columns - len(headings))]
    sheet.write_row(0, 0, headings[:columns])
    for n in range(1, rows):
        values = [f"Ann{n}", f"Lee{n}", f"ann{n}@example.com", f"E{n:06d}", "Finance"]
        values += [f"v{n % 97}"] * (columns - len(values))
        sheet.write_row(n, 0, values[:columns])
    book.close()


def measure(path: Path, mode: str, db: Path) -> tuple[float, float]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), mode, str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    peak, seconds = done.stdout.split()
    return float(peak), float(seconds)


def main() -> int:
    from iltdesk.importers.guard import CELL_LIMIT
    from iltdesk.importers.guard import COLUMN_LIMIT
    from iltdesk.importers.guard import ROW_LIMIT

    work = Path(tempfile.mkdtemp(prefix="iltdesk-limits-"))
    cases = {
        "rows": (ROW_LIMIT, CELL_LIMIT // ROW_LIMIT),
        "columns": (CELL_LIMIT // COLUMN_LIMIT, COLUMN_LIMIT),
    }
    for name, (rows, columns) in cases.items():
        path = work / f"{name}.xlsx"
        start = time.perf_counter()
        write_xlsx(path, rows, columns)
        print(
            f"# wrote {path.name}: {rows} rows × {columns} columns, "
            f"{path.stat().st_size // 1024} KB in {time.perf_counter() - start:.0f} s",
            file=sys.stderr,
        )
        ours_mb, ours_s = measure(path, "ours", work / f"{name}.sqlite3")
        floor_mb, floor_s = measure(path, "floor", work / "unused.sqlite3")
        print(
            json.dumps(
                {
                    "bench": f"largest accepted workbook ({name}: {rows:,} × {columns})",
                    "peak_mb": round(ours_mb, 1),
                    "calamine_only_peak_mb": round(floor_mb, 1),
                    "budget_mb": BUDGET_MB,
                    "ours_s": round(ours_s, 2),
                    "calamine_s": round(floor_s, 2),
                    "ok": ours_mb < BUDGET_MB,
                }
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""CSV files safe to open in a spreadsheet: no cell can become a formula.

OWASP's advice for CSV injection: a cell starting with "=", "+", "-", "@", a tab or a carriage
return gets a leading apostrophe, which spreadsheets show as text. Written with a byte-order
mark, so Excel reads the UTF-8 (names with accents) as such.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from iltdesk.documents.files import write_atomic

RISKY = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell's text, with an apostrophe in front when a spreadsheet would evaluate it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)  # numbers stay numbers ("-2" is a number, not a formula)
    text = str(value)
    return "'" + text if text.startswith(RISKY) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """Rows as UTF-8 CSV with a BOM; a cell a spreadsheet would evaluate gets an apostrophe."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *, force: bool = True
) -> Path:
    """Write a CSV atomically (see `files.write_atomic`), every text cell made safe."""
    return write_atomic(path, csv_bytes(header, rows), kind="csv", force=force)

"""The "rows with problems" workbook: the rejected rows as they came, plus what is wrong.

HR fixes the rows in this file and sends it back; it imports like any roster (the extra
"Row" and "What is wrong" columns are ignored by the column mapping).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.styles import Font

from iltdesk.documents.files import write_atomic
from iltdesk.documents.workbook import HEAD_FILL
from iltdesk.documents.workbook import put_text
from iltdesk.domain.imports import ProblemRow
from iltdesk.i18n import _


def build_problem_report(headers: Sequence[str], rows: Sequence[ProblemRow]) -> bytes:
    """The rows an import left out, as a workbook with the problem beside each."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Rows with problems")[:31]
    names = [_("Row"), *headers, _("What is wrong")]
    for column, name in enumerate(names, start=1):
        cell = sheet.cell(row=1, column=column)
        put_text(cell, name)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
    sheet.freeze_panes = "B2"
    for offset, item in enumerate(rows, start=2):
        sheet.cell(row=offset, column=1, value=item.row)
        for column, text in enumerate(item.cells[: len(headers)], start=2):
            if text:
                put_text(sheet.cell(row=offset, column=column), text)
        note = sheet.cell(row=offset, column=len(names))
        put_text(note, " ".join(item.messages))
        note.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 6
    from openpyxl.utils import get_column_letter

    for column in range(2, len(names)):
        sheet.column_dimensions[get_column_letter(column)].width = 18
    sheet.column_dimensions[get_column_letter(len(names))].width = 60
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def save_problem_report(path: Path, headers: Sequence[str], rows: Sequence[ProblemRow]) -> Path:
    """Write the problem report to `path` (through a temporary file)."""
    return write_atomic(path, build_problem_report(headers, rows))

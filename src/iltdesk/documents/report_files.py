"""A report as a workbook (values, a chart, definitions) or a CSV, from its `ReportTable`.

The workbook holds values, never formulas: numbers typed as numbers with a display format,
text as text (a name like "=HYPERLINK(…)" stays text), the totals as computed. Its chart is an
openpyxl bar chart over a "Chart" sheet holding the same bars as the screen and the PDF.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.cell.cell import MergedCell
from openpyxl.chart import BarChart
from openpyxl.chart import Reference
from openpyxl.styles import Alignment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from iltdesk import formatting
from iltdesk.documents.csvfile import csv_bytes
from iltdesk.documents.workbook import HEAD_FILL
from iltdesk.documents.workbook import LOCAL_DATE
from iltdesk.documents.workbook import print_setup
from iltdesk.documents.workbook import put_text
from iltdesk.domain.reporting import Amounts
from iltdesk.domain.reporting import Column
from iltdesk.domain.reporting import ColumnKind
from iltdesk.domain.reporting import ReportTable
from iltdesk.domain.reporting import Value
from iltdesk.domain.reporting import chart_data
from iltdesk.i18n import _

_FORMATS = {
    ColumnKind.COUNT: "#,##0",
    ColumnKind.RATE: "0.0%",
    ColumnKind.HOURS: "#,##0.00",
    ColumnKind.SCORE: "0.0",
}


def generated_line(generated: datetime, zone: str) -> str:
    """“Generated on …” in the user's zone, for a report's heading."""
    return _("Generated {when}").format(when=formatting.format_datetime(generated, zone))


def _put(cell: Cell | MergedCell, column: Column, value: Value) -> None:
    """Write one value with its type: numbers as numbers, everything else as text."""
    if value is None:
        return
    if isinstance(value, Amounts):
        if value.single is not None:
            cell.value = value.single
            cell.number_format = f'#,##0.00 "{value.parts[0].currency}"'
        elif value.parts:
            put_text(cell, formatting.format_report_value(column.kind.value, value))
        return
    if column.kind in _FORMATS and isinstance(value, int | float | Decimal):
        cell.value = value
        cell.number_format = _FORMATS[column.kind]
        return
    if column.kind is ColumnKind.DATE and isinstance(value, date):
        cell.value = value
        cell.number_format = LOCAL_DATE
        return
    put_text(cell, formatting.format_report_value(column.kind.value, value))


def build_report_workbook(table: ReportTable, generated: datetime, zone: str) -> bytes:
    """A report as a workbook: its table, totals, definitions and chart."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Report")[:31]
    put_text(sheet.cell(row=1, column=1), table.title)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    row = 2
    lines = ([table.subject] if table.subject else []) + [
        f"{label}: {value}" for label, value in table.filter_labels
    ]
    for line in [*lines, generated_line(generated, zone)]:
        put_text(sheet.cell(row=row, column=1), line)
        row += 1
    row += 1
    header = row
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=header, column=index)
        put_text(cell, column.label)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"A{header + 1}"
    for values in table.rows:
        row += 1
        for index, (column, value) in enumerate(zip(table.columns, values, strict=True), 1):
            _put(sheet.cell(row=row, column=index), column, value)
    if table.rows:
        row += 1
        put_text(sheet.cell(row=row, column=1), _("Total"))
        for index, column in enumerate(table.columns, start=1):
            cell = sheet.cell(row=row, column=index)
            cell.font = Font(bold=True)
            if index > 1 and column.key in table.totals:
                _put(cell, column, table.totals[column.key])
    else:
        row += 1
        put_text(sheet.cell(row=row, column=1), table.empty_message)
    for note in table.notes:
        row += 1
        put_text(sheet.cell(row=row, column=1), note)
    _widths(sheet, table)
    print_setup(sheet, f"{header}:{header}")
    _chart_sheet(book, table, sheet, row + 2)
    definitions = book.create_sheet(_("Definitions")[:31])
    for number, text in enumerate(table.definitions, start=1):
        put_text(definitions.cell(row=number, column=1), text)
        definitions.cell(row=number, column=1).alignment = Alignment(wrap_text=True)
    definitions.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _widths(sheet: Worksheet, table: ReportTable) -> None:
    for index, column in enumerate(table.columns, start=1):
        longest = max(
            [len(column.label)]
            + [
                len(formatting.format_report_value(column.kind.value, row[index - 1]))
                for row in table.rows[:200]
            ]
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(45, max(9, longest + 2))


def _chart_sheet(book: Workbook, table: ReportTable, report: Worksheet, anchor_row: int) -> None:
    """The chart's bars on their own sheet, and a bar chart of them under the table."""
    data = chart_data(table)
    if data is None:
        return
    sheet = book.create_sheet(_("Chart")[:31])
    put_text(sheet.cell(row=1, column=1), _("Category"))
    for position, series in enumerate(data.series, start=2):
        put_text(sheet.cell(row=1, column=position), series.label)
    for index in range(len(data.categories)):
        put_text(sheet.cell(row=index + 2, column=1), formatting.format_chart_label(data, index))
        for position, series in enumerate(data.series, start=2):
            sheet.cell(row=index + 2, column=position, value=series.values[index])
    chart = BarChart()
    chart.type = "bar" if table.chart and table.chart.horizontal else "col"
    chart.title = table.title
    chart.height, chart.width = 9, 22
    last = len(data.categories) + 1
    values = Reference(sheet, min_col=2, max_col=len(data.series) + 1, min_row=1, max_row=last)
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
    report.add_chart(chart, f"A{anchor_row}")


def build_report_csv(table: ReportTable) -> bytes:
    """Header, rows and totals; numbers plain (dot decimals), dates ISO, text made safe."""
    rows: list[Sequence[object]] = [[_plain(v) for v in row] for row in table.rows]
    if table.rows:
        rows.append([_("Total")] + [_plain(table.totals.get(c.key)) for c in table.columns[1:]])
    return csv_bytes([c.label for c in table.columns], rows)


def _plain(value: Value) -> object:
    if isinstance(value, Amounts):
        if value.single is not None:
            return value.single
        return " + ".join(f"{m.amount} {m.currency}" for m in value.parts)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value

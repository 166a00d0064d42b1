"""Attendance workbooks (openpyxl), and reading a filled grid back.

A flat sheet for analysis, one fillable grid per session, and a Summary with live formulas.
The workbook opens on the first grid, where a trainer fills in marks.

No user text ever becomes a formula: every text cell is written as a string (a name such as
"=HYPERLINK(…)" stays text) and text that a spreadsheet might evaluate on editing gets Excel's
quote prefix. The grids carry their session, enrollment and day ids in hidden cells, so a
returned workbook maps back without guessing, and a very hidden sheet keeps each mark as
exported: reading back then tells what the trainer changed from what was already there, so a
mark made in ILT Desk after the export is not overwritten by the workbook's older copy, and a
status typed on the flat sheet (its rows carry the same ids, hidden) is not passed over.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment
from openpyxl.styles import Font
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.header_footer import _HeaderFooterPart as _Part
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from iltdesk.domain.printing import AttendanceWorkbook
from iltdesk.domain.printing import ReturnedMark
from iltdesk.errors import UserError
from iltdesk.i18n import _

RISKY = ("=", "+", "-", "@", "\t", "\r")
HEAD_FILL = PatternFill("solid", fgColor="E6EEF5")
GRID_MARKER = "iltdesk-grid"
EXPORTED_MARKER = "iltdesk-exported"
# The flat sheet's learner and status columns, and its hidden ids after the 16 visible ones.
FLAT_LEARNER_COLUMN, FLAT_STATUS_COLUMN, FLAT_ID_COLUMN = 8, 11, 17
FLAT_IDS = ("iltdesk-enrollment", "iltdesk-day")
# Excel's built-in formats 14 and 22: shown in the reader's own short date (and time) format,
# so a workbook reads "14/12/2026" in London and "12/14/2026" in Chicago, like the app.
LOCAL_DATE = "mm-dd-yy"
LOCAL_DATETIME = "m/d/yy h:mm"


def put_text(cell: Cell | MergedCell, text: str) -> None:
    """Write user text as text, never as a formula."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(RISKY):
        cell.quotePrefix = True


def _headers(sheet: Worksheet, names: list[str]) -> None:
    for column, name in enumerate(names, start=1):
        cell = sheet.cell(row=1, column=column, value=name)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
    sheet.freeze_panes = "A2"


def _fit_widths(sheet: Worksheet, headings: list[str], widths: list[int]) -> None:
    """Column widths that show each heading whole (bold text needs a little more)."""
    for column, (heading, width) in enumerate(zip(headings, widths, strict=True), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(width, len(heading) + 3)


def print_setup(
    sheet: Worksheet,
    title_rows: str,
    *,
    landscape: bool = True,
    print_area: str | None = None,
    header: str | None = None,
) -> None:
    """Print as one page wide (as many tall as needed), landscape, headings on every page.

    The page header names the sheet, or says `header` in full (a cell would be cut off at the
    print area's edge).
    """
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = title_rows
    sheet.print_options.gridLines = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    # The header and footer sit 0.3" from the edge, in margins deep enough to hold them clear
    # of the table (at 0.5" LibreOffice drew the header over the first row).
    sheet.page_margins.top = sheet.page_margins.bottom = 0.8
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.oddFooter = HeaderFooterItem(center=_Part("&P / &N"))
    if header is None:
        sheet.oddHeader = HeaderFooterItem(left=_Part("&A"))
    else:  # "&" starts a header code: a literal one is doubled
        sheet.oddHeader = HeaderFooterItem(left=_Part(header.replace("&", "&&")))
    if print_area is not None:
        sheet.print_area = f"{print_area}{sheet.max_row}"


def _sheet_title(title: str, taken: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "Session"
    candidate, n = clean, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.casefold())
    return candidate


def _flat_sheet(flat: Worksheet, data: AttendanceWorkbook) -> int:
    """Every learner and day on one sheet, for analysis; returns its last row."""
    flat.title = "Attendance"
    headings = [
        _("Session"),
        _("Course"),
        _("Date"),
        _("Start"),
        _("End"),
        _("Time zone"),
        _("Duration (min)"),
        _("Learner"),
        _("Employee ID"),
        _("Department"),
        _("Status"),
        _("Minutes attended"),
        _("Completion"),
        _("Certificate"),
        _("Instructors"),
        _("Location"),
    ]
    _headers(flat, headings)
    for row, record in enumerate(data.records, start=2):
        put_text(flat.cell(row=row, column=1), record.session_label)
        put_text(flat.cell(row=row, column=2), record.course)
        flat.cell(row=row, column=3, value=record.day).number_format = LOCAL_DATE
        flat.cell(row=row, column=4, value=record.start).number_format = LOCAL_DATETIME
        flat.cell(row=row, column=5, value=record.end).number_format = LOCAL_DATETIME
        put_text(flat.cell(row=row, column=6), record.timezone)
        flat.cell(row=row, column=7, value=record.duration_minutes)
        put_text(flat.cell(row=row, column=8), record.learner)
        put_text(flat.cell(row=row, column=9), record.employee_id)
        put_text(flat.cell(row=row, column=10), record.department)
        put_text(flat.cell(row=row, column=11), record.status)
        flat.cell(row=row, column=12, value=record.minutes_attended)
        put_text(flat.cell(row=row, column=13), record.completion)
        put_text(flat.cell(row=row, column=14), record.certificate)
        put_text(flat.cell(row=row, column=15), record.instructors)
        put_text(flat.cell(row=row, column=16), record.location)
        flat.cell(row=row, column=FLAT_ID_COLUMN, value=record.enrollment_id)
        flat.cell(row=row, column=FLAT_ID_COLUMN + 1, value=record.day_id)
    for column, name in enumerate(FLAT_IDS, start=FLAT_ID_COLUMN):
        flat.cell(row=1, column=column, value=name)
        flat.column_dimensions[get_column_letter(column)].hidden = True
    last = max(1, len(data.records) + 1)
    # The filter spans the hidden ids too: sorting by it moves them with their rows.
    flat.auto_filter.ref = f"A1:{get_column_letter(len(headings) + len(FLAT_IDS))}{last}"
    widths = [22, 30, 11, 16, 16, 20, 9, 26, 12, 16, 12, 10, 13, 16, 28, 28]
    _fit_widths(flat, headings, widths)
    print_setup(flat, "1:1")
    return last


def build_workbook(data: AttendanceWorkbook) -> bytes:
    """The attendance workbook: every mark on one sheet, a grid per session, a summary."""
    book = Workbook()
    flat = book.active
    assert flat is not None
    last = _flat_sheet(flat, data)

    taken = {"attendance", "summary"}
    choices = ",".join(data.status_labels)
    for grid in data.grids:
        sheet = book.create_sheet(_sheet_title(grid.title, taken))
        # Row 1: marker and session id (hidden); row 2: day ids (hidden); row 3: headings.
        sheet.cell(row=1, column=1, value=GRID_MARKER)
        sheet.cell(row=1, column=2, value=grid.session_id).number_format = ";;;"  # not shown
        put_text(sheet.cell(row=1, column=3), grid.heading)
        for index, day_id in enumerate(grid.day_ids):
            sheet.cell(row=2, column=4 + index, value=day_id)
        sheet.row_dimensions[2].hidden = True
        sheet.column_dimensions["A"].hidden = True
        for column, text in enumerate(
            [_("Learner"), _("Employee ID"), *list(grid.day_labels)], start=2
        ):
            cell = sheet.cell(row=3, column=column, value=text)
            cell.font = Font(bold=True)
            cell.fill = HEAD_FILL
            cell.alignment = Alignment(horizontal="center")
        validation = DataValidation(
            type="list",
            formula1=f'"{choices}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Attendance"),
            error=_("Choose a status from the list."),
        )
        sheet.add_data_validation(validation)
        for row, (enrollment_id, name, employee_id) in enumerate(grid.learners, start=4):
            sheet.cell(row=row, column=1, value=enrollment_id)
            put_text(sheet.cell(row=row, column=2), name)
            put_text(sheet.cell(row=row, column=3), employee_id)
            for index, day_id in enumerate(grid.day_ids):
                cell = sheet.cell(row=row, column=4 + index)
                mark = grid.marks.get((enrollment_id, day_id))
                if mark is not None:
                    put_text(cell, mark.label())
                validation.add(cell)
        sheet.column_dimensions["B"].width = 30
        sheet.column_dimensions["C"].width = 14
        for index in range(len(grid.day_ids)):
            sheet.column_dimensions[get_column_letter(4 + index)].width = 14
        sheet.freeze_panes = "D4"
        print_setup(
            sheet,
            "3:3",
            print_area=f"B3:{get_column_letter(3 + len(grid.day_ids))}",
            header=grid.heading,
        )

    summary = book.create_sheet("Summary")
    _summary(summary, data, last)
    _keep_exported(book.create_sheet(EXPORTED_MARKER), data)
    if len(book.worksheets) > 3:  # open on the first grid, where the marks are filled in
        flat.sheet_view.tabSelected = False  # one selected tab: two would group the sheets
        book.active = 1
        book.worksheets[1].sheet_view.tabSelected = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _keep_exported(sheet: Worksheet, data: AttendanceWorkbook) -> None:
    """Each grid cell's mark as exported (its status value, blank for none), out of sight."""
    sheet.sheet_state = "veryHidden"
    sheet.append([EXPORTED_MARKER, "session", "enrollment", "day", "status"])
    for grid in data.grids:
        for enrollment_id, _name, _employee in grid.learners:
            for day_id in grid.day_ids:
                mark = grid.marks.get((enrollment_id, day_id))
                status = mark.value if mark is not None else ""
                sheet.append([None, grid.session_id, enrollment_id, day_id, status])


def _attended(range_ref: str, criteria: list[tuple[str, str]], labels: tuple[str, ...]) -> str:
    parts = []
    for label in labels:
        conditions = ",".join(f"{r},{c}" for r, c in criteria)
        parts.append(f'COUNTIFS({conditions},{range_ref},"{label}")')
    return "+".join(parts) or "0"


def _summary(sheet: Worksheet, data: AttendanceWorkbook, last: int) -> None:
    """Attendance rate per session, then per department, as live formulas."""
    status = f"Attendance!$K$2:$K${last}"
    blocks = [
        (
            _("Session"),
            f"Attendance!$A$2:$A${last}",
            list(dict.fromkeys(r.session_label for r in data.records)),
        ),
        (
            _("Department"),
            f"Attendance!$J$2:$J${last}",
            sorted({r.department for r in data.records if r.department}),
        ),
    ]
    row = 1
    for heading, keys, labels in blocks:
        for column, name in enumerate(
            [heading, _("Marks"), _("Attended"), _("Attendance rate")], start=1
        ):
            cell = sheet.cell(row=row, column=column, value=name)
            cell.font = Font(bold=True)
            cell.fill = HEAD_FILL
        row += 1
        for label in labels:
            put_text(sheet.cell(row=row, column=1), label)
            sheet.cell(row=row, column=2, value=f"=COUNTIFS({keys},A{row})")
            sheet.cell(
                row=row,
                column=3,
                value="=" + _attended(status, [(keys, f"A{row}")], data.present_labels),
            )
            rate = sheet.cell(row=row, column=4, value=f"=IF(B{row}=0,0,C{row}/B{row})")
            rate.number_format = "0.0%"
            row += 1
        row += 1
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 30
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 16
    print_setup(sheet, "1:1", landscape=False)


def read_returned_grids(path: Path) -> list[ReturnedMark]:
    """Every non-empty status cell of every ILT Desk grid in the workbook at `path`.

    Where the workbook keeps its marks as exported, each cell says what it held then, and the
    flat sheet's status cells are read too (a trainer may fill in that one).
    """
    try:
        book = load_workbook(path, read_only=False, data_only=True)
    except FileNotFoundError:
        raise UserError(_("The file {path} does not exist.").format(path=path)) from None
    except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
        raise UserError(
            _("{name} is not an Excel workbook that ILT Desk can read ({reason}).").format(
                name=path.name, reason=type(error).__name__
            )
        ) from error
    sheets: list[Worksheet] = [s for s in book.worksheets if isinstance(s, Worksheet)]
    exported = _exported_marks(sheets)
    found: list[ReturnedMark] = []
    grids = 0
    for sheet in sheets:
        if sheet.cell(row=1, column=1).value == GRID_MARKER:
            grids += 1
            found.extend(_grid_cells(sheet, exported))
        elif exported and _is_flat(sheet):
            found.extend(_flat_cells(sheet, exported))
    if grids == 0:
        raise UserError(
            _(
                "{name} has no attendance grid made by ILT Desk. Export a workbook from the "
                "session first and have the trainer fill in its grid."
            ).format(name=path.name)
        )
    return found


# (enrollment id, day id) -> (session id, the status value exported, "" for none)
Exported = dict[tuple[int, int], tuple[int, str]]


def _exported_marks(sheets: list[Worksheet]) -> Exported:
    """The marks as exported, from the workbook's hidden sheet (empty if it has none)."""
    kept: Exported = {}
    for sheet in sheets:
        if sheet.cell(row=1, column=1).value != EXPORTED_MARKER:
            continue
        for _marker, session, enrollment, day, status in sheet.iter_rows(
            min_row=2, max_col=5, values_only=True
        ):
            session_id, enrollment_id, day_id = _int(session), _int(enrollment), _int(day)
            if session_id is not None and enrollment_id is not None and day_id is not None:
                kept[(enrollment_id, day_id)] = (session_id, str(status or ""))
    return kept


def _grid_cells(sheet: Worksheet, exported: Exported) -> list[ReturnedMark]:
    session_id = _int(sheet.cell(row=1, column=2).value)
    if session_id is None:
        return []
    found: list[ReturnedMark] = []
    day_ids = [_int(sheet.cell(row=2, column=c).value) for c in range(4, sheet.max_column + 1)]
    for row in range(4, sheet.max_row + 1):
        enrollment_id = _int(sheet.cell(row=row, column=1).value)
        learner = str(sheet.cell(row=row, column=2).value or "")
        for offset, day_id in enumerate(day_ids):
            # Any: a cell holds any type (openpyxl's own annotation).
            value: Any = sheet.cell(row=row, column=4 + offset).value
            if value is None or str(value).strip() == "":
                continue
            kept = exported.get((enrollment_id, day_id)) if enrollment_id and day_id else None
            found.append(
                ReturnedMark(
                    sheet.title,
                    row,
                    session_id,
                    enrollment_id,
                    day_id,
                    learner,
                    str(value).strip(),
                    kept[1] if kept is not None and kept[0] == session_id else None,
                )
            )
    return found


def _is_flat(sheet: Worksheet) -> bool:
    ids = tuple(sheet.cell(row=1, column=FLAT_ID_COLUMN + i).value for i in range(len(FLAT_IDS)))
    return ids == FLAT_IDS


def _flat_cells(sheet: Worksheet, exported: Exported) -> list[ReturnedMark]:
    """The flat sheet's filled status cells, on rows whose ids the export kept."""
    found: list[ReturnedMark] = []
    last = FLAT_ID_COLUMN + len(FLAT_IDS) - 1
    for row, cells in enumerate(sheet.iter_rows(min_row=2, max_col=last, values_only=True), 2):
        value, learner = cells[FLAT_STATUS_COLUMN - 1], cells[FLAT_LEARNER_COLUMN - 1]
        enrollment_id, day_id = _int(cells[FLAT_ID_COLUMN - 1]), _int(cells[FLAT_ID_COLUMN])
        if value is None or str(value).strip() == "" or enrollment_id is None or day_id is None:
            continue
        kept = exported.get((enrollment_id, day_id))
        if kept is None:
            continue
        found.append(
            ReturnedMark(
                sheet.title,
                row,
                kept[0],
                enrollment_id,
                day_id,
                str(learner or ""),
                str(value).strip(),
                kept[1],
            )
        )
    return found


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None

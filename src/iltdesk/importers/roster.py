"""Mapped rows → learner values with their problems (no database: matching is a service's job).

Each data row below the header becomes a `ParsedRow` holding the cleaned cells of every column
(for the preview and the problems report), the learner values it gives, and what is wrong with
it. Blank rows are skipped. The same person twice in the file (same email, any case; or the
same employee ID) is merged into the first row, filling its blanks; nothing is dropped without a
note saying where it went.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass

from iltdesk.collector import paused_collector
from iltdesk.domain import people
from iltdesk.domain.emails import email_key
from iltdesk.domain.emails import normalise_email
from iltdesk.domain.imports import RowProblem
from iltdesk.i18n import _
from iltdesk.importers.cells import cell_text
from iltdesk.importers.cells import clean_row
from iltdesk.importers.cells import day_first_in
from iltdesk.importers.cells import number_text
from iltdesk.importers.cells import sheet_date
from iltdesk.importers.cells import split_full_name
from iltdesk.importers.fields import Field
from iltdesk.importers.reading import RawSheet

# The hire date is an ISO date, or "" (read by `cells.sheet_date` however the sheet holds it).
LEARNER_FIELDS = people.LEARNER_FIELDS


@dataclass
class ParsedRow:
    """One sheet row cleaned into learner values, with its problems and merges."""

    row: int  # 1-based sheet row number
    cells: tuple[str, ...]
    values: dict[str, str]
    # Tuples, shared while empty: 100,000 empty lists (two a row) were walked by every full
    # collection while a 50,000-row preview was open, holding the window ~100 ms a pass.
    problems: tuple[RowProblem, ...] = ()
    merged_from: tuple[int, ...] = ()  # later rows folded into this one
    duplicate_of: int | None = None  # this row was folded into that row
    key: str = ""  # the email's case-insensitive key, once the email is valid

    def add_problem(self, problem: RowProblem) -> None:
        """Note a problem with this row."""
        self.problems = (*self.problems, problem)

    @property
    def rejected(self) -> bool:
        return any(p.blocking for p in self.problems)

    @property
    def importable(self) -> bool:
        return not self.rejected and self.duplicate_of is None


@dataclass
class ParsedRoster:
    """A sheet cleaned into rows, with the header and column mapping used."""

    sheet: str
    header_row: int  # 0-based index into the sheet's rows
    headers: tuple[str, ...]
    mapping: dict[int, Field]
    rows: list[ParsedRow]

    @property
    def importable(self) -> list[ParsedRow]:
        return [row for row in self.rows if row.importable]

    @property
    def rejected(self) -> list[ParsedRow]:
        return [row for row in self.rows if row.rejected]

    @property
    def duplicates_merged(self) -> int:
        return sum(1 for row in self.rows if row.duplicate_of is not None)


def _column_name(headers: Sequence[str], index: int) -> str:
    return headers[index] if index < len(headers) and headers[index] else column_letter(index)


def column_letter(index: int) -> str:
    """The spreadsheet's name for a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def parse_rows(
    sheet: RawSheet,
    header_row: int,
    mapping: Mapping[int, Field],
    progress: Callable[[int, int], None] | None = None,
) -> ParsedRoster:
    """Every data row under `header_row`, cleaned, validated and de-duplicated."""
    with paused_collector():
        return _parse_rows(sheet, header_row, mapping, progress)


def _parse_rows(
    sheet: RawSheet,
    header_row: int,
    mapping: Mapping[int, Field],
    progress: Callable[[int, int], None] | None,
) -> ParsedRoster:
    raw_headers = sheet.rows[header_row] if header_row < len(sheet.rows) else []
    width = max((len(r) for r in sheet.rows[header_row:]), default=0)
    headers = tuple(cell_text(raw_headers[i]) if i < len(raw_headers) else "" for i in range(width))
    by_field = {f: i for i, f in mapping.items()}
    names = {f: _column_name(headers, i) for f, i in by_field.items()}
    # Column of each field in a row padded to `width` plus one blank: unmapped fields read it.
    where = {f: by_field.get(f, width) for f in Field}
    parsed: list[ParsedRow] = []
    first_by_email: dict[str, ParsedRow] = {}
    first_by_id: dict[str, ParsedRow] = {}
    data_rows = sheet.rows[header_row + 1 :]
    total = len(data_rows)
    hire_column = by_field.get(Field.HIRE_DATE)
    day_first = (
        day_first_in(
            [
                cell_text(r[hire_column])
                for r in data_rows
                if hire_column < len(r) and r[hire_column]
            ]
        )
        if hire_column is not None
        else None
    )
    for offset, raw in enumerate(data_rows):
        if progress is not None and offset % 2000 == 0:
            progress(offset, total)
        cells = clean_row(raw)
        if not any(cells):
            continue
        if len(cells) < width:
            cells += ("",) * (width - len(cells))
        row = _parse_one(header_row + offset + 2, cells, where, names)
        if hire_column is not None:
            _hire_date(row, raw, hire_column, sheet.date1904, day_first, names)
        _check_raw(row, raw, header_row + 1 + offset, sheet.uncached, by_field, names)
        parsed.append(row)
        if row.rejected:
            continue
        key = row.key = email_key(row.values["email"])
        employee_id = row.values["employee_id"]
        first = first_by_email.get(key)
        if (
            first is not None
            and employee_id
            and first.values["employee_id"]
            not in (
                "",
                employee_id,
            )
        ):
            # One person with two IDs is for the user to settle, not for a merge to pick.
            row.add_problem(
                RowProblem(
                    row.row,
                    names.get(Field.EMPLOYEE_ID, ""),
                    _(
                        "{email} is also on row {other} with another employee ID ({other_id}). "
                        "Which is right? Correct the file and import again; this row is left out."
                    ).format(
                        email=row.values["email"],
                        other=first.row,
                        other_id=first.values["employee_id"],
                    ),
                )
            )
            continue
        if first is None and employee_id:
            first = first_by_id.get(employee_id)
            if first is not None:
                row.add_problem(
                    RowProblem(
                        row.row,
                        names.get(Field.EMPLOYEE_ID, ""),
                        _(
                            "Employee ID {employee_id} is also on row {other} with another email "
                            "address ({email})."
                        ).format(
                            employee_id=employee_id, other=first.row, email=first.values["email"]
                        ),
                    )
                )
                continue
        if first is not None:
            _fold(first, row)
            continue
        first_by_email[key] = row
        if employee_id:
            first_by_id.setdefault(employee_id, row)
    if progress is not None:
        progress(total, total)
    return ParsedRoster(sheet.name, header_row, headers, dict(mapping), parsed)


# Excel keeps 15 significant digits: a longer number in a cell is already not what was typed.
EXCEL_DIGITS = 15
# Fields a row cannot be imported without; other fields may be empty.
REQUIRED_FIELDS = frozenset({Field.EMAIL, Field.FIRST_NAME, Field.LAST_NAME, Field.FULL_NAME})


def _check_raw(
    row: ParsedRow,
    raw: Sequence[object],
    index: int,
    uncached: frozenset[tuple[int, int]],
    columns: Mapping[Field, int],
    names: Mapping[Field, str],
) -> None:
    """Problems only the raw cells show: numbers Excel cut short, formulas never calculated."""
    column = columns.get(Field.EMPLOYEE_ID)
    if column is not None and column < len(raw):
        value = raw[column]
        if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1e15:
            row.values["employee_id"] = ""
            row.add_problem(
                RowProblem(
                    row.row,
                    names.get(Field.EMPLOYEE_ID, ""),
                    _(
                        "This ID has more digits than Excel keeps ({digits}), so the file holds "
                        "{value}, which may not be the ID that was typed; it was left out. Format "
                        "the column as Text in Excel, type the IDs again and import again."
                    ).format(digits=EXCEL_DIGITS, value=number_text(float(value))),
                    blocking=False,
                )
            )
    if not uncached:
        return
    for field_name, position in columns.items():
        if (index, position) in uncached:
            row.add_problem(
                RowProblem(
                    row.row,
                    names.get(field_name, ""),
                    _(
                        "This cell holds a formula whose result was never saved in the file, so "
                        "it reads as empty. Open the file in Excel (which calculates it), save "
                        "it, and import it again."
                    ),
                    blocking=field_name in REQUIRED_FIELDS,
                )
            )


def _parse_one(
    number: int, cells: tuple[str, ...], where: Mapping[Field, int], names: Mapping[Field, str]
) -> ParsedRow:
    padded = (*cells, "")

    def get(f: Field) -> str:
        return padded[where[f]]

    values = {
        "first_name": "",
        "last_name": "",
        "email": "",
        "employee_id": padded[where[Field.EMPLOYEE_ID]],
        "department": padded[where[Field.DEPARTMENT]],
        "manager_name": padded[where[Field.MANAGER]],
        "manager_email": "",
        "location": padded[where[Field.LOCATION]],
        "job_title": padded[where[Field.JOB_TITLE]],
        "hire_date": "",
    }
    first, last = get(Field.FIRST_NAME), get(Field.LAST_NAME)
    full = get(Field.FULL_NAME)
    if full and not (first and last):
        split_first, split_last = split_full_name(full)
        first, last = first or split_first, last or split_last
    values["first_name"], values["last_name"] = first, last
    row = ParsedRow(number, cells, values)
    raw_email = get(Field.EMAIL)
    if not raw_email:
        row.add_problem(RowProblem(number, names.get(Field.EMAIL, ""), _("No email address.")))
    else:
        normal = normalise_email(raw_email)
        if normal is None:
            values["email"] = raw_email  # shown in the preview; the row is not imported
            row.add_problem(
                RowProblem(
                    number,
                    names.get(Field.EMAIL, ""),
                    _("“{email}” is not a valid email address.").format(email=raw_email),
                )
            )
        else:
            values["email"] = normal
    if not first and not last:
        column = names.get(Field.FULL_NAME) or names.get(Field.LAST_NAME) or ""
        row.add_problem(RowProblem(number, column, _("No name.")))
    manager = get(Field.MANAGER)
    manager_email = get(Field.MANAGER_EMAIL)
    if not manager_email and "@" in manager and normalise_email(manager) is not None:
        values["manager_name"], manager_email = "", manager
    if manager_email:
        normal = normalise_email(manager_email)
        if normal is None:
            row.add_problem(
                RowProblem(
                    number,
                    names.get(Field.MANAGER_EMAIL) or names.get(Field.MANAGER, ""),
                    _("The manager's email “{email}” is not a valid email address.").format(
                        email=manager_email
                    ),
                    blocking=False,
                )
            )
        else:
            values["manager_email"] = normal
    return row


def _hire_date(
    row: ParsedRow,
    raw: Sequence[object],
    column: int,
    date1904: bool,
    day_first: bool | None,
    names: Mapping[Field, str],
) -> None:
    """The row's hire date as an ISO date; a cell that is not a date is noted, not fatal."""
    value = raw[column] if column < len(raw) else None
    text = row.cells[column] if column < len(row.cells) else ""
    if not text:
        return
    found = sheet_date(value, text, date1904=date1904, day_first=day_first)
    if found is None:
        row.add_problem(
            RowProblem(
                row.row,
                names.get(Field.HIRE_DATE, ""),
                _(
                    "“{text}” is not a date ILT Desk can read, so the learner is imported "
                    "without a hire date. Type it as {example}."
                ).format(text=text, example="2024-03-15"),
                blocking=False,
            )
        )
        return
    row.values["hire_date"] = found.isoformat()


def _fold(first: ParsedRow, later: ParsedRow) -> None:
    """Merge `later` (the same person) into `first`: fill blanks, note any disagreement."""
    later.duplicate_of = first.row
    first.merged_from = (*first.merged_from, later.row)
    differing = []
    for name in LEARNER_FIELDS:
        mine, theirs = first.values[name], later.values[name]
        if not mine and theirs:
            first.values[name] = theirs
        elif theirs and mine.casefold() != theirs.casefold():
            differing.append(f"{theirs} ≠ {mine}")
    message = _("The same person as row {row}; merged into it.").format(row=first.row)
    if differing:
        message += " " + _("Kept row {row}'s values where they differ: {values}.").format(
            row=first.row, values="; ".join(differing)
        )
    later.add_problem(RowProblem(later.row, "", message, blocking=False))

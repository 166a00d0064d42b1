"""Checks a workbook's size before any reader builds its grid.

A reader builds a sheet as a dense grid from its first to its last used cell, so two cells —
A1 and XFD200000 — in a 4.6 KB file ask for billions of cells and kill the process before any
row count can be checked; a zip bomb asks for gigabytes of XML. Here the declared and the real
extent of every sheet is read first, cheaply and without building anything: the ZIP's sizes
and compression ratios, each sheet's `<dimension>` and its largest cell reference (scanned from
the sheet XML as a stream), the repeated rows and columns of an OpenDocument sheet, the cell
records of a legacy .xls. A file over a limit is refused with a sentence naming the limit.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO

from iltdesk.errors import UnreadableFileError
from iltdesk.i18n import _

ROW_LIMIT = 100_000  # rows of one sheet: more is split into several imports
COLUMN_LIMIT = 256
# Rows × columns of a sheet's used range. Read and cleaned, a cell costs about 180 bytes:
# this keeps the largest accepted import under 300 MB (measured in bench/bench_limits.py).
CELL_LIMIT = 1_200_000
# Bytes of XML in all parts together: sheets are read as a stream, so this bounds the time a
# read takes; the shared-strings part is held in memory whole, so it has a smaller limit.
UNCOMPRESSED_LIMIT = 500 * 1024 * 1024
SHARED_STRINGS_LIMIT = 100 * 1024 * 1024
RATIO_LIMIT = 100  # how much one part may expand; real workbooks stay under 20
RATIO_FLOOR = 1024 * 1024  # parts smaller than this may compress as well as they like
CHUNK = 1 << 20


class TooLargeError(UnreadableFileError):
    """The file is larger than ILT Desk reads, or is built to look small and expand."""


@dataclass(frozen=True)
class Extent:
    """How far a sheet reaches: its last used row and column (1-based), and its cell count."""

    sheet: str
    rows: int
    columns: int
    cells: int = 0  # cell elements seen (some files leave out their positions)
    # (row, column), 0-based, of formula cells whose result was never saved in the file:
    # a reader sees them empty, though the sheet shows a value once calculated.
    uncached: frozenset[tuple[int, int]] = frozenset()


def column_number(letters: bytes) -> int:
    """A column's number from its letters (A is 1, AA is 27)."""
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def check_zip(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a ZIP that expands too far, in total or by compression ratio."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.filename.endswith("sharedStrings.xml") and info.file_size > SHARED_STRINGS_LIMIT:
            raise TooLargeError(
                _(
                    "{name} holds more than {limit} MB of text in its shared strings, more than "
                    "ILT Desk reads at once. Save only the roster sheet, or export it as CSV."
                ).format(name=path.name, limit=SHARED_STRINGS_LIMIT // (1024 * 1024))
            )
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > RATIO_FLOOR and ratio > RATIO_LIMIT:
            raise TooLargeError(
                _(
                    "{name} is built to expand: one part grows {ratio}-fold when unpacked "
                    "(ILT Desk allows {limit}-fold). It is not an ordinary workbook; ask for the "
                    "data again as a normal .xlsx or .csv file."
                ).format(name=path.name, ratio=f"{ratio:,.0f}", limit=RATIO_LIMIT)
            )
        if total > UNCOMPRESSED_LIMIT:
            raise TooLargeError(
                _(
                    "{name} unpacks to more than {limit} MB of data, more than ILT Desk reads "
                    "at once. Split it into smaller files, or save only the roster sheet."
                ).format(name=path.name, limit=UNCOMPRESSED_LIMIT // (1024 * 1024))
            )


def check_extent(path: Path, extent: Extent, row_limit: int = ROW_LIMIT) -> None:
    """Refuse a sheet whose used range is over the row, column or cell limit."""
    name, sheet = path.name, extent.sheet
    if extent.rows > row_limit:
        raise TooLargeError(
            _(
                "{name} has {rows} rows in sheet “{sheet}”; ILT Desk imports at most {limit} at "
                "a time. Split the file into smaller ones and import each."
            ).format(name=name, sheet=sheet, rows=f"{extent.rows:,}", limit=f"{row_limit:,}")
        )
    if extent.columns > COLUMN_LIMIT:
        raise TooLargeError(
            _(
                "Sheet “{sheet}” of {name} reaches column {columns}; ILT Desk reads at most "
                "{limit} columns. Delete the empty or unneeded columns far to the right and "
                "save it again."
            ).format(name=name, sheet=sheet, columns=f"{extent.columns:,}", limit=COLUMN_LIMIT)
        )
    if max(extent.rows * extent.columns, extent.cells) > CELL_LIMIT:
        raise TooLargeError(
            _(
                "Sheet “{sheet}” of {name} spans {rows} rows × {columns} columns, more than the "
                "{limit} cells ILT Desk reads at once. Delete unneeded columns, or split the rows "
                "into several files."
            ).format(
                name=name,
                sheet=sheet,
                rows=f"{extent.rows:,}",
                columns=f"{extent.columns:,}",
                limit=f"{CELL_LIMIT:,}",
            )
        )


# --- xlsx -----------------------------------------------------------------------------------

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]*)(\d*)(?::([A-Z]+)(\d+))?"')
_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,4})(\d+)"')
_ANY_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_SPACED_REF = re.compile(rb' r="([A-Z]*)(\d+)"')
# A formula cell with no cached value: <c r="B5"><f>…</f></c> (or an empty <v/>).
_UNCACHED = re.compile(
    rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,4})(\d+)"[^>]*>\s*'
    rb"<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx_sheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part name) of every sheet, from workbook.xml and its relationships."""
    from defusedxml import ElementTree

    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        return []
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    targets: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in names:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        for rel in rels.iter(f"{{{_REL_NS}}}Relationship"):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            targets[rel.get("Id", "")] = posixpath.normpath(part)
    found = []
    for sheet in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        part = targets.get(sheet.get(f"{{{_DOC_REL}}}id", ""), "")
        if part in names:
            found.append((sheet.get("name", ""), part))
    return found


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """The stream in chunks cut before a row starts (else before a tag), so no cell is cut."""
    tail = b""
    while True:
        block = stream.read(CHUNK)
        if not block:
            if tail:
                yield tail
            return
        data = tail + block
        cut = data.rfind(b"<row")
        if cut <= 0:
            cut = data.rfind(b"<")
        if cut <= 0:
            cut = len(data)
        yield data[:cut]
        tail = data[cut:]


def _above(text: bytes, digit: bytes, top: int) -> bytes:
    """A pattern for the strings of `digit` that read as more than `text` does.

    Digits compare as numbers do (a longer string is larger; at equal length the first
    differing digit decides): row numbers in 0-9, column letters in A-Z. A row number with
    leading zeros may match while not larger; that only sends its chunk the slow way.
    """
    length = len(text)
    choices = [digit + b"{%d,}" % (length + 1)]
    for i, current in enumerate(text):
        if current < top:
            rest = length - i - 1
            larger = b"[" + bytes([current + 1]) + b"-" + bytes([top]) + b"]"
            choices.append(text[:i] + larger + (digit + b"{%d}" % rest if rest else b""))
    return b"(?:" + b"|".join(choices) + b")"


def column_letters(number: int) -> bytes:
    """A column's letters from its number (1 is A, 27 is AA); 0 has none."""
    letters = b""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = bytes([65 + rest]) + letters
    return letters


@lru_cache(maxsize=64)
def _beyond(rows: int, columns: int) -> re.Pattern[bytes]:
    """Any ` r="…"` reference past row `rows` or column `columns`."""
    row = _above(str(rows).encode(), rb"\d", ord("9"))
    column = _above(column_letters(columns), b"[A-Z]", ord("Z")) if columns else b"[A-Z]"
    return re.compile(rb' r="(?:' + column + rb"\d|[A-Z]*" + row + rb'")')


def _reach(chunk: bytes, rows: int, columns: int) -> tuple[int, int]:
    """The furthest row and column a chunk's row and cell references reach.

    Every reference is usually ` r="…"` after a space (`<row r="5"`, `<c r="B5"`), in order,
    so the chunk's last reference is usually its furthest: one search for a reference past it
    (which finds none) proves it, without reading each reference. When one is past it (cells
    out of order, a ragged row) every reference is read; when the chunk holds an `r="` not
    after a space (another separator, an attribute ending in r, text), the patterns anchored
    to the tags decide.
    """
    if chunk.count(b' r="') == chunk.count(b'r="'):
        last = _SPACED_REF.match(chunk, max(0, chunk.rfind(b' r="')))
        if last is not None:
            rows = max(rows, int(last[2]))
            if last[1]:
                columns = max(columns, column_number(last[1]))
        if _beyond(rows, columns).search(chunk) is None:
            return rows, columns
        spaced = _SPACED_REF.findall(chunk)
        numbers = {n for _c, n in spaced}
        letters = {c for c, _n in spaced if c}
    else:
        refs = _CELL_REF.findall(chunk)
        numbers = set(_ROW.findall(chunk)) | {n for _c, n in refs}
        letters = {c for c, _n in refs}
    if numbers:
        rows = max(rows, *(int(n) for n in numbers))
    if letters:
        columns = max(columns, *(column_number(c) for c in letters))
    return rows, columns


def _cells(chunk: bytes) -> int:
    """How many cells a chunk holds, at least (a few other tags may count: never fewer)."""
    if b":c" not in chunk:  # no namespace prefix on any tag: count the tags themselves
        tags = chunk.count(b"<c")
        if b"<sheetData" in chunk or b"</sheetData>" in chunk:
            # Column widths and conditional formats sit before and after the cells.
            tags -= chunk.count(b"<co") + chunk.count(b"<cf")
        return tags
    return len(_ANY_CELL.findall(chunk))


def xlsx_extent(archive: zipfile.ZipFile, sheet: str, part: str) -> Extent:
    """The larger of a sheet's declared dimension and its largest row and cell reference."""
    rows = columns = cells = 0
    uncached: set[tuple[int, int]] = set()
    first = True
    with archive.open(part) as stream:
        for chunk in _chunks(stream):
            if first:
                first = False
                dimension = _DIMENSION.search(chunk)
                if dimension and dimension.group(4):
                    rows = int(dimension.group(4))
                    columns = column_number(dimension.group(3))
            rows, columns = _reach(chunk, rows, columns)
            cells += _cells(chunk)
            if b"<f" in chunk:
                uncached.update(
                    (int(number) - 1, column_number(letters) - 1)
                    for letters, number in _UNCACHED.findall(chunk)
                )
    return Extent(sheet, rows, columns, cells, frozenset(uncached))


# --- ods ------------------------------------------------------------------------------------

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def ods_extents(archive: zipfile.ZipFile) -> list[Extent]:
    """Each table's reach, counting repeated rows and columns up to the last filled cell.

    Trailing empty repeats (LibreOffice writes a million empty rows) cost a reader nothing and
    are not counted; a value repeated across a million rows is.
    """
    from defusedxml.ElementTree import iterparse

    extents = []
    name = ""
    row_number = last_row = widest = 0
    with archive.open("content.xml") as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start" and tag == f"{{{_TABLE}}}table":
                name = element.get(f"{{{_TABLE}}}name", "")
                row_number = last_row = widest = 0
            elif event == "end" and tag == f"{{{_TABLE}}}table-row":
                repeat = int(element.get(f"{{{_TABLE}}}number-rows-repeated", "1") or 1)
                column = last_column = 0
                for cell in element:
                    span = int(cell.get(f"{{{_TABLE}}}number-columns-repeated", "1") or 1)
                    column += span
                    filled = (
                        cell.get(f"{{{_OFFICE}}}value-type") is not None
                        or cell.find(f"{{{_TEXT}}}p") is not None
                    )
                    if filled:
                        last_column = column
                row_number += repeat
                if last_column:
                    last_row = row_number
                    widest = max(widest, last_column)
                element.clear()
                if last_row > ROW_LIMIT * 10 or widest > COLUMN_LIMIT * 100:
                    break  # far over any limit already: no need to read on
            elif event == "end" and tag == f"{{{_TABLE}}}table":
                extents.append(Extent(name, last_row, widest))
                element.clear()
    if name and (not extents or extents[-1].sheet != name):
        extents.append(Extent(name, last_row, widest))
    return extents


# --- xls (BIFF8 inside an OLE2 container) -----------------------------------------------------

# Cell records start with row and column (two bytes each); MULRK/MULBLANK end with the last
# column they cover.
_CELL_RECORDS = {0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006, 0x00D6}
_MULTI_RECORDS = {0x00BD, 0x00BE}
_BOF, _EOF, _BOUNDSHEET = 0x0809, 0x000A, 0x0085


def _sheet_name(raw: bytes) -> str:
    """A BOUNDSHEET record's name: a length, a flag for two-byte characters, the characters."""
    if len(raw) < 2:
        return ""
    count, wide = raw[0], raw[1] & 1
    text = raw[2 : 2 + count * (2 if wide else 1)]
    return text.decode("utf-16-le" if wide else "latin-1", errors="replace")


def xls_extents(data: bytes) -> list[Extent]:
    """Each worksheet's last used row and column, from the cell records of its stream."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as container:
        stream_name = next((name for name in ("Workbook", "Book") if container.exists(name)), None)
        if stream_name is None:
            return []
        stream = container.openstream(stream_name).read()
    extents = []
    names: list[str] = []
    offset, depth, index = 0, 0, 0
    rows = columns = 0
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        body = offset + 4
        if kind == _BOF:
            depth += 1
            rows = columns = 0
        elif kind == _BOUNDSHEET and length >= 8:
            names.append(_sheet_name(stream[body + 6 : body + length]))
        elif kind == _EOF:
            if depth > 1 or (depth == 1 and (rows or columns)):
                label = names[index] if index < len(names) else f"#{index + 1}"
                index += 1
                extents.append(Extent(label, rows, columns))
            depth = max(0, depth - 1)
        elif kind in _CELL_RECORDS and length >= 4:
            row, column = struct.unpack_from("<HH", stream, body)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        elif kind in _MULTI_RECORDS and length >= 6:
            row = struct.unpack_from("<H", stream, body)[0]
            last = struct.unpack_from("<H", stream, body + length - 2)[0]
            rows, columns = max(rows, row + 1), max(columns, last + 1)
        offset = body + length
    return extents


def check_workbook(
    path: Path, data: bytes, kind: str, row_limit: int = ROW_LIMIT
) -> dict[str, frozenset[tuple[int, int]]]:
    """Refuse a workbook too large to read, before any reader builds a grid from it.

    Returns, per sheet name, the formula cells whose result was never saved (xlsx only).
    """
    if kind == "xls":
        extents = xls_extents(data)
    else:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip(path, archive)
            if kind == "ods":
                extents = ods_extents(archive)
            else:
                extents = [xlsx_extent(archive, n, p) for n, p in xlsx_sheets(archive)]
    for extent in extents:
        check_extent(path, extent, row_limit)
    return {e.sheet: e.uncached for e in extents if e.uncached}

"""Reading a roster file into plain sheets of cell values, refusing bad files with a sentence.

The kind of file is decided by its first bytes, not its name: a ZIP holding `xl/workbook.xml`
is an xlsx/xlsm, one holding `content.xml` an ods, an OLE2 container an xls (or an encrypted
workbook), anything else is tried as delimited text. Workbooks are read with python-calamine
(several times faster than openpyxl; it also reports merged cells). Only cached values are read:
formulas are never evaluated and macros never run.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import re
import struct
import zipfile
from dataclasses import dataclass
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from iltdesk.collector import paused_collector
from iltdesk.errors import UnreadableFileError
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.importers.guard import ROW_LIMIT
from iltdesk.importers.guard import Extent
from iltdesk.importers.guard import check_extent

TEXT_LIMIT = 150 * 1024 * 1024  # a CSV file is held in memory whole

log = logging.getLogger(__name__)

DELIMITERS = (",", ";", "\t")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


@dataclass(frozen=True)
class RawSheet:
    """One sheet as read from a file: its cells, before any cleaning."""

    name: str
    # Tuples: the collector stops walking a tuple of plain values after one pass, while it
    # walks a list at every full collection (50,000 of them while a preview is open).
    rows: list[tuple[object, ...]]
    merged_rows: frozenset[int] = frozenset()  # row indexes holding a cell merged across columns
    # (row, column), 0-based: formula cells the file holds no result for (they read as empty)
    uncached: frozenset[tuple[int, int]] = frozenset()
    # The workbook counts date serials from 1904 (old Excel for Mac): plain numbers in a date
    # column are read in that system (cells formatted as dates already arrive as dates).
    date1904: bool = False

    @cached_property
    def row_count(self) -> int:
        return sum(1 for row in self.rows if any(cell not in (None, "") for cell in row))


@dataclass(frozen=True)
class SourceFile:
    """A spreadsheet or CSV file as read: its sheets and its SHA-256."""

    path: Path
    kind: str  # "xlsx", "ods", "xls", "csv"
    sha256: str
    sheets: list[RawSheet]
    encoding: str = ""  # text files only
    delimiter: str = ""

    def sheet(self, name: str | None) -> RawSheet:
        if name is None:
            return self.sheets[self.likely_sheet()]
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        names = ", ".join(s.name for s in self.sheets)
        raise UserError(
            _("The file has no sheet called “{name}”. Its sheets are: {names}.").format(
                name=name, names=names
            )
        )

    def likely_sheet(self) -> int:
        """The index of the sheet that looks like a roster (a header row, then the most rows)."""
        from iltdesk.importers.fields import find_header_row

        def score(sheet: RawSheet) -> tuple[bool, int]:
            return find_header_row(sheet.rows, sheet.merged_rows) is not None, sheet.row_count

        return max(range(len(self.sheets)), key=lambda i: score(self.sheets[i]))


def _unreadable(message: str) -> UnreadableFileError:
    return UnreadableFileError(message)


def read_file(
    path: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    row_limit: int = ROW_LIMIT,
) -> SourceFile:
    """Every sheet of the file at `path`, or an `UnreadableFileError` saying what is wrong."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _unreadable(_("{name} does not exist.").format(name=path)) from None
    except IsADirectoryError:
        raise _unreadable(_("{name} is a folder, not a file.").format(name=path)) from None
    except OSError as error:
        raise _unreadable(
            _("{name} cannot be opened: {reason}.").format(name=path.name, reason=error.strerror)
        ) from None
    if not data.strip():
        raise _unreadable(_("{name} is empty: there is nothing to import.").format(name=path.name))
    if not data.startswith((b"PK", _OLE2)) and len(data) > TEXT_LIMIT:
        raise _unreadable(
            _(
                "{name} is {size} MB, more than the {limit} MB ILT Desk reads at once. Split it "
                "into smaller files."
            ).format(
                name=path.name,
                size=len(data) // (1024 * 1024),
                limit=TEXT_LIMIT // (1024 * 1024),
            )
        )
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        kind = _zip_kind(path, data)
        uncached = _guard(path, data, kind, row_limit)
        with paused_collector():  # 50,000 rows: the collector need not walk them on the way
            sheets = _read_workbook(path, data, row_limit)
        if uncached:
            sheets = [replace(s, uncached=uncached.get(s.name, frozenset())) for s in sheets]
        return SourceFile(path, kind, digest, sheets)
    if data.startswith(_OLE2):
        if _ENCRYPTED in data:
            raise _unreadable(
                _(
                    "{name} is protected with a password. Open it in Excel, remove the password "
                    "(File › Info › Protect Workbook), save it and import it again."
                ).format(name=path.name)
            )
        _guard(path, data, "xls", row_limit)
        with paused_collector():
            return SourceFile(path, "xls", digest, _read_workbook(path, data, row_limit))
    if path.suffix.casefold() in (".xlsx", ".xlsm", ".xls", ".ods"):
        raise _unreadable(
            _(
                "{name} is not really a spreadsheet, though its name says so. It may be "
                "damaged; ask for the file again, or save it from Excel as .xlsx."
            ).format(name=path.name)
        )
    text, used_encoding = decode_text(data, encoding)
    if _looks_binary(text):
        raise _unreadable(
            _(
                "{name} is not a spreadsheet or a CSV file. Import an Excel workbook (.xlsx), "
                "an OpenDocument sheet (.ods) or a CSV file."
            ).format(name=path.name)
        )
    used_delimiter = delimiter or sniff_delimiter(text)
    rows: list[tuple[object, ...]] = []
    widest = 0
    with paused_collector():
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=used_delimiter):
            rows.append(tuple(row))
            widest = max(widest, len(row))
            if len(rows) > row_limit:
                break
    check_extent(path, Extent(path.stem, len(rows), widest), row_limit)
    sheet = RawSheet(path.stem, rows)
    return SourceFile(
        path, "csv", digest, [sheet], encoding=used_encoding, delimiter=used_delimiter
    )


def _guard(
    path: Path, data: bytes, kind: str, row_limit: int
) -> dict[str, frozenset[tuple[int, int]]]:
    """Refuse a workbook too large to read before the reader builds its grids."""
    from iltdesk.importers.guard import check_workbook

    try:
        return check_workbook(path, data, kind, row_limit)
    except UserError:
        raise
    except Exception as error:  # a damaged container: the reader will say so in its words
        log.info("size check of %s skipped: %s", path.name, error)
        return {}


def _zip_kind(path: Path, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        raise _unreadable(
            _(
                "{name} is damaged or incomplete (perhaps a download or copy that did not "
                "finish). Ask for the file again."
            ).format(name=path.name)
        ) from None
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if "content.xml" in names:
        return "ods"
    raise _unreadable(
        _(
            "{name} is a ZIP archive, not a spreadsheet. Unpack it and import the Excel or CSV "
            "file inside."
        ).format(name=path.name)
    )


def _read_workbook(path: Path, data: bytes, row_limit: int) -> list[RawSheet]:
    # Imported here: the reader is only needed when a workbook is imported.
    import python_calamine

    date1904 = uses_1904_dates(data)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            _check_limit(path, sheet.height, row_limit)
            rows: list[tuple[object, ...]] = [
                tuple(row) for row in sheet.to_python(skip_empty_area=False)
            ]
            merged = frozenset(
                r
                for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or ())
                if c1 > c0
                for r in range(r0, r1 + 1)
            )
            sheets.append(RawSheet(meta.name, rows, merged, date1904=date1904))
    except python_calamine.CalamineError as error:
        if "password" in str(error).casefold() or "encrypt" in str(error).casefold():
            raise _unreadable(
                _(
                    "{name} is protected with a password. Open it in Excel, remove the "
                    "password, save it and import it again."
                ).format(name=path.name)
            ) from None
        raise _unreadable(
            _(
                "{name} cannot be read as a spreadsheet; it may be damaged or incomplete. "
                "Open it in Excel, save it as .xlsx and import that copy."
            ).format(name=path.name)
        ) from None
    if not sheets or not any(sheet.row_count for sheet in sheets):
        raise _unreadable(_("{name} has no rows to import.").format(name=path.name))
    return sheets


_DATE1904_XML = re.compile(rb"date1904\s*=\s*[\"'](?:1|true)[\"']")
_NULL_DATE_1904 = re.compile(rb"null-date[^>]*date-value\s*=\s*[\"']1904-01-01")
_DATEMODE = 0x0022


def uses_1904_dates(data: bytes) -> bool:
    """Whether a workbook (xlsx, ods or xls) counts date serials from 1 January 1904."""
    try:
        if data.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" in names:
                    with archive.open("xl/workbook.xml") as part:
                        return bool(_DATE1904_XML.search(part.read(1 << 20)))
                if "content.xml" in names:
                    with archive.open("content.xml") as part:
                        return bool(_NULL_DATE_1904.search(part.read(1 << 20)))
            return False
        if data.startswith(_OLE2):
            return _xls_datemode(data) == 1
    except (OSError, ValueError, zipfile.BadZipFile, struct.error):
        return False  # the reader names what is wrong with a damaged file
    return False


def _xls_datemode(data: bytes) -> int:
    """The DATEMODE record of a legacy workbook's globals (0: 1900, 1: 1904)."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as container:
        name = next((n for n in ("Workbook", "Book") if container.exists(n)), None)
        if name is None:
            return 0
        stream = container.openstream(name).read()
    offset = 0
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        if kind == _DATEMODE and length >= 2:
            return int(struct.unpack_from("<H", stream, offset + 4)[0])
        if kind == 0x000A:  # the globals end: no DATEMODE record means 1900
            return 0
        offset += 4 + length
    return 0


def _check_limit(path: Path, rows: int, row_limit: int) -> None:
    if rows > row_limit:
        raise _unreadable(
            _(
                "{name} has {rows} rows; ILT Desk imports at most {limit} at a time. Split the "
                "file into smaller ones and import each."
            ).format(name=path.name, rows=f"{rows:,}", limit=f"{row_limit:,}")
        )


def decode_text(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of a CSV file and the encoding used.

    The encoding given, else the one its BOM names, else UTF-8 when it decodes cleanly, else
    UTF-16 when every other byte is zero, else Windows-1252.
    """
    if encoding:
        return data.decode(encoding, errors="replace"), encoding
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:4000]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return data.decode("utf-16-le", errors="replace"), "utf-16-le"
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return data.decode("utf-16-be", errors="replace"), "utf-16-be"
    return data.decode("cp1252", errors="replace"), "cp1252"


def _looks_binary(text: str) -> bool:
    sample = text[:4000]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f\v")
    return "\x00" in sample or controls > len(sample) // 50


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the most lines into the same many fields.

    `csv.Sniffer` is thrown by title rows above the header; this counts fields per line with
    each candidate (quotes respected) and keeps the one with the largest consistent block.
    """
    lines = text.splitlines()[:60]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if any(row)]
        widths = [n for n in counts if n > 1]
        if not widths:
            continue
        modal = max(set(widths), key=widths.count)
        score = (widths.count(modal), modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best

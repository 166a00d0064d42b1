"""Reading every format, every encoding and delimiter, and refusing every kind of bad file."""

from __future__ import annotations

import io
import re
import zipfile

import msoffcrypto.format.ooxml
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iltdesk.importers.fields import find_header_row
from iltdesk.importers.guard import _above
from iltdesk.importers.guard import column_letters
from iltdesk.importers.guard import column_number
from iltdesk.importers.guard import xlsx_extent
from iltdesk.importers.reading import UnreadableFileError
from iltdesk.importers.reading import read_file
from tests.fixtures.rosters import HEADERS
from tests.fixtures.rosters import csv_bytes
from tests.fixtures.rosters import messy_workbook
from tests.fixtures.rosters import plain_workbook
from tests.fixtures.rosters import simple_rows

ROWS = [
    ["Name", "E-Mail", "Abteilung"],
    ["Müller, Zoë", "zoe@example.com", "Vertrieb"],
    ["Łukasz Żółć", "lukasz@example.com", "Einkauf; Logistik"],
]


def test_xlsx_roster_on_second_sheet_is_preselected_with_cached_formula_values(tmp_path):
    source = read_file(messy_workbook(tmp_path / "hr.xlsx"))
    assert source.kind == "xlsx"
    assert [s.name for s in source.sheets] == ["Read me", "Training export"]
    sheet = source.sheet(None)
    assert sheet.name == "Training export"
    assert 0 in sheet.merged_rows
    assert find_header_row(sheet.rows, sheet.merged_rows) == 3
    assert sheet.rows[-1][0] == "F-9"  # the formula's cached value, not the formula
    assert sheet.rows[4][0] == "007"
    assert sheet.rows[5][0] == 12345.0


def test_xlsm_and_openpyxl_written_files_read_too(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(["1", "Ann", "Lee", "ann@example.com"])
    sheet["A3"] = "=1+1"  # a formula without a cached value: read as nothing, never evaluated
    path = tmp_path / "macro.xlsm"
    book.save(path)
    rows = read_file(path).sheet(None).rows
    assert rows[1][:4] == ("1", "Ann", "Lee", "ann@example.com")
    assert len(rows) == 2 or rows[2][0] in ("", None)


def test_ods_reads(tmp_path):
    pytest.importorskip("python_calamine")
    # An OpenDocument spreadsheet written by hand: the minimal valid package.
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Liste">'
        + "".join(
            "<table:table-row>"
            + "".join(
                f'<table:table-cell office:value-type="string"><text:p>{c}</text:p>'
                "</table:table-cell>"
                for c in row
            )
            + "</table:table-row>"
            for row in ROWS
        )
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "liste.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type='
            '"text/xml"/></manifest:manifest>',
        )
    source = read_file(path)
    assert source.kind == "ods"
    assert source.sheet(None).rows[1][:2] == ("Müller, Zoë", "zoe@example.com")


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("cp1252", "cp1252"),
    ],
)
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_encoding_and_delimiter_are_detected(tmp_path, encoding, expected, delimiter):
    rows = ROWS if encoding != "cp1252" else [r[:] for r in ROWS[:2]]
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes(rows, delimiter=delimiter, encoding=encoding))
    source = read_file(path)
    assert (source.encoding, source.delimiter) == (expected, delimiter)
    sheet = source.sheet(None)
    assert find_header_row(sheet.rows) == 2
    assert sheet.rows[3][0] == "Müller, Zoë"


def test_csv_overrides_win(tmp_path):
    path = tmp_path / "roster.txt"
    path.write_bytes(csv_bytes(ROWS[:2], delimiter=";", encoding="cp1252", title=False))
    source = read_file(path, encoding="latin-1", delimiter=",")
    assert (source.encoding, source.delimiter) == ("latin-1", ",")


def _encrypted(tmp_path):
    plain = plain_workbook(tmp_path / "plain.xlsx", simple_rows(3))
    out = io.BytesIO()
    with plain.open("rb") as handle:
        msoffcrypto.format.ooxml.OOXMLFile(handle).encrypt("secret", out)
    path = tmp_path / "locked.xlsx"
    path.write_bytes(out.getvalue())
    return path


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda t: _write(t, "empty.xlsx", b""), "is empty"),
        (lambda t: _write(t, "blank.csv", b"  \n\n"), "is empty"),
        (
            lambda t: _write(
                t, "cut.xlsx", plain_workbook(t / "whole.xlsx", simple_rows(50)).read_bytes()[:900]
            ),
            "damaged or incomplete",
        ),
        (lambda t: _write(t, "photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20), "not a"),
        (
            lambda t: _write(t, "fake.xlsx", b"just some text, not excel"),
            "not really a spreadsheet",
        ),
        (_encrypted, "password"),
        (lambda t: t / "missing.xlsx", "does not exist"),
    ],
)
def test_bad_files_get_one_sentence(tmp_path, make, words):
    with pytest.raises(UnreadableFileError) as raised:
        read_file(make(tmp_path))
    message = str(raised.value)
    assert words in message
    assert "\n" not in message
    assert "Traceback" not in message


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "hello")
    with pytest.raises(UnreadableFileError, match="ZIP archive"):
        read_file(path)


def test_over_the_row_limit_is_refused_before_parsing(tmp_path):
    path = plain_workbook(tmp_path / "big.xlsx", simple_rows(120))
    with pytest.raises(UnreadableFileError, match="at most 100"):
        read_file(path, row_limit=100)
    csv_path = tmp_path / "big.csv"
    csv_path.write_bytes(csv_bytes([[str(n), "x"] for n in range(150)], title=False))
    with pytest.raises(UnreadableFileError, match="Split the file"):
        read_file(csv_path, row_limit=100)


def test_unknown_sheet_name_lists_the_sheets(tmp_path):
    source = read_file(messy_workbook(tmp_path / "hr.xlsx"))
    with pytest.raises(Exception, match="Read me, Training export"):
        source.sheet("Roster")


def test_legacy_xls_reads(tmp_path):
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Mitarbeiter")
    for r, row in enumerate(
        [
            ["Personalnummer", "Vorname", "Nachname", "E-Mail"],
            [1001.0, "Jörg", "Weiß", "joerg@example.de"],
        ]
    ):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    path = tmp_path / "legacy.xls"
    book.save(str(path))
    source = read_file(path)
    assert source.kind == "xls"
    assert source.sheet(None).rows[1] == (1001.0, "Jörg", "Weiß", "joerg@example.de")


@pytest.mark.parametrize(
    ("far_cell", "sheet_end"),
    [
        ('<c r="XFD90000"><v>1</v></c>', ""),  # the usual spelling: the quick pass reads it
        ('<c\tr="XFD90000"><v>1</v></c>', ""),  # a tab before r: the anchored patterns
        ('<c s="0" r="XFD90000"><v>1</v></c>', '<pageMargins header="0.3"/>'),
        ('<x:c r="XFD90000"><x:v>1</x:v></x:c>', ""),  # a namespace prefix on the tag
    ],
)
def test_the_guard_finds_the_furthest_cell_however_it_is_written(tmp_path, far_cell, sheet_end):
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
        f'<row r="90000">{far_cell}</row></sheetData>{sheet_end}</worksheet>'
    )
    path = tmp_path / "far.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    with zipfile.ZipFile(path) as archive:
        extent = xlsx_extent(archive, "Sheet1", "xl/worksheets/sheet1.xml")
    assert (extent.rows, extent.columns) == (90000, 16384)
    assert extent.cells >= 2


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # The furthest reference first, ordinary rows after it: the last reference of the
        # chunk is not the furthest.
        (
            ['<row r="90000"><c r="XFD90000"><v>1</v></c></row>']
            + [f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(2, 400)],
            (90000, 16384),
        ),
        # A ragged row in the middle reaches further right than the rows after it.
        (
            [f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(2, 200)]
            + ['<row r="200"><c r="A200"><v>1</v></c><c r="ZZ200"><v>1</v></c></row>']
            + [f'<row r="{n}"><c r="B{n}"><v>1</v></c></row>' for n in range(201, 400)],
            (399, 702),
        ),
        # A cell whose reference names a later row than its row element.
        (
            [f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(2, 300)]
            + ['<row r="300"><c r="C123456"><v>1</v></c></row>']
            + [f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(301, 400)],
            (123456, 3),
        ),
    ],
)
def test_the_guard_finds_the_furthest_cell_wherever_it_is(tmp_path, rows, expected):
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>" + "".join(rows) + "</sheetData></worksheet>"
    )
    path = tmp_path / "order.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    with zipfile.ZipFile(path) as archive:
        extent = xlsx_extent(archive, "Sheet1", "xl/worksheets/sheet1.xml")
    assert (extent.rows, extent.columns) == expected
    assert extent.cells >= len(rows)


@given(st.integers(0, 2_000_000), st.integers(0, 2_000_000))
def test_a_row_number_is_past_another_exactly_when_it_is_larger(limit, number):
    pattern = re.compile(rb"(?:" + _above(str(limit).encode(), rb"\d", ord("9")) + rb")\Z")
    assert bool(pattern.match(str(number).encode())) == (number > limit)


@given(st.integers(1, 16_384), st.integers(1, 20_000))
def test_a_column_is_past_another_exactly_when_it_is_further_right(limit, number):
    pattern = re.compile(rb"(?:" + _above(column_letters(limit), b"[A-Z]", ord("Z")) + rb")\Z")
    assert bool(pattern.match(column_letters(number))) == (number > limit)
    assert column_number(column_letters(number)) == number

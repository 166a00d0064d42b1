"""Hire dates from HR files: headers in several languages, serials in both Excel date systems."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from iltdesk.domain.imports import ImportSource
from iltdesk.importers.fields import Field
from iltdesk.importers.fields import match_header
from iltdesk.importers.reading import read_file
from iltdesk.services import learners
from iltdesk.services import roster_import
from tests.fixtures.builders import make_learner


def _import(db, path):
    source = read_file(path)
    parsed = roster_import.prepare(db, source)
    ref = ImportSource(path.name, source.sha256, parsed.sheet)
    result = roster_import.commit_import(db, parsed, ref).value
    by_email = {r.email: r for r in learners.search_learners(db)}
    return result, by_email


@pytest.mark.parametrize(
    "header", ["Hire Date", "Eintrittsdatum", "Date d'embauche", "Fecha de ingreso", "Start date"]
)
def test_hire_date_headers_are_recognised(header):
    assert match_header(header) is Field.HIRE_DATE


@pytest.mark.parametrize("system_1904", [False, True])
def test_serial_numbers_count_in_the_workbooks_date_system(db, tmp_path, backup_dir, system_1904):
    book = openpyxl.Workbook()
    if system_1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.append(["E-Mail", "Vorname", "Nachname", "Eintrittsdatum"])
    # A real date cell, and the same day as a bare number (a column formatted "General").
    serial = (date(2024, 3, 15) - (date(1904, 1, 1) if system_1904 else date(1899, 12, 30))).days
    sheet.append(["ann@example.com", "Ann", "Lee", date(2024, 3, 15)])
    sheet.append(["bo@example.com", "Bo", "Ng", serial])
    path = tmp_path / "hr.xlsx"
    book.save(path)
    _result, found = _import(db, path)
    assert found["ann@example.com"].hire_date == date(2024, 3, 15)
    assert found["bo@example.com"].hire_date == date(2024, 3, 15)


def test_a_legacy_xls_in_the_1904_system(db, tmp_path, backup_dir):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    book.dates_1904 = True
    sheet = book.add_sheet("Staff")
    for c, text in enumerate(["Email", "First name", "Last name", "Hire date"]):
        sheet.write(0, c, text)
    for c, value in enumerate(["cy@example.com", "Cy", "Roe", 43904.0]):  # 15 March 2024
        sheet.write(1, c, value)
    path = tmp_path / "mac.xls"
    book.save(str(path))
    _result, found = _import(db, path)
    assert found["cy@example.com"].hire_date == date(2024, 3, 15)


def test_text_dates_in_a_csv_take_the_columns_order_and_bad_ones_are_noted(
    db, tmp_path, backup_dir
):
    text = (
        "Email,First,Last,Hire Date\n"
        "a@example.com,A,One,03/04/2024\n"  # ambiguous alone…
        "b@example.com,B,Two,25/12/2023\n"  # …but this row shows the day comes first
        "c@example.com,C,Three,15-Mar-24\n"
        "d@example.com,D,Four,15.03.2024\n"
        "e@example.com,E,Five,soon\n"
        "f@example.com,F,Six,45366\n"  # a serial number saved as text
    )
    path = tmp_path / "hr.csv"
    path.write_text(text, encoding="utf-8")
    result, found = _import(db, path)
    assert found["a@example.com"].hire_date == date(2024, 4, 3)
    assert found["b@example.com"].hire_date == date(2023, 12, 25)
    assert found["c@example.com"].hire_date == date(2024, 3, 15)
    assert found["d@example.com"].hire_date == date(2024, 3, 15)
    assert found["f@example.com"].hire_date == date(2024, 3, 15)
    assert found["e@example.com"].hire_date is None  # imported, without the date
    notes = [p.message for p in result.problems if not p.blocking]
    assert any("“soon” is not a date" in n for n in notes)


def test_an_update_fills_a_hire_date_and_undo_takes_it_back(db, tmp_path, backup_dir):
    make_learner(db, "Gus", "Old", email="gus@example.com")
    path = tmp_path / "hr.csv"
    path.write_text("Email,First,Last,Hire Date\ngus@example.com,Gus,Old,2020-01-06\n")
    result, found = _import(db, path)
    assert found["gus@example.com"].hire_date == date(2020, 1, 6)
    assert result.counts.updated == 1
    roster_import.undo_import(db, result.batch_id)
    assert learners.search_learners(db)[0].hire_date is None


def test_the_1904_flag_is_read_from_the_workbook(tmp_path):
    from iltdesk.importers.reading import uses_1904_dates

    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    data = io.BytesIO()
    book.save(data)
    assert uses_1904_dates(data.getvalue())
    plain = io.BytesIO()
    openpyxl.Workbook().save(plain)
    assert not uses_1904_dates(plain.getvalue())

"""Mapped rows → learner values: the messy HR export, row by row."""

from __future__ import annotations

from iltdesk.importers.fields import Field
from iltdesk.importers.fields import find_header_row
from iltdesk.importers.fields import guess_mapping
from iltdesk.importers.reading import RawSheet
from iltdesk.importers.reading import read_file
from iltdesk.importers.roster import parse_rows
from tests.fixtures.rosters import messy_workbook


def _parse(tmp_path):
    sheet = read_file(messy_workbook(tmp_path / "hr.xlsx")).sheet(None)
    header = find_header_row(sheet.rows, sheet.merged_rows)
    return parse_rows(sheet, header, guess_mapping(sheet.rows[header]))


def test_messy_export_rows(tmp_path):
    parsed = _parse(tmp_path)
    by_row = {row.row: row for row in parsed.rows}
    assert 7 not in by_row  # the blank row
    zoe = by_row[5]
    assert zoe.values["employee_id"] == "007"
    assert zoe.values["first_name"] == "Zoë"
    assert zoe.values["last_name"] == "Müller"
    assert zoe.merged_from == (8,)
    assert zoe.values["job_title"] == "Rep"  # the first row wins where they differ
    liam = by_row[6]
    assert liam.values["employee_id"] == "12345"
    assert (liam.values["first_name"], liam.values["last_name"]) == ("Liam", "O’Brien")
    assert by_row[8].duplicate_of == 5
    assert not by_row[8].rejected
    assert "row 5" in by_row[8].problems[0].message
    assert by_row[9].rejected
    assert "not a valid email" in by_row[9].problems[0].message
    assert by_row[9].problems[0].column == "E-mail Address"
    assert by_row[10].rejected
    assert by_row[10].problems[0].message == "No name."
    assert by_row[11].values["last_name"] == "山田"
    assert by_row[11].importable
    assert by_row[12].values["first_name"] == "ليلى"
    assert by_row[12].importable
    assert by_row[13].values["first_name"] == '=HYPERLINK("x")'
    assert by_row[14].values["employee_id"] == "F-9"
    assert len(parsed.importable) == 6
    assert parsed.duplicates_merged == 1
    assert len(parsed.rejected) == 2


def test_full_name_column_and_manager_email_in_the_manager_column():
    sheet = RawSheet(
        "s",
        [
            ["Name", "Email", "Manager"],
            ["Müller, Zoë", "zoe@example.com", "boss@example.com"],
            ["Maria de la Cruz", "maria@example.com", "Ann Boss"],
            ["Bob", "bob@example.com", "not an email@"],
        ],
    )
    parsed = parse_rows(sheet, 0, {0: Field.FULL_NAME, 1: Field.EMAIL, 2: Field.MANAGER})
    zoe, maria, bob = parsed.rows
    assert (zoe.values["first_name"], zoe.values["last_name"]) == ("Zoë", "Müller")
    assert zoe.values["manager_email"] == "boss@example.com"
    assert not zoe.values["manager_name"]
    assert (maria.values["first_name"], maria.values["last_name"]) == ("Maria", "de la Cruz")
    assert maria.values["manager_name"] == "Ann Boss"
    assert bob.values["manager_name"] == "not an email@"
    assert bob.importable


def test_same_employee_id_with_another_email_is_rejected_not_merged():
    sheet = RawSheet(
        "s",
        [
            ["ID", "First", "Email"],
            ["1", "Ann", "ann@example.com"],
            ["1", "Anna", "anna@example.com"],
        ],
    )
    parsed = parse_rows(sheet, 0, {0: Field.EMPLOYEE_ID, 1: Field.FIRST_NAME, 2: Field.EMAIL})
    assert parsed.rows[1].rejected
    assert "also on row 2" in parsed.rows[1].problems[0].message


def test_rows_held_for_the_preview_leave_the_collector_little_to_walk(tmp_path):
    # With a 50,000-row preview open, every full collection walked 150,000 lists (each sheet
    # row, and two per parsed row) and held the window ~100 ms; the sheet's rows are tuples the
    # collector stops walking, and a row's problems and merges tuples, shared while empty.
    import gc

    sheet = read_file(messy_workbook(tmp_path / "hr.xlsx")).sheet(None)
    header = find_header_row(sheet.rows, sheet.merged_rows)
    parsed = parse_rows(sheet, header, guess_mapping(sheet.rows[header]))
    gc.collect()
    gc.collect()
    assert not any(gc.is_tracked(row) for row in sheet.rows)
    clean = [row for row in parsed.rows if not row.problems and not row.merged_from]
    assert clean
    assert all(row.problems is clean[0].problems for row in clean)
    assert not any(gc.is_tracked(row.problems) for row in clean)

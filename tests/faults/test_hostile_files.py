"""Hostile spreadsheets are refused with a sentence before any grid is built.

Each runs in a child process with its address space capped at 1 GB: a reader that builds the
grid would die there (as the 4.6 KB file once killed the app) instead of passing quietly.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.faults import hostile

CAP_MB = 1024


def read_in_a_capped_process(path):
    """`read_file(path)` in a child limited to CAP_MB of memory; (exit code, output)."""
    code = textwrap.dedent(
        f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, ({CAP_MB} << 20, {CAP_MB} << 20))
        from pathlib import Path
        from iltdesk.errors import UnreadableFileError
        from iltdesk.importers.reading import read_file
        try:
            read_file(Path({str(path)!r}))
        except UnreadableFileError as error:
            print("REFUSED:", error)
            raise SystemExit(2)
        print("READ")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


def test_f01_two_far_cells_in_a_tiny_xlsx_are_refused(tmp_path):
    path = hostile.xlsx(
        tmp_path / "far.xlsx",
        hostile.sheet_xml([("A1", "Name"), ("XFD90000", "x")], dimension="A1:XFD90000"),
    )
    assert path.stat().st_size < 5000
    code, output = read_in_a_capped_process(path)
    assert code == 2, output
    assert "reaches column 16,384; ILT Desk reads at most 256 columns" in output


def test_f02_a_zip_bomb_is_refused_by_its_ratio(tmp_path):
    path = hostile.zip_bomb(tmp_path / "bomb.xlsx", megabytes=300)
    assert path.stat().st_size < 2_000_000
    code, output = read_in_a_capped_process(path)
    assert code == 2, output
    assert "is built to expand" in output


def test_f03_columns_to_cv_down_200000_rows_are_refused(tmp_path):
    path = hostile.xlsx(
        tmp_path / "cv.xlsx", hostile.sheet_xml([("A1", "Name"), ("CV200000", "x")])
    )
    code, output = read_in_a_capped_process(path)
    assert code == 2, output
    assert "200,000 rows in sheet “Roster”; ILT Desk imports at most 100,000" in output


def test_f04_a_legacy_xls_with_a_far_cell_is_refused(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("Roster")
    sheet.write(0, 0, "Name")
    sheet.write(65535, 255, "x")
    path = tmp_path / "far.xls"
    book.save(str(path))
    code, output = read_in_a_capped_process(path)
    assert code == 2, output
    assert "Sheet “Roster” of far.xls spans 65,536 rows × 256 columns" in output


def test_f30_an_ods_repeating_a_value_a_million_times_is_refused(tmp_path):
    path = hostile.ods(tmp_path / "repeat.ods", rows_repeated=1_000_000, columns_repeated=60)
    code, output = read_in_a_capped_process(path)
    assert code == 2, output
    assert "1,000,001 rows" in output


def test_an_ods_with_librecalcs_trailing_empty_rows_still_reads(tmp_path):
    from pathlib import Path

    from iltdesk.importers.guard import ods_extents

    path = hostile.ods(tmp_path / "fine.ods", rows_repeated=3, columns_repeated=4)
    import zipfile

    with zipfile.ZipFile(path) as archive:
        (extent,) = ods_extents(archive)
    assert (extent.rows, extent.columns) == (4, 4)
    assert Path(path).exists()


def test_the_wizard_and_the_command_line_say_the_same_sentence(tmp_path, capsys):
    from iltdesk.cli import run

    path = hostile.xlsx(
        tmp_path / "far.xlsx",
        hostile.sheet_xml([("A1", "Name"), ("XFD90000", "x")], dimension="A1:XFD90000"),
    )
    assert run(["--db", str(tmp_path / "db.sqlite3"), "import-roster", str(path)]) == 2
    assert "at most 256 columns" in capsys.readouterr().err

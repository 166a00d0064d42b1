"""The import wizard's models pass qtmodeltester and colour the cells with problems."""

from __future__ import annotations

from PySide6.QtCore import Qt

from iltdesk.domain.imports import ImportSource
from iltdesk.importers.reading import read_file
from iltdesk.models.imports import ERROR_BRUSH
from iltdesk.models.imports import WARNING_BRUSH
from iltdesk.models.imports import ImportBatchesTableModel
from iltdesk.models.imports import ImportPreviewTableModel
from iltdesk.models.imports import RawRowsTableModel
from iltdesk.models.imports import preview_rows
from iltdesk.services import roster_import
from tests.fixtures.rosters import messy_workbook


def _parsed(db, tmp_path):
    source = read_file(messy_workbook(tmp_path / "hr.xlsx"))
    return source, roster_import.prepare(db, source)


def test_raw_rows_model(qtmodeltester, db, tmp_path):
    source, _parsed_roster = _parsed(db, tmp_path)
    model = RawRowsTableModel()
    sheet = source.sheet(None)
    model.set_rows(sheet.rows, 3)
    qtmodeltester.check(model)
    assert model.data(model.index(3, 3)) == "E-mail Address"
    assert model.data(model.index(3, 0), Qt.ItemDataRole.FontRole).bold()
    model.set_header_row(4)
    assert model.data(model.index(3, 0), Qt.ItemDataRole.FontRole) is None
    assert model.headerData(0, Qt.Orientation.Horizontal) == "A"


def test_preview_model_marks_problem_cells(qtmodeltester, db, tmp_path):
    _source, parsed = _parsed(db, tmp_path)
    plan = roster_import.plan_import(db, parsed)
    model = ImportPreviewTableModel()
    model.set_rows(preview_rows(parsed, plan))
    qtmodeltester.check(model)
    rows = {model.row_at(r).row: r for r in range(model.rowCount())}
    bad_email = model.index(rows[9], 4)  # the Email column
    assert model.data(bad_email) == "not-an-email"
    assert model.data(bad_email, Qt.ItemDataRole.BackgroundRole) == ERROR_BRUSH
    assert "not a valid email" in model.data(bad_email, Qt.ItemDataRole.ToolTipRole)
    merged = model.index(rows[8], model.columnCount() - 1)
    assert model.data(merged, Qt.ItemDataRole.BackgroundRole) == WARNING_BRUSH
    assert model.data(model.index(rows[5], 1)) == "New"
    assert model.data(model.index(rows[9], 1)) == "Not imported"


def test_import_batches_model(qtmodeltester, db, tmp_path):
    source, parsed = _parsed(db, tmp_path)
    roster_import.commit_import(db, parsed, ImportSource("hr.xlsx", source.sha256, parsed.sheet))
    model = ImportBatchesTableModel()
    model.set_rows(roster_import.list_import_batches(db))
    qtmodeltester.check(model)
    assert model.data(model.index(0, 1)) == "hr.xlsx"
    assert model.data(model.index(0, 3)) == "Directory only"
    assert model.data(model.index(0, 4)).startswith("6 new")

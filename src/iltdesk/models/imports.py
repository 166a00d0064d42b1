"""Table models for the roster import wizard: the raw sheet, the preview, and past imports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont

from iltdesk import formatting
from iltdesk.domain.imports import ImportBatchRow
from iltdesk.domain.imports import ImportPlan
from iltdesk.domain.imports import Placement
from iltdesk.domain.imports import RowAction
from iltdesk.domain.imports import RowPlan
from iltdesk.domain.imports import RowProblem
from iltdesk.domain.people import LEARNER_TEXT_FIELDS
from iltdesk.i18n import _
from iltdesk.importers.cells import cell_text
from iltdesk.importers.fields import Field
from iltdesk.importers.roster import ParsedRoster
from iltdesk.importers.roster import column_letter
from iltdesk.models.base import ROOT
from iltdesk.models.base import ROW_ROLE
from iltdesk.models.base import Column
from iltdesk.models.base import Index
from iltdesk.models.base import ItemData
from iltdesk.models.base import RowTableModel
from iltdesk.models.base import TableModel

PREVIEW_ROWS = 200
ERROR_BRUSH = QBrush(QColor("#f8d7da"))
WARNING_BRUSH = QBrush(QColor("#fff3cd"))
HEADER_BRUSH = QBrush(QColor("#dbe8f4"))


class RawRowsTableModel(TableModel):
    """The first rows of a sheet as they are, with the header row highlighted."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[list[str]] = []
        self._width = 0
        self.header_row = -1

    def set_rows(self, rows: Sequence[Sequence[object]], header_row: int | None) -> None:
        self.beginResetModel()
        self._rows = [[cell_text(c) for c in row] for row in rows[:PREVIEW_ROWS]]
        self._width = max((len(r) for r in self._rows), default=0)
        self.header_row = -1 if header_row is None else header_row
        self.endResetModel()

    def set_header_row(self, row: int) -> None:
        old, self.header_row = self.header_row, row
        for changed in (old, row):
            if 0 <= changed < len(self._rows):
                self.dataChanged.emit(
                    self.index(changed, 0), self.index(changed, max(0, self._width - 1))
                )

    def rowCount(self, parent: Index = ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else self._width

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> ItemData:
        if role != Qt.ItemDataRole.DisplayRole or section < 0:
            return None
        if orientation is Qt.Orientation.Vertical:
            return str(section + 1) if section < len(self._rows) else None
        return column_letter(section) if section < self._width else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> ItemData:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row[index.column()] if index.column() < len(row) else ""
        if index.row() == self.header_row:
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.BackgroundRole:
                return HEADER_BRUSH
        return None


@dataclass(frozen=True)
class PreviewRow:
    """One sheet row as the import will treat it."""

    row: int
    plan: RowPlan
    values: dict[str, str]
    problems: tuple[RowProblem, ...]
    field_problems: dict[str, tuple[RowProblem, ...]]  # field name → its problems

    @property
    def blocking(self) -> bool:
        return any(p.blocking for p in self.problems)


def preview_rows(parsed: ParsedRoster, plan: ImportPlan) -> list[PreviewRow]:
    """The import preview's rows: each sheet row with what the plan does."""
    plans = plan.by_row()
    by_row: dict[int, list[RowProblem]] = {}
    for problem in plan.problems:
        by_row.setdefault(problem.row, []).append(problem)
    field_of_header = {
        parsed.headers[i]: f for i, f in parsed.mapping.items() if i < len(parsed.headers)
    }
    rows = []
    for row in parsed.rows:
        problems = tuple(by_row.get(row.row, ()))
        per_field: dict[str, list[RowProblem]] = {}
        for problem in problems:
            mapped = field_of_header.get(problem.column)
            if mapped is not None:
                name = mapped.value
                if mapped is Field.FULL_NAME:
                    name = "last_name"
                per_field.setdefault(name, []).append(problem)
        rows.append(
            PreviewRow(
                row.row,
                plans.get(row.row, RowPlan(row.row, RowAction.REJECTED)),
                row.values,
                problems,
                {k: tuple(v) for k, v in per_field.items()},
            )
        )
    return rows


def action_text(plan: RowPlan) -> str:
    """What the import does with a row, in words."""
    text = {
        RowAction.CREATE: _("New"),
        RowAction.UPDATE: _("Update"),
        RowAction.UNCHANGED: _("Unchanged"),
        RowAction.SKIP: _("Skipped"),
        RowAction.MERGED: _("Merged"),
        RowAction.REJECTED: _("Not imported"),
    }[plan.action]
    if plan.placement is Placement.SEAT:
        text += " · " + _("seat")
    elif plan.placement is Placement.WAITLIST:
        text += " · " + _("waitlist")
    elif plan.placement is Placement.ALREADY:
        text += " · " + _("already enrolled")
    if plan.candidates and plan.action is RowAction.CREATE:
        text += " · " + _("possible duplicate")
    return text


def _changes_text(row: PreviewRow) -> str:
    lines = [
        f"{Field(c.field).label() if c.field in Field._value2member_map_ else c.field}: "
        f"{c.old or '—'} → {c.new}"
        for c in row.plan.changes
    ]
    return "\n".join(lines)


def _problems_text(row: PreviewRow) -> str:
    return " ".join(p.message for p in row.problems)


# The preview shows who each row is (the manager's email is left out for width).
PREVIEW_FIELDS = tuple(f for f in LEARNER_TEXT_FIELDS if f != "manager_email")


def _field_column(name: str) -> Column[PreviewRow]:
    return Column(
        header=lambda: Field(name).label(),
        display=lambda r: r.values.get(name, ""),
        tooltip=lambda r: "\n".join(p.message for p in r.field_problems.get(name, ())),
    )


class ImportPreviewTableModel(RowTableModel[PreviewRow]):
    """Every row of the file with what will happen to it; problem cells are coloured."""

    columns = (
        Column(
            header=lambda: _("Row"),
            display=lambda r: str(r.row),
            sort=lambda r: r.row,
            align_right=True,
        ),
        Column(
            header=lambda: _("Result"), display=lambda r: action_text(r.plan), tooltip=_changes_text
        ),
        *(_field_column(name) for name in PREVIEW_FIELDS),
        Column(header=lambda: _("Problems"), display=_problems_text, tooltip=_problems_text),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> ItemData:
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid():
            row: PreviewRow = super().data(index, ROW_ROLE)
            if row is None:
                return None
            column = index.column()
            if 2 <= column < 2 + len(PREVIEW_FIELDS):
                problems = row.field_problems.get(PREVIEW_FIELDS[column - 2], ())
            elif column == len(self.columns) - 1:
                problems = row.problems
            else:
                problems = ()
            if any(p.blocking for p in problems):
                return ERROR_BRUSH
            if problems:
                return WARNING_BRUSH
            if column == 1 and row.plan.changes:
                return WARNING_BRUSH
            return None
        return super().data(index, role)


def _batch_counts(row: ImportBatchRow) -> str:
    c = row.counts
    return _("{new} new, {updated} updated, {enrolled} enrolled, {waitlisted} waitlisted").format(
        new=c.get("new", 0),
        updated=c.get("updated", 0),
        enrolled=c.get("enrolled", 0),
        waitlisted=c.get("waitlisted", 0),
    )


class ImportBatchesTableModel(RowTableModel[ImportBatchRow]):
    """The import history: file, sheet, when, session and counts."""

    columns = (
        Column(
            header=lambda: _("Imported"),
            display=lambda r: formatting.format_datetime(r.created_at, r.zone),
            sort=lambda r: r.created_at,
        ),
        Column(header=lambda: _("File"), display=lambda r: r.file_name),
        Column(header=lambda: _("Sheet"), display=lambda r: r.sheet_name),
        Column(
            header=lambda: _("Session"), display=lambda r: r.session_label or _("Directory only")
        ),
        Column(header=lambda: _("Result"), display=_batch_counts),
        Column(
            header=lambda: _("Undone"),
            display=lambda r: (
                formatting.format_datetime(r.undone_at, r.zone) if r.undone_at else ""
            ),
        ),
    )

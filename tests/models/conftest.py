"""`model_validator`: qtmodeltester on a model and on a sorting proxy, then its cells."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel
from PySide6.QtCore import QModelRoleData
from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtCore import Qt

from iltdesk.models.base import ROW_ROLE
from iltdesk.models.base import SORT_ROLE

# What a view's delegate asks of a cell it paints, and what our views and proxies ask.
ASKED_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.CheckStateRole,
    Qt.ItemDataRole.ToolTipRole,
    SORT_ROLE,
    ROW_ROLE,
)


def answers_at_once_as_one_by_one(model: QAbstractItemModel) -> None:
    """`multiData` (a cell's roles in one call, as a painting view asks) says what `data` says."""
    for r in range(min(model.rowCount(), 50)):
        for c in range(model.columnCount()):
            index = model.index(r, c)
            for role in ASKED_ROLES:
                asked = QModelRoleData(role)
                model.multiData(index, asked)
                assert asked.data() == model.data(index, role), (r, c, role)


Validate = Callable[..., list[list[Any]]]


def cells(model: QAbstractItemModel, role: int = Qt.ItemDataRole.DisplayRole) -> list[list[Any]]:
    """Every cell's data in `role`, row by row."""
    return [
        [model.data(model.index(r, c), role) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


@pytest.fixture
def model_validator(qtmodeltester: Any) -> Validate:
    """Check a model's contract, sorted through a proxy too; compare its first rows if given.

    Returns every display cell, for assertions of the test's own.
    """

    def validate(
        model: QAbstractItemModel, first_rows: Sequence[Sequence[Any]] | None = None
    ) -> list[list[Any]]:
        qtmodeltester.check(model)
        answers_at_once_as_one_by_one(model)
        proxy = QSortFilterProxyModel()
        proxy.setSourceModel(model)
        proxy.setSortRole(SORT_ROLE)
        for column in range(model.columnCount()):
            proxy.sort(column)
            qtmodeltester.check(proxy)
        shown = cells(model)
        if first_rows is not None:
            assert shown[: len(first_rows)] == [list(row) for row in first_rows]
        return shown

    return validate

"""`model_validator`: qtmodeltester on a model and on a sorting proxy, then its cells."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel
from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtCore import Qt

from iltdesk.models.base import SORT_ROLE

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

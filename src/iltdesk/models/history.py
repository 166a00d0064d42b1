"""The history panels' model: audit entries in words, newest first."""

from __future__ import annotations

from PySide6.QtCore import QObject

from iltdesk import formatting
from iltdesk.domain.rows import HistoryRow
from iltdesk.i18n import _
from iltdesk.models.base import Column
from iltdesk.models.base import RowTableModel


class HistoryTableModel(RowTableModel[HistoryRow]):
    """When (in the coordinator's zone, labelled), who, what, and why."""

    def __init__(self, zone: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.columns = (
            Column(
                lambda: _("When"),
                lambda r: formatting.format_datetime(r.at, self.zone),
                sort=lambda r: r.id,
            ),
            Column(lambda: _("Who"), lambda r: r.actor),
            Column(lambda: _("What"), lambda r: r.text, tooltip=lambda r: r.text),
            Column(lambda: _("Why"), lambda r: r.reason, tooltip=lambda r: r.reason),
        )

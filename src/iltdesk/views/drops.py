"""Dropping an HR roster file on a window opens the import wizard (kept light for start-up)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

ROSTER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")


def roster_file_from_drop(urls: list[QUrl]) -> Path | None:
    """The first local spreadsheet or CSV among dropped URLs."""
    for url in urls:
        if url.isLocalFile() and Path(url.toLocalFile()).suffix.casefold() in ROSTER_SUFFIXES:
            return Path(url.toLocalFile())
    return None


class RosterDropTarget:
    """Mixin for a widget that takes a dropped roster file; it calls `roster_dropped(path)`.

    The widget must also call `setAcceptDrops(True)`.
    """

    def roster_dropped(self, path: Path) -> None:
        raise NotImplementedError

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if roster_file_from_drop(event.mimeData().urls()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        path = roster_file_from_drop(event.mimeData().urls())
        if path is not None:
            event.acceptProposedAction()
            self.roster_dropped(path)

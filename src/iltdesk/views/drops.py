"""Dropping files on a window (kept light for start-up).

An HR roster file opens the import wizard; on a session window, PDF, JPEG or PNG scans of
signed sheets are attached to the session.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDragEnterEvent
from PySide6.QtGui import QDropEvent

ROSTER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")
SCAN_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")


def scans_from_drop(urls: list[QUrl]) -> list[Path]:
    """The local PDF, JPEG and PNG files among dropped URLs (their content is checked later)."""
    return [
        Path(url.toLocalFile())
        for url in urls
        if url.isLocalFile() and Path(url.toLocalFile()).suffix.casefold() in SCAN_SUFFIXES
    ]


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


class SessionDropTarget(RosterDropTarget):
    """A session window: a roster to import, or scans to attach (`scans_dropped(paths)`)."""

    def scans_dropped(self, paths: list[Path]) -> None:
        raise NotImplementedError

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if scans_from_drop(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        scans = scans_from_drop(event.mimeData().urls())
        if scans:
            event.acceptProposedAction()
            self.scans_dropped(scans)
        else:
            super().dropEvent(event)

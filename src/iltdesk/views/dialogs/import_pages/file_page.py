"""The first page: which file to import."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.i18n import _
from iltdesk.views.dialogs.import_pages.common import COLUMNS
from iltdesk.views.dialogs.import_pages.common import FILE_FILTER
from iltdesk.views.dialogs.import_pages.common import SHEET
from iltdesk.views.dialogs.import_pages.common import _Page
from iltdesk.views.drops import RosterDropTarget

if TYPE_CHECKING:
    from iltdesk.views.dialogs.import_wizard import ImportWizard


def ask_roster_file(parent: QWidget | None) -> Path | None:
    """Which file to import (the one place tests patch)."""
    name, _chosen = QFileDialog.getOpenFileName(
        parent, _("Import roster"), str(Path.home()), FILE_FILTER
    )
    return Path(name) if name else None


class FilePage(RosterDropTarget, _Page):
    """The wizard's first page: the file, typed, chosen or dropped."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard,
            _("Choose the roster file"),
            _(
                "An Excel workbook (.xlsx, .xlsm, .xls), an OpenDocument sheet (.ods) or a CSV "
                "file. You can also drop the file on this window."
            ),
        )
        self.path = QLineEdit()
        self.path.setPlaceholderText(_("Path to the file"))
        self.path.textChanged.connect(self.completeChanged)
        browse = QPushButton(_("&Browse…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.earlier = QLabel()
        self.earlier.setWordWrap(True)
        layout = QVBoxLayout(self)
        label = QLabel(_("&File:"))
        label.setBuddy(self.path)
        layout.addWidget(label)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addStretch()
        self.setAcceptDrops(True)

    def browse(self) -> None:
        chosen = ask_roster_file(self)
        if chosen is not None:
            self.path.setText(str(chosen))

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        path = Path(self.path.text().strip()).expanduser()
        return self.run_then_next(self.w.reading_work(path), self.w.set_source)

    def nextId(self) -> int:  # noqa: N802 - Qt's name
        source = self.w.source
        return COLUMNS if source is not None and len(source.sheets) == 1 else SHEET

    def roster_dropped(self, path: Path) -> None:
        self.path.setText(str(path))

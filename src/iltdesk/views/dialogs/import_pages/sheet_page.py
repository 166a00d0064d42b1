"""Which sheet holds the roster, and where its header row is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget
from PySide6.QtWidgets import QListWidgetItem
from PySide6.QtWidgets import QVBoxLayout

from iltdesk import formatting
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.views.dialogs.import_pages.common import _Page

if TYPE_CHECKING:
    from iltdesk.views.dialogs.import_wizard import ImportWizard


class SheetPage(_Page):
    """The wizard page that picks the sheet and its header row."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard,
            _("Choose the sheet"),
            _("The sheet that looks like a roster is already selected."),
        )
        self.sheets = QListWidget()
        self.sheets.setAccessibleName(_("Sheets"))
        self.sheets.currentRowChanged.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sheets)
        layout.addWidget(self.error)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        source = self.w.source
        assert source is not None
        self.sheets.clear()
        for sheet in source.sheets:
            count = sheet.row_count
            text = ngettext("{name} — {n} row", "{name} — {n} rows", count).format(
                name=sheet.name, n=formatting.format_number(count)
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, sheet.name)
            self.sheets.addItem(item)
        self.sheets.setCurrentRow(source.likely_sheet())

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return self.sheets.currentRow() >= 0

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        self.w.sheet_name = self.sheets.currentItem().data(Qt.ItemDataRole.UserRole)
        return True

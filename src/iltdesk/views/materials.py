"""A course's materials: add a file (copied into the data folder), open, replace, remove."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.enums import Audience
from iltdesk.domain.enums import MaterialKind
from iltdesk.domain.rows import MaterialRow
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.services import catalogue
from iltdesk.views.context import AppContext
from iltdesk.views.errors import show_error
from iltdesk.views.widgets import fit_columns


def pick_file(parent: QWidget, title: str) -> Path | None:
    """Ask for a file to add (the one place tests patch)."""
    name, _filter = QFileDialog.getOpenFileName(parent, title)
    return Path(name) if name else None


class MaterialsPanel(QWidget):
    """The list with its buttons; read-only (open only) where `editable` is False."""

    def __init__(
        self, ctx: AppContext, course_id: int, editable: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.course_id = course_id
        self.rows: list[MaterialRow] = []
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("Title"), _("Kind"), _("Version"), _("File")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(_("Materials"))
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.kind = QComboBox()
        for kind in MaterialKind:
            self.kind.addItem(kind.label(), kind)
        self.kind.setAccessibleName(_("Kind of material"))
        buttons = QHBoxLayout()
        self.open_button = QPushButton(_("&Open"))
        self.open_button.clicked.connect(self.open_selected)
        buttons.addWidget(self.open_button)
        if editable:
            add = QPushButton(_("Add &file…"))
            replace = QPushButton(_("Re&place with new version…"))
            remove = QPushButton(_("Re&move"))
            add.clicked.connect(self.add_file)
            replace.clicked.connect(self.replace_selected)
            remove.clicked.connect(self.remove_selected)
            buttons.addWidget(self.kind)
            for button in (add, replace, remove):
                buttons.addWidget(button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self.rows = catalogue.list_materials(self.ctx.db, self.course_id)
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            for column, text in enumerate(
                (row.title, row.kind.label(), formatting.format_number(row.version), row.file_name)
            ):
                self.table.setItem(i, column, QTableWidgetItem(text))
        fit_columns(self.table)

    def selected(self) -> MaterialRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def add_file(self) -> None:
        path = pick_file(self, _("Add material"))
        if path is None:
            return
        kind = MaterialKind(self.kind.currentData())  # Qt returns item data as text
        audience = (
            Audience.FACILITATOR
            if kind in (MaterialKind.FACILITATOR_GUIDE, MaterialKind.SLIDES)
            else Audience.PARTICIPANT
        )
        outcome = self.ctx.op(
            self,
            lambda: catalogue.add_material(
                self.ctx.db, self.ctx.store, self.course_id, path, path.stem, kind, audience
            ),
        )
        if outcome is not None:
            self.reload()

    def replace_selected(self) -> None:
        row = self.selected()
        path = pick_file(self, _("Replace material")) if row else None
        if row is not None and path is not None:
            outcome = self.ctx.op(
                self, lambda: catalogue.replace_material(self.ctx.db, self.ctx.store, row.id, path)
            )
            if outcome is not None:
                self.reload()

    def remove_selected(self) -> None:
        row = self.selected()
        if row is not None:
            outcome = self.ctx.op(self, lambda: catalogue.remove_material(self.ctx.db, row.id))
            if outcome is not None:
                self.reload()

    def copy_for_opening(self, row: MaterialRow) -> Path:
        """A copy under its original name, so the system picks the right application."""
        folder = Path(tempfile.mkdtemp(prefix="iltdesk-"))
        target = folder / row.file_name
        shutil.copyfile(self.ctx.store.path_for(row.sha256), target)
        return target

    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            target = self.copy_for_opening(row)
        except OSError as error:
            show_error(
                self,
                UserError(
                    _("The file {name} could not be opened: {reason}.").format(
                        name=row.file_name, reason=error.strerror or error
                    )
                ),
            )
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

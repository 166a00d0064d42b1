"""Which column is which field."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QGridLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QScrollArea
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.i18n import _
from iltdesk.importers.cells import cell_text
from iltdesk.importers.fields import Field
from iltdesk.importers.fields import find_header_row
from iltdesk.importers.fields import guess_mapping
from iltdesk.importers.fields import mapping_problem
from iltdesk.importers.reading import SourceFile
from iltdesk.importers.reading import read_file
from iltdesk.importers.roster import ParsedRoster
from iltdesk.models.imports import RawRowsTableModel
from iltdesk.services import roster_import
from iltdesk.tasks.runner import Progress
from iltdesk.views.dialogs.import_pages.common import _Page
from iltdesk.views.errors import error_text

if TYPE_CHECKING:
    from iltdesk.views.dialogs.import_wizard import ImportWizard


ENCODINGS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("", lambda: _("Detect automatically")),
    ("utf-8", lambda: "UTF-8"),
    ("utf-8-sig", lambda: _("UTF-8 with BOM")),
    ("utf-16", lambda: "UTF-16"),
    ("cp1252", lambda: "Windows-1252"),
)
DELIMITERS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("", lambda: _("Detect automatically")),
    (",", lambda: _("Comma")),
    (";", lambda: _("Semicolon")),
    ("\t", lambda: _("Tab")),
)


class ColumnsPage(_Page):
    """The wizard page that maps columns to fields."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard,
            _("Check the header row and the columns"),
            _(
                "The header row is highlighted. Click another row to use it instead, and choose "
                "what each column holds."
            ),
        )
        self.encoding = QComboBox()
        self.delimiter = QComboBox()
        for combo, choices in ((self.encoding, ENCODINGS), (self.delimiter, DELIMITERS)):
            for value, describe in choices:
                combo.addItem(describe(), value)
            combo.activated.connect(self.reread)
        self.text_options = QWidget()
        options = QHBoxLayout(self.text_options)
        options.setContentsMargins(0, 0, 0, 0)
        for text, combo in ((_("&Encoding:"), self.encoding), (_("&Separator:"), self.delimiter)):
            label = QLabel(text)
            label.setBuddy(combo)
            options.addWidget(label)
            options.addWidget(combo)
        options.addStretch()
        self.raw_model = RawRowsTableModel(self)
        self.raw_view = QTableView()
        self.raw_view.setModel(self.raw_model)
        self.raw_view.setAccessibleName(_("Rows of the sheet"))
        self.raw_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.raw_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.raw_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.header_spin = QSpinBox()
        self.raw_view.clicked.connect(lambda index: self.header_spin.setValue(index.row() + 1))
        self.header_spin.setMinimum(1)
        self.header_spin.valueChanged.connect(self._header_changed)
        header_row = QHBoxLayout()
        label = QLabel(_("&Header row:"))
        label.setBuddy(self.header_spin)
        header_row.addWidget(label)
        header_row.addWidget(self.header_spin)
        header_row.addStretch()
        self.mapping_box = QWidget()
        self.mapping_grid = QGridLayout(self.mapping_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.mapping_box)
        scroll.setMinimumHeight(150)
        self.combos: list[QComboBox] = []
        self.headers: list[str] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.text_options)
        layout.addLayout(header_row)
        layout.addWidget(self.raw_view, 2)
        layout.addWidget(QLabel(_("What each column holds:")))
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        source = self.w.source
        assert source is not None
        self.text_options.setVisible(source.kind == "csv")
        sheet = source.sheet(self.w.sheet_name)
        found = find_header_row(sheet.rows, sheet.merged_rows)
        self.raw_model.set_rows(sheet.rows, found)
        self.header_spin.blockSignals(True)
        self.header_spin.setMaximum(max(1, min(len(sheet.rows), 200)))
        self.header_spin.setValue((found or 0) + 1)
        self.header_spin.blockSignals(False)
        self._header_changed()
        if found is None:
            self.show_error(_("No row looks like a header. Click the row that names the columns."))

    def reread(self) -> None:
        source = self.w.source
        assert source is not None
        encoding = self.encoding.currentData() or None
        delimiter = self.delimiter.currentData() or None

        def apply(result: SourceFile) -> None:
            self.w.source = result
            self.initializePage()

        self.w.tasks.run(
            lambda _p: read_file(source.path, encoding=encoding, delimiter=delimiter),
            title=_("Reading the file"),
            on_done=apply,
            on_error=lambda e: self.show_error(error_text(e)),
        )

    def _header_changed(self) -> None:
        source = self.w.source
        assert source is not None
        sheet = source.sheet(self.w.sheet_name)
        row = self.header_spin.value() - 1
        self.raw_model.set_header_row(row)
        self.headers = [cell_text(c) for c in sheet.rows[row]] if row < len(sheet.rows) else []
        mapping = roster_import.remembered_mapping(self.w.ctx.db, self.headers) or guess_mapping(
            self.headers
        )
        while self.mapping_grid.count():
            item = self.mapping_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.combos = []
        for index, header in enumerate(self.headers):
            name = QLabel(header or _("(column {n})").format(n=index + 1))
            combo = QComboBox()
            combo.setAccessibleName(header or str(index + 1))
            combo.addItem(_("— not imported —"), None)
            for field in Field:
                combo.addItem(field.label(), field.value)
            if index in mapping:
                combo.setCurrentIndex(combo.findData(mapping[index].value))
            combo.currentIndexChanged.connect(self.completeChanged)
            name.setBuddy(combo)
            self.mapping_grid.addWidget(name, index // 2, (index % 2) * 2)
            self.mapping_grid.addWidget(combo, index // 2, (index % 2) * 2 + 1)
            self.combos.append(combo)
        self.completeChanged.emit()

    def mapping(self) -> dict[int, Field]:
        return {
            i: Field(combo.currentData())
            for i, combo in enumerate(self.combos)
            if combo.currentData() is not None
        }

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        problem = mapping_problem(self.mapping()) if self.combos else None
        if self.combos and not self.w.busy:
            self.show_error(problem or "")
        return bool(self.combos) and problem is None

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        source, sheet = self.w.source, self.w.sheet_name
        assert source is not None
        header_row, mapping, db = self.header_spin.value() - 1, self.mapping(), self.w.ctx.db

        def work(progress: Progress) -> ParsedRoster:
            return roster_import.prepare(
                db,
                source,
                sheet=sheet,
                header_row=header_row,
                mapping=mapping,
                report=progress.report,
            )

        return self.run_then_next(work, self.w.set_parsed)

"""Preview a generated PDF (QtPdf), then print it, save it, or open it in the system viewer."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer
from PySide6.QtCore import QByteArray
from PySide6.QtCore import QIODevice
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtGui import QPaintDevice
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.documents.files import write_atomic
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.views.errors import show_error
from iltdesk.views.modal import run_modal


def ask_save_path(parent: QWidget, title: str, suggested: str, file_filter: str) -> Path | None:
    """Where to save (the one place tests patch)."""
    name, _chosen = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    return Path(name) if name else None


class DocumentPreviewDialog(QDialog):
    """The dialog; use `show_pdf`."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        pdf: bytes,
        file_name: str,
        on_output: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        # Called once the document is printed or saved (a session keeps a copy as evidence).
        self.on_output = on_output
        self.resize(820, 900)
        self.pdf = pdf
        self.file_name = file_name
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName(_("Preview"))
        pages = self.document.pageCount()
        self.pages = QLabel(ngettext("{n} page", "{n} pages", pages).format(n=pages))
        self.print_button = QPushButton(_("&Print…"))
        self.save_button = QPushButton(_("&Save as…"))
        self.open_button = QPushButton(_("Open in &viewer"))
        close = QPushButton(_("Close"))
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        self.open_button.clicked.connect(self.open_externally)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pages)
        buttons.addStretch()
        for button in (self.print_button, self.save_button, self.open_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addLayout(buttons)

    def save_as(self) -> Path | None:
        target = ask_save_path(self, _("Save PDF"), self.file_name, _("PDF files (*.pdf)"))
        if target is None:
            return None
        try:
            written = write_atomic(target, self.pdf)
        except Exception as error:  # a UserError's sentence, or a logged bug
            show_error(self, error)
            return None
        self._output()
        return written

    def _output(self) -> None:
        if self.on_output is not None:
            try:
                self.on_output()
            except Exception as error:  # the copy failed: say so; the print itself is done
                show_error(self, error)

    def open_externally(self) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="iltdesk-"))
        target = write_atomic(folder / self.file_name, self.pdf)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
        return target

    def print_document(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return
        self.render_to(printer)
        self._output()

    def render_to(self, device: QPaintDevice) -> None:
        """Draw every page onto a printer (or any paint device), one page per sheet."""
        from PySide6.QtPrintSupport import QPrinter

        painter = QPainter()
        if not painter.begin(device):
            return
        try:
            for index in range(self.document.pageCount()):
                if index and isinstance(device, QPrinter):
                    device.newPage()
                area = painter.viewport()
                page = self.document.pagePointSize(index)
                scale = min(area.width() / page.width(), area.height() / page.height())
                size = QSize(int(page.width() * scale), int(page.height() * scale))
                image = self.document.render(index, size)
                painter.drawImage(0, 0, image)
        finally:
            painter.end()


def show_pdf(
    parent: QWidget | None,
    title: str,
    pdf: bytes,
    file_name: str,
    on_output: Callable[[], None] | None = None,
) -> DocumentPreviewDialog:
    """Open the preview (modeless, deleted when closed)."""
    dialog = DocumentPreviewDialog(parent, title, pdf, file_name, on_output)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog

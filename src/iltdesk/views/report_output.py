"""The Reports screen's output: export as workbook, CSV or PDF, and print.

A mixin of `ReportsPage` (which provides the attributes declared here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from typing import cast

from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QWidget

from iltdesk.domain.reporting import ReportTable
from iltdesk.i18n import N_
from iltdesk.i18n import _

if TYPE_CHECKING:
    from iltdesk.models.reports import ReportTableModel
    from iltdesk.tasks.runner import Progress
    from iltdesk.tasks.runner import TaskRunner
    from iltdesk.views.context import AppContext

EXPORTS = {
    "xlsx": (N_("Excel workbook (*.xlsx)"), ".xlsx"),
    "csv": (N_("CSV file (*.csv)"), ".csv"),
    "pdf": (N_("PDF (*.pdf)"), ".pdf"),
}


class ReportOutput:
    """Writes and prints the report a `ReportsPage` shows."""

    ctx: AppContext
    current: ReportTable | None
    model: ReportTableModel
    state: QLabel
    tasks: TaskRunner
    today: Callable[[], date]

    def _page(self) -> QWidget:
        """The page this mixin is part of, as Qt's calls want it."""
        return cast("QWidget", self)

    def file_bytes(self, kind: str) -> Callable[[], bytes]:
        """The report as shown, as a workbook, CSV or PDF: a function for a worker to call.

        The table and settings are taken now, on the GUI thread; the writers (and their first
        import: openpyxl and reportlab, 70-170 ms) run where the function is called.
        """
        table = self.visible_table()
        zone = str(self.ctx.prefs.get("default_timezone"))
        paper = str(self.ctx.prefs.get("paper_size"))
        now = datetime.now(UTC)

        def build() -> bytes:
            from iltdesk.documents.report_files import build_report_csv
            from iltdesk.documents.report_files import build_report_workbook
            from iltdesk.documents.report_pdf import build_report_pdf

            if kind == "xlsx":
                return build_report_workbook(table, now, zone)
            if kind == "csv":
                return build_report_csv(table)
            return build_report_pdf(table, now, zone, paper)

        return build

    def visible_table(self) -> ReportTable:
        """The report as shown: only the rows behind a clicked bar, when one was clicked."""
        assert self.current is not None
        if not self.model.filtered:
            return self.current
        rows = tuple(self.current.rows[i] for i in self.model._order)
        return replace(self.current, rows=rows)

    def suggested_name(self, suffix: str) -> str:
        from iltdesk.documents.files import safe_file_name

        table = self.current
        assert table is not None
        stamp = self.today().isoformat()
        return safe_file_name(f"{table.title} {stamp}", suffix=suffix)

    def export(self, kind: str) -> Progress | None:
        """Ask where, then write the report as shown (`kind` is xlsx, csv or pdf)."""
        if self.current is None:
            return None
        label, suffix = EXPORTS[kind]
        path, _chosen = QFileDialog.getSaveFileName(
            self._page(), _("Export report"), self.suggested_name(suffix), _(label)
        )
        if not path:
            return None
        return self.write(Path(path), kind)

    def write(self, path: Path, kind: str) -> Progress:
        """Write the report as shown to `path`, off the GUI thread.

        The save dialog has already asked about replacing an existing file.
        """
        if path.suffix.lower() != EXPORTS[kind][1]:
            path = path.with_name(path.name + EXPORTS[kind][1])
        build = self.file_bytes(kind)

        def work(_progress: Progress) -> Path:
            from iltdesk.documents.files import write_atomic

            return write_atomic(path, build(), kind=kind, force=True)

        def done(written: Path) -> None:
            self.state.setText(_("Written to {path}.").format(path=written))

        return self.tasks.run(
            work, title=_("Exporting the report…"), on_done=done, on_error=self._output_failed
        )

    def print_report(self) -> Progress | None:
        """Show the report as a PDF to print (made off the GUI thread)."""
        if self.current is None:
            return None
        title, name, build = self.current.title, self.suggested_name(".pdf"), self.file_bytes("pdf")

        def done(pdf: bytes) -> None:
            from iltdesk.views.dialogs import document_preview

            document_preview.show_pdf(self._page(), title, pdf, name)

        return self.tasks.run(
            lambda _progress: build(),
            title=_("Preparing the report to print…"),
            on_done=done,
            on_error=self._output_failed,
        )

    def _output_failed(self, error: BaseException) -> None:
        from iltdesk.views.errors import show_task_error

        show_task_error(self._page(), error)

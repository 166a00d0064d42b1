"""The roster import wizard: file → sheet → columns → target → preview → done (with undo).

Reading, parsing, planning and committing run on the task runner; a page that needs their
result starts the work from `validatePage`, refuses to advance until it is back, then moves on
by itself. Errors show on the page as a sentence; nothing is written before "Import", and a
cancelled import leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget
from PySide6.QtWidgets import QWizard

from iltdesk.collector import CollectorPause
from iltdesk.domain.imports import ImportBatchRow
from iltdesk.domain.imports import ImportPlan
from iltdesk.domain.imports import ImportResult
from iltdesk.domain.imports import ImportSource
from iltdesk.domain.imports import UndoResult
from iltdesk.i18n import _
from iltdesk.importers.reading import SourceFile
from iltdesk.importers.reading import read_file
from iltdesk.importers.roster import ParsedRoster
from iltdesk.models.imports import PreviewRow
from iltdesk.models.imports import preview_rows
from iltdesk.services import roster_import
from iltdesk.services.common import Outcome
from iltdesk.tasks.runner import Progress
from iltdesk.tasks.runner import TaskRunner
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs.import_pages.columns_page import ColumnsPage
from iltdesk.views.dialogs.import_pages.common import COLUMNS
from iltdesk.views.dialogs.import_pages.common import DONE
from iltdesk.views.dialogs.import_pages.common import FILE
from iltdesk.views.dialogs.import_pages.common import PREVIEW
from iltdesk.views.dialogs.import_pages.common import SHEET
from iltdesk.views.dialogs.import_pages.common import TARGET
from iltdesk.views.dialogs.import_pages.common import counts_html
from iltdesk.views.dialogs.import_pages.common import counts_html_of
from iltdesk.views.dialogs.import_pages.common import undo_summary
from iltdesk.views.dialogs.import_pages.done_page import DonePage
from iltdesk.views.dialogs.import_pages.file_page import FilePage
from iltdesk.views.dialogs.import_pages.preview_page import PreviewPage
from iltdesk.views.dialogs.import_pages.sheet_page import SheetPage
from iltdesk.views.dialogs.import_pages.target_page import TargetPage

# Page ids and wording other screens use, re-exported from the pages' common module.
__all__ = [
    "COLUMNS",
    "DONE",
    "FILE",
    "PREVIEW",
    "SHEET",
    "TARGET",
    "ImportWizard",
    "counts_html",
    "counts_html_of",
    "open_import_wizard",
    "undo_summary",
]


class ImportWizard(QWizard):
    """Import learners from a spreadsheet; use `open_import_wizard`."""

    imported = Signal(object)  # ImportResult

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        path: Path | None = None,
        session_id: int | None = None,
        list_name: str = "",
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tasks = TaskRunner(self, ctx)
        self.session_id = session_id
        self.list_name = list_name  # importing a requirement's list of learners
        self.source: SourceFile | None = None
        self.sheet_name: str | None = None
        self.parsed: ParsedRoster | None = None
        self.target_session: int | None = None
        self.plan: ImportPlan | None = None
        self.preview: list[PreviewRow] = []  # the plan, row by row, as the preview shows it
        self.decisions: dict[int, int] = {}
        self.remembered_candidates: dict[int, list[tuple[int, str, str]]] = {}
        self.earlier: ImportBatchRow | None = None
        self.import_result: ImportResult | None = None
        self.undone: UndoResult | None = None
        self.saved_report: Path | None = None
        self.busy = False
        self.progress: Progress | None = None  # the running step's, whose Cancel stops it
        self.setWindowTitle(_("Import roster"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.resize(980, 680)
        self.file_page = FilePage(self)
        self.sheet_page = SheetPage(self)
        self.columns_page = ColumnsPage(self)
        self.target_page = TargetPage(self)
        self.preview_page = PreviewPage(self)
        self.done_page = DonePage(self)
        for page_id, page in enumerate(
            (
                self.file_page,
                self.sheet_page,
                self.columns_page,
                self.target_page,
                self.preview_page,
                self.done_page,
            )
        ):
            self.setPage(page_id, page)
        if path is not None:
            self.file_page.path.setText(str(path))
        # Open, it may hold a sheet of 50,000 rows with their parse, plan and preview (some
        # 300,000 objects, none in a cycle): every full collection walked them all, freed
        # nothing and held the window 40-60 ms (bench_import --wizard). The collector waits
        # while the wizard is open, and runs again once the wizard has let go of them.
        self._collector_pause = CollectorPause()
        self.finished.connect(self._let_go)
        self.destroyed.connect(self._collector_pause.end)  # closed without finishing, too

    # --- results of the steps ---
    def reading_work(
        self, path: Path
    ) -> Callable[[Progress], tuple[SourceFile, ImportBatchRow | None]]:
        """Read the file, and look up an earlier import of it, off the GUI thread.

        The look-up's first query held the window 56 ms when it ran on the GUI thread.
        """
        db = self.ctx.db

        def work(_progress: Progress) -> tuple[SourceFile, ImportBatchRow | None]:
            source = read_file(path)
            return source, roster_import.earlier_import(db, source.sha256)

        return work

    def set_source(self, found: tuple[SourceFile, ImportBatchRow | None]) -> None:
        """Take a file read by `reading_work`."""
        source, self.earlier = found
        self.source = source
        self.sheet_name = source.sheets[source.likely_sheet()].name

    def set_parsed(self, parsed: ParsedRoster) -> None:
        self.parsed = parsed
        self.decisions.clear()

    def set_plan(self, planned: tuple[ImportPlan, list[PreviewRow]]) -> None:
        self.plan, self.preview = planned

    def set_result(self, outcome: Outcome[ImportResult]) -> None:
        result = self.ctx.apply(outcome)
        self.import_result = result
        self.imported.emit(result)

    def planning_work(self) -> Callable[[Progress], tuple[ImportPlan, list[PreviewRow]]]:
        """The plan, and the preview's rows (made here: 50,000 held the window 260 ms)."""
        db, parsed = self.ctx.db, self.parsed
        session_id, decisions = self.target_session, dict(self.decisions)
        assert parsed is not None

        def work(progress: Progress) -> tuple[ImportPlan, list[PreviewRow]]:
            plan = roster_import.plan_import(db, parsed, session_id, decisions, progress.report)
            return plan, preview_rows(parsed, plan)

        return work

    def commit_work(self) -> Callable[[Progress], Outcome[ImportResult]]:
        db, parsed, source = self.ctx.db, self.parsed, self.source
        session_id, decisions = self.target_session, dict(self.decisions)
        assert parsed is not None
        assert source is not None
        ref = ImportSource(source.path.name, source.sha256, parsed.sheet)

        def work(progress: Progress) -> Outcome[ImportResult]:
            outcome = roster_import.commit_import(
                db, parsed, ref, session_id=session_id, decisions=decisions, report=progress.report
            )
            if outcome.value.batch_id is not None:  # the next file like it maps the same way
                roster_import.remember_mapping(db, parsed.headers, parsed.mapping)
            return outcome

        return work

    def _let_go(self) -> None:
        """Closed: drop the file's rows (the window object may live on), resume the collector."""
        self.source, self.parsed, self.plan, self.preview = None, None, None, []
        self.preview_page.rows = []
        self.preview_page.model.set_rows([])
        self._collector_pause.end()

    def reject(self) -> None:
        if self.busy:
            return  # the progress dialog's Cancel stops the work; closing waits for it
        super().reject()


def open_import_wizard(
    ctx: AppContext,
    parent: QWidget | None,
    *,
    path: Path | None = None,
    session_id: int | None = None,
    list_name: str = "",
) -> ImportWizard:
    """Open the wizard window-modal without blocking; it deletes itself when closed."""
    wizard = ImportWizard(ctx, parent, path=path, session_id=session_id, list_name=list_name)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.open()
    return wizard

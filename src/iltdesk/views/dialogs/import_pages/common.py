"""What every page of the import wizard shares: the page base, its ids, and the counts in words."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import TypeVar

from PySide6.QtWidgets import QWizardPage

from iltdesk import formatting
from iltdesk.domain.imports import ImportBatchRow
from iltdesk.domain.imports import ImportCounts
from iltdesk.domain.imports import ImportPlan
from iltdesk.domain.imports import UndoResult
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.tasks.runner import CancelledError
from iltdesk.tasks.runner import Progress
from iltdesk.views.errors import error_text
from iltdesk.views.widgets import error_label

if TYPE_CHECKING:
    from iltdesk.views.dialogs.import_wizard import ImportWizard


T = TypeVar("T")

FILE_FILTER = "Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv *.txt)"
FILE, SHEET, COLUMNS, TARGET, PREVIEW, DONE = range(6)


class _Page(QWizardPage):
    """A page with a line for errors and the asynchronous validate-then-advance dance."""

    def __init__(self, wizard: ImportWizard, title: str, subtitle: str = "") -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(title)
        if subtitle:
            self.setSubTitle(subtitle)
        self.error = error_label()
        self.error.hide()
        self._ready = False

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def run_then_next(self, work: Callable[[Progress], T], apply: Callable[[T], None]) -> bool:
        """For validatePage: True once `work` has finished and `apply` took its result."""
        if self._ready:
            self._ready = False
            return True
        self.show_error("")

        def done(result: T) -> None:
            try:
                apply(result)
            except UserError as error:
                self.show_error(str(error))
                return
            self._ready = True
            self.w.next()

        def failed(error: BaseException) -> None:
            if isinstance(error, CancelledError):
                self.show_error(_("Cancelled. Nothing was changed."))
            else:
                self.show_error(error_text(error))

        def finished(result: T) -> None:
            self.w.busy = False
            done(result)

        def stopped(error: BaseException) -> None:
            self.w.busy = False
            failed(error)

        self.w.busy = True
        self.w.progress = self.w.tasks.run(
            work, title=self.title(), on_done=finished, on_error=stopped
        )
        return False


def counts_html_of(c: ImportCounts, session: bool = True, *, done: bool = False) -> str:
    """An import's counts as a short HTML list."""
    return "<br>".join(" · ".join(line) for line in c.phrases(session, done=done))


def counts_html(plan: ImportPlan, earlier: ImportBatchRow | None) -> str:
    """A plan's counts, and a note when the same file was imported before."""
    text = counts_html_of(plan.counts, plan.session_id is not None)
    if earlier is not None:
        text += (
            "<br><i>"
            + _(
                "This file was already imported on {when}; rows already in ILT Desk are left "
                "as they are."
            ).format(when=formatting.format_datetime(earlier.created_at, earlier.zone))
            + "</i>"
        )
    if not plan.changes_anything:
        text += "<br><b>" + _("Nothing to change.") + "</b>"
    return text


def undo_summary(undone: UndoResult) -> str:
    """What an undo did, in a sentence."""
    places = undone.places_removed + undone.places_restored
    text = _("Import undone: {learners}, {restored} restored, {places}.").format(
        learners=ngettext(
            "{n} learner removed", "{n} learners removed", undone.learners_removed
        ).format(n=undone.learners_removed),
        restored=undone.learners_restored,
        places=ngettext("{n} place removed", "{n} places removed", places).format(n=places),
    )
    kept = undone.learners_kept + undone.places_kept + undone.fields_kept
    if kept:
        text += " " + _(
            "Kept {n} records that changed or gathered attendance since the import."
        ).format(n=kept)
    return text

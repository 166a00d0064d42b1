"""What the import did, with Undo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout

from iltdesk.domain.imports import UndoResult
from iltdesk.i18n import _
from iltdesk.services import roster_import
from iltdesk.views.dialogs.import_pages.common import _Page
from iltdesk.views.dialogs.import_pages.common import counts_html_of
from iltdesk.views.dialogs.import_pages.common import undo_summary
from iltdesk.views.errors import error_text

if TYPE_CHECKING:
    from iltdesk.views.dialogs.import_wizard import ImportWizard


class DonePage(_Page):
    """The wizard's last page: what was imported, with Undo."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard, _("Import finished"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.undo_button = QPushButton(_("&Undo this import"))
        self.undo_button.clicked.connect(self.undo)
        self.save_problems = QPushButton(_("&Save rows with problems…"))
        self.save_problems.clicked.connect(self.save_problem_rows)
        self.saved = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addWidget(self.save_problems)
        row.addWidget(self.saved, 1)
        row.addStretch()
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addStretch()

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        result = self.w.import_result
        assert result is not None
        if result.batch_id is None:
            self.summary.setText(
                _(
                    "Nothing needed changing: everyone in the file is already in ILT Desk "
                    "as the file says."
                )
            )
            self.undo_button.hide()
            self.save_problems.setVisible(result.counts.rejected > 0)
            return
        self.summary.setText(_("Imported.") + "<br>" + counts_html_of(result.counts, done=True))
        self.undo_button.setVisible(True)
        self.save_problems.setVisible(result.counts.rejected > 0)

    def save_problem_rows(self) -> None:
        self.w.preview_page.save_problem_rows()
        if self.w.saved_report is not None:
            self.saved.setText(_("Saved {path}.").format(path=self.w.saved_report))

    def undo(self) -> None:
        result = self.w.import_result
        assert result is not None
        assert result.batch_id is not None
        batch_id, ctx = result.batch_id, self.w.ctx
        self.undo_button.setEnabled(False)

        def done(undone: UndoResult) -> None:
            self.w.undone = undone
            self.summary.setText(undo_summary(undone))

        def failed(error: BaseException) -> None:
            self.undo_button.setEnabled(True)
            self.show_error(error_text(error))

        self.w.tasks.run_op(
            lambda _p: roster_import.undo_import(ctx.db, batch_id),
            title=_("Undoing the import"),
            on_done=done,
            on_error=failed,
        )

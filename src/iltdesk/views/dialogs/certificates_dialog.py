"""A session's valid certificates: revoke one with a reason, or re-issue it (new code)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QInputDialog
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.i18n import _
from iltdesk.services import certificates
from iltdesk.services import scheduling
from iltdesk.services.certificates import CertificateRow
from iltdesk.services.common import Outcome
from iltdesk.views.context import AppContext
from iltdesk.views.modal import run_modal
from iltdesk.views.widgets import fit_columns


def ask_reason(parent: QWidget, title: str, prompt: str) -> str | None:
    """A reason typed by the user (the one place tests patch)."""
    text, ok = QInputDialog.getText(parent, title, prompt)
    return text if ok else None


class CertificatesDialog(QDialog):
    """A session's certificates, with revoke and re-issue."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, session_id: int) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session_id = session_id
        self.zone = scheduling.get_session(ctx.db, session_id).timezone
        self.setWindowTitle(_("Certificates"))
        self.resize(640, 420)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [_("Learner"), _("Code"), _("Issued"), _("Valid until")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.revoke_button = QPushButton(_("&Revoke…"))
        self.reissue_button = QPushButton(_("Re-&issue…"))
        self.revoke_button.clicked.connect(self.revoke)
        self.reissue_button.clicked.connect(self.reissue)
        buttons = QHBoxLayout()
        buttons.addWidget(self.revoke_button)
        buttons.addWidget(self.reissue_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self.rows: list[CertificateRow] = certificates.session_certificates(
            self.ctx.db, self.session_id
        )
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            expires = (
                formatting.format_date(row.expires_at, self.zone)
                if row.expires_at
                else _("No expiry")
            )
            for column, text in enumerate(
                (
                    row.learner_name,
                    row.code,
                    formatting.format_date(row.issued_at, self.zone),
                    expires,
                )
            ):
                self.table.setItem(i, column, QTableWidgetItem(text))
        fit_columns(self.table)

    def selected(self) -> CertificateRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _act(self, title: str, prompt: str, call: Callable[[str, str], Outcome[object]]) -> None:
        """Ask for a reason, then run `call(code, reason)` on the selected certificate."""
        row = self.selected()
        if row is None:
            return
        reason = ask_reason(self, title, prompt.format(code=row.code))
        if reason is not None:
            self.ctx.op(self, lambda: call(row.code, reason))
            self.reload()

    def revoke(self) -> None:
        self._act(
            _("Revoke certificate"),
            _("Why is {code} revoked?"),
            lambda code, reason: certificates.revoke_certificate(self.ctx.db, code, reason),
        )

    def reissue(self) -> None:
        self._act(
            _("Re-issue certificate"),
            _("What changed (for example the corrected name)?"),
            lambda code, reason: certificates.reissue_certificate(self.ctx.db, code, reason),
        )

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext, session_id: int) -> None:
        run_modal(cls(parent, ctx, session_id))

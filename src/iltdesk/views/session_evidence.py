"""A session's evidence, from its window: signed-sheet scans, kept prints, the evidence pack.

Scans are attached from Documents › Attach signed sheets… or by dropping PDF, JPEG or PNG
files on the window; each goes to a day the coordinator picks (or the whole session). The
pack is gathered and zipped off the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QInputDialog
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk.domain.evidence import ScanRow
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.services import evidence
from iltdesk.services import scheduling
from iltdesk.tasks.runner import Progress
from iltdesk.tasks.runner import TaskRunner
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs import document_preview
from iltdesk.views.errors import show_error
from iltdesk.views.errors import show_task_error
from iltdesk.views.widgets import CLOSE
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import fit_columns
from iltdesk.views.widgets import open_dialog

WHOLE_SESSION = 0


def ask_scan_files(parent: QWidget) -> list[Path]:
    """Which scans to attach (the one place tests patch)."""
    names, _chosen = QFileDialog.getOpenFileNames(
        parent,
        _("Attach signed sheets"),
        "",
        _("Scans (*.pdf *.jpg *.jpeg *.png);;All files (*)"),
    )
    return [Path(name) for name in names]


def ask_scan_day(parent: QWidget, labels: list[str]) -> int | None:
    """Which day the scans belong to: 1-based, `WHOLE_SESSION`, or None when cancelled."""
    if len(labels) == 1:
        return 1
    choices = [_("The whole session"), *labels]
    chosen, ok = QInputDialog.getItem(
        parent, _("Attach signed sheets"), _("These sheets were signed on:"), choices, 1, False
    )
    return choices.index(chosen) if ok else None


def show_scan_report(parent: QWidget, text: str, problems: list[str]) -> None:
    """What was attached and what was refused, and why (the one place tests patch)."""
    if problems:
        QMessageBox.warning(parent, _("Attach signed sheets"), text + "\n\n" + "\n".join(problems))
    else:
        QMessageBox.information(parent, _("Attach signed sheets"), text)


def show_pack_written(parent: QWidget, path: Path) -> None:
    """Say where the pack went (the one place tests patch)."""
    QMessageBox.information(
        parent, _("Evidence pack"), _("Evidence pack written to {path}.").format(path=path)
    )


class SessionEvidence:
    """Attaching scans, listing what is kept, and writing the evidence pack for one session."""

    def __init__(self, parent: QWidget, ctx: AppContext, session_id: int) -> None:
        self.parent = parent
        self.ctx = ctx
        self.session_id = session_id
        self.tasks = TaskRunner(parent)
        self.last_pack: Path | None = None

    # --- scans ---
    def attach(self, paths: list[Path] | None = None) -> list[ScanRow]:
        """Attach scans (asked for when not given); each refused file gets its sentence."""
        chosen = paths if paths is not None else ask_scan_files(self.parent)
        if not chosen:
            return []
        session = scheduling.get_session(self.ctx.db, self.session_id)
        labels = [
            _("Day {n} — {date}").format(
                n=n, date=formatting.format_day_with_weekday(day.start, session.timezone)
            )
            for n, day in enumerate(session.days, start=1)
        ]
        number = ask_scan_day(self.parent, labels) if labels else WHOLE_SESSION
        if number is None:
            return []
        day_id = session.days[number - 1].id if number else None
        attached: list[ScanRow] = []
        problems: list[str] = []
        for path in chosen:
            try:
                outcome = evidence.attach_scan(
                    self.ctx.db, self.ctx.store, self.session_id, day_id, path
                )
            except Exception as error:  # a UserError's sentence is collected; bugs are shown
                from iltdesk.errors import UserError

                if not isinstance(error, UserError):
                    show_error(self.parent, error)
                    return attached
                problems.append(str(error))
                continue
            attached.append(self.ctx.apply(outcome))
        text = ngettext("{n} scan attached.", "{n} scans attached.", len(attached)).format(
            n=len(attached)
        )
        show_scan_report(self.parent, text, problems)
        return attached

    def show_kept(self) -> QDialog:
        """What the pack will hold of prints and scans, in a small window."""
        return open_dialog(KeptEvidenceDialog(self.parent, self.ctx, self.session_id))

    # --- the pack ---
    def pack(self) -> None:
        target = document_preview.ask_save_path(
            self.parent,
            _("Save evidence pack"),
            f"evidence-session-{self.session_id}.zip",
            _("ZIP archives (*.zip)"),
        )
        if target is None:
            return
        db, store, prefs, session_id = self.ctx.db, self.ctx.store, self.ctx.prefs, self.session_id
        options = prefs.document_options()
        certificate_options = prefs.certificate_options()

        def work(progress: Progress) -> Path:
            from iltdesk.documents.evidence import build_evidence_pack
            from iltdesk.documents.files import write_atomic

            progress.report(0, 2, _("Gathering prints, scans and the audit trail…"))
            data = evidence.gather(
                db,
                store,
                session_id,
                organisation=str(options["organisation"]),
                paper=str(options["paper"]),
                certificate_options=certificate_options,
            )
            progress.report(1, 2, _("Writing the pack…"))
            return write_atomic(target, build_evidence_pack(data), kind="zip", force=True)

        self.tasks.run(
            work,
            title=_("Evidence pack"),
            on_done=self._packed,
            on_error=self._failed,
        )

    def _packed(self, path: Path) -> None:
        self.last_pack = path
        show_pack_written(self.parent, path)

    def _failed(self, error: BaseException) -> None:
        show_task_error(self.parent, error)


class KeptEvidenceDialog(QDialog):
    """The session's kept prints and attached scans."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, session_id: int) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Kept prints and scans"))
        self.resize(720, 420)
        zone = scheduling.get_session(ctx.db, session_id).timezone
        rows: list[tuple[str, str, str, str]] = []
        for printed in evidence.prints(ctx.db, session_id):
            rows.append(
                (
                    _("Printed"),
                    printed.label,
                    "",
                    formatting.format_datetime(printed.printed_at, zone),
                )
            )
        for scan in evidence.scans(ctx.db, session_id):
            rows.append(
                (
                    _("Scan"),
                    scan.file_name,
                    _("Day {n}").format(n=scan.day_number) if scan.day_number else _("All days"),
                    formatting.format_datetime(scan.added_at, zone),
                )
            )
        self.table = QTableWidget(len(rows), 4)
        self.table.setHorizontalHeaderLabels([_("Kind"), _("Document"), _("Day"), _("When")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for r, values in enumerate(rows):
            for c, text in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(text))
        fit_columns(self.table)
        note = QLabel(
            _(
                "A copy of every sheet printed or saved from ILT Desk is kept here, as printed; "
                "Documents › Evidence pack… puts them, the scans and the audit trail in one ZIP."
            )
            if rows
            else _("Nothing printed or attached yet.")
        )
        note.setWordWrap(True)
        buttons = button_box(self, CLOSE)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)

"""The documents of one session, reachable from its window.

Sign-in sheets, certificates, the facilitator guide, the attendance workbook out and back,
and the session's evidence (scans of signed sheets, kept prints, the evidence pack).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QWidget

from iltdesk.domain.changes import Changes
from iltdesk.domain.printing import CertificateDesign
from iltdesk.domain.printing import CertificateDoc
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.services import certificates
from iltdesk.services import printing
from iltdesk.services import scheduling
from iltdesk.services import workbooks
from iltdesk.services.certificates import CertificateRow
from iltdesk.services.common import Outcome
from iltdesk.services.workbooks import AttendanceImportPlan
from iltdesk.tasks.runner import Progress
from iltdesk.tasks.runner import TaskRunner
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs import document_preview
from iltdesk.views.errors import show_task_error
from iltdesk.views.modal import run_modal


def ask_open_workbook(parent: QWidget) -> Path | None:
    """Which returned workbook to read (the one place tests patch)."""
    name, _chosen = QFileDialog.getOpenFileName(
        parent, _("Read back a filled-in workbook"), "", _("Excel workbooks (*.xlsx *.xlsm)")
    )
    return Path(name) if name else None


def attendance_import_box(parent: QWidget, plan: AttendanceImportPlan) -> QMessageBox:
    """The question before a returned workbook is applied: what changes, and what was left out.

    What was left out is said in the question itself, its reasons under Show Details: a mark
    kept because it changed in ILT Desk after the export must not go unnoticed.
    """
    lines = [f"{c.learner} · {c.day_label}: {c.old or '—'} → {c.new}" for c in plan.changes[:25]]
    if len(plan.changes) > 25:
        lines.append(_("… and {n} more.").format(n=len(plan.changes) - 25))
    text = ngettext("{n} mark will change.", "{n} marks will change.", len(plan.changes)).format(
        n=len(plan.changes)
    )
    details = "\n".join(lines)
    box = QMessageBox(parent)
    if plan.problems:
        details += "\n\n" + _("Left out:") + "\n" + "\n".join(plan.problems)
        box.setInformativeText(
            ngettext(
                "{n} cell was left out; Show Details… says why.",
                "{n} cells were left out; Show Details… says why.",
                len(plan.problems),
            ).format(n=len(plan.problems))
        )
    box.setWindowTitle(_("Read back attendance"))
    box.setText(text)
    box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Apply | QMessageBox.StandardButton.Cancel)
    return box


def confirm_attendance_import(parent: QWidget, plan: AttendanceImportPlan) -> bool:
    """Show what a returned workbook would change and ask before applying it."""
    return run_modal(attendance_import_box(parent, plan)) == QMessageBox.StandardButton.Apply


@dataclass(frozen=True)
class _Issued:
    """What issuing a session's certificates found: what to print, and what was new."""

    docs: list[CertificateDoc]
    issued: list[CertificateRow]
    changes: Changes


class SessionDocuments:
    """Builds the "Documents" button and carries out its entries for one session."""

    def __init__(self, parent: QWidget, ctx: AppContext, session_id: int) -> None:
        self.parent = parent
        self.ctx = ctx
        self.session_id = session_id
        # A push button with a menu, as Session and Email beside it are: a tool button drew
        # its arrow over the last letter of its text.
        self.button = QPushButton(_("&Documents"), parent)
        menu = QMenu(self.button)
        menu.addAction(_("Sign-in sheets (all days)…"), lambda: self.signin(None))
        self.today_action = menu.addAction(_("Today's sign-in sheet…"), self.signin_today)
        menu.addAction(_("Sign-in sheet options…"), self.signin_options)
        certificates_menu = menu.addMenu(_("Certificates"))
        for design in CertificateDesign:
            certificates_menu.addAction(
                design.value.capitalize(), self._certificates_action(design)
            )
        certificates_menu.addSeparator()
        certificates_menu.addAction(_("Save one PDF per learner (ZIP)…"), self.certificates_zip)
        certificates_menu.addAction(_("Revoke or re-issue…"), self.manage_certificates)
        menu.addAction(_("Facilitator guide…"), self.guide)
        menu.addAction(_("Feedback forms…"), self.feedback_forms)
        menu.addSeparator()
        menu.addAction(_("Export attendance workbook…"), self.export_workbook)
        menu.addAction(_("Read back a filled-in workbook…"), self.read_back)
        menu.addSeparator()
        from iltdesk.views.session_evidence import SessionEvidence

        self.evidence = SessionEvidence(parent, ctx, session_id)
        self.attach_action = menu.addAction(
            _("Attach signed sheets…"), lambda: self.evidence.attach()
        )
        menu.addAction(_("Kept prints and scans…"), self.evidence.show_kept)
        self.pack_action = menu.addAction(_("Evidence pack…"), self.evidence.pack)
        self.button.setMenu(menu)
        self.tasks = TaskRunner(parent, ctx)
        self.last_output: Path | None = None  # the last file a task wrote

    def keeper(self, kind: str, label: str, pdf: bytes) -> Callable[[], None]:
        """Keep a copy of `pdf` for the evidence pack once it is printed or saved."""

        def keep() -> None:
            from iltdesk.services import evidence

            self.ctx.op(
                self.parent,
                lambda: evidence.keep_print(
                    self.ctx.db, self.ctx.store, self.session_id, kind, label, pdf
                ),
            )

        return keep

    def _certificates_action(self, design: CertificateDesign) -> Callable[[], None]:
        def act() -> None:
            self.certificates(design)

        return act

    def _failed(self, error: BaseException) -> None:
        show_task_error(self.parent, error)

    def _nobody_completed(self) -> None:
        QMessageBox.information(
            self.parent,
            _("Certificates"),
            _("Nobody in this session has completed yet, so there is no certificate."),
        )

    def _issue(self) -> Callable[[Progress], _Issued]:
        """Work that issues what is missing and reads what every valid certificate shows."""
        db, session_id = self.ctx.db, self.session_id
        options = self.ctx.prefs.certificate_options()

        def issue(progress: Progress) -> _Issued:
            progress.report(0, 0, _("Issuing certificates…"))
            issued = certificates.issue_certificates(db, session_id)
            docs = certificates.certificate_docs(db, session_id, **options)
            return _Issued(docs, issued.value, issued.changes)

        return issue

    def today_number(self) -> int | None:
        """Which day of the session is today in the session's own zone, if any."""
        session = scheduling.get_session(self.ctx.db, self.session_id)
        zone = ZoneInfo(session.timezone)
        today = datetime.now(UTC).astimezone(zone).date()
        for number, day in enumerate(session.days, start=1):
            if day.start.astimezone(zone).date() == today:
                return number
        return None

    def signin(self, day: int | None) -> Progress:
        """Build the sign-in sheets off the GUI thread, then preview them."""
        db, session_id = self.ctx.db, self.session_id
        options = self.ctx.prefs.document_options()

        def work(progress: Progress) -> tuple[str, bytes]:
            from iltdesk.documents.signin import build_signin_pdf

            progress.report(0, 0, _("Preparing sign-in sheets…"))
            sheets = printing.signin_sheets(db, session_id, day=day, **options)
            return sheets[0].course_code, build_signin_pdf(sheets)

        def done(built: tuple[str, bytes]) -> None:
            code, pdf = built
            label = (
                _("Sign-in sheets") if day is None else _("Sign-in sheet, day {n}").format(n=day)
            )
            document_preview.show_pdf(
                self.parent,
                _("Sign-in sheets"),
                pdf,
                f"sign-in-{code}-{self.session_id}.pdf",
                self.keeper("signin", label, pdf),
            )

        return self.tasks.run(work, title=_("Sign-in sheets"), on_done=done, on_error=self._failed)

    def signin_options(self) -> None:
        from iltdesk.views.dialogs.signin_options import SignInOptionsDialog

        SignInOptionsDialog.ask(self.parent, self.ctx, self.session_id)

    def signin_today(self) -> None:
        number = self.today_number()
        if number is None:
            QMessageBox.information(
                self.parent, _("Sign-in sheet"), _("This session does not run today.")
            )
            return
        self.signin(number)

    def certificates(self, design: CertificateDesign) -> Progress:
        """Issue what is missing and build every certificate off the GUI thread, then preview."""
        issue, paper = self._issue(), str(self.ctx.prefs.get("paper_size"))

        def work(progress: Progress) -> Outcome[tuple[_Issued, bytes]]:
            from iltdesk.documents.certificates import build_certificates_pdf

            found = issue(progress)
            if not found.docs:
                return Outcome((found, b""), found.changes)

            def step(done: int, total: int) -> None:
                progress.report(
                    done, total, _("Certificate {n} of {total}").format(n=done, total=total)
                )

            pdf = build_certificates_pdf(found.docs, design, paper, step)
            return Outcome((found, pdf), found.changes)

        def done(built: tuple[_Issued, bytes]) -> None:
            found, pdf = built
            if not found.docs:
                self._nobody_completed()
                return
            count, new = len(found.docs), len(found.issued)
            title = ngettext("{n} certificate", "{n} certificates", count).format(n=count)
            if new:
                title += " · " + ngettext("{n} newly issued", "{n} newly issued", new).format(n=new)
            document_preview.show_pdf(
                self.parent,
                title,
                pdf,
                f"certificates-{self.session_id}.pdf",
                self.keeper("certificates", title, pdf),
            )

        return self.tasks.run_op(work, title=_("Certificates"), on_done=done, on_error=self._failed)

    def certificates_zip(self) -> Progress | None:
        """Issue what is missing, then save one PDF per learner in a ZIP (for emailing)."""
        target = document_preview.ask_save_path(
            self.parent,
            _("Save certificates"),
            f"certificates-{self.session_id}.zip",
            _("ZIP archives (*.zip)"),
        )
        if target is None:
            return None
        issue, paper = self._issue(), str(self.ctx.prefs.get("paper_size"))

        def work(progress: Progress) -> Outcome[Path | None]:
            from iltdesk.documents import certificates as documents
            from iltdesk.documents.files import write_atomic

            found = issue(progress)
            if not found.docs:
                return Outcome(None, found.changes)

            def step(done: int, total: int) -> None:
                progress.report(
                    done, total, _("Certificate {n} of {total}").format(n=done, total=total)
                )

            files = documents.certificate_files(found.docs, CertificateDesign.CLASSIC, paper, step)
            return Outcome(write_atomic(target, documents.zip_files(files)), found.changes)

        def done(path: Path | None) -> None:
            if path is None:
                self._nobody_completed()
                return
            self.last_output = path  # the save dialog named it; nothing more to say

        return self.tasks.run_op(
            work, title=_("Save certificates"), on_done=done, on_error=self._failed
        )

    def manage_certificates(self) -> None:
        from iltdesk.views.dialogs.certificates_dialog import CertificatesDialog

        CertificatesDialog.ask(self.parent, self.ctx, self.session_id)

    def guide(self) -> Progress:
        """Build the facilitator guide off the GUI thread, then preview it."""
        db, session_id = self.ctx.db, self.session_id
        options = self.ctx.prefs.document_options()

        def work(progress: Progress) -> tuple[str, bytes]:
            from iltdesk.documents.guide import build_guide_pdf

            progress.report(0, 0, _("Preparing the facilitator guide…"))
            guide = printing.facilitator_guide(
                db, session_id, organisation=options["organisation"], paper=options["paper"]
            )
            return guide.course_code, build_guide_pdf(guide)

        def done(built: tuple[str, bytes]) -> None:
            code, pdf = built
            document_preview.show_pdf(
                self.parent,
                _("Facilitator guide"),
                pdf,
                f"guide-{code}-{self.session_id}.pdf",
                self.keeper("guide", _("Facilitator guide"), pdf),
            )

        return self.tasks.run(
            work, title=_("Facilitator guide"), on_done=done, on_error=self._failed
        )

    def feedback_forms(self) -> Progress:
        """Build the feedback forms (a page per learner) off the GUI thread, then preview."""
        db, session_id = self.ctx.db, self.session_id
        options = self.ctx.prefs.document_options()

        def work(progress: Progress) -> tuple[str, bytes]:
            from iltdesk.documents.feedback_form import build_feedback_form_pdf
            from iltdesk.services.feedback import feedback_sheet

            progress.report(0, 0, _("Preparing the feedback forms…"))
            sheet = feedback_sheet(
                db, session_id, organisation=options["organisation"], paper=options["paper"]
            )
            return sheet.course_code, build_feedback_form_pdf(sheet)

        def done(built: tuple[str, bytes]) -> None:
            code, pdf = built
            document_preview.show_pdf(
                self.parent, _("Feedback forms"), pdf, f"feedback-{code}-{self.session_id}.pdf"
            )

        return self.tasks.run(work, title=_("Feedback forms"), on_done=done, on_error=self._failed)

    def export_workbook(self) -> Progress | None:
        """Write the attendance workbook off the GUI thread."""
        target = document_preview.ask_save_path(
            self.parent,
            _("Export attendance workbook"),
            f"attendance-{self.session_id}.xlsx",
            _("Excel workbooks (*.xlsx)"),
        )
        if target is None:
            return None
        db, session_id = self.ctx.db, self.session_id

        def work(progress: Progress) -> Path:
            from iltdesk.documents.files import write_atomic
            from iltdesk.documents.workbook import build_workbook

            progress.report(0, 0, _("Writing the workbook…"))
            return write_atomic(
                target, build_workbook(workbooks.attendance_workbook(db, [session_id]))
            )

        def done(path: Path) -> None:
            self.last_output = path  # the save dialog named it; nothing more to say

        return self.tasks.run(
            work, title=_("Export attendance workbook"), on_done=done, on_error=self._failed
        )

    def read_back(self) -> Progress | None:
        """Read a returned workbook off the GUI thread, show what changes, apply if asked."""
        path = ask_open_workbook(self.parent)
        if path is None:
            return None
        db = self.ctx.db

        def work(progress: Progress) -> AttendanceImportPlan:
            from iltdesk.documents.workbook import read_returned_grids

            progress.report(0, 0, _("Reading {file}…").format(file=path.name))
            return workbooks.plan_attendance_import(db, read_returned_grids(path))

        return self.tasks.run(
            work, title=_("Read back attendance"), on_done=self._planned, on_error=self._failed
        )

    def _planned(self, plan: AttendanceImportPlan) -> None:
        if not plan.changes:
            message = _("Nothing to change.")
            if plan.problems:
                message += "\n\n" + "\n".join(plan.problems)
            QMessageBox.information(self.parent, _("Read back attendance"), message)
            return
        if confirm_attendance_import(self.parent, plan):
            threshold = int(self.ctx.prefs.get("completion_threshold"))
            self.ctx.op(
                self.parent,
                lambda: workbooks.apply_attendance_import(self.ctx.db, plan, threshold),
            )

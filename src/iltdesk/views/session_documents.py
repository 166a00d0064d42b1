"""The documents of one session, reachable from its window.

Sign-in sheets, certificates, the facilitator guide, the attendance workbook out and back,
and the session's evidence (scans of signed sheets, kept prints, the evidence pack).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QToolButton, QWidget

from iltdesk.domain.printing import CertificateDesign, CertificateDoc
from iltdesk.i18n import _, ngettext
from iltdesk.services import certificates, printing, scheduling, workbooks
from iltdesk.services.certificates import CertificateRow
from iltdesk.services.workbooks import AttendanceImportPlan
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs import document_preview
from iltdesk.views.errors import show_error


def ask_open_workbook(parent: QWidget) -> Path | None:
    """Which returned workbook to read (the one place tests patch)."""
    name, _chosen = QFileDialog.getOpenFileName(
        parent, _("Read back a filled-in workbook"), "", _("Excel workbooks (*.xlsx *.xlsm)")
    )
    return Path(name) if name else None


def confirm_attendance_import(parent: QWidget, plan: AttendanceImportPlan) -> bool:
    """Show what a returned workbook would change and ask before applying it."""
    lines = [f"{c.learner} · {c.day_label}: {c.old or '—'} → {c.new}" for c in plan.changes[:25]]
    if len(plan.changes) > 25:
        lines.append(_("… and {n} more.").format(n=len(plan.changes) - 25))
    text = ngettext("{n} mark will change.", "{n} marks will change.", len(plan.changes)).format(
        n=len(plan.changes)
    )
    details = "\n".join(lines)
    if plan.problems:
        details += "\n\n" + _("Left out:") + "\n" + "\n".join(plan.problems)
    box = QMessageBox(parent)
    box.setWindowTitle(_("Read back attendance"))
    box.setText(text)
    box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Apply | QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Apply


class SessionDocuments:
    """Builds the "Documents" button and carries out its entries for one session."""

    def __init__(self, parent: QWidget, ctx: AppContext, session_id: int) -> None:
        self.parent = parent
        self.ctx = ctx
        self.session_id = session_id
        self.button = QToolButton(parent)
        self.button.setText(_("&Documents"))
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
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

    def keeper(self, kind: str, label: str, pdf: bytes) -> Callable[[], None]:
        """Keep a copy of `pdf` for the evidence pack once it is printed or saved."""

        def keep() -> None:
            from iltdesk.services import evidence

            self.ctx.apply(
                evidence.keep_print(self.ctx.db, self.ctx.store, self.session_id, kind, label, pdf)
            )

        return keep

    def _certificates_action(self, design: CertificateDesign) -> Callable[[], None]:
        return lambda: self.certificates(design)

    def _issued_docs(self) -> tuple[list[CertificateDoc], list[CertificateRow]]:
        """Issue what is missing, then what every valid certificate shows.

        Tells the user (and returns no documents) when nobody has completed yet.
        """
        issued = self.ctx.apply(certificates.issue_certificates(self.ctx.db, self.session_id))
        docs = certificates.certificate_docs(
            self.ctx.db, self.session_id, **self.ctx.prefs.certificate_options()
        )
        if not docs:
            QMessageBox.information(
                self.parent,
                _("Certificates"),
                _("Nobody in this session has completed yet, so there is no certificate."),
            )
        return docs, issued

    def today_number(self) -> int | None:
        """Which day of the session is today in the session's own zone, if any."""
        session = scheduling.get_session(self.ctx.db, self.session_id)
        zone = ZoneInfo(session.timezone)
        today = datetime.now(UTC).astimezone(zone).date()
        for number, day in enumerate(session.days, start=1):
            if day.start.astimezone(zone).date() == today:
                return number
        return None

    def signin(self, day: int | None) -> None:
        from iltdesk.documents.signin import build_signin_pdf

        try:
            sheets = printing.signin_sheets(
                self.ctx.db, self.session_id, day=day, **self.ctx.prefs.document_options()
            )
            pdf = build_signin_pdf(sheets)
        except Exception as error:  # a UserError's sentence, or a logged bug
            show_error(self.parent, error)
            return
        name = f"sign-in-{sheets[0].course_code}-{self.session_id}.pdf"
        label = _("Sign-in sheets") if day is None else _("Sign-in sheet, day {n}").format(n=day)
        document_preview.show_pdf(
            self.parent, _("Sign-in sheets"), pdf, name, self.keeper("signin", label, pdf)
        )

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

    def certificates(self, design: CertificateDesign) -> None:
        from iltdesk.documents.certificates import build_certificates_pdf

        try:
            docs, issued = self._issued_docs()
            if not docs:
                return
            pdf = build_certificates_pdf(docs, design, str(self.ctx.prefs.get("paper_size")))
        except Exception as error:  # a UserError's sentence, or a logged bug
            show_error(self.parent, error)
            return
        title = ngettext("{n} certificate", "{n} certificates", len(docs)).format(n=len(docs))
        if issued:
            title += " · " + ngettext("{n} newly issued", "{n} newly issued", len(issued)).format(
                n=len(issued)
            )
        document_preview.show_pdf(
            self.parent,
            title,
            pdf,
            f"certificates-{self.session_id}.pdf",
            self.keeper("certificates", title, pdf),
        )

    def certificates_zip(self) -> Path | None:
        """Issue what is missing, then save one PDF per learner in a ZIP (for emailing)."""
        from iltdesk.documents import certificates as documents
        from iltdesk.documents.files import write_atomic

        target = document_preview.ask_save_path(
            self.parent,
            _("Save certificates"),
            f"certificates-{self.session_id}.zip",
            _("ZIP archives (*.zip)"),
        )
        if target is None:
            return None
        try:
            docs, _issued = self._issued_docs()
            if not docs:
                return None
            paper = str(self.ctx.prefs.get("paper_size"))
            files = documents.certificate_files(docs, CertificateDesign.CLASSIC, paper)
            return write_atomic(target, documents.zip_files(files))
        except Exception as error:  # a UserError's sentence, or a logged bug
            show_error(self.parent, error)
            return None

    def manage_certificates(self) -> None:
        from iltdesk.views.dialogs.certificates_dialog import CertificatesDialog

        CertificatesDialog.ask(self.parent, self.ctx, self.session_id)

    def guide(self) -> None:
        from iltdesk.documents.guide import build_guide_pdf

        try:
            options = self.ctx.prefs.document_options()
            guide = printing.facilitator_guide(
                self.ctx.db,
                self.session_id,
                organisation=options["organisation"],
                paper=options["paper"],
            )
            pdf = build_guide_pdf(guide)
        except Exception as error:  # a UserError's sentence, or a logged bug
            show_error(self.parent, error)
            return
        document_preview.show_pdf(
            self.parent,
            _("Facilitator guide"),
            pdf,
            f"guide-{guide.course_code}-{self.session_id}.pdf",
            self.keeper("guide", _("Facilitator guide"), pdf),
        )

    def export_workbook(self) -> Path | None:
        from iltdesk.documents.files import write_atomic
        from iltdesk.documents.workbook import build_workbook

        target = document_preview.ask_save_path(
            self.parent,
            _("Export attendance workbook"),
            f"attendance-{self.session_id}.xlsx",
            _("Excel workbooks (*.xlsx)"),
        )
        if target is None:
            return None
        try:
            data = workbooks.attendance_workbook(self.ctx.db, [self.session_id])
            return write_atomic(target, build_workbook(data))
        except Exception as error:  # a UserError's sentence, or a logged bug
            show_error(self.parent, error)
            return None

    def read_back(self) -> None:
        from iltdesk.documents.workbook import read_returned_grids

        path = ask_open_workbook(self.parent)
        if path is None:
            return
        try:
            plan = workbooks.plan_attendance_import(self.ctx.db, read_returned_grids(path))
        except Exception as error:  # a UserError's sentence, or a logged bug
            show_error(self.parent, error)
            return
        if not plan.changes:
            message = _("Nothing to change.")
            if plan.problems:
                message += "\n\n" + "\n".join(plan.problems)
            QMessageBox.information(self.parent, _("Read back attendance"), message)
            return
        if confirm_attendance_import(self.parent, plan):
            threshold = int(self.ctx.prefs.get("completion_threshold"))
            self.ctx.attempt(
                self.parent,
                lambda: self.ctx.apply(
                    workbooks.apply_attendance_import(self.ctx.db, plan, threshold)
                ),
            )

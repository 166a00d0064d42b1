"""Document commands: print sign-in sheets, certificates and guides; attendance workbooks."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from iltdesk.cli.common import EXIT_OK
from iltdesk.cli.common import EXIT_UNREADABLE
from iltdesk.cli.common import Commands
from iltdesk.cli.common import Handler
from iltdesk.cli.common import open_for_cli
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.i18n import ngettext


def register(commands: Commands) -> dict[str, Handler]:
    """Add the document commands; returns each command's handler."""
    printing = commands.add_parser("print", help=_("print documents for a session to PDF"))
    printing.add_argument(
        "document",
        choices=["signin", "certificates", "guide", "feedback"],
        help=_("which document (feedback: the feedback form, a page per learner)"),
    )
    printing.add_argument("session_id", type=int, metavar="SESSION_ID")
    printing.add_argument("-o", "--output", type=Path, required=True, help=_("PDF file to write"))
    printing.add_argument("--day", type=int, help=_("only this day (1 is the first)"))
    printing.add_argument(
        "--design",
        choices=["classic", "modern", "minimal"],
        default="classic",
        help=_("certificate design"),
    )
    printing.add_argument(
        "--force", action="store_true", help=_("replace an existing file of another kind")
    )

    export = commands.add_parser("export", help=_("export data to a workbook"))
    export.add_argument("what", choices=["attendance"], help=_("what to export"))
    chosen = export.add_mutually_exclusive_group(required=True)
    chosen.add_argument("session_id", type=int, nargs="?", metavar="SESSION_ID")
    chosen.add_argument("--all", action="store_true", help=_("every session"))
    export.add_argument("-o", "--output", type=Path, required=True, help=_("xlsx file to write"))
    export.add_argument(
        "--force", action="store_true", help=_("replace an existing file of another kind")
    )

    back = commands.add_parser(
        "import-attendance", help=_("read back an attendance workbook a trainer filled in")
    )
    back.add_argument("path", type=Path, metavar="PATH")
    back.add_argument("--dry-run", action="store_true", help=_("show what would change only"))
    back.add_argument("--json", action="store_true", help=_("print JSON"))
    return {"print": cmd_print, "export": cmd_export, "import-attendance": cmd_import_attendance}


def cmd_print(args: argparse.Namespace) -> int:
    """`iltdesk print`: sign-in sheets, certificates or the facilitator guide as PDF."""
    if args.document == "certificates":
        return print_certificates(args)
    if args.document == "guide":
        return print_guide(args)
    if args.document == "feedback":
        return print_feedback_form(args)
    from iltdesk.documents.files import check_target
    from iltdesk.documents.files import write_atomic
    from iltdesk.documents.signin import build_signin_pdf
    from iltdesk.services import printing
    from iltdesk.settings import Preferences

    with open_for_cli(args.db) as db:
        sheets = printing.signin_sheets(
            db, args.session_id, day=args.day, **Preferences().document_options()
        )
    check_target(args.output, "pdf", force=args.force)
    pdf = build_signin_pdf(sheets)
    target = write_atomic(args.output, pdf, kind="pdf", force=args.force)
    label = _("Sign-in sheets") if args.day is None else _("Sign-in sheet, day {n}")
    keep_copy(args, "signin", label.format(n=args.day), pdf)
    print(
        ngettext(
            "Sign-in sheet for {n} day written to {path}.",
            "Sign-in sheets for {n} days written to {path}.",
            len(sheets),
        ).format(n=len(sheets), path=target)
    )
    return EXIT_OK


def keep_copy(args: argparse.Namespace, kind: str, label: str, pdf: bytes) -> None:
    """Keep a copy of a printed document for the session's evidence pack."""
    from iltdesk import paths
    from iltdesk.services import evidence
    from iltdesk.services.material_store import MaterialStore

    store = MaterialStore(paths.materials_dir())
    with open_for_cli(args.db) as db:
        evidence.keep_print(db, store, args.session_id, kind, label, pdf)


def print_guide(args: argparse.Namespace) -> int:
    """Write a session's facilitator guide."""
    from iltdesk.documents.files import check_target
    from iltdesk.documents.files import write_atomic
    from iltdesk.documents.guide import build_guide_pdf
    from iltdesk.services import printing
    from iltdesk.settings import Preferences

    options = Preferences().document_options()
    with open_for_cli(args.db) as db:
        guide = printing.facilitator_guide(
            db, args.session_id, organisation=options["organisation"], paper=options["paper"]
        )
    check_target(args.output, "pdf", force=args.force)
    pdf = build_guide_pdf(guide)
    target = write_atomic(args.output, pdf, kind="pdf", force=args.force)
    keep_copy(args, "guide", _("Facilitator guide"), pdf)
    print(_("Facilitator guide written to {path}.").format(path=target))
    return EXIT_OK


def print_feedback_form(args: argparse.Namespace) -> int:
    """Write a session's feedback form, one page per learner with a seat."""
    from iltdesk.documents.feedback_form import build_feedback_form_pdf
    from iltdesk.documents.files import check_target
    from iltdesk.documents.files import write_atomic
    from iltdesk.services.feedback import feedback_sheet
    from iltdesk.settings import Preferences

    options = Preferences().document_options()
    with open_for_cli(args.db) as db:
        sheet = feedback_sheet(
            db, args.session_id, organisation=options["organisation"], paper=options["paper"]
        )
    check_target(args.output, "pdf", force=args.force)
    pdf = build_feedback_form_pdf(sheet)
    target = write_atomic(args.output, pdf, kind="pdf", force=args.force)
    print(
        ngettext(
            "Feedback form ({n} copy) written to {path}.",
            "Feedback forms ({n} copies) written to {path}.",
            sheet.copies,
        ).format(n=sheet.copies, path=target)
    )
    return EXIT_OK


def print_certificates(args: argparse.Namespace) -> int:
    """Issue missing certificates, then write them: one PDF, a ZIP, or a folder of files."""
    from iltdesk.documents import certificates as documents
    from iltdesk.documents.files import write_atomic
    from iltdesk.documents.files import write_files
    from iltdesk.domain.printing import CertificateDesign
    from iltdesk.services import certificates
    from iltdesk.settings import Preferences

    prefs = Preferences()
    design = CertificateDesign(args.design)
    paper = str(prefs.get("paper_size"))
    with open_for_cli(args.db) as db:
        certificates.issue_certificates(db, args.session_id)
        docs = certificates.certificate_docs(db, args.session_id, **prefs.certificate_options())
    if not docs:  # refused, so a script does not go on to send a file that was never written
        raise UserError(_("Nobody in this session has completed yet, so there is no certificate."))
    target: Path = args.output
    if target.suffix.lower() == ".zip":
        files = documents.certificate_files(docs, design, paper)
        write_atomic(target, documents.zip_files(files), kind="zip", force=args.force)
    elif target.suffix.lower() == ".pdf":
        pdf = documents.build_certificates_pdf(docs, design, paper)
        write_atomic(target, pdf, kind="pdf", force=args.force)
        keep_copy(args, "certificates", _("Certificates"), pdf)
    else:
        write_files(target, documents.certificate_files(docs, design, paper))
    print(
        ngettext(
            "{n} certificate written to {path}.", "{n} certificates written to {path}.", len(docs)
        ).format(n=len(docs), path=target)
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """`iltdesk export-attendance`: the attendance workbook of one or more sessions."""
    from iltdesk.documents.files import write_atomic
    from iltdesk.documents.workbook import build_workbook
    from iltdesk.services import workbooks

    with open_for_cli(args.db) as db:
        data = workbooks.attendance_workbook(db, None if args.all else [args.session_id])
    target = write_atomic(args.output, build_workbook(data), kind="xlsx", force=args.force)
    print(
        ngettext(
            "Attendance for {n} session written to {path}.",
            "Attendance for {n} sessions written to {path}.",
            len(data.grids),
        ).format(n=len(data.grids), path=target)
    )
    return EXIT_OK


def cmd_import_attendance(args: argparse.Namespace) -> int:
    """`iltdesk import-attendance`: read a returned workbook back (or show the plan)."""
    from iltdesk.documents.workbook import read_returned_grids
    from iltdesk.services import workbooks

    try:
        returned = read_returned_grids(args.path)
    except UserError as error:
        print(str(error), file=sys.stderr)
        return EXIT_UNREADABLE
    with open_for_cli(args.db) as db:
        plan = workbooks.plan_attendance_import(db, returned)
        applied = False
        if plan.changes and not args.dry_run:
            workbooks.apply_attendance_import(db, plan)
            applied = True
    if args.json:
        print(
            json.dumps(
                {
                    "applied": applied,
                    "changes": [
                        {
                            "session_id": c.session_id,
                            "enrollment_id": c.enrollment_id,
                            "day_id": c.day_id,
                            "learner": c.learner,
                            "day": c.day_label,
                            "old": c.old,
                            "new": c.new,
                        }
                        for c in plan.changes
                    ],
                    "unchanged": plan.unchanged,
                    "problems": list(plan.problems),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    for change in plan.changes:
        print(f"{change.learner} · {change.day_label}: {change.old or '—'} → {change.new}")
    for problem in plan.problems:
        print(problem)
    if applied:
        print(
            ngettext("{n} mark recorded.", "{n} marks recorded.", len(plan.changes)).format(
                n=len(plan.changes)
            )
        )
    elif plan.changes:
        print(_("Dry run: nothing was changed."))
    else:
        print(_("Nothing to change."))
    return EXIT_OK

"""Compliance on the command line.

Requirements, the matrix, the due list, certificate verification, the audit trail and
evidence packs.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import zipfile
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path

from iltdesk.cli.common import EXIT_OK
from iltdesk.cli.common import EXIT_PROBLEMS
from iltdesk.cli.common import EXIT_USER_ERROR
from iltdesk.cli.common import Commands
from iltdesk.cli.common import Handler
from iltdesk.cli.common import at_least
from iltdesk.cli.common import iso_date
from iltdesk.cli.common import open_for_cli
from iltdesk.cli.common import print_table
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.i18n import ngettext

STATES = ("overdue", "expiring", "current", "never", "exempt", "hire_date_missing")


def register(commands: Commands) -> dict[str, Handler]:
    """Add the compliance commands; returns each command's handler."""
    compliance = commands.add_parser(
        "compliance", help=_("who is current, expiring or overdue for each requirement")
    )
    compliance.add_argument("--department", metavar="D", help=_("only this department"))
    compliance.add_argument("--state", choices=STATES, action="append", help=_("only this state"))
    compliance.add_argument(
        "--within",
        type=int,
        default=60,
        metavar="DAYS",
        help=_("“expiring” means within this many days (default 60)"),
    )
    compliance.add_argument(
        "--by-department", action="store_true", help=_("one sheet per department (.xlsx)")
    )
    output = compliance.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help=_("print JSON"))
    output.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help=_("write FILE.xlsx or FILE.pdf")
    )
    compliance.add_argument(
        "--force", action="store_true", help=_("replace a file of another kind")
    )

    due = commands.add_parser("due", help=_("learners due (or overdue) within N days"))
    due.add_argument(
        "--days", type=at_least(0), default=30, metavar="N", help=_("look ahead N days")
    )
    due.add_argument("--department", metavar="D", help=_("only this department"))
    due.add_argument("--json", action="store_true", help=_("print JSON"))

    verify = commands.add_parser("verify", help=_("check a certificate code"))
    verify.add_argument("code", metavar="CODE")
    verify.add_argument("--json", action="store_true", help=_("print JSON"))

    audit = commands.add_parser("audit", help=_("the audit trail, or `audit verify`"))
    audit.add_argument("action", nargs="?", choices=["verify"], help=_("check the chain"))
    audit.add_argument("--session", type=int, metavar="ID", help=_("only this session"))
    audit.add_argument("--learner", metavar="EMAIL", help=_("only this learner"))
    audit.add_argument(
        "--limit", type=at_least(1), default=200, metavar="N", help=_("newest N entries")
    )
    audit.add_argument("--json", action="store_true", help=_("print JSON"))

    evidence = commands.add_parser("evidence", help=_("write a session's evidence pack (ZIP)"))
    evidence.add_argument("session_id", type=int, metavar="SESSION_ID")
    evidence.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.zip")
    evidence.add_argument("--force", action="store_true", help=_("replace a file of another kind"))

    scan = commands.add_parser(
        "attach-scan", help=_("attach scans of signed sheets (PDF, JPEG, PNG) to a session")
    )
    scan.add_argument("session_id", type=int, metavar="SESSION_ID")
    scan.add_argument("files", type=Path, nargs="+", metavar="FILE")
    scan.add_argument("--day", type=int, metavar="N", help=_("the day they were signed (1, 2, …)"))
    scan.add_argument("--json", action="store_true", help=_("print JSON"))

    requirements = commands.add_parser("requirements", help=_("list or add requirements"))
    requirements.set_defaults(json=False)  # no action: the list, as `requirements list`
    actions = requirements.add_subparsers(dest="requirements_action", metavar="ACTION")
    listing = actions.add_parser("list", help=_("list requirements"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    add = actions.add_parser("add", help=_("add a requirement"))
    add.add_argument("--name", required=True, metavar="TEXT")
    add.add_argument(
        "--course", required=True, action="append", metavar="CODE", help=_("repeat for equivalents")
    )
    add.add_argument("--every", type=int, metavar="MONTHS", help=_("repeat every N months"))
    add.add_argument("--within", type=int, metavar="DAYS", help=_("first time within N days"))
    add.add_argument("--anchor", choices=["hire", "eligible"], default="eligible")
    add.add_argument("--starts", type=iso_date, metavar="YYYY-MM-DD")
    add.add_argument("--department", default="", metavar="TEXT")
    add.add_argument("--job-title", default="", metavar="TEXT")
    add.add_argument("--location", default="", metavar="TEXT")
    add.add_argument("--json", action="store_true", help=_("print JSON"))
    return {
        "compliance": cmd_compliance,
        "due": cmd_due,
        "verify": cmd_verify,
        "audit": cmd_audit,
        "evidence": cmd_evidence,
        "attach-scan": cmd_attach_scan,
        "requirements": cmd_requirements,
    }


def _zone() -> str:
    """The coordinator's time zone, as the app shows times in."""
    from iltdesk.settings import Preferences

    return str(Preferences().get("default_timezone"))


def _today() -> tuple[date, str]:
    from iltdesk.services.compliance import today_in

    zone = _zone()
    return today_in(zone), zone


def cmd_compliance(args: argparse.Namespace) -> int:
    """`iltdesk compliance`: the matrix as text, JSON, a workbook or a PDF."""
    from iltdesk.domain.enums import ComplianceState
    from iltdesk.services import compliance

    target: Path | None = args.output
    kind = target.suffix.lower().lstrip(".") if target else None
    if target is not None and kind not in ("xlsx", "pdf"):
        raise ValidationError(
            _("Write the compliance matrix as .xlsx or .pdf; “{name}” is neither.").format(
                name=target.name
            )
        )
    today, zone = _today()
    states = [ComplianceState(s) for s in args.state] if args.state else None
    with open_for_cli(args.db) as db:
        found = compliance.matrix(
            db, today, window_days=args.within, department=args.department, states=states
        )
    if args.json:
        rows = [
            {
                "learner": person.email,
                "name": person.name,
                "department": person.department,
                "requirement": requirement.name,
                "state": cell.state.value,
                "date": cell.on.isoformat() if cell.on else None,
                "for_good": cell.lasting,
            }
            for person in found.learners
            for index, requirement in enumerate(found.requirements)
            if (cell := found.cell(index, person.id)) is not None
        ]
        totals = {
            r.name: {s.value: n for s, n in found.totals[i].items()}
            for i, r in enumerate(found.requirements)
        }
        warnings = [w for r in found.requirements if (w := r.warning())]
        print(
            json.dumps(
                {"as_of": today.isoformat(), "rows": rows, "totals": totals, "warnings": warnings},
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    if target is not None:
        from iltdesk.documents.compliance import compliance_pdf
        from iltdesk.documents.compliance import compliance_workbook
        from iltdesk.documents.files import write_atomic
        from iltdesk.settings import Preferences

        now = datetime.now(UTC)
        if kind == "xlsx":
            data = compliance_workbook(found, now, zone, by_department=args.by_department)
        else:
            data = compliance_pdf(found, now, zone, str(Preferences().get("paper_size")))
        write_atomic(target, data, kind=kind, force=args.force)
        print(_("Compliance written to {path}.").format(path=target))
        return EXIT_OK
    from iltdesk.domain.compliance import cell_text
    from iltdesk.domain.compliance import totals_line

    for requirement in found.requirements:
        if requirement.warning():
            print(requirement.warning(), file=sys.stderr)
    for index in range(len(found.requirements)):
        print(totals_line(found, index))
    print()
    print_table(
        [_("Learner"), _("Email"), _("Department")] + [r.name for r in found.requirements],
        [
            [person.name, person.email, person.department]
            + [cell_text(found.cell(i, person.id)) for i in range(len(found.requirements))]
            for person in found.learners
        ],
    )
    return EXIT_OK


def cmd_due(args: argparse.Namespace) -> int:
    """`iltdesk due`: who is due in the next N days."""
    from iltdesk import formatting
    from iltdesk.services import compliance

    today, _zone = _today()
    with open_for_cli(args.db) as db:
        items = compliance.due(db, today, args.days, department=args.department)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "learner": i.email,
                        "name": i.learner_name,
                        "manager": i.manager_email or None,
                        "requirement": i.requirement,
                        "state": i.state.value,
                        "date": i.on.isoformat() if i.on else None,
                    }
                    for i in items
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    if not items:
        print(
            ngettext(
                "Nobody is due in the next {n} day.",
                "Nobody is due in the next {n} days.",
                args.days,
            ).format(n=args.days)
        )
        return EXIT_OK
    print_table(
        [_("Learner"), _("Email"), _("Requirement"), _("State"), _("Date")],
        [
            [
                i.learner_name,
                i.email,
                i.requirement,
                i.state.label(),
                formatting.format_date(i.on) if i.on else "",
            ]
            for i in items
        ],
    )
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    """`iltdesk verify CODE`: valid, expired, revoked or unknown, with the details."""
    from iltdesk import formatting
    from iltdesk.domain.enums import CertificateStatus
    from iltdesk.services.register import verify_code

    today, _zone = _today()
    with open_for_cli(args.db) as db:
        found = verify_code(db, args.code, today)
    status = found.status.value if found else "unknown"
    if args.json:
        detail: dict[str, object] = {"code": args.code.strip().upper(), "status": status}
        if found is not None:
            detail |= {
                "learner": found.learner,
                "course": found.course,
                "course_code": found.course_code,
                "issued": found.issued_on.isoformat(),
                "valid_until": found.expires_on.isoformat() if found.expires_on else None,
                "replaced_by": found.replaced_by or None,
            }
        print(json.dumps(detail, ensure_ascii=False, indent=2))
    elif found is None:
        print(_("No certificate has the code {code}.").format(code=args.code.strip().upper()))
    else:
        until = (
            _("valid until {date}").format(date=formatting.format_date(found.expires_on))
            if found.expires_on
            else _("no expiry")
        )
        print(
            _("{status}: {learner}, {course}, issued {issued}, {until}.").format(
                status=found.status.label(),
                learner=found.learner,
                course=f"{found.course_code} {found.course}",
                issued=formatting.format_date(found.issued_on),
                until=until,
            )
        )
    return (
        EXIT_OK if found is not None and found.status is CertificateStatus.VALID else EXIT_PROBLEMS
    )


def cmd_audit(args: argparse.Namespace) -> int:
    """`iltdesk audit`: a record's history in words, or `audit verify` of the chain."""
    from iltdesk.services import audit
    from iltdesk.services.reports import find_learner_id

    with open_for_cli(args.db) as db:
        if args.action == "verify":
            check = audit.verify(db)
            if args.json:
                broken = check.broken
                print(
                    json.dumps(
                        {
                            "intact": check.intact,
                            "checked": check.checked,
                            "broken_at": broken.entry_id if broken else None,
                            "kind": broken.kind if broken else None,
                        },
                        indent=2,
                    )
                )
            else:
                print(check.sentence(), file=sys.stdout if check.intact else sys.stderr)
            return EXIT_OK if check.intact else EXIT_PROBLEMS
        learner_id = find_learner_id(db, args.learner) if args.learner else None
        rows = audit.history(db, session_id=args.session, learner_id=learner_id, limit=args.limit)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "at": r.at.isoformat(),
                        "actor": r.actor,
                        "entity": r.entity,
                        "entity_id": r.entity_id,
                        "action": r.action,
                        "text": r.text,
                        "reason": r.reason,
                        "changes": r.detail,
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    from iltdesk import formatting

    zone = _zone()  # as the app's history shows them
    print_table(
        [_("When"), _("What"), _("Why")],
        [[formatting.format_datetime(r.at, zone), r.text, r.reason] for r in rows],
    )
    return EXIT_OK


def cmd_evidence(args: argparse.Namespace) -> int:
    """`iltdesk evidence SESSION_ID`: write the session's evidence pack."""
    from iltdesk import paths
    from iltdesk.documents.evidence import build_evidence_pack
    from iltdesk.documents.files import write_atomic
    from iltdesk.services import evidence
    from iltdesk.services.material_store import MaterialStore
    from iltdesk.settings import Preferences

    prefs = Preferences()
    options = prefs.document_options()
    with open_for_cli(args.db) as db:
        data = evidence.gather(
            db,
            MaterialStore(paths.materials_dir()),
            args.session_id,
            organisation=str(options["organisation"]),
            paper=str(options["paper"]),
            certificate_options=prefs.certificate_options(),
        )
    pack = build_evidence_pack(data)
    write_atomic(args.output, pack, kind="zip", force=args.force)
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        count = len(archive.namelist())  # what the pack holds, its manifest too
    print(
        _("Evidence pack for session {id} written to {path} ({n} files).").format(
            id=args.session_id, path=args.output, n=count
        )
    )
    return EXIT_OK


def cmd_attach_scan(args: argparse.Namespace) -> int:
    """Attach each file; a refused one gets its sentence and the exit status says so."""
    from iltdesk import paths
    from iltdesk.errors import UserError
    from iltdesk.services import evidence
    from iltdesk.services import scheduling
    from iltdesk.services.material_store import MaterialStore

    store = MaterialStore(paths.materials_dir())
    attached: list[dict[str, object]] = []
    refused: list[dict[str, str]] = []
    with open_for_cli(args.db) as db:
        session = scheduling.get_session(db, args.session_id)
        day_id = None
        if args.day is not None:
            if not 1 <= args.day <= len(session.days):
                raise ValidationError(
                    _("Session {id} has days 1 to {n}; there is no day {day}.").format(
                        id=args.session_id, n=len(session.days), day=args.day
                    )
                )
            day_id = session.days[args.day - 1].id
        for path in args.files:
            try:
                row = evidence.attach_scan(db, store, args.session_id, day_id, path).value
            except UserError as error:
                refused.append({"file": str(path), "reason": str(error)})
                continue
            attached.append({"file": row.file_name, "day": row.day_number, "sha256": row.sha256})
    if args.json:
        print(json.dumps({"attached": attached, "refused": refused}, ensure_ascii=False, indent=2))
    else:
        for item in attached:
            print(_("Attached {file}.").format(file=item["file"]))
        for problem in refused:
            print(problem["reason"], file=sys.stderr)
    return EXIT_USER_ERROR if refused else EXIT_OK


def cmd_requirements(args: argparse.Namespace) -> int:
    """`iltdesk requirements`: list, add, change, archive requirements and members."""
    from iltdesk.domain.compliance import RequirementSpec
    from iltdesk.domain.enums import RequirementAnchor
    from iltdesk.services import requirements
    from iltdesk.services.reports import find_course_id

    with open_for_cli(args.db) as db:
        if args.requirements_action == "add":
            spec = RequirementSpec(
                args.name,
                tuple(find_course_id(db, code) for code in args.course),
                args.every,
                args.within,
                RequirementAnchor(args.anchor),
                args.starts,
                args.department,
                args.job_title,
                args.location,
            )
            rows = [requirements.create_requirement(db, spec).value]
        else:
            rows = requirements.list_requirements(db)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "name": r.name,
                        "courses": list(r.course_names),
                        "every_months": r.recurrence_months,
                        "within_days": r.within_days,
                        "anchor": r.anchor.value,
                        "starts": r.starts_on.isoformat() if r.starts_on else None,
                        "scope": r.scope_text(),
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    print_table(
        [_("ID"), _("Requirement"), _("Courses"), _("Every"), _("Scope")],
        [
            [
                r.id,
                r.name,
                ", ".join(r.course_names),
                ngettext("{n} month", "{n} months", r.recurrence_months).format(
                    n=r.recurrence_months
                )
                if r.recurrence_months
                else _("once"),
                r.scope_text(),
            ]
            for r in rows
        ],
    )
    return EXIT_OK

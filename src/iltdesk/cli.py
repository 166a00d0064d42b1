"""The command line: `iltdesk [--db PATH_OR_URL] COMMAND …`; without a command, the GUI.

Every command prints its result on stdout and, on failure, one sentence on stderr with a
non-zero exit status — never a traceback (that goes to the log file).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from iltdesk import formatting, paths
from iltdesk.db.engine import Database, database_url, sqlite_path
from iltdesk.errors import UserError
from iltdesk.i18n import _, ngettext

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USER_ERROR = 1
EXIT_UNREADABLE = 2
EXIT_BUG = 3


class _VersionAction(argparse.Action):
    """`--version`, looking the version up only when asked (it costs start-up time)."""

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kw: object) -> None:
        from iltdesk import __version__

        print(f"ILT Desk {__version__}")
        parser.exit()


def resolve_database(option: str | None) -> str:
    """`--db`, then `ILTDESK_DATABASE_URL`, then the default file in the user's data folder."""
    if option:
        return option
    from_env = os.environ.get("ILTDESK_DATABASE_URL")
    if from_env:
        return from_env
    return str(paths.default_database_path())


def open_for_cli(option: str | None) -> Database:
    from iltdesk.db.opening import open_database

    url = database_url(resolve_database(option))
    file_path = sqlite_path(url)
    backups = paths.backup_dir_for(file_path) if file_path is not None else None
    return open_database(url, backup_dir=backups)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iltdesk",
        description=_("ILT Desk: plan, run and record instructor-led training."),
    )
    parser.add_argument("--version", action=_VersionAction, nargs=0, help=_("show the version"))
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_("check that this installation works (database, documents, fonts, Qt) and exit"),
    )
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help=_("database file or URL (default: $ILTDESK_DATABASE_URL, else your data folder)"),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help=_("fill an empty database with demo data"))
    demo.add_argument("--learners", type=int, default=600, help=_("number of learners"))
    demo.add_argument("--sessions", type=int, default=40, help=_("number of sessions"))
    demo.add_argument("--seats", type=int, help=_("seats per session (default: realistic)"))
    demo.add_argument("--today", type=date.fromisoformat, help=_("anchor date, YYYY-MM-DD"))
    demo.add_argument("--seed", type=int, default=2026, help=_("random seed"))

    commands.add_parser("check-db", help=_("check the database; exit 1 on problems"))

    backup = commands.add_parser("backup", help=_("take a verified backup"))
    backup.add_argument("-o", "--output", type=Path, help=_("backup file to write"))

    sessions = commands.add_parser("sessions", help=_("list sessions"))
    sessions.add_argument("--json", action="store_true", help=_("print JSON"))

    printing = commands.add_parser("print", help=_("print documents for a session to PDF"))
    printing.add_argument(
        "document", choices=["signin", "certificates", "guide"], help=_("which document")
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

    export = commands.add_parser("export", help=_("export data to a workbook"))
    export.add_argument("what", choices=["attendance"], help=_("what to export"))
    chosen = export.add_mutually_exclusive_group(required=True)
    chosen.add_argument("session_id", type=int, nargs="?", metavar="SESSION_ID")
    chosen.add_argument("--all", action="store_true", help=_("every session"))
    export.add_argument("-o", "--output", type=Path, required=True, help=_("xlsx file to write"))

    back = commands.add_parser(
        "import-attendance", help=_("read back an attendance workbook a trainer filled in")
    )
    back.add_argument("path", type=Path, metavar="PATH")
    back.add_argument("--dry-run", action="store_true", help=_("show what would change only"))
    back.add_argument("--json", action="store_true", help=_("print JSON"))

    importing = commands.add_parser(
        "import-roster", help=_("import learners from an Excel or CSV file")
    )
    importing.add_argument("path", type=Path, metavar="FILE")
    importing.add_argument(
        "--session", type=int, metavar="SESSION_ID", help=_("enrol them into this session")
    )
    importing.add_argument("--sheet", metavar="NAME", help=_("the sheet to read"))
    importing.add_argument("--dry-run", action="store_true", help=_("show what would change only"))
    importing.add_argument("--json", action="store_true", help=_("print JSON"))

    config = commands.add_parser("config", help=_("read or change mail settings"))
    config_commands = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    config_set = config_commands.add_parser("set", help=_("change a setting"))
    config_set.add_argument("key", metavar="KEY")
    config_set.add_argument("value", metavar="VALUE")
    config_get = config_commands.add_parser("get", help=_("show a setting"))
    config_get.add_argument("key", metavar="KEY")

    certs = commands.add_parser("certificates", help=_("issue or email certificates"))
    certs_commands = certs.add_subparsers(
        dest="certificates_command", metavar="ACTION", required=True
    )
    certs_issue = certs_commands.add_parser("issue", help=_("issue missing certificates"))
    certs_issue.add_argument("session_id", type=int, metavar="SESSION_ID")
    certs_email = certs_commands.add_parser("email", help=_("email certificates to learners"))
    certs_email.add_argument("session_id", type=int, metavar="SESSION_ID")
    certs_email.add_argument("--yes", action="store_true", help=_("send without asking"))

    outbox = commands.add_parser("outbox", help=_("list or send queued email"))
    outbox_commands = outbox.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    outbox_list = outbox_commands.add_parser("list", help=_("list messages"))
    outbox_list.add_argument("--json", action="store_true", help=_("print JSON"))
    outbox_send = outbox_commands.add_parser("send", help=_("send pending messages"))
    outbox_send.add_argument("--yes", action="store_true", help=_("send without asking"))

    roster = commands.add_parser("roster", help=_("list a session's learners"))
    roster.add_argument("session_id", type=int, metavar="SESSION_ID")
    roster.add_argument("--json", action="store_true", help=_("print JSON"))
    return parser


def _print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for row in cells:
        print("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)))


def cmd_demo(args: argparse.Namespace) -> int:
    from iltdesk.services.demo import DemoSize, load_demo

    with open_for_cli(args.db) as db:
        outcome = load_demo(
            db, DemoSize(args.learners, args.sessions, args.seats), today=args.today, seed=args.seed
        )
    s = outcome.value
    print(
        _(
            "Demo data loaded: {courses} courses, {sessions} sessions, {learners} learners, "
            "{enrollments} enrollments, {attendance} attendance marks."
        ).format(
            courses=s.courses,
            sessions=s.sessions,
            learners=s.learners,
            enrollments=s.enrollments,
            attendance=s.attendance,
        )
    )
    return EXIT_OK


def cmd_check_db(args: argparse.Namespace) -> int:
    from iltdesk.services.health import check_database

    with open_for_cli(args.db) as db:
        problems = check_database(db)
    for problem in problems:
        print(problem.message)
    if problems:
        return EXIT_PROBLEMS
    print(_("No problems found."))
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from iltdesk.db import backup

    with open_for_cli(args.db) as db:
        if args.output is not None:
            target = args.output.expanduser().resolve()
            backup.copy_verified(db, target)
        else:
            folder = paths.backup_dir_for(db.path) if db.path else paths.data_dir() / "backups"
            target = backup.back_up(db, folder, reason="manual").path
            backup.thin_backups(folder)
    print(_("Backup written to {path} and verified.").format(path=target))
    return EXIT_OK


def cmd_sessions(args: argparse.Namespace) -> int:
    from iltdesk.services.scheduling import list_sessions

    with open_for_cli(args.db) as db:
        rows = list_sessions(db)
    if args.json:
        payload = [
            {
                "id": r.id,
                "course_code": r.course_code,
                "course_title": r.course_title,
                "cohort": r.cohort,
                "first_start": r.first_start.isoformat() if r.first_start else None,
                "first_start_local": (
                    r.first_start.astimezone(_zone(r.timezone)).isoformat()
                    if r.first_start
                    else None
                ),
                "timezone": r.timezone,
                "days": len(r.days),
                "mode": r.mode.value,
                "status": r.status.value,
                "enrolled": r.enrolled,
                "waitlisted": r.waitlisted,
                "capacity": r.capacity,
            }
            for r in rows
        ]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print(_("No sessions yet."))
        return EXIT_OK
    _print_table(
        [
            _("ID"),
            _("Course"),
            _("Title"),
            _("First start"),
            _("Time zone"),
            _("Status"),
            _("Enrolled"),
            _("Waitlist"),
            _("Capacity"),
        ],
        [
            [
                r.id,
                r.course_code,
                r.course_title,
                formatting.format_datetime(r.first_start, r.timezone) if r.first_start else "",
                r.timezone,
                r.status.label(),
                r.enrolled,
                r.waitlisted,
                r.capacity,
            ]
            for r in rows
        ],
    )
    return EXIT_OK


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def cmd_roster(args: argparse.Namespace) -> int:
    from iltdesk.services.enrollment import roster

    with open_for_cli(args.db) as db:
        rows = roster(db, args.session_id)
    if args.json:
        payload = [
            {
                "enrollment_id": r.enrollment_id,
                "learner_id": r.learner_id,
                "first_name": r.first_name,
                "last_name": r.last_name,
                "email": r.email,
                "employee_id": r.employee_id,
                "department": r.department,
                "status": r.status.value,
                "waitlist_position": r.waitlist_position,
                "source": r.source.value,
            }
            for r in rows
        ]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print(_("Nobody is enrolled in this session yet."))
        return EXIT_OK
    _print_table(
        [_("Last name"), _("First name"), _("Email"), _("Department"), _("Status"), "#"],
        [
            [
                r.last_name,
                r.first_name,
                r.email,
                r.department,
                r.status.label(),
                r.waitlist_position or "",
            ]
            for r in rows
        ],
    )
    return EXIT_OK


def cmd_print(args: argparse.Namespace) -> int:
    if args.document == "certificates":
        return print_certificates(args)
    if args.document == "guide":
        return print_guide(args)
    from iltdesk.documents.files import write_atomic
    from iltdesk.documents.signin import build_signin_pdf
    from iltdesk.services import printing
    from iltdesk.settings import Preferences

    with open_for_cli(args.db) as db:
        sheets = printing.signin_sheets(
            db, args.session_id, day=args.day, **Preferences().document_options()
        )
    target = write_atomic(args.output, build_signin_pdf(sheets))
    print(
        ngettext(
            "Sign-in sheet for {n} day written to {path}.",
            "Sign-in sheets for {n} days written to {path}.",
            len(sheets),
        ).format(n=len(sheets), path=target)
    )
    return EXIT_OK


def print_guide(args: argparse.Namespace) -> int:
    from iltdesk.documents.files import write_atomic
    from iltdesk.documents.guide import build_guide_pdf
    from iltdesk.services import printing
    from iltdesk.settings import Preferences

    options = Preferences().document_options()
    with open_for_cli(args.db) as db:
        guide = printing.facilitator_guide(
            db, args.session_id, organisation=options["organisation"], paper=options["paper"]
        )
    target = write_atomic(args.output, build_guide_pdf(guide))
    print(_("Facilitator guide written to {path}.").format(path=target))
    return EXIT_OK


def print_certificates(args: argparse.Namespace) -> int:
    """Issue missing certificates, then write them: one PDF, a ZIP, or a folder of files."""
    from iltdesk.documents import certificates as documents
    from iltdesk.documents.files import write_atomic
    from iltdesk.domain.printing import CertificateDesign
    from iltdesk.services import certificates
    from iltdesk.settings import Preferences

    prefs = Preferences()
    design = CertificateDesign(args.design)
    paper = str(prefs.get("paper_size"))
    with open_for_cli(args.db) as db:
        certificates.issue_certificates(db, args.session_id)
        docs = certificates.certificate_docs(db, args.session_id, **prefs.certificate_options())
    if not docs:
        print(_("Nobody in this session has completed yet, so there is no certificate."))
        return EXIT_OK
    target: Path = args.output
    if target.suffix.lower() == ".zip":
        write_atomic(target, documents.zip_files(documents.certificate_files(docs, design, paper)))
    elif target.suffix.lower() == ".pdf":
        write_atomic(target, documents.build_certificates_pdf(docs, design, paper))
    else:
        target.mkdir(parents=True, exist_ok=True)
        for name, data in documents.certificate_files(docs, design, paper).items():
            write_atomic(target / name, data)
    print(
        ngettext(
            "{n} certificate written to {path}.", "{n} certificates written to {path}.", len(docs)
        ).format(n=len(docs), path=target)
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from iltdesk.documents.files import write_atomic
    from iltdesk.documents.workbook import build_workbook
    from iltdesk.services import workbooks

    with open_for_cli(args.db) as db:
        data = workbooks.attendance_workbook(db, None if args.all else [args.session_id])
    target = write_atomic(args.output, build_workbook(data))
    print(
        ngettext(
            "Attendance for {n} session written to {path}.",
            "Attendance for {n} sessions written to {path}.",
            len(data.grids),
        ).format(n=len(data.grids), path=target)
    )
    return EXIT_OK


def cmd_import_attendance(args: argparse.Namespace) -> int:
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


def cmd_import_roster(args: argparse.Namespace) -> int:
    from iltdesk.importers.reading import UnreadableFileError, read_file
    from iltdesk.services import roster_import

    try:
        source = read_file(args.path)
    except UnreadableFileError as error:
        print(str(error), file=sys.stderr)
        return EXIT_UNREADABLE
    with open_for_cli(args.db) as db:
        parsed = roster_import.prepare(db, source, sheet=args.sheet)
        ref = roster_import.ImportSource(args.path.name, source.sha256, parsed.sheet)
        if args.dry_run:
            plan = roster_import.plan_import(db, parsed, args.session)
            counts, batch_id, problems = plan.counts, None, plan.problems
        else:
            result = roster_import.commit_import(db, parsed, ref, session_id=args.session).value
            counts, batch_id, problems = result.counts, result.batch_id, result.problems
            if batch_id is not None:
                roster_import.remember_mapping(db, parsed.headers, parsed.mapping)
    if args.json:
        print(
            json.dumps(
                {
                    "file": str(args.path),
                    "sheet": parsed.sheet,
                    "header_row": parsed.header_row + 1,
                    "mapping": {
                        parsed.headers[i] or str(i + 1): f.value for i, f in parsed.mapping.items()
                    },
                    "dry_run": bool(args.dry_run),
                    "batch_id": batch_id,
                    "counts": counts.as_dict(),
                    "problems": [
                        {
                            "row": p.row,
                            "column": p.column,
                            "message": p.message,
                            "blocking": p.blocking,
                        }
                        for p in problems
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    for problem in problems:
        where = f"{problem.column}: " if problem.column else ""
        print(_("Row {row}: {problem}").format(row=problem.row, problem=where + problem.message))
    print(
        _(
            "{new} new, {updated} updated, {unchanged} unchanged, {merged} duplicates merged, "
            "{rejected} rows with problems."
        ).format(
            new=counts.new,
            updated=counts.updated,
            unchanged=counts.unchanged,
            merged=counts.duplicates_merged,
            rejected=counts.rejected,
        )
    )
    if args.session is not None:
        print(
            _(
                "{enrolled} enrolled, {waitlisted} waitlisted, {already} already on the session."
            ).format(
                enrolled=counts.enrolled,
                waitlisted=counts.waitlisted,
                already=counts.already_enrolled,
            )
        )
    if args.dry_run:
        print(_("Dry run: nothing was changed."))
    elif batch_id is None:
        print(_("Nothing to change: everything in the file is already in ILT Desk."))
    return EXIT_OK


def cmd_config(args: argparse.Namespace) -> int:
    from iltdesk.services import outbox

    with open_for_cli(args.db) as db:
        if args.config_command == "set":
            outbox.set_mail_settings(db, {args.key: args.value})
            print(_("{key} = {value}").format(key=args.key, value=outbox.get_config(db, args.key)))
        else:
            print(outbox.get_config(db, args.key))
    return EXIT_OK


def _confirm(question: str, yes: bool) -> bool:
    """True to go ahead: --yes, or "y" typed at a terminal; otherwise say how to confirm."""
    if yes:
        return True
    if not sys.stdin.isatty():
        print(question, file=sys.stderr)
        print(_("Nothing was sent. Add --yes to send."), file=sys.stderr)
        return False
    answer = input(f"{question} [y/N] ").strip().casefold()
    return answer in ("y", "yes", _("y"), _("yes"))


def _send_all(db: Any, only: list[int] | None = None) -> int:
    from iltdesk import credentials
    from iltdesk.services import outbox

    settings = outbox.mail_settings(db)
    outbox.ensure_can_send(settings)
    password = ""
    if settings.transport == "smtp" and settings.username:
        found = credentials.get_password(settings.username, settings.host)
        if found is None:
            raise UserError(
                _(
                    "No password for {user} on {host}: set ILTDESK_SMTP_PASSWORD, or save it "
                    "once in the app's mail settings."
                ).format(user=settings.username, host=settings.host)
            )
        password = found
    transport = outbox.make_transport(settings, password)
    summary = outbox.send_queue(
        db,
        transport,
        settings.sender_address,
        rate_per_minute=settings.rate_per_minute,
        only=only,
    )
    print(
        _("{sent} sent, {failed} failed, {waiting} waiting to retry.").format(
            sent=summary.sent, failed=summary.failed, waiting=summary.waiting
        )
    )
    if summary.auth_error:
        print(summary.auth_error, file=sys.stderr)
        print(_("Sending paused: fix the user name or password, then send again."), file=sys.stderr)
        return EXIT_USER_ERROR
    return EXIT_OK if not summary.failed else EXIT_USER_ERROR


def cmd_certificates(args: argparse.Namespace) -> int:
    from iltdesk.domain.enums import MessageKind
    from iltdesk.services import certificates, outbox
    from iltdesk.settings import Preferences

    with open_for_cli(args.db) as db:
        if args.certificates_command == "issue":
            issued = certificates.issue_certificates(db, args.session_id).value
            print(
                ngettext("{n} certificate issued.", "{n} certificates issued.", len(issued)).format(
                    n=len(issued)
                )
            )
            return EXIT_OK
        outbox.ensure_can_send(outbox.mail_settings(db))
        prefs = Preferences()
        composed = outbox.compose(
            db,
            MessageKind.CERTIFICATE,
            args.session_id,
            fallback_language=str(prefs.get("locale")),
            certificate_options={
                k: v for k, v in prefs.certificate_options().items() if k != "fallback_language"
            },
        )
        if not composed.drafts:
            print(
                _(
                    "Nothing to send: {skipped} already in the outbox, no other certificates."
                ).format(skipped=composed.already_queued)
            )
            return EXIT_OK
        question = ngettext(
            "Send {n} certificate to learners of {session}?",
            "Send {n} certificates to learners of {session}?",
            len(composed.drafts),
        ).format(n=len(composed.drafts), session=composed.label)
        if not _confirm(question, args.yes):
            return EXIT_USER_ERROR
        ids = outbox.queue(db, composed.drafts).value
        return _send_all(db, ids)


def cmd_outbox(args: argparse.Namespace) -> int:
    from iltdesk.domain.enums import OutboxStatus
    from iltdesk.services import outbox

    with open_for_cli(args.db) as db:
        if args.outbox_command == "list":
            rows = outbox.list_outbox(db)
            if args.json:
                print(
                    json.dumps(
                        [
                            {
                                "id": r.id,
                                "kind": r.kind.value,
                                "recipient": r.recipient,
                                "subject": r.subject,
                                "status": r.status.value,
                                "attempts": r.attempts,
                                "last_error": r.last_error,
                                "message_id": r.message_id,
                                "created_at": r.created_at.isoformat(),
                                "sent_at": r.sent_at.isoformat() if r.sent_at else None,
                            }
                            for r in rows
                        ],
                        ensure_ascii=False,
                        indent=2,
                    )
                )
            else:
                _print_table(
                    [_("ID"), _("Status"), _("Recipient"), _("Subject"), _("Error")],
                    [(r.id, r.status.label(), r.recipient, r.subject, r.last_error) for r in rows],
                )
            return EXIT_OK
        uncertain = outbox.recover_interrupted(db).value
        if uncertain:
            print(
                ngettext(
                    "{n} message was being sent when ILT Desk stopped; it may have gone out. "
                    "It is marked uncertain and is not sent again unless you retry it in the app.",
                    "{n} messages were being sent when ILT Desk stopped; they may have gone out. "
                    "They are marked uncertain and are not sent again unless you retry them in "
                    "the app.",
                    uncertain,
                ).format(n=uncertain),
                file=sys.stderr,
            )
        pending = outbox.outbox_counts(db).get(OutboxStatus.PENDING, 0)
        if not pending:
            print(_("Nothing to send."))
            return EXIT_OK
        question = ngettext(
            "Send {n} pending message?", "Send {n} pending messages?", pending
        ).format(n=pending)
        if not _confirm(question, args.yes):
            return EXIT_USER_ERROR
        return _send_all(db)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "config": cmd_config,
    "certificates": cmd_certificates,
    "outbox": cmd_outbox,
    "import-roster": cmd_import_roster,
    "export": cmd_export,
    "import-attendance": cmd_import_attendance,
    "print": cmd_print,
    "demo": cmd_demo,
    "check-db": cmd_check_db,
    "backup": cmd_backup,
    "sessions": cmd_sessions,
    "roster": cmd_roster,
}


def run(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` and run the command; returns the exit status."""
    from iltdesk.logsetup import configure_logging, log_file

    args = build_parser().parse_args(argv)
    if args.self_test:
        from iltdesk.selftest import run_self_test

        return run_self_test()
    configure_logging()
    if args.command is None:
        from iltdesk.app import run_gui

        return run_gui(args.db)
    try:
        return COMMANDS[args.command](args)
    except UserError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # The reader (e.g. `head`) went away; nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print(_("Stopped."), file=sys.stderr)
        return 130
    except Exception:
        log.exception("command %s failed", args.command)
        print(
            _("Something went wrong — details were saved to the log: {path}").format(
                path=log_file()
            ),
            file=sys.stderr,
        )
        return EXIT_BUG

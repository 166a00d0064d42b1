"""Mail commands: settings, certificates by email, the outbox."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from iltdesk.cli.common import EXIT_OK
from iltdesk.cli.common import EXIT_UNSENT
from iltdesk.cli.common import EXIT_USER_ERROR
from iltdesk.cli.common import Commands
from iltdesk.cli.common import Handler
from iltdesk.cli.common import confirm
from iltdesk.cli.common import open_for_cli
from iltdesk.cli.common import print_table
from iltdesk.errors import UserError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.i18n import ngettext

if TYPE_CHECKING:
    from iltdesk.db.engine import Database


def register(commands: Commands) -> dict[str, Handler]:
    """Add the mail commands; returns each command's handler."""
    config = commands.add_parser("config", help=_("read or change mail settings"))
    config_commands = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    config_set = config_commands.add_parser("set", help=_("change a setting"))
    config_set.add_argument("key", metavar="KEY")
    config_set.add_argument("value", metavar="VALUE")
    config_get = config_commands.add_parser("get", help=_("show a setting"))
    config_get.add_argument("key", metavar="KEY")
    config_list = config_commands.add_parser("list", help=_("show every setting"))
    config_list.add_argument("--json", action="store_true", help=_("print JSON"))

    certs = commands.add_parser("certificates", help=_("issue or email certificates"))
    certs_commands = certs.add_subparsers(
        dest="certificates_command", metavar="ACTION", required=True
    )
    certs_issue = certs_commands.add_parser("issue", help=_("issue missing certificates"))
    certs_issue.add_argument("session_id", type=int, metavar="SESSION_ID")
    certs_email = certs_commands.add_parser("email", help=_("email certificates to learners"))
    certs_email.add_argument("session_id", type=int, metavar="SESSION_ID")
    certs_email.add_argument("--yes", action="store_true", help=_("send without asking"))
    certs_register = certs_commands.add_parser(
        "register", help=_("every certificate and its status, as CSV or one HTML page")
    )
    certs_register.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE.csv|FILE.html"
    )
    certs_register.add_argument(
        "--force", action="store_true", help=_("replace a file of another kind")
    )

    outbox = commands.add_parser("outbox", help=_("list or send queued email"))
    outbox_commands = outbox.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    outbox_list = outbox_commands.add_parser("list", help=_("list messages"))
    outbox_list.add_argument("--json", action="store_true", help=_("print JSON"))
    outbox_send = outbox_commands.add_parser("send", help=_("send pending messages"))
    outbox_send.add_argument("--yes", action="store_true", help=_("send without asking"))
    outbox_remind = outbox_commands.add_parser(
        "remind",
        help=_("queue the reminders due now, as the app offers them (then `outbox send`)"),
    )
    outbox_remind.add_argument("--yes", action="store_true", help=_("queue without asking"))
    outbox_remind.add_argument("--json", action="store_true", help=_("print JSON"))
    return {"config": cmd_config, "certificates": cmd_certificates, "outbox": cmd_outbox}


def cmd_config(args: argparse.Namespace) -> int:
    """`iltdesk config`: show or change the mail settings."""
    from iltdesk.services import outbox

    with open_for_cli(args.db) as db:
        if args.config_command == "set":
            outbox.set_mail_settings(db, {args.key: args.value})
            print(_("{key} = {value}").format(key=args.key, value=outbox.get_config(db, args.key)))
        elif args.config_command == "list":
            values = outbox.config_values(db)
            if args.json:
                print(json.dumps(values, ensure_ascii=False, indent=2))
            else:
                print_table(
                    [_("Setting"), _("Value")],
                    [[key, outbox.config_text(value)] for key, value in values.items()],
                )
        else:
            print(outbox.get_config(db, args.key))
    return EXIT_OK


def _send_all(db: Database, only: list[int] | None = None) -> int:
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
        _(
            "{sent} sent, {failed} failed, {uncertain} uncertain, {waiting} waiting to be sent."
        ).format(
            sent=summary.sent,
            failed=summary.failed,
            uncertain=summary.uncertain,
            waiting=summary.waiting,
        )
    )
    if summary.auth_error:
        print(summary.auth_error, file=sys.stderr)
        print(_("Sending paused: fix the user name or password, then send again."), file=sys.stderr)
    elif summary.stopped_error:
        print(summary.stopped_error, file=sys.stderr)
        print(_("Sending paused: nothing was sent; every message still waits."), file=sys.stderr)
    if summary.uncertain:
        print(
            _(
                "Uncertain messages may have been delivered; they are not sent again. Check "
                "them in the app's Outbox."
            ),
            file=sys.stderr,
        )
    # Exit 0 only when everything went out: a script can tell that something is left.
    return EXIT_OK if summary.all_sent else EXIT_UNSENT


def cmd_certificates(args: argparse.Namespace) -> int:
    """`iltdesk email-certificates`: queue a session's certificate emails."""
    from iltdesk.domain.enums import MessageKind
    from iltdesk.services import certificates
    from iltdesk.services import outbox
    from iltdesk.settings import Preferences

    if args.certificates_command == "register":
        return _register(args)
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
        if not confirm(question, args.yes):
            return EXIT_USER_ERROR
        ids = outbox.queue(db, composed.drafts).value
        return _send_all(db, ids)


def cmd_outbox(args: argparse.Namespace) -> int:
    """`iltdesk outbox`: list, send, retry or cancel messages."""
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
                print_table(
                    [_("ID"), _("Status"), _("Recipient"), _("Subject"), _("Error")],
                    [(r.id, r.status.label(), r.recipient, r.subject, r.last_error) for r in rows],
                )
            return EXIT_OK
        if args.outbox_command == "remind":
            return _remind(db, args)
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
        if not confirm(question, args.yes):
            return EXIT_USER_ERROR
        return _send_all(db)


def _remind(db: Database, args: argparse.Namespace) -> int:
    """`iltdesk outbox remind`: the reminders the app would offer now, queued when confirmed.

    What a scheduled job runs (with --yes, then `outbox send --yes`) where the app is not left
    open; a reminder already in the outbox is not queued again.
    """
    from iltdesk.services import outbox
    from iltdesk.settings import Preferences

    if not outbox.mail_settings(db).reminders_enabled:
        raise ValidationError(
            _(
                "Reminders are off. Switch them on in Mail settings, or with `iltdesk config "
                "set mail.reminders_enabled true`."
            )
        )
    due = outbox.due_reminders(db, fallback_language=str(Preferences().get("locale")))
    total = sum(len(c.drafts) for c in due)
    queued: list[int] = []
    if due:
        if not args.json:
            for composed in due:
                print(
                    ngettext(
                        "{session}: {n} reminder", "{session}: {n} reminders", len(composed.drafts)
                    ).format(session=composed.label, n=len(composed.drafts))
                )
        question = ngettext("Queue {n} reminder?", "Queue {n} reminders?", total).format(n=total)
        refused = _("Nothing was queued. Add --yes to queue them.")
        if args.yes or (not args.json and confirm(question, args.yes, refused)):
            for composed in due:
                queued.extend(outbox.queue(db, composed.drafts).value)
    if args.json:
        print(
            json.dumps(
                {
                    "due": [{"session": c.label, "messages": len(c.drafts)} for c in due],
                    "queued": queued,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    elif not due:
        print(_("No reminders are due."))
    elif queued:
        print(
            ngettext(
                "{n} reminder queued; send it with `iltdesk outbox send`.",
                "{n} reminders queued; send them with `iltdesk outbox send`.",
                len(queued),
            ).format(n=len(queued))
        )
    return EXIT_OK


def _register(args: argparse.Namespace) -> int:
    from datetime import UTC
    from datetime import datetime

    from iltdesk.documents.files import write_atomic
    from iltdesk.documents.register import register_csv
    from iltdesk.documents.register import register_html
    from iltdesk.services.compliance import today_in
    from iltdesk.services.register import register
    from iltdesk.settings import Preferences

    target: Path = args.output
    kind = target.suffix.lower().lstrip(".")
    if kind not in ("csv", "html"):
        raise ValidationError(
            _("Write the register as .csv or .html; “{name}” is neither.").format(name=target.name)
        )
    prefs = Preferences()
    zone = str(prefs.get("default_timezone"))
    with open_for_cli(args.db) as db:
        rows = register(db, today_in(zone))
    if kind == "csv":
        data = register_csv(rows)
    else:
        data = register_html(
            rows, datetime.now(UTC), zone, organisation=str(prefs.get("organisation_name"))
        )
    write_atomic(target, data, kind=kind, force=args.force)
    print(
        ngettext(
            "{n} certificate written to {path}.", "{n} certificates written to {path}.", len(rows)
        ).format(n=len(rows), path=target)
    )
    return EXIT_OK

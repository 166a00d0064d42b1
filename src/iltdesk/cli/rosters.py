"""Roster commands: a session's learners, and enrolling one learner by email.

`iltdesk enrol SESSION_ID EMAIL [--json]` is a contract: it prints
`{"status": "enrolled"|"waitlisted"|"already", "position": N|null}` on either engine.
"""

from __future__ import annotations

import argparse
import json

from iltdesk.cli.common import EXIT_OK
from iltdesk.cli.common import Commands
from iltdesk.cli.common import Handler
from iltdesk.cli.common import open_for_cli
from iltdesk.cli.common import print_table
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.i18n import in_sentence


def register(commands: Commands) -> dict[str, Handler]:
    """Add the roster commands; returns each command's handler."""
    roster = commands.add_parser("roster", help=_("list a session's learners"))
    roster.add_argument("session_id", type=int, metavar="SESSION_ID")
    roster.add_argument("--json", action="store_true", help=_("print JSON"))

    enrol = commands.add_parser("enrol", help=_("enrol a learner (a seat, or the waitlist)"))
    enrol.add_argument("session_id", type=int, metavar="SESSION_ID")
    enrol.add_argument("email", metavar="EMAIL")
    enrol.add_argument(
        "--allow-clash", action="store_true", help=_("enrol even if booked elsewhere then")
    )
    enrol.add_argument("--json", action="store_true", help=_("print JSON"))

    return {"roster": cmd_roster, "enrol": cmd_enrol}


def cmd_roster(args: argparse.Namespace) -> int:
    """`iltdesk roster SESSION_ID`: who holds a place, waits or left."""
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
    print_table(
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


def cmd_enrol(args: argparse.Namespace) -> int:
    """`iltdesk enrol`: put learners on a session (a seat, else the waitlist)."""
    from iltdesk.services import enrollment
    from iltdesk.services import learners
    from iltdesk.services.session_reads import get_session

    with open_for_cli(args.db) as db:
        get_session(db, args.session_id)  # a session that is not there is named first
        learner = learners.find_by_email(db, args.email)
        if learner is None:
            raise UserError(
                _(
                    "There is no learner with the email {email}. Add them in the Learners "
                    "screen, or import them from a sheet: `iltdesk import-roster FILE --session "
                    "{session}` enrols them too."
                ).format(email=args.email, session=args.session_id)
            )
        report = enrollment.enroll_many(
            db, args.session_id, [learner.id], allow_clash=args.allow_clash
        ).value
    if report.clashing:
        raise UserError(report.clashing[0][1] + " " + _("Add --allow-clash to enrol anyway."))
    row = (report.enrolled + report.waitlisted + report.already)[0]
    status = "already" if report.already else row.status.value
    if args.json:
        print(json.dumps({"status": status, "position": row.waitlist_position}))
        return EXIT_OK
    name = f"{row.first_name} {row.last_name}".strip()
    if report.already:
        print(
            _("{name} is already on the session ({status}).").format(
                name=name, status=in_sentence(row.status.label())
            )
        )
    elif report.waitlisted:
        print(
            _("The session is full: {name} is number {n} on the waitlist.").format(
                name=name, n=row.waitlist_position
            )
        )
    else:
        print(_("{name} is enrolled.").format(name=name))
    return EXIT_OK

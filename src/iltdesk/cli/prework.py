"""`prework`: who has done a session's pre-work; tick it, or read an LMS completion export."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from iltdesk.cli.common import EXIT_OK
from iltdesk.cli.common import Commands
from iltdesk.cli.common import Handler
from iltdesk.cli.common import open_for_cli
from iltdesk.cli.common import print_table
from iltdesk.errors import UserError
from iltdesk.i18n import _


def register(commands: Commands) -> dict[str, Handler]:
    """Add the pre-work command; returns its handler."""
    prework = commands.add_parser(
        "prework", help=_("who has done a session's pre-work; tick it, or read an LMS export")
    )
    prework.add_argument("session_id", type=int, metavar="SESSION_ID")
    prework.add_argument(
        "--done", action="append", default=[], metavar="EMAIL", help=_("mark done (repeatable)")
    )
    prework.add_argument(
        "--not-done", action="append", default=[], metavar="EMAIL", help=_("mark not done")
    )
    prework.add_argument(
        "--import",
        dest="import_file",
        type=Path,
        metavar="FILE",
        help=_("an LMS completion export (xlsx or CSV)"),
    )
    prework.add_argument("--json", action="store_true", help=_("print JSON"))
    return {"prework": cmd_prework}


def cmd_prework(args: argparse.Namespace) -> int:
    """`iltdesk prework`: show who has done the pre-work; mark it, or import an LMS export."""
    from iltdesk.services import enrollment
    from iltdesk.services import prework

    with open_for_cli(args.db) as db:
        roster = [r for r in enrollment.roster(db, args.session_id) if r.status.holds_seat]
        by_email = {r.email.casefold(): r.enrollment_id for r in roster}
        for emails, done in ((args.done, True), (args.not_done, False)):
            places = []
            for email in emails:
                if email.casefold() not in by_email:
                    raise UserError(
                        _("{email} has no seat on session {id}.").format(
                            email=email, id=args.session_id
                        )
                    )
                places.append(by_email[email.casefold()])
            if places:
                prework.set_prework(db, args.session_id, places, done)
        imported = (
            prework.import_prework(db, args.session_id, args.import_file).value
            if args.import_file
            else None
        )
        roster = [r for r in enrollment.roster(db, args.session_id) if r.status.holds_seat]
    done_count = sum(1 for r in roster if r.prework_done)
    if args.json:
        print(
            json.dumps(
                {
                    "done": done_count,
                    "total": len(roster),
                    "learners": [
                        {
                            "email": r.email,
                            "done": r.prework_done,
                            "done_at": r.prework_done_at.isoformat() if r.prework_done_at else None,
                        }
                        for r in roster
                    ],
                    "not_on_roster": list(imported.not_on_roster) if imported else [],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    print(_("Pre-work: {done} of {total} done").format(done=done_count, total=len(roster)))
    print_table(
        [_("Learner"), _("Email"), _("Pre-work")],
        [
            [f"{r.last_name}, {r.first_name}", r.email, "✓" if r.prework_done else ""]
            for r in roster
        ],
    )
    if imported and imported.not_on_roster:
        print(
            _("Not on the roster: {who}").format(who=", ".join(imported.not_on_roster)),
            file=sys.stderr,
        )
    return EXIT_OK

"""`interest`: a course's interest list — who waits for a date; add or take off by email."""

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
from iltdesk.i18n import _


def register(commands: Commands) -> dict[str, Handler]:
    """Add the interest-list command; returns its handler."""
    interest = commands.add_parser(
        "interest", help=_("a course's interest list: learners waiting for a date")
    )
    interest.add_argument("course", metavar="COURSE_CODE")
    interest.add_argument(
        "--add",
        action="append",
        default=[],
        metavar="EMAIL",
        help=_("put on the list (repeatable)"),
    )
    interest.add_argument(
        "--remove", action="append", default=[], metavar="EMAIL", help=_("take off the list")
    )
    interest.add_argument(
        "--import",
        dest="import_file",
        type=Path,
        metavar="FILE",
        help=_("put the learners of a file (xlsx or CSV with their emails) on the list"),
    )
    interest.add_argument("--json", action="store_true", help=_("print JSON"))
    return {"interest": cmd_interest}


def cmd_interest(args: argparse.Namespace) -> int:
    """`iltdesk interest COURSE_CODE`: list the waiting learners; add or remove some first."""
    from iltdesk import formatting
    from iltdesk.services import interest

    with open_for_cli(args.db) as db:
        course_id, label = interest.course_by_code(db, args.course)
        if args.add:
            interest.add_by_email(db, course_id, args.add)
        unknown: tuple[str, ...] = ()
        if args.import_file:
            unknown = interest.import_list(db, course_id, args.import_file).value.unknown
        if args.remove:
            wanted = {e.strip().lower() for e in args.remove}
            ids = [
                r.learner_id
                for r in interest.interest_list(db, course_id)
                if r.email.lower() in wanted
            ]
            interest.remove(db, course_id, ids, "")
        rows = interest.interest_list(db, course_id)
    if args.json:
        print(
            json.dumps(
                {
                    "course": args.course.upper(),
                    "waiting": [
                        {
                            "position": r.position,
                            "email": r.email,
                            "name": r.name,
                            "department": r.department or None,
                            "added_at": r.added_at.isoformat(),
                        }
                        for r in rows
                    ],
                    "unknown": list(unknown),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    if unknown:
        print(
            _("No learner has these addresses: {emails}").format(emails=", ".join(unknown)),
            file=sys.stderr,
        )
    print(_("{course}: {n} waiting for a date").format(course=label, n=len(rows)))
    print_table(
        ["#", _("Learner"), _("Email"), _("Department"), _("Since")],
        [
            [str(r.position), r.name, r.email, r.department, formatting.format_date(r.added_at)]
            for r in rows
        ],
    )
    return EXIT_OK

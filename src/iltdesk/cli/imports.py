"""The import commands: learners from HR's spreadsheets, attendance from meeting reports.

`import-roster` reads learners (optionally onto a session); `import-meeting` marks a session
day from a Teams, Zoom, Google Meet or Webex attendance report.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from iltdesk.cli.common import EXIT_OK
from iltdesk.cli.common import EXIT_UNREADABLE
from iltdesk.cli.common import Commands
from iltdesk.cli.common import Handler
from iltdesk.cli.common import open_for_cli
from iltdesk.domain.imports import ImportSource
from iltdesk.i18n import _
from iltdesk.i18n import ngettext

if TYPE_CHECKING:
    from iltdesk.services.meeting_import import MeetingPlan


def register(commands: Commands) -> dict[str, Handler]:
    """Add the roster import command; returns its handler."""
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

    meeting = commands.add_parser(
        "import-meeting",
        help=_("mark attendance from a Teams, Zoom, Google Meet or Webex attendance report"),
    )
    meeting.add_argument("path", type=Path, metavar="FILE")
    meeting.add_argument("--session", type=int, required=True, metavar="ID", help=_("the session"))
    meeting.add_argument(
        "--day", type=int, metavar="N", help=_("the session day (default: the report's date)")
    )
    meeting.add_argument(
        "--zone",
        metavar="ZONE",
        help=_("the zone the report's times are in (default: the session's)"),
    )
    meeting.add_argument(
        "--dry-run", action="store_true", help=_("show the proposed marks, record nothing")
    )
    meeting.add_argument("--json", action="store_true", help=_("print JSON"))
    return {"import-roster": cmd_import_roster, "import-meeting": cmd_import_meeting}


def cmd_import_meeting(args: argparse.Namespace) -> int:
    """`iltdesk import-meeting`: propose marks from a meeting report, and record them.

    Without `--dry-run`, the proposals go into the cells that have no mark yet (a manual mark
    is never overwritten from the command line); possible matches need the window.
    """
    from iltdesk.domain.enums import MARK_LETTERS
    from iltdesk.errors import UnreadableFileError
    from iltdesk.services import meeting_import

    with open_for_cli(args.db) as db:
        try:
            plan = meeting_import.plan_meeting_import(
                db, args.session, args.path, day_number=args.day, zone=args.zone
            )
        except UnreadableFileError as error:
            print(str(error), file=sys.stderr)
            return EXIT_UNREADABLE
        applied = [] if args.dry_run else meeting_import.apply_meeting_plan(db, plan).value
    if plan.title_warning:
        print(plan.title_warning, file=sys.stderr)
    recorded = {m.enrollment_id for m in applied}
    if args.json:
        print(
            json.dumps(
                {
                    "platform": plan.platform,
                    "title": plan.title,
                    "date": plan.report_date.isoformat(),
                    "day": plan.day_number,
                    "dry_run": bool(args.dry_run),
                    "matched": [
                        {
                            "email": m.email,
                            "name": m.learner,
                            "shown_as": m.shown_as,
                            "matched_by": m.matched_by,
                            "minutes": m.minutes,
                            "proposed": MARK_LETTERS[m.proposed],
                            "existing": MARK_LETTERS[m.existing] if m.existing else None,
                            "recorded": m.enrollment_id in recorded,
                        }
                        for m in plan.matched
                    ],
                    "not_in_report": [
                        {
                            "email": m.email,
                            "name": m.learner,
                            "proposed": MARK_LETTERS[m.proposed],
                            "recorded": m.enrollment_id in recorded,
                        }
                        for m in plan.not_in_report
                    ],
                    "possible": [
                        {
                            "name": p.name,
                            "email": p.email,
                            "minutes": p.minutes,
                            "candidates": [name for _id, name in p.candidates],
                        }
                        for p in plan.possible
                    ],
                    "unmatched": [
                        {"name": p.name, "email": p.email, "minutes": p.minutes}
                        for p in plan.unmatched
                    ],
                    "left_out": list(plan.left_out),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    _print_meeting(plan, recorded, dry_run=bool(args.dry_run))
    return EXIT_OK


def _print_meeting(plan: MeetingPlan, recorded: set[int], *, dry_run: bool) -> None:
    from iltdesk.cli.common import print_table

    print(
        _("{platform} report of {date} (day {day}), times read in {zone}.").format(
            platform=plan.platform.capitalize(),
            date=plan.report_date.isoformat(),
            day=plan.day_number,
            zone=plan.zone,
        )
    )
    rows = [
        [
            m.learner,
            m.email,
            str(m.minutes),
            m.proposed.label(),
            m.existing.label() if m.existing else "",
            ("✔" if m.enrollment_id in recorded else ""),
        ]
        for m in (*plan.matched, *plan.not_in_report)
    ]
    print_table(
        [_("Learner"), _("Email"), _("Minutes"), _("Proposed"), _("Existing"), _("Recorded")],
        rows,
    )
    for person in plan.possible:
        print(
            _("{name} ({minutes} min) may be {who}: confirm in ILT Desk's review.").format(
                name=person.name,
                minutes=person.minutes,
                who=_(" or ").join(name for _id, name in person.candidates),
            )
        )
    for person in plan.unmatched:
        print(
            _("{name} {email}({minutes} min) is not on the roster.").format(
                name=person.name,
                email=f"<{person.email}> " if person.email else "",
                minutes=person.minutes,
            )
        )
    if dry_run:
        print(_("Nothing was recorded (--dry-run)."))
    else:
        print(
            ngettext("{n} mark recorded.", "{n} marks recorded.", len(recorded)).format(
                n=len(recorded)
            )
        )


def cmd_import_roster(args: argparse.Namespace) -> int:
    """`iltdesk import-roster`: import a roster file as one batch."""
    from iltdesk.errors import UnreadableFileError
    from iltdesk.importers.reading import read_file
    from iltdesk.services import roster_import

    try:
        source = read_file(args.path)
    except UnreadableFileError as error:
        print(str(error), file=sys.stderr)
        return EXIT_UNREADABLE
    with open_for_cli(args.db) as db:
        parsed = roster_import.prepare(db, source, sheet=args.sheet)
        ref = ImportSource(args.path.name, source.sha256, parsed.sheet)
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
    for line in counts.phrases(args.session is not None):
        print(", ".join(line) + ".")
    if args.dry_run:
        print(_("Dry run: nothing was changed."))
    elif batch_id is None:
        print(_("Nothing to change: everything in the file is already in ILT Desk."))
    return EXIT_OK

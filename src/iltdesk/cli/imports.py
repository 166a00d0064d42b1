"""`import-roster`: learners from an HR spreadsheet or CSV, optionally onto a session."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from iltdesk.cli.common import EXIT_OK, EXIT_UNREADABLE, Commands, Handler, open_for_cli
from iltdesk.domain.imports import ImportSource
from iltdesk.i18n import _


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
    return {"import-roster": cmd_import_roster}


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

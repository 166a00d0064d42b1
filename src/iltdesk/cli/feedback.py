"""`feedback` and `import-feedback`: a session's survey results; read a survey tool's export."""

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
from iltdesk.cli.common import print_table
from iltdesk.i18n import _
from iltdesk.i18n import ngettext


def register(commands: Commands) -> dict[str, Handler]:
    """Add the feedback commands; returns their handlers."""
    show = commands.add_parser(
        "feedback", help=_("a session's feedback: averages, distribution, response rate, comments")
    )
    show.add_argument("session_id", type=int, metavar="SESSION_ID")
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    read = commands.add_parser(
        "import-feedback",
        help=_("read survey results (Microsoft Forms, Google Forms, any xlsx or CSV export)"),
    )
    read.add_argument("file", type=Path, metavar="FILE")
    read.add_argument("--session", type=int, required=True, metavar="ID")
    read.add_argument(
        "--dry-run", action="store_true", help=_("show what would be imported; change nothing")
    )
    read.add_argument("--json", action="store_true", help=_("print JSON"))
    return {"feedback": cmd_feedback, "import-feedback": cmd_import_feedback}


def cmd_feedback(args: argparse.Namespace) -> int:
    """`iltdesk feedback SESSION_ID`: the session's results."""
    from iltdesk import formatting
    from iltdesk.services.feedback import session_feedback

    with open_for_cli(args.db) as db:
        found = session_feedback(db, args.session_id)
    results = found.results
    if args.json:
        print(
            json.dumps(
                {
                    "session": found.session_id,
                    "course": found.course,
                    "responses": results.responses,
                    "attended": results.attended,
                    "response_rate": results.response_rate,
                    "questions": [
                        {
                            "key": r.question.key,
                            "kind": r.question.kind.value,
                            "text": r.question.wording(),
                            "answered": r.answered,
                            "average": r.average,
                            "distribution": {
                                str(score): count
                                for score, count in zip(
                                    r.question.kind.scores, r.distribution, strict=True
                                )
                            },
                            "net_promoter": r.net_promoter,
                            "comments": list(r.comments),
                        }
                        for r in results.questions
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    rate = (
        formatting.format_rate(results.response_rate) if results.response_rate is not None else "—"
    )
    print(found.course)
    print(
        ngettext(
            "{n} response from {attended} who attended ({rate})",
            "{n} responses from {attended} who attended ({rate})",
            results.responses,
        ).format(n=results.responses, attended=results.attended, rate=rate)
    )
    rated = [r for r in results.questions if r.question.kind.scores]
    print_table(
        [_("Question"), _("Average"), _("Answers"), _("Distribution")],
        [
            [
                r.question.wording(),
                formatting.format_score(r.average) if r.average is not None else "—",
                formatting.format_number(r.answered),
                " ".join(
                    f"{score}:{count}"
                    for score, count in zip(r.question.kind.scores, r.distribution, strict=True)
                ),
            ]
            for r in rated
        ],
    )
    for result in results.questions:
        if result.net_promoter is not None:
            print(_("Net promoter score: {score}").format(score=result.net_promoter))
    for result in results.questions:
        if result.comments:
            print()
            print(result.question.wording())
            for comment in result.comments:
                print(f"  – {comment}")
    return EXIT_OK


def cmd_import_feedback(args: argparse.Namespace) -> int:
    """`iltdesk import-feedback FILE --session ID`: add the export's responses."""
    from iltdesk.errors import UnreadableFileError
    from iltdesk.importers.survey import question_key
    from iltdesk.services.feedback_import import apply_feedback_import
    from iltdesk.services.feedback_import import plan_feedback_import

    with open_for_cli(args.db) as db:
        try:
            plan = plan_feedback_import(db, args.session, args.file)
        except UnreadableFileError as error:
            print(str(error), file=sys.stderr)
            return EXIT_UNREADABLE
        imported = 0 if args.dry_run else apply_feedback_import(db, plan).value
    if args.json:
        print(
            json.dumps(
                {
                    "session": plan.session_id,
                    "file": plan.file_name,
                    "rows": plan.rows,
                    "new": len(plan.responses),
                    "imported": imported,
                    "already_imported": plan.already_imported,
                    "dry_run": bool(args.dry_run),
                    "columns": [
                        {
                            "heading": c.heading,
                            "maps_to": question_key(c.target) or c.target or None,
                        }
                        for c in plan.columns
                    ],
                    "left_out": list(plan.left_out),
                    "problems": list(plan.problems),
                    "not_on_roster": list(plan.not_on_roster),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    if args.dry_run:
        print(
            ngettext(
                "{count} new response would be imported from {file}.",
                "{count} new responses would be imported from {file}.",
                len(plan.responses),
            ).format(count=len(plan.responses), file=plan.file_name)
        )
    else:
        print(
            ngettext(
                "{count} response imported from {file}.",
                "{count} responses imported from {file}.",
                imported,
            ).format(count=imported, file=plan.file_name)
        )
    if plan.already_imported:
        print(
            ngettext(
                "{count} was imported before.",
                "{count} were imported before.",
                plan.already_imported,
            ).format(count=plan.already_imported)
        )
    for heading in plan.left_out:
        print(_("Left out: the column “{heading}” maps to no question.").format(heading=heading))
    for problem in plan.problems:
        print(problem, file=sys.stderr)
    if plan.not_on_roster:
        print(
            _("Not on the roster (kept without a name): {who}").format(
                who=", ".join(plan.not_on_roster)
            ),
            file=sys.stderr,
        )
    return EXIT_OK

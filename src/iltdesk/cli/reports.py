"""`iltdesk report`: every report on the command line, as text, JSON or a file."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC
from datetime import datetime
from pathlib import Path

from iltdesk.cli.common import EXIT_OK
from iltdesk.cli.common import Commands
from iltdesk.cli.common import Handler
from iltdesk.cli.common import iso_date
from iltdesk.cli.common import open_for_cli
from iltdesk.cli.common import print_table
from iltdesk.errors import ValidationError
from iltdesk.i18n import _

NAMES = (
    "attendance",
    "no-shows",
    "transcript",
    "instructor-hours",
    "cost",
    "fill",
    "department-hours",
    "feedback",
)
GROUPS = ("course", "department", "location", "month", "quarter", "year", "instructor", "mode")
PERIODS = (
    "this-month",
    "last-month",
    "this-quarter",
    "last-quarter",
    "this-year",
    "last-year",
    "last-12-months",
    "all-time",
)
FORMATS = {".xlsx": "xlsx", ".csv": "csv", ".pdf": "pdf"}


def register(commands: Commands) -> dict[str, Handler]:
    """Add the report command; returns its handler."""
    report = commands.add_parser(
        "report",
        help=_("attendance, no-shows, transcripts, instructor hours, cost, fill, hours"),
        description=_(
            "Print a report, or write it with -o as a workbook (.xlsx), CSV or PDF. Without "
            "--from, --to or --period it covers all time. Rates in --json are fractions (0.85)."
        ),
    )
    report.add_argument("name", nargs="?", choices=NAMES, metavar="NAME", help=", ".join(NAMES))
    report.add_argument("--list", action="store_true", help=_("list the reports and exit"))
    report.add_argument(
        "--from", dest="start", type=iso_date, metavar="YYYY-MM-DD", help=_("first day")
    )
    report.add_argument("--to", dest="end", type=iso_date, metavar="YYYY-MM-DD", help=_("last day"))
    report.add_argument("--period", choices=PERIODS, help=_("a preset period (instead of dates)"))
    report.add_argument("--group-by", choices=GROUPS, help=_("what the rows are"))
    report.add_argument("--course", metavar="CODE", help=_("only this course"))
    report.add_argument("--department", metavar="TEXT", help=_("only learners of this department"))
    report.add_argument("--location", metavar="TEXT", help=_("only learners at this location"))
    report.add_argument("--instructor", metavar="NAME", help=_("only this instructor's sessions"))
    report.add_argument(
        "--mode", choices=("in_person", "virtual", "hybrid"), help=_("only this delivery mode")
    )
    report.add_argument("--learner", metavar="EMAIL", help=_("the transcript's learner"))
    output = report.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help=_("print JSON"))
    output.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help=_("write FILE.xlsx, FILE.csv or FILE.pdf")
    )
    report.add_argument(
        "--force", action="store_true", help=_("replace an existing file of another kind")
    )
    return {"report": cmd_report}


def cmd_report(args: argparse.Namespace) -> int:
    """`iltdesk report`: any report as text, JSON, or an xlsx, CSV or PDF file."""
    from iltdesk.domain.reporting import GROUPINGS
    from iltdesk.domain.reporting import ReportName

    if args.list or args.name is None:
        if args.name is None and not args.list:
            raise ValidationError(_("Name a report, or use --list to see them."))
        entries = [
            {
                "name": name.value,
                "title": name.title(),
                "summary": name.summary(),
                "group_by": [g.value for g in GROUPINGS[name]],
            }
            for name in ReportName
        ]
        if args.json:
            print(json.dumps(entries, ensure_ascii=False, indent=2))
        else:
            print_table(
                [_("Name"), _("Report"), _("Grouped by")],
                [(e["name"], e["title"], ", ".join(e["group_by"]) or "—") for e in entries],
            )
        return EXIT_OK
    return _run(args, ReportName(args.name))


def _run(args: argparse.Namespace, name: object) -> int:
    from iltdesk.domain.enums import DeliveryMode
    from iltdesk.domain.reporting import GroupBy
    from iltdesk.domain.reporting import Period
    from iltdesk.domain.reporting import ReportFilters
    from iltdesk.domain.reporting import ReportName
    from iltdesk.domain.reporting import report_json
    from iltdesk.services import reports
    from iltdesk.settings import Preferences

    assert isinstance(name, ReportName)
    if name is ReportName.TRANSCRIPT and not args.learner:
        raise ValidationError(_("A transcript is one learner's: give --learner EMAIL."))
    target: Path | None = args.output
    kind = FORMATS.get(target.suffix.lower()) if target is not None else None
    if target is not None and kind is None:
        raise ValidationError(
            _("Write a report as .xlsx, .csv or .pdf; “{name}” is none of them.").format(
                name=target.name
            )
        )
    zone = str(Preferences().get("default_timezone"))
    now = datetime.now(UTC)
    start, end = args.start, args.end
    if args.period:
        if start or end:
            raise ValidationError(_("Give either --period or --from/--to, not both."))
        from zoneinfo import ZoneInfo

        start, end = Period(args.period).dates(now.astimezone(ZoneInfo(zone)).date())
    with open_for_cli(args.db) as db:
        filters = ReportFilters(
            start=start,
            end=end,
            course_id=reports.find_course_id(db, args.course) if args.course else None,
            department=args.department,
            location=args.location,
            instructor_id=(
                reports.find_instructor_id(db, args.instructor) if args.instructor else None
            ),
            mode=DeliveryMode(args.mode) if args.mode else None,
            group_by=GroupBy(args.group_by) if args.group_by else None,
            learner_id=reports.find_learner_id(db, args.learner) if args.learner else None,
        )
        table = reports.build_report(db, name, filters, now=now)
    if args.json:
        print(json.dumps(report_json(table), ensure_ascii=False, indent=2))
        return EXIT_OK
    if target is not None:
        return _write(table, target, str(kind), now, zone, args.force)
    _print(table)
    return EXIT_OK


def _write(table: object, target: Path, kind: str, now: datetime, zone: str, force: bool) -> int:
    from iltdesk.documents.files import write_atomic
    from iltdesk.documents.report_files import build_report_csv
    from iltdesk.documents.report_files import build_report_workbook
    from iltdesk.documents.report_pdf import build_report_pdf
    from iltdesk.domain.reporting import ReportTable
    from iltdesk.settings import Preferences

    assert isinstance(table, ReportTable)
    if kind == "xlsx":
        data = build_report_workbook(table, now, zone)
    elif kind == "csv":
        data = build_report_csv(table)
    else:
        data = build_report_pdf(table, now, zone, str(Preferences().get("paper_size")))
    write_atomic(target, data, kind=kind, force=force)
    print(_("{report} written to {path}.").format(report=table.title, path=target))
    return EXIT_OK


def _print(table: object) -> None:
    from iltdesk import formatting
    from iltdesk.domain.reporting import ReportTable

    assert isinstance(table, ReportTable)
    print(table.title)
    if table.subject:
        print(table.subject)
    print(" · ".join(f"{label}: {value}" for label, value in table.filter_labels))
    print()
    if not table.rows:
        print(table.empty_message)
    else:
        rows = [
            [
                formatting.format_report_value(c.kind.value, v)
                for c, v in zip(table.columns, row, strict=True)
            ]
            for row in table.rows
        ]
        totals = [_("Total")] + [
            formatting.format_report_value(c.kind.value, table.totals[c.key])
            if c.key in table.totals
            else ""
            for c in table.columns[1:]
        ]
        print_table([c.label for c in table.columns], [*rows, totals])
    for note in table.notes:
        print()
        print(note)
    sys.stdout.flush()

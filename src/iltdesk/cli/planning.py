"""`find-slot`: when a course could run — a qualified, free instructor and a fitting room."""

from __future__ import annotations

import argparse
import json

from iltdesk.cli.common import EXIT_OK
from iltdesk.cli.common import Commands
from iltdesk.cli.common import Handler
from iltdesk.cli.common import iso_date
from iltdesk.cli.common import open_for_cli
from iltdesk.cli.common import print_table
from iltdesk.errors import ValidationError
from iltdesk.i18n import _


def register(commands: Commands) -> dict[str, Handler]:
    """Add the planning commands; returns their handlers."""
    find = commands.add_parser(
        "find-slot",
        help=_("propose times for a course: a qualified free instructor and a free room"),
    )
    find.add_argument("course", metavar="COURSE_CODE")
    find.add_argument("--from", dest="first", type=iso_date, required=True, metavar="YYYY-MM-DD")
    find.add_argument("--to", dest="last", type=iso_date, required=True, metavar="YYYY-MM-DD")
    find.add_argument("--size", type=int, default=0, metavar="N", help=_("learners to seat"))
    find.add_argument(
        "--mode", choices=("in-person", "virtual"), default="in-person", help=_("delivery")
    )
    find.add_argument(
        "--zone", metavar="IANA", help=_("the zone of a virtual session, or of rooms without one")
    )
    find.add_argument("--limit", type=int, default=10, metavar="N", help=_("proposals to show"))
    find.add_argument(
        "--needs", default="", metavar="TEXT", help=_("words the room's equipment notes must hold")
    )
    find.add_argument("--json", action="store_true", help=_("print JSON"))
    return {"find-slot": cmd_find_slot}


def cmd_find_slot(args: argparse.Namespace) -> int:
    """`iltdesk find-slot COURSE_CODE --from … --to …`: proposals, best first."""
    from iltdesk import formatting
    from iltdesk.domain.enums import DeliveryMode
    from iltdesk.domain.localtime import zone
    from iltdesk.services import interest
    from iltdesk.services import planning
    from iltdesk.settings import Preferences

    zone_name = args.zone or str(Preferences().get("default_timezone"))
    zone(zone_name)
    if args.size < 0 or args.limit < 1:
        raise ValidationError(_("--size must be 0 or more and --limit at least 1."))
    mode = DeliveryMode.VIRTUAL if args.mode == "virtual" else DeliveryMode.IN_PERSON
    with open_for_cli(args.db) as db:
        course_id, label = interest.course_by_code(db, args.course)
        found = planning.find_slots(
            db,
            course_id,
            args.first,
            args.last,
            size=args.size,
            mode=mode,
            zone_name=zone_name,
            limit=args.limit,
            needs=args.needs,
        )
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "start": p.start.isoformat(),
                        "end": p.end.isoformat(),
                        "zone": p.zone,
                        "days": len(p.days),
                        "instructor": p.instructor,
                        "room": p.room or None,
                        "interest_clashes": p.interest_clashes,
                    }
                    for p in found
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    if not found:
        print(_("No slot fits {course} in that period.").format(course=label))
        return EXIT_OK
    print(_("Proposals for {course}, best first:").format(course=label))
    print_table(
        [_("When"), _("Days"), _("Instructor"), _("Room"), _("Interest list booked")],
        [
            [
                formatting.format_span(p.start, p.days[0][1], p.zone),
                str(len(p.days)),
                p.instructor,
                p.room or _("(virtual)"),
                str(p.interest_clashes),
            ]
            for p in found
        ],
    )
    return EXIT_OK

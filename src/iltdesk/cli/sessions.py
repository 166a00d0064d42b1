"""Session commands: list, add, edit, cancel; status moves in `cli/session_states`.

Times are typed as the venue's clocks read them (`cli/typed_times`): a time that does not
exist, or happens twice without an offset, is refused with a sentence (exit 1) — never stored
shifted.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC
from datetime import date
from datetime import datetime

from iltdesk import formatting
from iltdesk.cli import session_states
from iltdesk.cli import typed_times
from iltdesk.cli.common import EXIT_OK
from iltdesk.cli.common import Commands
from iltdesk.cli.common import Handler
from iltdesk.cli.common import iso_date
from iltdesk.cli.common import open_for_cli
from iltdesk.cli.common import print_table
from iltdesk.cli.session_output import print_series
from iltdesk.cli.session_output import print_session
from iltdesk.cli.session_output import session_json
from iltdesk.db.engine import Database
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.localtime import zone
from iltdesk.domain.recurrence import OccurrenceFoldError
from iltdesk.domain.recurrence import OccurrenceGapError
from iltdesk.domain.specs import SessionSpec
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.i18n import ngettext


def _day_or_none(text: str) -> date | str:
    """A date, or "" to go back to the default."""
    return "" if not text.strip() else iso_date(text)


def register(commands: Commands) -> dict[str, Handler]:
    """Add the session commands; returns each command's handler."""
    sessions = commands.add_parser(
        "sessions", help=_("list sessions, or add, edit, cancel, confirm, complete or reopen one")
    )
    sessions.add_argument("--json", action="store_true", help=_("print JSON"))
    sessions.add_argument(
        "--upcoming", action="store_true", help=_("only sessions that have not ended yet")
    )
    sessions.add_argument(
        "--from",
        dest="first_from",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help=_("only sessions whose first day is on or after this date (the venue's calendar)"),
    )
    sessions.add_argument(
        "--to",
        dest="first_to",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help=_("only sessions whose first day is on or before this date"),
    )
    sessions.add_argument(
        "--course", dest="list_course", metavar="CODE", help=_("only this course's sessions")
    )
    sessions.add_argument(
        "--status",
        dest="list_status",
        choices=[status.value for status in SessionStatus],
        help=_("only sessions in this state"),
    )
    actions = sessions.add_subparsers(dest="sessions_command", metavar="ACTION")

    add = actions.add_parser("add", help=_("schedule a session"))
    add.add_argument("--course", required=True, metavar="CODE", help=_("the course's code"))
    add.add_argument(
        "--start",
        required=True,
        metavar="'YYYY-MM-DD HH:MM[±HH:MM]'",
        help=_("first day and start time, as the venue's clocks read them"),
    )
    add.add_argument(
        "--end", required=True, metavar="HH:MM[±HH:MM]", help=_("end time of every day")
    )
    add.add_argument("--zone", required=True, metavar="IANA", help=_("the venue's time zone"))
    add.add_argument(
        "--days", type=int, default=1, metavar="N", help=_("number of days (weekdays)")
    )
    place = add.add_mutually_exclusive_group()
    place.add_argument("--room", metavar="NAME", help=_("the room (in person)"))
    place.add_argument("--link", metavar="URL", help=_("the meeting link (virtual)"))
    add.add_argument("--capacity", type=int, metavar="N", help=_("seats (default: the room's)"))
    add.add_argument("--cohort", default="", metavar="TEXT", help=_("cohort or group name"))
    add.add_argument(
        "--survey-link", default="", metavar="URL", help=_("this session's feedback survey")
    )
    add.add_argument("--min-size", type=int, default=0, metavar="N", help=_("the fewest to run"))
    add.add_argument(
        "--go-no-go",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help=_("when to decide whether it runs if below its minimum (default: a week before)"),
    )
    add.add_argument(
        "--instructor",
        action="append",
        default=[],
        metavar="NAME",
        help=_("an instructor; the first is the lead (repeat for more)"),
    )
    add.add_argument(
        "--repeat",
        metavar="RRULE",
        help=_(
            "schedule a series: an RFC 5545 rule such as FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8 "
            "(at most 200 sessions; all or none are saved)"
        ),
    )
    add.add_argument(
        "--skip",
        action="append",
        default=[],
        type=iso_date,
        metavar="YYYY-MM-DD",
        help=_("with --repeat: leave out the session of this date (repeat for more)"),
    )
    add.add_argument(
        "--offset-on",
        action="append",
        default=[],
        metavar="YYYY-MM-DD=±HH:MM",
        help=_(
            "with --repeat: on this date, whose start time happens twice (the clocks go back), "
            "the UTC offset meant, such as 2027-10-31=+00:00 (repeat for more)"
        ),
    )
    add.add_argument(
        "--allow-clashes", action="store_true", help=_("save even if it clashes with a booking")
    )
    add.add_argument("--json", action="store_true", help=_("print JSON"))

    edit = actions.add_parser("edit", help=_("change a session's capacity, times or zone"))
    edit.add_argument("session_id", type=int, metavar="ID")
    edit.add_argument("--capacity", type=int, metavar="N", help=_("seats"))
    edit.add_argument(
        "--start",
        metavar="'YYYY-MM-DD HH:MM[±HH:MM]'",
        help=_(
            "new first day and start time (later days move with it, as many working days apart)"
        ),
    )
    edit.add_argument("--end", metavar="HH:MM[±HH:MM]", help=_("new end time of every day"))
    edit.add_argument(
        "--zone", metavar="IANA", help=_("the venue's zone (times stay as the clocks read)")
    )
    edit.add_argument(
        "--survey-link", metavar="URL", help=_('this session\'s feedback survey ("": none)')
    )
    edit.add_argument("--min-size", type=int, metavar="N", help=_("the fewest to run"))
    edit.add_argument(
        "--go-no-go",
        type=_day_or_none,
        metavar="YYYY-MM-DD",
        help=_('when to decide whether it runs ("": a week before the first day)'),
    )
    edit.add_argument(
        "--allow-clashes", action="store_true", help=_("save even if it clashes with a booking")
    )
    edit.add_argument("--json", action="store_true", help=_("print JSON"))

    cancel = actions.add_parser("cancel", help=_("cancel a session and every place on it"))
    cancel.add_argument("session_id", type=int, metavar="ID")
    cancel.add_argument("--reason", required=True, metavar="TEXT", help=_("why (learners read it)"))
    cancel.add_argument(
        "--notify",
        action="store_true",
        help=_("queue the cancellation notice in the outbox (sent by `outbox send`)"),
    )
    cancel.add_argument(
        "--cause",
        choices=("low-numbers", "instructor", "venue", "other"),
        default="other",
        help=_("why, as reports count it (low-numbers: too few learners)"),
    )
    cancel.add_argument(
        "--move-to",
        type=int,
        metavar="SESSION_ID",
        help=_("move its learners to that session of the course (seats, then its waitlist)"),
    )
    cancel.add_argument(
        "--to-interest-list",
        action="store_true",
        help=_("put its learners on the course's interest list (to be offered the next date)"),
    )
    cancel.add_argument("--json", action="store_true", help=_("print JSON"))
    session_states.register(actions)

    return {"sessions": cmd_sessions}


# --- commands -------------------------------------------------------------------------------


def cmd_sessions(args: argparse.Namespace) -> int:
    """`iltdesk sessions`: list, add, edit, cancel, confirm, complete or reopen sessions."""
    action = getattr(args, "sessions_command", None)
    if action in session_states.ACTIONS:
        return session_states.cmd_state(args)
    if action == "add":
        return _add(args)
    if action == "edit":
        return _edit(args)
    if action == "cancel":
        return _cancel(args)
    from iltdesk.services import catalogue
    from iltdesk.services import naming
    from iltdesk.services.scheduling import list_sessions

    filtered = any(
        (args.upcoming, args.first_from, args.first_to, args.list_course, args.list_status)
    )
    if args.first_from and args.first_to and args.first_to < args.first_from:
        raise ValidationError(_("The period ends before it starts: swap the two dates."))
    with open_for_cli(args.db) as db:
        course_id = None
        if args.list_course:
            course = catalogue.find_course_by_code(db, args.list_course)
            if course is None:
                raise ValidationError(naming.no_course(db, args.list_course))
            course_id = course.id
        rows = list_sessions(
            db,
            status=SessionStatus(args.list_status) if args.list_status else None,
            course_id=course_id,
            ends_after=datetime.now(UTC) if args.upcoming else None,
            first_from=args.first_from,
            first_to=args.first_to,
        )
    if args.json:
        print(json.dumps([session_json(r) for r in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print(_("No sessions match.") if filtered else _("No sessions yet."))
        return EXIT_OK
    print_table(
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


def _instructors(db: Database, names: list[str]) -> tuple[tuple[int, InstructorRole], ...]:
    from iltdesk.services import naming
    from iltdesk.services import people

    chosen = []
    for index, name in enumerate(names):
        found = people.find_instructor(db, name)
        if found is None:
            raise ValidationError(naming.no_instructor(db, name))
        role = InstructorRole.LEAD if index == 0 else InstructorRole.CO_FACILITATOR
        chosen.append((found.id, role))
    return tuple(chosen)


def _add(args: argparse.Namespace) -> int:
    from iltdesk.services import catalogue
    from iltdesk.services import naming
    from iltdesk.services import people
    from iltdesk.services import scheduling

    zone_name = args.zone.strip()
    zone(zone_name)
    start, _offset = typed_times.read_wall(args.start, zone_name)
    end, _end_offset = typed_times.read_wall(args.end, zone_name, day=start.day)
    days = typed_times.typed_days(start, end, args.days, zone_name)
    skip, folds = typed_times.series_choices(args, start, zone_name)
    with open_for_cli(args.db) as db:
        course = catalogue.find_course_by_code(db, args.course)
        if course is None:
            raise ValidationError(naming.no_course(db, args.course))
        room = None
        if args.room:
            room = people.find_room(db, args.room)
            if room is None:
                raise ValidationError(naming.no_room(db, args.room))
            if room.timezone and room.timezone != zone_name:
                raise ValidationError(
                    _(
                        "{room} is in {room_zone}, but --zone is {zone}. Give --zone "
                        "{room_zone}, or choose another room."
                    ).format(room=room.name, room_zone=room.timezone, zone=zone_name)
                )
        mode = DeliveryMode.VIRTUAL if args.link else DeliveryMode.IN_PERSON
        capacity = args.capacity if args.capacity is not None else (room.capacity if room else 12)
        spec = SessionSpec(
            course_id=course.id,
            mode=mode,
            timezone=zone_name,
            capacity=capacity,
            days=days,
            cohort=args.cohort,
            room_id=room.id if room else None,
            meeting_link=args.link or "",
            survey_link=args.survey_link,
            min_size=args.min_size,
            go_no_go=args.go_no_go,
            instructors=_instructors(db, args.instructor),
        )
        if args.repeat:
            from iltdesk.services.series import create_series

            try:
                rows = create_series(
                    db,
                    spec,
                    args.repeat,
                    allow_clashes=args.allow_clashes,
                    skip=skip,
                    folds=folds,
                ).value
            except OccurrenceFoldError as error:
                raise ValidationError(typed_times.fold_hint(error)) from None
            except OccurrenceGapError as error:
                day = error.day.isoformat()
                raise ValidationError(
                    _("{problem} Or add --skip {date} to leave that session out.").format(
                        problem=error, date=day
                    )
                ) from None
            return print_series(rows, args.json)
        row = scheduling.create_session(db, spec, allow_clashes=args.allow_clashes).value
    print_session(row, args.json, _("Session {id} scheduled.").format(id=row.id))
    return EXIT_OK


def _edit(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from iltdesk.services import scheduling

    with open_for_cli(args.db) as db:
        row = scheduling.get_session(db, args.session_id)
        spec = scheduling.spec_for_row(row)
        if args.capacity is not None:
            spec = replace(spec, capacity=args.capacity)
        if args.survey_link is not None:
            spec = replace(spec, survey_link=args.survey_link)
        if args.min_size is not None:
            spec = replace(spec, min_size=args.min_size)
        if args.go_no_go is not None:
            spec = replace(spec, go_no_go=args.go_no_go or None)
        if args.start or args.end or args.zone:
            days, zone_name = typed_times.moved_days(row, args)
            spec = replace(spec, days=days, timezone=zone_name)
        updated = scheduling.update_session(
            db, row.id, spec, allow_clashes=args.allow_clashes
        ).value
    print_session(updated, args.json, _("Session {id} changed.").format(id=updated.id))
    return EXIT_OK


def _cancel(args: argparse.Namespace) -> int:
    from iltdesk.domain.enums import CancelCause
    from iltdesk.domain.enums import MessageKind
    from iltdesk.services import lifecycle
    from iltdesk.services import outbox
    from iltdesk.settings import Preferences

    queued: list[int] = []
    cause = CancelCause(args.cause.replace("-", "_"))
    with open_for_cli(args.db) as db:
        result = lifecycle.cancel_session(
            db,
            args.session_id,
            args.reason,
            cause=cause,
            to_interest=args.to_interest_list,
            move_to=args.move_to,
        ).value
        if args.notify:
            composed = outbox.compose(
                db,
                MessageKind.CANCELLED,
                args.session_id,
                fallback_language=str(Preferences().get("locale")),
            )
            queued = outbox.queue(db, composed.drafts).value
    if args.json:
        print(
            json.dumps(
                {
                    "session": session_json(result.session),
                    "cancelled_places": result.seats,
                    "cleared_waitlist": result.waitlisted,
                    "cause": cause.value,
                    "queued_messages": queued,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    print(
        _("Session {id} cancelled: {seats}, {waiting}.").format(
            id=result.session.id,
            seats=ngettext("{n} place cancelled", "{n} places cancelled", result.seats).format(
                n=result.seats
            ),
            waiting=ngettext(
                "{n} waitlist place cleared", "{n} waitlist places cleared", result.waitlisted
            ).format(n=result.waitlisted),
        )
    )
    if args.notify:
        print(
            ngettext(
                "{n} cancellation notice waits in the outbox; send it with `outbox send`.",
                "{n} cancellation notices wait in the outbox; send them with `outbox send`.",
                len(queued),
            ).format(n=len(queued))
        )
    return EXIT_OK

"""Session commands: list, add, edit, cancel (a session's roster and enrolling: `cli/rosters`).

Times are typed as the venue's clocks read them: "2027-03-28 09:00", with an offset
("2027-10-31 01:30+00:00") to say which of two readings is meant on the night the clocks go
back. A time that does not exist, or happens twice without an offset, is refused with a
sentence (exit 1) — never stored shifted.
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import date, time, timedelta
from typing import Any

from iltdesk import formatting
from iltdesk.cli.common import EXIT_OK, Commands, Handler, iso_date, open_for_cli, print_table
from iltdesk.cli.session_output import print_series, print_session, session_json
from iltdesk.db.engine import Database
from iltdesk.domain.enums import DeliveryMode, InstructorRole
from iltdesk.domain.localtime import (
    AmbiguousTimeError,
    WallTime,
    following_workday,
    parse_offset,
    to_instant,
    to_wall,
    with_offset,
    zone,
)
from iltdesk.domain.recurrence import OccurrenceFoldError, OccurrenceGapError, occurrence_dates
from iltdesk.domain.rows import SessionRow
from iltdesk.domain.specs import DaySpec, SessionSpec
from iltdesk.errors import ValidationError
from iltdesk.i18n import _

_WALL = re.compile(
    r"^\s*(?:(?P<date>\d{4}-\d{2}-\d{2})[ T])?(?P<time>\d{1,2}:\d{2})"
    r"(?P<offset>Z|[+-]\d{2}:?\d{2})?\s*$"
)


def _day_or_none(text: str) -> date | str:
    """A date, or "" to go back to the default."""
    return "" if not text.strip() else iso_date(text)


def register(commands: Commands) -> dict[str, Handler]:
    """Add the session commands; returns each command's handler."""
    sessions = commands.add_parser("sessions", help=_("list sessions, or add, edit or cancel one"))
    sessions.add_argument("--json", action="store_true", help=_("print JSON"))
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
        help=_("new first day and start time (later days move with it)"),
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

    return {"sessions": cmd_sessions}


# --- reading typed times --------------------------------------------------------------------


def _wall(text: str, zone_name: str, *, day: date | None = None) -> tuple[WallTime, str]:
    """A typed "[YYYY-MM-DD ]HH:MM[±HH:MM]" as a wall time in `zone_name`.

    The fold comes from the offset, when one was typed; returns the offset's text too.
    """
    match = _WALL.match(text)
    if match is None or (day is None and match["date"] is None):
        example = "2027-03-15 09:00" if day is None else "17:00"
        raise ValidationError(
            _("“{text}” is not a date and time; write it like {example}.").format(
                text=text, example=example
            )
        )
    try:
        when = date.fromisoformat(match["date"]) if match["date"] else day
        hours, minutes = (int(part) for part in match["time"].split(":"))
        clock = time(hours, minutes)
    except ValueError:
        raise ValidationError(
            _("“{text}” is not a valid date or time.").format(text=text)
        ) from None
    assert when is not None
    wall = WallTime(when, clock)
    if match["offset"]:
        offset = parse_offset(match["offset"])
        if offset is None:
            raise ValidationError(_("“{text}” is not a UTC offset.").format(text=match["offset"]))
        wall = with_offset(wall, zone_name, offset)
        if wall.fold is None:
            wall = WallTime(wall.day, wall.clock, 0)
    return wall, match["offset"] or ""


def _days(start: WallTime, end: WallTime, count: int, zone_name: str) -> tuple[DaySpec, ...]:
    """`count` days from `start`: weekdays after the first, each from start to end time."""
    if count < 1:
        raise ValidationError(_("A session needs at least one day."))
    days = []
    day = start.day
    for number in range(count):
        if number:
            day = following_workday(day)
        # The typed offset chose a reading for the first day; later days ask afresh.
        first = WallTime(day, start.clock, start.fold if number == 0 else None)
        last = WallTime(day, end.clock, end.fold if number == 0 else None)
        days.append(_day(first, last, zone_name, typed=number == 0))
    return tuple(days)


def _day(first: WallTime, last: WallTime, zone_name: str, *, typed: bool) -> DaySpec:
    """One day as instants; on the typed first day, a time that happens twice says how to choose.

    Later days have no option of their own: their time must change.
    """
    try:
        return DaySpec(to_instant(first, zone_name), to_instant(last, zone_name))
    except AmbiguousTimeError as error:
        if not typed:
            raise
        raise ValidationError(
            _("{problem} Type the time with its offset: {choices}.").format(
                problem=error, choices=_typed_readings(error)
            )
        ) from None


def _typed_readings(error: AmbiguousTimeError) -> str:
    """Both readings as typed on the command line: “2027-10-31 01:30+01:00” or “…+00:00”."""
    typed = [
        f"“{local.strftime('%Y-%m-%d %H:%M')}{_offset_text(local.utcoffset())}”"
        for local in error.choices
    ]
    return _("{first} or {second}").format(first=typed[0], second=typed[1])


def _offset_text(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta()).total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    return f"{'+' if minutes >= 0 else '-'}{hours:02d}:{rest:02d}"


def _fold_hint(error: OccurrenceFoldError) -> str:
    """The fold's sentence, with the options that settle it on the command line."""
    day = error.day.isoformat()
    first, second = (f"--offset-on {day}={_offset_text(c.utcoffset())}" for c in error.choices)
    return _("{problem} Add {first} or {second} to choose, or --skip {date}.").format(
        problem=error, first=first, second=second, date=day
    )


def _series_choices(
    args: argparse.Namespace, start: WallTime, zone_name: str
) -> tuple[frozenset[date], dict[date, int]]:
    """--skip and --offset-on, checked against the dates the repeat rule gives."""
    offsets: list[str] = args.offset_on
    if not args.repeat:
        if args.skip or offsets:
            raise ValidationError(_("--skip and --offset-on go with --repeat."))
        return frozenset(), {}
    dates = set(occurrence_dates(args.repeat, start.naive))
    for day in args.skip:
        if day not in dates:
            raise ValidationError(
                _("The repeat rule gives no session on {date}, so there is none to skip.").format(
                    date=day.isoformat()
                )
            )
    folds: dict[date, int] = {}
    for text in offsets:
        day_text, _sep, offset_text = text.partition("=")
        offset = parse_offset(offset_text)
        try:
            day = date.fromisoformat(day_text.strip())
        except ValueError:
            day = None
        if day is None or offset is None:
            raise ValidationError(
                _("“{text}” is not a date and an offset; write it like 2027-10-31=+00:00.").format(
                    text=text
                )
            )
        if day not in dates:
            raise ValidationError(
                _("The repeat rule gives no session on {date}.").format(date=day.isoformat())
            )
        wall = with_offset(WallTime(day, start.clock), zone_name, offset)
        if wall.fold is None:
            raise ValidationError(
                _(
                    "{time} on {date} happens only once in {zone}; --offset-on is for a time "
                    "that happens twice."
                ).format(time=start.clock.strftime("%H:%M"), date=day.isoformat(), zone=zone_name)
            )
        folds[day] = wall.fold
    return frozenset(args.skip), folds


# --- commands -------------------------------------------------------------------------------


def cmd_sessions(args: argparse.Namespace) -> int:
    """`iltdesk sessions`: list, add, edit, confirm, cancel or complete sessions."""
    action = getattr(args, "sessions_command", None)
    if action == "add":
        return _add(args)
    if action == "edit":
        return _edit(args)
    if action == "cancel":
        return _cancel(args)
    from iltdesk.services.scheduling import list_sessions

    with open_for_cli(args.db) as db:
        rows = list_sessions(db)
    if args.json:
        print(json.dumps([session_json(r) for r in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print(_("No sessions yet."))
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
    from iltdesk.services import people

    chosen = []
    for index, name in enumerate(names):
        found = people.find_instructor(db, name)
        if found is None:
            raise ValidationError(_("There is no instructor called {name}.").format(name=name))
        role = InstructorRole.LEAD if index == 0 else InstructorRole.CO_FACILITATOR
        chosen.append((found.id, role))
    return tuple(chosen)


def _add(args: argparse.Namespace) -> int:
    from iltdesk.services import catalogue, people, scheduling

    zone_name = args.zone.strip()
    zone(zone_name)
    start, _offset = _wall(args.start, zone_name)
    end, _end_offset = _wall(args.end, zone_name, day=start.day)
    days = _days(start, end, args.days, zone_name)
    skip, folds = _series_choices(args, start, zone_name)
    with open_for_cli(args.db) as db:
        course = catalogue.find_course_by_code(db, args.course)
        if course is None:
            raise ValidationError(
                _("There is no course with the code {code}.").format(code=args.course)
            )
        room = None
        if args.room:
            room = people.find_room(db, args.room)
            if room is None:
                raise ValidationError(_("There is no room called {name}.").format(name=args.room))
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
                raise ValidationError(_fold_hint(error)) from None
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
            spec = replace(spec, **_moved_days(row, args))
        updated = scheduling.update_session(
            db, row.id, spec, allow_clashes=args.allow_clashes
        ).value
    print_session(updated, args.json, _("Session {id} changed.").format(id=updated.id))
    return EXIT_OK


def _moved_days(row: SessionRow, args: argparse.Namespace) -> dict[str, Any]:
    """New days (and zone) for `sessions edit`: wall readings moved, then made instants."""
    zone_name = (args.zone or row.timezone).strip()
    zone(zone_name)
    walls = [(to_wall(d.start, row.timezone), to_wall(d.end, row.timezone)) for d in row.days]
    shift = timedelta()
    new_start: WallTime | None = None
    new_end: WallTime | None = None
    if args.start:
        new_start, _offset = _wall(args.start, zone_name)
        shift = new_start.day - walls[0][0].day
    if args.end:
        new_end, _offset = _wall(args.end, zone_name, day=walls[0][1].day + shift)
    days = []
    for number, (start, end) in enumerate(walls):
        day = start.day + shift
        first = WallTime(day, start.clock, start.fold if zone_name == row.timezone else None)
        last = WallTime(day, end.clock, end.fold if zone_name == row.timezone else None)
        if new_start is not None:
            first = WallTime(day, new_start.clock, new_start.fold if number == 0 else None)
        if new_end is not None:
            last = WallTime(day, new_end.clock, new_end.fold if number == 0 else None)
        days.append(_day(first, last, zone_name, typed=number == 0))
    return {"days": tuple(days), "timezone": zone_name}


def _cancel(args: argparse.Namespace) -> int:
    from iltdesk.domain.enums import CancelCause, MessageKind
    from iltdesk.services import lifecycle, outbox
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
        _(
            "Session {id} cancelled: {seats} places cancelled, {waiting} waitlist places cleared."
        ).format(id=result.session.id, seats=result.seats, waiting=result.waitlisted)
    )
    if args.notify:
        print(
            _("{n} cancellation notices wait in the outbox; send them with `outbox send`.").format(
                n=len(queued)
            )
        )
    return EXIT_OK

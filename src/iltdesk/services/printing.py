"""Gathering what printed documents show, formatted for the reader: no PDF drawing here."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from iltdesk import formatting
from iltdesk.db.engine import Database
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.printing import MAX_CUSTOM_HEADINGS
from iltdesk.domain.printing import FacilitatorGuide
from iltdesk.domain.printing import GuideDay
from iltdesk.domain.printing import GuideItem
from iltdesk.domain.printing import SignInColumn
from iltdesk.domain.printing import SignInOptions
from iltdesk.domain.printing import SignInPerson
from iltdesk.domain.printing import SignInSheet
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.services import catalogue
from iltdesk.services import enrollment
from iltdesk.services import learners
from iltdesk.services import people
from iltdesk.services import readiness
from iltdesk.services import scheduling
from iltdesk.services import settings_store
from iltdesk.services.common import Outcome

DEFAULT_KEY = "print_options:signin"


def _options_key(session_id: int) -> str:
    return f"print_options:signin:{session_id}"


def _decode(value: object) -> SignInOptions | None:
    if not isinstance(value, dict):
        return None
    try:
        return SignInOptions(
            columns=tuple(SignInColumn(c) for c in value.get("columns", [])),
            custom_headings=tuple(str(h) for h in value.get("custom_headings", []))[
                :MAX_CUSTOM_HEADINGS
            ],
            blank_rows=int(value.get("blank_rows", 5)),
            landscape=bool(value.get("landscape", False)),
        )
    except (ValueError, TypeError):
        return None


def signin_options(db: Database, session_id: int) -> SignInOptions:
    """The session's own options, else the last ones chosen anywhere, else the defaults."""
    for key in (_options_key(session_id), DEFAULT_KEY):
        options = _decode(settings_store.get_setting(db, key))
        if options is not None and options.columns:
            return options
    return SignInOptions()


def save_signin_options(db: Database, session_id: int, options: SignInOptions) -> Outcome[None]:
    """Remember options for this session and as the default for sessions without their own."""
    if not options.columns:
        raise ValidationError(_("Choose at least one column for the sign-in sheet."))
    if len(options.custom_headings) > MAX_CUSTOM_HEADINGS:
        raise ValidationError(
            _("A sign-in sheet takes at most {n} headings of your own.").format(
                n=MAX_CUSTOM_HEADINGS
            )
        )
    if not 0 <= options.blank_rows <= 100:
        raise ValidationError(_("Blank rows must be between 0 and 100."))
    encoded = json.loads(json.dumps(asdict(options)))
    settings_store.set_setting(db, _options_key(session_id), encoded)
    settings_store.set_setting(db, DEFAULT_KEY, encoded)
    return Outcome(None, Changes.of(Entity.SETTING, session_id))


def signin_sheets(
    db: Database,
    session_id: int,
    *,
    day: int | None = None,
    organisation: str = "",
    logo: Path | None = None,
    paper: str = "A4",
    options: SignInOptions | None = None,
    now: datetime | None = None,
) -> list[SignInSheet]:
    """One sheet per day (or only day `day`, counted from 1), learners with a seat by name.

    Printed on the room's paper when the room has one (Letter in a US venue), else `paper`.
    """
    session = scheduling.get_session(db, session_id)
    if not session.days:
        raise ValidationError(_("This session has no days to print."))
    if day is not None and not 1 <= day <= len(session.days):
        raise ValidationError(
            _("Session {id} has {count} days; choose a day from 1 to {count}.").format(
                id=session_id, count=len(session.days)
            )
        )
    options = options or signin_options(db, session_id)
    seated = [r for r in enrollment.roster(db, session_id) if r.status.holds_seat]
    details = learners.get_learners(db, [r.learner_id for r in seated])
    attendees = tuple(
        SignInPerson(
            last_name=r.last_name,
            first_name=r.first_name,
            employee_id=r.employee_id or "",
            department=r.department,
            email=r.email,
            job_title=details[r.learner_id].job_title,
            prework_done=r.prework_done,
        )
        for r in sorted(seated, key=lambda r: (r.last_name.casefold(), r.first_name.casefold()))
    )
    if session.room_name:
        room = next(
            (r for r in people.list_rooms(db, include_archived=True) if r.id == session.room_id),
            None,
        )
        place = session.room_name + (f" — {room.address}" if room and room.address else "")
        if room is not None and room.paper_size:
            paper = room.paper_size
        if session.meeting_link:
            place += f" · {session.meeting_link}"
    else:
        place = session.meeting_link or session.mode.label()
    instructors = tuple(f"{i.name} ({i.role.label()})" for i in session.instructors)
    printed = _("Printed {when}").format(
        when=formatting.format_datetime(now or datetime.now(UTC), session.timezone)
    )
    numbers = range(1, len(session.days) + 1) if day is None else [day]
    sheets = []
    for number in numbers:
        session_day = session.days[number - 1]
        sheets.append(
            SignInSheet(
                organisation=organisation,
                course_title=session.course_title,
                course_code=session.course_code,
                cohort=session.cohort,
                day_number=number,
                day_count=len(session.days),
                date_label=formatting.format_day_with_weekday(session_day.start, session.timezone),
                time_label=formatting.format_time_span(
                    session_day.start, session_day.end, session.timezone
                ),
                place=place,
                instructors=instructors,
                people=attendees,
                printed_label=printed,
                options=options,
                paper=paper,
                logo=logo,
            )
        )
    return sheets


def facilitator_guide(
    db: Database,
    session_id: int,
    *,
    organisation: str = "",
    paper: str = "A4",
    now: datetime | None = None,
) -> FacilitatorGuide:
    """The guide's content: the course agenda laid on each day's clock, in the session's zone."""
    session = scheduling.get_session(db, session_id)
    course = catalogue.get_course(db, session.course_id)
    agenda = catalogue.get_agenda(db, session.course_id)
    days = []
    for number, day in enumerate(session.days, start=1):
        clock = day.start
        zone = formatting.zone_label(day.start, session.timezone)
        items = []
        for item in agenda:
            end = clock + timedelta(minutes=item.minutes)
            objective = (
                _("Objective {n}: {text}").format(
                    n=item.objective_index + 1, text=course.objectives[item.objective_index]
                )
                if item.objective_index is not None
                and item.objective_index < len(course.objectives)
                else ""
            )
            items.append(
                GuideItem(
                    # The Time column names the day's zone; a block across a clock change
                    # says its own.
                    clock=formatting.format_time(clock, session.timezone)
                    + "–"
                    + formatting.format_time(end, session.timezone)
                    if formatting.zone_label(clock, session.timezone) == zone
                    and formatting.zone_label(end, session.timezone) == zone
                    else formatting.format_time_span(clock, end, session.timezone),
                    title=item.title,
                    minutes=item.minutes,
                    activity=item.activity.label(),
                    objective=objective,
                    notes=item.facilitator_notes,
                )
            )
            clock = end
        heading = _("Day {n} · {date} · {time}").format(
            n=number,
            date=formatting.format_day_with_weekday(day.start, session.timezone),
            time=formatting.format_time_span(day.start, day.end, session.timezone),
        )
        if day.meeting_link:  # this day meets elsewhere than the session's link
            heading += f" · {day.meeting_link}"
        days.append(GuideDay(heading, tuple(items), zone))
    materials = tuple(
        f"{m.title} — {m.kind.label()} — {m.file_name} (v{m.version})"
        for m in catalogue.list_materials(db, session.course_id)
    )
    place = session.room_name or session.meeting_link or session.mode.label()
    if session.room_name and session.meeting_link:
        place += f" · {session.meeting_link}"
    return FacilitatorGuide(
        organisation=organisation,
        course_title=session.course_title,
        course_code=session.course_code,
        cohort=session.cohort,
        objectives=course.objectives,
        days=tuple(days),
        materials=materials,
        place=place,
        instructors=tuple(f"{i.name} ({i.role.label()})" for i in session.instructors),
        roster_count=ngettext(
            "{enrolled} enrolled · {waiting} waiting · {capacity} seat",
            "{enrolled} enrolled · {waiting} waiting · {capacity} seats",
            session.capacity,
        ).format(enrolled=session.enrolled, waiting=session.waitlisted, capacity=session.capacity),
        printed_label=_("Printed {when}").format(
            when=formatting.format_datetime(now or datetime.now(UTC), session.timezone)
        ),
        paper=paper,
        readiness=tuple((item.label, item.done) for item in readiness.readiness(db, session_id))
        if session.mode is not DeliveryMode.IN_PERSON
        else (),
        pilot_notes=_pilot_notes(db, session.course_id),
    )


def _pilot_notes(db: Database, course_id: int) -> tuple[tuple[str, str], ...]:
    """The debriefs of the course's pilots, for the guide's "Changes from the pilots"."""
    from iltdesk.services.pilots import pilot_reviews

    return tuple(
        (
            _("Pilot of {date}").format(
                date=formatting.format_date(review.first_start, review.timezone)
            )
            if review.first_start
            else _("Pilot"),
            review.debrief,
        )
        for review in pilot_reviews(db, course_id)
        if review.debrief
    )


def todays_signin_sheets(
    db: Database,
    *,
    now: datetime | None = None,
    organisation: str = "",
    logo: Path | None = None,
    paper: str = "A4",
) -> list[SignInSheet]:
    """Today's sheet of every room-based session that meets today (in its own zone)."""
    now = now or datetime.now(UTC)
    sheets: list[SignInSheet] = []
    window_start, window_end = now - timedelta(days=1), now + timedelta(days=1)
    for session in scheduling.list_sessions(db, ends_after=window_start):
        if session.status.value == "cancelled" or session.mode.value == "virtual":
            continue
        zone = ZoneInfo(session.timezone)
        today = now.astimezone(zone).date()
        for number, day in enumerate(session.days, start=1):
            if day.start > window_end:
                break
            if day.start.astimezone(zone).date() == today:
                sheets += signin_sheets(
                    db,
                    session.id,
                    day=number,
                    organisation=organisation,
                    logo=logo,
                    paper=paper,
                    now=now,
                )
    return sheets

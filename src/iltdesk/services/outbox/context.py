"""What composing needs: drafts, a session's context and values, calendar states, recipients."""

from __future__ import annotations

import json
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select

from iltdesk import formatting
from iltdesk.db.engine import Database
from iltdesk.db.entities import OutboxContent
from iltdesk.db.entities import OutboxMessage
from iltdesk.db.entities import Room
from iltdesk.db.entities import Setting
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.domain.enums import DeliveryFormat
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.rows import RosterRow
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import load_translations
from iltdesk.mail.messages import CalendarPart
from iltdesk.mail.templates import DEFAULT_TECH_CHECKLIST
from iltdesk.mail.templates import TEMPLATE_LANGUAGES
from iltdesk.mail.templates import Template
from iltdesk.services import catalogue
from iltdesk.services import scheduling
from iltdesk.services.outbox.constants import CALENDAR_KINDS
from iltdesk.services.outbox.constants import DELIVERED
from iltdesk.services.outbox.constants import INVITING
from iltdesk.services.outbox.settings import MailSettings
from iltdesk.services.outbox.settings import get_template
from iltdesk.services.outbox.settings import mail_settings

# --- composing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """One rendered message, ready to queue."""

    dedupe_key: str
    kind: MessageKind
    session_id: int | None
    enrollment_id: int | None
    recipient: str
    recipient_name: str
    subject: str
    body: str
    content: bytes
    message_id: str
    # Day events the learner's calendar holds after this message (None: no calendar part).
    invited_days: int | None = None


@dataclass(frozen=True)
class Composed:
    """Messages rendered for sending, and how many already wait in the outbox."""

    drafts: tuple[Draft, ...]
    already_queued: int  # recipients skipped because the same message is already in the outbox
    label: str  # "Forklift Safety — 12 Mar 2026", for the confirmation question


def _language(preferred: str, fallback: str) -> str:
    for candidate in (preferred, fallback):
        if candidate:
            code = candidate.replace("-", "_").split("_")[0]
            if code in TEMPLATE_LANGUAGES:
                return code
    return "en"


def session_dates(session: SessionRow, language: str) -> str:
    """Every day with its times and zone, in the learner's language.

    For example "Thu 12 Mar 2026, 09:00–17:00 GMT; Fri 13 Mar 2026, 09:00–12:30 GMT".
    """
    locale = formatting.parse_locale(language, "en")
    zone = ZoneInfo(session.timezone)
    parts = []
    for day in session.days:
        when = formatting.format_weekday_short_date(day.start.astimezone(zone).date(), locale)
        span = formatting.format_time_span(day.start, day.end, session.timezone, locale)
        parts.append(f"{when}, {span}")
    return "; ".join(parts)


def first_date(session: SessionRow, language: str) -> str:
    """The first day's date in the learner's language ("12 Mar 2026"), for subjects."""
    if not session.days:
        return ""
    locale = formatting.parse_locale(language, "en")
    return formatting.format_date(session.days[0].start, session.timezone, "medium", locale)


@dataclass
class _Context:
    settings: MailSettings
    session: SessionRow
    location: str
    organisation: str
    prework: str
    fallback_language: str
    templates: dict[tuple[MessageKind, str], Template] = field(default_factory=dict)
    # The course's pre-work whatever its format (a pre-work reminder always quotes it).
    course_prework: str = ""


def _session_context(db: Database, session_id: int, fallback_language: str) -> _Context:
    settings = mail_settings(db)
    session = scheduling.get_session(db, session_id)
    course = catalogue.get_course(db, session.course_id)
    address = ""
    with db.transaction() as tx:
        if session.room_id is not None:
            room = tx.get(Room, session.room_id)
            address = room.address if room is not None else ""
        organisation_row = tx.get(Setting, "organisation_name")
        organisation = json.loads(organisation_row.value) if organisation_row else ""
    if session.mode is DeliveryMode.VIRTUAL:
        location = session.meeting_link
    else:
        location = ", ".join(p for p in (session.room_name, " ".join(address.split())) if p)
        if session.mode is DeliveryMode.HYBRID and session.meeting_link:
            location += f" / {session.meeting_link}"
    course_prework = "\n".join(p for p in (course.prework, course.prework_link) if p)
    blended = course.delivery_format is DeliveryFormat.BLENDED
    return _Context(
        settings,
        session,
        location,
        organisation or settings.sender_name,
        course_prework if blended else "",
        fallback_language,
        course_prework=course_prework,
    )


def _values(
    ctx: _Context,
    language: str,
    *,
    first: str,
    last: str,
    extra: dict[str, str],
) -> dict[str, str]:
    session, settings = ctx.session, ctx.settings
    translate = load_translations(language)
    # Dates in the organisation's regional format when it speaks the learner's language
    # ("12 Mar 2026" for en_GB, not the US "Mar 12, 2026"); else the language's own.
    regional = _regional(ctx, language)
    virtual = session.mode in (DeliveryMode.VIRTUAL, DeliveryMode.HYBRID)
    checklist = ""
    if virtual:
        checklist = settings.tech_checklist or DEFAULT_TECH_CHECKLIST.get(
            language, DEFAULT_TECH_CHECKLIST["en"]
        )
        if settings.backup_contact:
            checklist += "\n" + translate.gettext(
                "If the meeting link does not work: {contact}"
            ).format(contact=settings.backup_contact)
        checklist += "\n\n"
    prework = ""
    if ctx.prework:
        prework = translate.gettext("Before the session, please complete:") + f"\n{ctx.prework}\n\n"
    return {
        "first_name": first,
        "last_name": last,
        "full_name": f"{first} {last}".strip(),
        "course": session.course_title,
        "course_code": session.course_code,
        "session_dates": session_dates(session, regional),
        "first_date": first_date(session, regional),
        "location_or_link": ctx.location,
        "instructors": ", ".join(i.name for i in session.instructors),
        "meeting_link": session.meeting_link,
        "backup_contact": settings.backup_contact,
        "tech_checklist": checklist,
        "prework": prework,
        "survey_link": session.survey_link or settings.survey_link,
        "organisation": ctx.organisation,
        **extra,
    }


def _template(db: Database, ctx: _Context, kind: MessageKind, language: str) -> Template:
    key = (kind, language)
    if key not in ctx.templates:
        ctx.templates[key] = get_template(db, kind, language)
    return ctx.templates[key]


def _uid(ctx: _Context, enrollment_id: int) -> str:
    domain = ctx.settings.sender_address.rpartition("@")[2] or "iltdesk.invalid"
    return f"iltdesk-enrollment-{enrollment_id}@{domain}"


def _invitation(
    ctx: _Context,
    row: RosterRow,
    method: str,
    sequence: int,
    days: Sequence[tuple[int, datetime, datetime]] | None = None,
) -> CalendarPart:
    """The calendar part: the session's days, or `days` given as (UID index, start, end)."""
    # Imported here: icalendar costs ~30 ms, paid only when an invitation is built.
    from iltdesk.mail.calendar import Invitation
    from iltdesk.mail.calendar import InviteDay
    from iltdesk.mail.calendar import build_invitation

    session, settings = ctx.session, ctx.settings
    if days is None:
        days = [(i, d.start, d.end) for i, d in enumerate(session.days)]
    links = {i: d.meeting_link for i, d in enumerate(session.days)}
    invite = Invitation(
        uid=_uid(ctx, row.enrollment_id),
        sequence=sequence,
        method=method,
        summary=session.course_title,
        location=ctx.location,
        description=session.meeting_link,
        timezone=session.timezone,
        days=tuple(
            InviteDay(start, end, index, links.get(index, "")) for index, start, end in days
        ),
        organizer_email=settings.sender_address,
        organizer_name=settings.sender_name,
        attendee_email=row.email,
        attendee_name=f"{row.first_name} {row.last_name}".strip(),
        url=session.meeting_link,
    )
    return CalendarPart(build_invitation(invite), method)


def _existing_keys(db: Database, keys: Iterable[str]) -> set[str]:
    wanted = list(keys)
    found: set[str] = set()
    with db.transaction() as tx:
        for start in range(0, len(wanted), 2000):
            chunk = wanted[start : start + 2000]
            found.update(
                tx.scalars(
                    select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(chunk))
                )
            )
    return found


@dataclass(frozen=True)
class CalendarState:
    """What a learner's calendar holds from ILT Desk's messages for one place."""

    sequence: int  # calendar messages so far: the next message's SEQUENCE
    live_days: int  # day events currently in the calendar (0 after a cancellation)


def calendar_states(db: Database, enrollment_ids: Sequence[int]) -> dict[int, CalendarState]:
    """Per place: how many calendar messages went out and how many day events are live.

    Only messages that reached (or may have reached) the learner count; a message cancelled in
    the outbox or failed for good never changed their calendar.
    """
    states: dict[int, CalendarState] = {}
    if not enrollment_ids:
        return states
    with db.reading() as tx:
        query = (
            select(OutboxMessage.enrollment_id, OutboxMessage.invited_days)
            .where(
                OutboxMessage.enrollment_id.in_(list(enrollment_ids)),
                OutboxMessage.kind.in_(CALENDAR_KINDS),
                OutboxMessage.status.in_(DELIVERED),
            )
            .order_by(OutboxMessage.id)
        )
        for enrollment_id, days in tx.execute(query):
            if enrollment_id is None:
                continue
            before = states.get(enrollment_id, CalendarState(0, 0))
            live = before.live_days if days is None else int(days)
            states[enrollment_id] = CalendarState(before.sequence + 1, live)
    return states


def _previous_day_times(
    db: Database, enrollment_id: int, uid: str, indices: Sequence[int]
) -> list[tuple[int, datetime, datetime]]:
    """The times the learner's calendar holds for these days, read from the last invitation.

    A cancellation must name the event as it was sent (its UID, and its times for the mail
    programs that match on them), not as the session now stands.
    """
    from iltdesk.mail.calendar import day_uid
    from iltdesk.mail.calendar import event_times

    with db.transaction() as tx:
        contents = tx.scalars(
            select(OutboxContent.content)
            .join(OutboxMessage, OutboxMessage.id == OutboxContent.message_id)
            .where(
                OutboxMessage.enrollment_id == enrollment_id,
                OutboxMessage.kind.in_(INVITING),
                OutboxMessage.status.in_(DELIVERED),
            )
            .order_by(OutboxMessage.id.desc())
        ).all()
    found: dict[str, tuple[datetime, datetime]] = {}
    for content in contents:  # newest first: the first time a UID is seen is its last state
        for event_uid, times in event_times(content).items():
            found.setdefault(event_uid, times)
    result = []
    for index in indices:
        known = found.get(day_uid(uid, index))
        if known is not None:
            result.append((index, known[0], known[1]))
    return result


def invited_count(db: Database, session_id: int) -> int:
    """How many learners still on the session hold a calendar invitation from the outbox."""
    from iltdesk.db.entities import Enrollment

    with db.reading() as tx:
        enrollment_ids = list(
            tx.scalars(
                select(func.distinct(OutboxMessage.enrollment_id))
                .join(Enrollment, Enrollment.id == OutboxMessage.enrollment_id)
                .where(
                    OutboxMessage.session_id == session_id,
                    OutboxMessage.kind.in_(INVITING),
                    OutboxMessage.status.in_(DELIVERED),
                    Enrollment.status.in_(SEAT_HOLDING),
                )
            )
        )
    states = calendar_states(db, enrollment_ids)
    return sum(1 for state in states.values() if state.live_days)


def _recipients(
    rows: list[RosterRow],
    kind: MessageKind,
    enrollment_ids: Sequence[int] | None,
    session: SessionRow,
    holding: set[int],
) -> list[RosterRow]:
    if enrollment_ids is not None:
        chosen = set(enrollment_ids)
        return [r for r in rows if r.enrollment_id in chosen]
    if kind is MessageKind.WAITLIST:
        return [r for r in rows if r.status is EnrollmentStatus.WAITLISTED]
    if kind is MessageKind.CANCELLED:
        # Everyone whose place the cancellation took (seat or waitlist), and anyone else whose
        # calendar still holds the session.
        return [
            r
            for r in rows
            if (session.cancelled_at is not None and r.cancelled_at == session.cancelled_at)
            or r.enrollment_id in holding
        ]
    if kind is MessageKind.PREWORK_REMINDER:
        return [r for r in rows if r.status in SEAT_HOLDING and not r.prework_done]
    if kind is MessageKind.FEEDBACK:
        return [
            r for r in rows if r.status in (EnrollmentStatus.COMPLETED, EnrollmentStatus.INCOMPLETE)
        ]
    return [r for r in rows if r.status in SEAT_HOLDING]


def _regional(ctx: _Context, language: str) -> str:
    """The organisation's regional format when it speaks `language`, else the language."""
    fallback = ctx.fallback_language.replace("-", "_")
    return fallback if fallback.split("_")[0] == language else language

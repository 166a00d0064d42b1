"""The outbox: every email is first a row, then sent exactly as stored, exactly once.

Composing renders messages for a session's learners (nothing is written); queueing stores them
under a dedupe key, so the same certificate or confirmation is never queued twice unless the
user asks for a resend; sending claims one row at a time ("sending"), delivers it, and marks
it sent in its own small transaction. A row found in "sending" after a crash becomes
"uncertain" — it may have gone out — and is only sent again if the user says so.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session as OrmSession

from iltdesk import formatting
from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import Learner, OutboxContent, OutboxMessage, Room, Setting
from iltdesk.db.fastpath import HotConnection, Prepared, hot_connection
from iltdesk.domain.changes import Changes, Entity
from iltdesk.domain.emails import normalise_email
from iltdesk.domain.enums import (
    SEAT_HOLDING,
    DeliveryFormat,
    DeliveryMode,
    EnrollmentStatus,
    MessageKind,
    OutboxStatus,
    SessionStatus,
)
from iltdesk.domain.rows import OutboxRow, RosterRow, SessionRow
from iltdesk.errors import UserError, ValidationError
from iltdesk.i18n import _, load_translations
from iltdesk.mail.messages import Attachment, CalendarPart, Sender, build_message
from iltdesk.mail.templates import (
    DEFAULT_TECH_CHECKLIST,
    TEMPLATE_LANGUAGES,
    Template,
    default_template,
    render,
    template_errors,
)
from iltdesk.mail.transport import (
    BATCH_KINDS,
    SECURITY,
    DraftsTransport,
    SendError,
    SmtpSettings,
    SmtpTransport,
    Transport,
)
from iltdesk.services import catalogue, enrollment, scheduling
from iltdesk.services.common import Outcome, audit, get_or_fail

Report = Callable[[int, int, str], None]
BACKOFF_SECONDS = (2.0, 10.0, 60.0, 300.0)  # after the 1st, 2nd, 3rd, 4th transient failure
MAX_ATTEMPTS = 5
INVITING = (MessageKind.CONFIRMATION, MessageKind.PROMOTED, MessageKind.CHANGED)
# Messages with a calendar part: each one's SEQUENCE is one more than the last.
CALENDAR_KINDS = (*INVITING, MessageKind.DAYS_REMOVED, MessageKind.CANCELLED)
# Rows that reached (or may have reached) the learner's mailbox, so their calendar.
DELIVERED = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.SENT, OutboxStatus.UNCERTAIN)

# --- settings -------------------------------------------------------------------------------

MAIL_DEFAULTS: dict[str, Any] = {
    "mail.transport": "smtp",  # "smtp" or "drafts"
    "mail.host": "",
    "mail.port": 587,
    "mail.security": "starttls",
    "mail.username": "",
    "mail.sender_name": "",
    "mail.sender_address": "",
    "mail.reply_to": "",
    "mail.ca_file": "",
    "mail.drafts_folder": "",
    "mail.rate_per_minute": 60,
    "mail.reminders_enabled": False,
    "mail.reminder_days": 2,
    "mail.survey_link": "",
    "mail.backup_contact": "",
    "mail.tech_checklist": "",
}


@dataclass(frozen=True)
class MailSettings:
    transport: str
    host: str
    port: int
    security: str
    username: str
    sender_name: str
    sender_address: str
    reply_to: str
    ca_file: str
    drafts_folder: str
    rate_per_minute: int
    reminders_enabled: bool
    reminder_days: int
    survey_link: str
    backup_contact: str
    tech_checklist: str

    @property
    def smtp(self) -> SmtpSettings:
        return SmtpSettings(self.host, self.port, self.security, self.username, self.ca_file)

    @property
    def sender(self) -> Sender:
        return Sender(self.sender_name, self.sender_address, self.reply_to)

    def problem(self) -> str | None:
        """Why nothing can be sent with these settings, or None."""
        if not self.sender_address:
            return _("Set the sender address in the mail settings first.")
        if self.transport == "drafts":
            return None if self.drafts_folder else _("Choose the folder for the drafts first.")
        if not self.host:
            return _("Set the mail server (SMTP host) in the mail settings first.")
        return None


def _read_settings(db: Database) -> dict[str, Any]:
    with db.transaction() as tx:
        rows = tx.execute(select(Setting.key, Setting.value).where(Setting.key.like("mail.%")))
        stored = {key: json.loads(value) for key, value in rows}
    return {**MAIL_DEFAULTS, **stored}


def mail_settings(db: Database) -> MailSettings:
    values = _read_settings(db)
    return MailSettings(**{key.removeprefix("mail."): values[key] for key in MAIL_DEFAULTS})


def _parse_setting(key: str, value: str) -> Any:
    default = MAIL_DEFAULTS[key]
    text = value.strip()
    if isinstance(default, bool):
        if text.casefold() in ("1", "true", "yes", "on"):
            return True
        if text.casefold() in ("0", "false", "no", "off"):
            return False
        raise ValidationError(_("{key} is on or off: write true or false.").format(key=key))
    if isinstance(default, int):
        try:
            number = int(text)
        except ValueError:
            raise ValidationError(_("{key} is a whole number.").format(key=key)) from None
        if key == "mail.port" and not 1 <= number <= 65535:
            raise ValidationError(_("A port is a number from 1 to 65535."))
        if number < 0:
            raise ValidationError(_("{key} cannot be negative.").format(key=key))
        return number
    if key == "mail.security" and text not in SECURITY:
        raise ValidationError(
            _("Security is one of: {choices}.").format(choices=", ".join(SECURITY))
        )
    if key == "mail.transport" and text not in ("smtp", "drafts"):
        raise ValidationError(_("The transport is smtp or drafts."))
    if key in ("mail.sender_address", "mail.reply_to") and text:
        normal = normalise_email(text)
        if normal is None:
            raise ValidationError(_("“{email}” is not a valid email address.").format(email=text))
        return normal
    return text


def set_mail_settings(db: Database, values: dict[str, str]) -> Outcome[MailSettings]:
    """Check and store several settings in one transaction (keys as in `MAIL_DEFAULTS`)."""
    unknown = [key for key in values if key not in MAIL_DEFAULTS]
    if unknown:
        raise ValidationError(
            _("Unknown setting {key}. Known settings: {keys}.").format(
                key=unknown[0], keys=", ".join(MAIL_DEFAULTS)
            )
        )
    parsed = {key: _parse_setting(key, value) for key, value in values.items()}
    with db.transaction() as tx:
        for key, value in parsed.items():
            row = tx.get(Setting, key)
            if row is None:
                tx.add(Setting(key=key, value=json.dumps(value)))
            else:
                row.value = json.dumps(value)
    return Outcome(mail_settings(db), Changes.of(Entity.SETTING, 0))


def get_config(db: Database, key: str) -> str:
    if key not in MAIL_DEFAULTS:
        raise ValidationError(
            _("Unknown setting {key}. Known settings: {keys}.").format(
                key=key, keys=", ".join(MAIL_DEFAULTS)
            )
        )
    value = _read_settings(db)[key]
    return str(value).lower() if isinstance(value, bool) else str(value)


def make_transport(settings: MailSettings, password: str = "") -> Transport:
    if settings.transport == "drafts":
        return DraftsTransport(Path(settings.drafts_folder).expanduser())
    return SmtpTransport(settings.smtp, password)


# --- templates ------------------------------------------------------------------------------


def _template_key(kind: MessageKind, language: str) -> str:
    return f"template:{kind.value}:{language}"


def get_template(db: Database, kind: MessageKind, language: str) -> Template:
    with db.transaction() as tx:
        row = tx.get(Setting, _template_key(kind, language))
        if row is not None:
            stored = json.loads(row.value)
            return Template(stored["subject"], stored["body"])
    return default_template(kind, language)


def save_template(
    db: Database, kind: MessageKind, language: str, template: Template
) -> Outcome[Template]:
    errors = template_errors(template)
    if errors:
        raise ValidationError(" ".join(errors))
    with db.transaction() as tx:
        key = _template_key(kind, language)
        value = json.dumps({"subject": template.subject, "body": template.body})
        row = tx.get(Setting, key)
        if row is None:
            tx.add(Setting(key=key, value=value))
        else:
            row.value = value
    return Outcome(template, Changes.of(Entity.SETTING, 0))


def reset_template(db: Database, kind: MessageKind, language: str) -> Outcome[Template]:
    with db.transaction() as tx:
        row = tx.get(Setting, _template_key(kind, language))
        if row is not None:
            tx.delete(row)
    return Outcome(default_template(kind, language), Changes.of(Entity.SETTING, 0))


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
    prework = ""
    if course.delivery_format is DeliveryFormat.BLENDED and (course.prework or course.prework_link):
        prework = "\n".join(p for p in (course.prework, course.prework_link) if p)
    return _Context(
        settings,
        session,
        location,
        organisation or settings.sender_name,
        prework,
        fallback_language,
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
        "survey_link": settings.survey_link,
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
    from iltdesk.mail.calendar import Invitation, InviteDay, build_invitation

    session, settings = ctx.session, ctx.settings
    if days is None:
        days = [(i, d.start, d.end) for i, d in enumerate(session.days)]
    invite = Invitation(
        uid=_uid(ctx, row.enrollment_id),
        sequence=sequence,
        method=method,
        summary=session.course_title,
        location=ctx.location,
        description=session.meeting_link,
        timezone=session.timezone,
        days=tuple(InviteDay(start, end, index) for index, start, end in days),
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
    with db.transaction() as tx:
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
    from iltdesk.mail.calendar import day_uid, event_times

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

    with db.transaction() as tx:
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
    if kind is MessageKind.FEEDBACK:
        return [
            r for r in rows if r.status in (EnrollmentStatus.COMPLETED, EnrollmentStatus.INCOMPLETE)
        ]
    return [r for r in rows if r.status in SEAT_HOLDING]


def compose(
    db: Database,
    kind: MessageKind,
    session_id: int,
    *,
    enrollment_ids: Sequence[int] | None = None,
    resend: bool = False,
    reason: str = "",
    fallback_language: str = "en",
    certificate_options: dict[str, Any] | None = None,
) -> Composed:
    """The messages `kind` would send for a session (nothing is written).

    Learners who already have this message in the outbox are left out (counted in
    `already_queued`) unless `resend`, which gives the new copy a key of its own. A change that
    removed days also cancels those days' calendar entries (`DAYS_REMOVED` messages, one per
    learner whose calendar holds them).
    """
    if kind is MessageKind.CERTIFICATE:
        return _compose_certificates(
            db, session_id, resend, fallback_language, certificate_options or {}
        )
    ctx = _session_context(db, session_id, fallback_language)
    if kind is MessageKind.CANCELLED:
        if ctx.session.status is not SessionStatus.CANCELLED:
            raise ValidationError(
                _(
                    "This session is not cancelled. Cancel it first (Cancel session…); the "
                    "notice is offered from there."
                )
            )
        reason = reason or ctx.session.cancel_reason
    roster = enrollment.roster(db, session_id)
    states = calendar_states(db, [r.enrollment_id for r in roster])
    holding = {eid for eid, state in states.items() if state.live_days}
    rows = _recipients(roster, kind, enrollment_ids, ctx.session, holding)
    if kind is MessageKind.PROMOTED and enrollment_ids is None:
        # Those told they were on the waitlist who hold a seat now.
        told = _existing_keys(db, (f"waitlist:{r.enrollment_id}" for r in rows))
        rows = [r for r in rows if f"waitlist:{r.enrollment_id}" in told]
    languages = _learner_languages(db, [r.learner_id for r in rows])
    sequences = {eid: state.sequence for eid, state in states.items()}
    keyed = []
    for row in rows:
        if kind is MessageKind.REMINDER:
            first = ctx.session.days[0].start.date().isoformat() if ctx.session.days else ""
            key = f"reminder:{row.enrollment_id}:{first}"
        elif kind is MessageKind.CHANGED:
            key = f"changed:{row.enrollment_id}:{sequences.get(row.enrollment_id, 0)}"
        else:
            key = f"{kind.value}:{row.enrollment_id}"
        keyed.append((key, row))
    days_now = len(ctx.session.days)

    def calendar_for(row: RosterRow) -> tuple[CalendarPart, int] | None:
        sequence = sequences.get(row.enrollment_id, 0)
        if kind in INVITING:
            return _invitation(ctx, row, "REQUEST", sequence), days_now
        if kind is MessageKind.CANCELLED:
            live = states.get(row.enrollment_id, CalendarState(0, 0)).live_days
            current = [(i, d.start, d.end) for i, d in enumerate(ctx.session.days)]
            earlier = _previous_day_times(
                db, row.enrollment_id, _uid(ctx, row.enrollment_id), range(days_now, live)
            )
            return _invitation(ctx, row, "CANCEL", sequence, current + earlier), 0
        return None

    composed = _render_all(
        db, ctx, kind, keyed, languages, resend, reason, calendar_for=calendar_for
    )
    if kind is MessageKind.CHANGED:
        composed = _with_removed_days(db, ctx, composed, rows, states, languages, resend)
    return composed


def _with_removed_days(
    db: Database,
    ctx: _Context,
    composed: Composed,
    rows: list[RosterRow],
    states: dict[int, CalendarState],
    languages: dict[int, str],
    resend: bool,
) -> Composed:
    """Add a cancellation of the removed days' calendar entries for each learner holding them."""
    days_now = len(ctx.session.days)
    changed_for = {d.enrollment_id for d in composed.drafts}
    removed: dict[int, list[tuple[int, datetime, datetime]]] = {}
    for row in rows:
        state = states.get(row.enrollment_id)
        if state is None or state.live_days <= days_now or row.enrollment_id not in changed_for:
            continue
        uid = _uid(ctx, row.enrollment_id)
        removed[row.enrollment_id] = _previous_day_times(
            db, row.enrollment_id, uid, range(days_now, state.live_days)
        )
    if not removed:
        return composed
    keyed = [
        (f"days-removed:{r.enrollment_id}:{states[r.enrollment_id].sequence + 1}", r)
        for r in rows
        if r.enrollment_id in removed
    ]

    def calendar_for(row: RosterRow) -> tuple[CalendarPart, int]:
        # One more than the change message queued just before it.
        sequence = states[row.enrollment_id].sequence + 1
        part = _invitation(ctx, row, "CANCEL", sequence, removed[row.enrollment_id])
        return part, days_now

    def extra_for(row: RosterRow) -> tuple[dict[str, str], tuple[Attachment, ...]]:
        language = _language(languages.get(row.learner_id, ""), ctx.fallback_language)
        locale = formatting.parse_locale(_regional(ctx, language), "en")
        dates = ", ".join(
            formatting.format_date(start, ctx.session.timezone, "medium", locale)
            for _index, start, _end in removed[row.enrollment_id]
        )
        return {"removed_dates": dates}, ()

    extra = _render_all(
        db,
        ctx,
        MessageKind.DAYS_REMOVED,
        keyed,
        languages,
        resend,
        "",
        extra_for,
        calendar_for=calendar_for,
    )
    return Composed(
        composed.drafts + extra.drafts,
        composed.already_queued + extra.already_queued,
        composed.label,
    )


def _regional(ctx: _Context, language: str) -> str:
    """The organisation's regional format when it speaks `language`, else the language."""
    fallback = ctx.fallback_language.replace("-", "_")
    return fallback if fallback.split("_")[0] == language else language


def _learner_languages(db: Database, learner_ids: Sequence[int]) -> dict[int, str]:
    with db.transaction() as tx:
        query = select(Learner.id, Learner.preferred_language).where(Learner.id.in_(learner_ids))
        return {lid: language or "" for lid, language in tx.execute(query)}


def _resend_key(tx: OrmSession, key: str, reserved: set[str]) -> str:
    """The next free "…:resend-N" key for a message (or for a copy of one) to send again.

    `reserved` holds keys handed out in this run but not yet stored.
    """
    base = key.split(":resend-")[0]
    stored = tx.scalars(
        select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like(base + ":resend-%"))
    )
    taken = reserved | set(stored)
    n = 1
    while f"{base}:resend-{n}" in taken:
        n += 1
    reserved.add(f"{base}:resend-{n}")
    return f"{base}:resend-{n}"


def _render_all(
    db: Database,
    ctx: _Context,
    kind: MessageKind,
    keyed: list[tuple[str, RosterRow]],
    languages: dict[int, str],
    resend: bool,
    reason: str,
    extra_for: Callable[[RosterRow], tuple[dict[str, str], tuple[Attachment, ...]]] | None = None,
    *,
    calendar_for: Callable[[RosterRow], tuple[CalendarPart, int] | None] | None = None,
) -> Composed:
    existing = _existing_keys(db, (k for k, _r in keyed))
    reserved: set[str] = set()
    drafts = []
    skipped = 0
    for key, row in keyed:
        if key in existing:
            if not resend:
                skipped += 1
                continue
            with db.transaction() as tx:
                key = _resend_key(tx, key, reserved)
        language = _language(languages.get(row.learner_id, ""), ctx.fallback_language)
        extra: dict[str, str] = {
            "reason": reason,
            "waitlist_position": str(row.waitlist_position or ""),
        }
        attachments: tuple[Attachment, ...] = ()
        if extra_for is not None:
            more, attachments = extra_for(row)
            extra.update(more)
        values = _values(ctx, language, first=row.first_name, last=row.last_name, extra=extra)
        subject, body = render(_template(db, ctx, kind, language), values)
        calendar, invited_days = None, None
        found = calendar_for(row) if calendar_for is not None else None
        if found is not None:
            calendar, invited_days = found
        content, message_id = build_message(
            sender=ctx.settings.sender,
            recipient_name=f"{row.first_name} {row.last_name}".strip(),
            recipient=row.email,
            subject=subject,
            body=body,
            attachments=attachments,
            calendar=calendar,
        )
        drafts.append(
            Draft(
                key,
                kind,
                ctx.session.id,
                row.enrollment_id,
                row.email,
                f"{row.first_name} {row.last_name}".strip(),
                subject,
                body,
                content,
                message_id,
                invited_days,
            )
        )
    # The question is read by the coordinator: the organisation's format (en_GB if only "en").
    regional = ctx.fallback_language if "_" in ctx.fallback_language else "en_GB"
    label = f"{ctx.session.course_title} — {first_date(ctx.session, regional)}"
    return Composed(tuple(drafts), skipped, label)


def _compose_certificates(
    db: Database,
    session_id: int,
    resend: bool,
    fallback_language: str,
    options: dict[str, Any],
) -> Composed:
    from iltdesk.documents.certificates import build_certificates_pdf, certificate_file_name
    from iltdesk.domain.printing import CertificateDesign
    from iltdesk.services import certificates

    design = CertificateDesign(options.pop("design", CertificateDesign.CLASSIC))
    paper = str(options.pop("paper", "A4"))
    ctx = _session_context(db, session_id, fallback_language)
    valid = [c for c in certificates.session_certificates(db, session_id) if c.revoked_at is None]
    docs = {
        d.code: d
        for d in certificates.certificate_docs(
            db, session_id, fallback_language=fallback_language, **options
        )
    }
    by_enrollment = {r.enrollment_id: r for r in enrollment.roster(db, session_id)}
    keyed = [
        (f"certificate:{c.id}", by_enrollment[c.enrollment_id])
        for c in valid
        if c.enrollment_id in by_enrollment
    ]
    code_of = {c.enrollment_id: c.code for c in valid}
    languages = _learner_languages(db, [r.learner_id for _k, r in keyed])

    def extra_for(row: RosterRow) -> tuple[dict[str, str], tuple[Attachment, ...]]:
        code = code_of[row.enrollment_id]
        doc = docs[code]
        pdf = build_certificates_pdf([doc], design, paper)
        name = certificate_file_name(doc)
        link = doc.verify_text if doc.verify_text != code else ""
        return {"certificate_code": code, "verify_link": link}, (Attachment(name, pdf),)

    return _render_all(db, ctx, MessageKind.CERTIFICATE, keyed, languages, resend, "", extra_for)


def compose_test(db: Database, recipient: str) -> Draft:
    settings = mail_settings(db)
    template = get_template(db, MessageKind.TEST, "en")
    subject, body = render(template, {})
    content, message_id = build_message(
        sender=settings.sender, recipient_name="", recipient=recipient, subject=subject, body=body
    )
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    return Draft(
        f"test:{stamp}",
        MessageKind.TEST,
        None,
        None,
        recipient,
        "",
        subject,
        body,
        content,
        message_id,
    )


# --- queueing -------------------------------------------------------------------------------


def queue(db: Database, drafts: Sequence[Draft]) -> Outcome[list[int]]:
    """Store drafts as pending rows (one transaction); keys already queued are skipped."""
    with db.transaction() as tx:
        taken = set(
            tx.scalars(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.dedupe_key.in_([d.dedupe_key for d in drafts])
                )
            )
        )
        rows = []
        contents: list[bytes] = []
        for draft in drafts:
            if draft.dedupe_key in taken:
                continue
            taken.add(draft.dedupe_key)
            row = OutboxMessage(
                dedupe_key=draft.dedupe_key,
                kind=draft.kind,
                session_id=draft.session_id,
                enrollment_id=draft.enrollment_id,
                recipient=draft.recipient,
                recipient_name=draft.recipient_name,
                subject=draft.subject,
                message_id=draft.message_id,
                status=OutboxStatus.PENDING,
                invited_days=draft.invited_days,
            )
            tx.add(row)
            rows.append(row)
            contents.append(draft.content)
        tx.flush()
        tx.add_all(
            OutboxContent(message_id=row.id, content=content)
            for row, content in zip(rows, contents, strict=True)
        )
        ids = [row.id for row in rows]
        if ids:
            audit(tx, "outbox", None, "queue", {"count": len(ids), "kind": drafts[0].kind.value})
        return Outcome(ids, Changes.of(Entity.OUTBOX, *ids))


# --- the outbox as the user sees it ---------------------------------------------------------


def _outbox_row(m: OutboxMessage) -> OutboxRow:
    return OutboxRow(
        m.id,
        m.kind,
        m.recipient,
        m.recipient_name,
        m.subject,
        m.status,
        m.attempts,
        m.last_error,
        m.created_at,
        m.sent_at,
        m.session_id,
        m.message_id,
    )


def list_outbox(
    db: Database, statuses: Sequence[OutboxStatus] | None = None, limit: int = 5000
) -> list[OutboxRow]:
    with db.transaction() as tx:
        query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
        if statuses:
            query = query.where(OutboxMessage.status.in_(statuses))
        return [_outbox_row(m) for m in tx.scalars(query)]


def outbox_counts(db: Database) -> dict[OutboxStatus, int]:
    with db.transaction() as tx:
        query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        return {status: int(n) for status, n in tx.execute(query)}


def message_content(db: Database, message_id: int) -> bytes:
    with db.transaction() as tx:
        row = get_or_fail(tx, OutboxContent, message_id, _("That message no longer exists."))
        return bytes(row.content)


def _set_status(
    db: Database,
    ids: Sequence[int],
    new: OutboxStatus,
    allowed: Sequence[OutboxStatus],
    action: str,
) -> Outcome[int]:
    with db.transaction() as tx:
        result = tx.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status.in_(allowed))
            .values(status=new, updated_at=utcnow(), next_attempt_at=None)
        )
        count = int(result.rowcount or 0)  # type: ignore[attr-defined]
        audit(tx, "outbox", None, action, {"ids": list(ids), "count": count})
        return Outcome(count, Changes.of(Entity.OUTBOX, *ids))


def retry(db: Database, ids: Sequence[int]) -> Outcome[int]:
    """Put failed (or uncertain, when the user decided to send again) messages back in line."""
    return _set_status(
        db, ids, OutboxStatus.PENDING, (OutboxStatus.FAILED, OutboxStatus.UNCERTAIN), "retry"
    )


def cancel(db: Database, ids: Sequence[int]) -> Outcome[int]:
    """Stop pending (or failed, or uncertain) messages from being sent."""
    return _set_status(
        db,
        ids,
        OutboxStatus.CANCELLED,
        (OutboxStatus.PENDING, OutboxStatus.FAILED, OutboxStatus.UNCERTAIN),
        "cancel",
    )


def mark_sent_by_user(db: Database, ids: Sequence[int]) -> Outcome[int]:
    """The user checked: these uncertain messages did go out."""
    return _set_status(db, ids, OutboxStatus.SENT, (OutboxStatus.UNCERTAIN,), "confirm_sent")


def resend(db: Database, ids: Sequence[int]) -> Outcome[list[int]]:
    """Queue a fresh copy of each message, the user's explicit choice to send it again.

    The copy gets a key of its own ("certificate:12:resend-1") and a new Message-ID, so the
    original keeps its record and the recipient's mail program sees a new message.
    """
    from email import message_from_bytes
    from email.policy import SMTP
    from email.utils import format_datetime, make_msgid

    with db.transaction() as tx:
        originals = list(tx.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))))
        reserved: set[str] = set()
        new_ids = []
        for original in originals:
            key = _resend_key(tx, original.dedupe_key, reserved)
            content = tx.get(OutboxContent, original.id)
            assert content is not None
            message = message_from_bytes(content.content, policy=SMTP)
            domain = original.message_id.rstrip(">").rpartition("@")[2] or "iltdesk.invalid"
            message_id = make_msgid(idstring="iltdesk", domain=domain)
            message.replace_header("Message-ID", message_id)
            message.replace_header("Date", format_datetime(datetime.now(UTC)))
            copy = OutboxMessage(
                dedupe_key=key,
                kind=original.kind,
                session_id=original.session_id,
                enrollment_id=original.enrollment_id,
                recipient=original.recipient,
                recipient_name=original.recipient_name,
                subject=original.subject,
                message_id=message_id,
                status=OutboxStatus.PENDING,
            )
            tx.add(copy)
            tx.flush()
            tx.add(OutboxContent(message_id=copy.id, content=message.as_bytes()))
            new_ids.append(copy.id)
        audit(tx, "outbox", None, "resend", {"from": list(ids), "to": new_ids})
        return Outcome(new_ids, Changes.of(Entity.OUTBOX, *new_ids))


def export_failed(db: Database, path: Path) -> Path:
    """The failed messages as CSV (recipient, subject, error, attempts), written atomically."""
    from iltdesk.documents.csvfile import write_csv

    rows = list_outbox(db, [OutboxStatus.FAILED])
    return write_csv(
        path,
        [_("Recipient"), _("Name"), _("Subject"), _("Error"), _("Attempts")],
        ([r.recipient, r.recipient_name, r.subject, r.last_error, r.attempts] for r in rows),
    )


def recover_interrupted(db: Database) -> Outcome[int]:
    """Rows left in "sending" by a crash or a kill become "uncertain" (never resent silently)."""
    with db.transaction() as tx:
        ids = list(
            tx.scalars(select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.SENDING))
        )
        if ids:
            tx.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids))
                .values(
                    status=OutboxStatus.UNCERTAIN,
                    updated_at=utcnow(),
                    last_error=_(
                        "The app stopped while this message was being sent; it may have gone out."
                    ),
                )
            )
            audit(tx, "outbox", None, "uncertain", {"ids": ids})
        return Outcome(len(ids), Changes.of(Entity.OUTBOX, *ids))


# --- sending --------------------------------------------------------------------------------


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    uncertain: int = 0  # lost after being handed over: may have gone out, not sent again
    waiting: int = 0  # still pending (backing off, or paused) when the run ended
    auth_error: str = ""  # set when the server refused the credentials: the batch paused
    stopped_error: str = ""  # set when nothing could be sent (unreachable, TLS): paused

    @property
    def all_sent(self) -> bool:
        """Whether nothing is left: no failure, nothing waiting, nothing uncertain."""
        return not (self.failed or self.waiting or self.uncertain or self.paused)

    @property
    def paused(self) -> str:
        return self.auth_error or self.stopped_error


def retry_delay(attempts: int, backoff: Sequence[float], jitter: Callable[[], float]) -> float:
    """The wait before retry `attempts` + 1: the backoff step, spread by ±50 % at random.

    The spread keeps many clients (or many rows refused by one busy server) from coming back
    at the same instant.
    """
    if not backoff:
        return 0.0
    step = backoff[min(attempts - 1, len(backoff) - 1)]
    return step * (0.5 + jitter())


_MESSAGES = cast(Table, OutboxMessage.__table__)
_CONTENTS = cast(Table, OutboxContent.__table__)
# Built once: the send loop runs these for every message, and building a statement costs
# more than SQLite takes to run it.
_CLOSE_ATTEMPT = (
    update(_MESSAGES)
    .where(_MESSAGES.c.id == bindparam("b_message_id"))
    .values(
        status=bindparam("b_status"),
        attempts=bindparam("b_attempts"),
        last_error=bindparam("b_last_error"),
        next_attempt_at=bindparam("b_next_attempt_at"),
        sent_at=bindparam("b_sent_at"),
        updated_at=bindparam("b_now"),
    )
)
_NEXT_DUE = (
    select(_MESSAGES.c.id, _CONTENTS.c.content, _MESSAGES.c.recipient, _MESSAGES.c.attempts)
    .join(_CONTENTS, _CONTENTS.c.message_id == _MESSAGES.c.id)
    .where(
        _MESSAGES.c.status == OutboxStatus.PENDING,
        _MESSAGES.c.next_attempt_at.is_(None) | (_MESSAGES.c.next_attempt_at <= bindparam("b_now")),
    )
    .order_by(_MESSAGES.c.id)
    .limit(1)
)
# Claiming one chosen message by its id: a send of the messages just queued (the common case)
# names hundreds of ids, and an IN list of them in every claim cost more than the send itself.
_DUE_BY_ID = (
    select(_MESSAGES.c.id, _CONTENTS.c.content, _MESSAGES.c.recipient, _MESSAGES.c.attempts)
    .join(_CONTENTS, _CONTENTS.c.message_id == _MESSAGES.c.id)
    .where(
        _MESSAGES.c.id == bindparam("b_message_id"),
        _MESSAGES.c.status == OutboxStatus.PENDING,
        _MESSAGES.c.next_attempt_at.is_(None) | (_MESSAGES.c.next_attempt_at <= bindparam("b_now")),
    )
)
_MARK_SENDING = (
    update(_MESSAGES)
    .where(_MESSAGES.c.id == bindparam("b_message_id"))
    .values(
        status=OutboxStatus.SENDING, attempts=bindparam("b_attempts"), updated_at=bindparam("b_now")
    )
)


def _closing(
    message_id: int,
    status: OutboxStatus,
    attempts: int,
    last_error: str = "",
    next_attempt_at: datetime | None = None,
    sent_at: datetime | None = None,
) -> dict[str, Any]:
    return {
        "b_message_id": message_id,
        "b_status": status,
        "b_attempts": attempts,
        "b_last_error": last_error,
        "b_next_attempt_at": next_attempt_at,
        "b_sent_at": sent_at,
    }


class _Statements:
    """The send loop's statements, compiled once for the database in use."""

    def __init__(self, db: Database) -> None:
        self.close_attempt = Prepared(_CLOSE_ATTEMPT, db)
        self.next_due = Prepared(_NEXT_DUE, db)
        self.due_by_id = Prepared(_DUE_BY_ID, db)
        self.mark_sending = Prepared(_MARK_SENDING, db)


def _step(
    hot: HotConnection,
    statements: _Statements,
    finished: dict[str, Any] | None,
    candidates: list[int] | None,
    *,
    claim: bool = True,
) -> tuple[int, bytes, str, int] | None:
    """Close the last attempt and claim the next due message, in one small transaction.

    Claiming marks the row "sending" before a byte goes out, so a crash mid-send leaves it
    visibly uncertain rather than silently pending. With `candidates` (the chosen ids, in
    order) the first one still pending and due is claimed by its id; ids no longer pending are
    dropped from the list, those backing off stay for later.
    """
    now = utcnow()
    with hot.step():
        if finished is not None:
            hot.execute(statements.close_attempt, {**finished, "b_now": now})
        if not claim:
            return None
        row = None
        if candidates is None:
            row = hot.execute(statements.next_due, {"b_now": now}).fetchone()
        else:
            for position, message_id in enumerate(candidates):
                row = hot.execute(
                    statements.due_by_id, {"b_message_id": message_id, "b_now": now}
                ).fetchone()
                if row is not None:
                    del candidates[position]
                    break
        if row is None:
            return None
        message_id, content, recipient, attempts = row
        hot.execute(
            statements.mark_sending,
            {"b_message_id": message_id, "b_attempts": attempts + 1, "b_now": now},
        )
        return message_id, bytes(content), recipient, attempts + 1


def _next_due(db: Database, only: set[int] | None) -> datetime | None:
    with db.transaction() as tx:
        query = select(func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.status == OutboxStatus.PENDING
        )
        if only is not None:
            query = query.where(OutboxMessage.id.in_(only))
        found = tx.scalar(query)
        return found if isinstance(found, datetime) else None


def _pending_ids(db: Database, only: set[int] | None) -> list[int]:
    with db.transaction() as tx:
        query = select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.PENDING)
        if only is not None:
            query = query.where(OutboxMessage.id.in_(only))
        return list(tx.scalars(query))


def send_queue(
    db: Database,
    transport: Transport,
    sender_address: str,
    *,
    rate_per_minute: int = 0,
    only: Sequence[int] | None = None,
    report: Report | None = None,
    sleep: Callable[[float], None] = time.sleep,
    backoff: Sequence[float] = BACKOFF_SECONDS,
    max_attempts: int = MAX_ATTEMPTS,
    max_wait: float = 120.0,
    jitter: Callable[[], float] = random.random,
) -> SendSummary:
    """Send pending messages one by one until none is due; see the module docstring.

    A transient failure puts the row back with a growing delay (it is retried in this run if
    the delay is under `max_wait`, else by a later run); a refused recipient fails that row
    only; refused credentials stop the batch with `auth_error` set. `report` may raise to
    cancel between messages.
    """
    chosen = set(only) if only is not None else None
    summary = SendSummary()
    pending = _pending_ids(db, chosen)
    total = len(pending)
    candidates = sorted(pending) if chosen is not None else None
    interval = 60.0 / rate_per_minute if rate_per_minute > 0 else 0.0
    last_sent = 0.0
    done = 0
    finished: dict[str, Any] | None = None
    statements = _Statements(db)
    with hot_connection(db) as hot:
        try:
            while True:
                if report is not None:
                    report(
                        done, total, _("Sending {done} of {total}…").format(done=done, total=total)
                    )
                claimed = _step(hot, statements, finished, candidates)
                finished = None
                if claimed is None:
                    if candidates is not None:
                        candidates = sorted(set(candidates) & set(_pending_ids(db, chosen)))
                    due = _next_due(db, chosen)
                    if due is None:
                        break
                    wait = (due - utcnow()).total_seconds()
                    if wait > max_wait:
                        break
                    sleep(max(0.0, wait))
                    continue
                message_id, content, recipient, attempts = claimed
                if interval:
                    gap = time.monotonic() - last_sent
                    if gap < interval:
                        sleep(interval - gap)
                try:
                    transport.send(content, sender_address, recipient)
                except SendError as error:
                    finished, stop = _after_failure(
                        error,
                        message_id,
                        attempts,
                        summary,
                        candidates,
                        max_attempts,
                        backoff,
                        jitter,
                    )
                    if stop:
                        break
                    if finished["b_status"] is not OutboxStatus.PENDING:
                        done += 1
                    continue
                finished = _closing(message_id, OutboxStatus.SENT, attempts, sent_at=utcnow())
                last_sent = time.monotonic()
                summary.sent += 1
                done += 1
        finally:
            if finished is not None:
                _step(hot, statements, finished, None, claim=False)
            transport.close()
    summary.waiting = len(_pending_ids(db, chosen))
    if report is not None and not summary.auth_error:
        report(done, total, "")
    return summary


def _after_failure(
    error: SendError,
    message_id: int,
    attempts: int,
    summary: SendSummary,
    candidates: list[int] | None,
    max_attempts: int,
    backoff: Sequence[float],
    jitter: Callable[[], float],
) -> tuple[dict[str, Any], bool]:
    """How a failed attempt closes, and whether the batch stops (see the module docstring)."""
    if error.kind in BATCH_KINDS:
        # Nothing can go out until the user acts: every row stays waiting, and this attempt
        # does not count against the message.
        if error.kind == "auth":
            summary.auth_error = error.message
        else:
            summary.stopped_error = error.message
        closing = _closing(message_id, OutboxStatus.PENDING, max(0, attempts - 1), error.message)
        return closing, True
    if error.kind == "uncertain":
        summary.uncertain += 1
        return _closing(message_id, OutboxStatus.UNCERTAIN, attempts, error.message), False
    if error.kind == "transient" and attempts < max_attempts:
        retry_at = utcnow() + timedelta(seconds=retry_delay(attempts, backoff, jitter))
        if candidates is not None:
            candidates.append(message_id)  # again, once its delay is over
        summary.retried += 1
        closing = _closing(message_id, OutboxStatus.PENDING, attempts, error.message, retry_at)
        return closing, False
    summary.failed += 1
    return _closing(message_id, OutboxStatus.FAILED, attempts, error.message), False


def ensure_can_send(settings: MailSettings) -> None:
    problem = settings.problem()
    if problem is not None:
        raise UserError(problem)


# --- reminders ------------------------------------------------------------------------------


def due_reminders(
    db: Database, now: datetime | None = None, fallback_language: str = "en"
) -> list[Composed]:
    """Reminders that fall due now (N days before the first day) and are not yet queued.

    Only when the coordinator switched reminders on. Nothing is written: the caller asks first.
    """
    settings = mail_settings(db)
    if not settings.reminders_enabled:
        return []
    now = now or datetime.now(UTC)
    horizon = now + timedelta(days=settings.reminder_days)
    sessions = scheduling.list_sessions(db, starts_after=now, starts_before=horizon)
    found = []
    for session in sessions:
        if session.status.value not in ("planned", "confirmed"):
            continue
        composed = compose(
            db, MessageKind.REMINDER, session.id, fallback_language=fallback_language
        )
        if composed.drafts:
            found.append(composed)
    return found

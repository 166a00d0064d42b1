"""Composing: every kind of message rendered for a session's learners; nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC
from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk import formatting
from iltdesk.db.engine import Database
from iltdesk.db.entities import Learner
from iltdesk.db.entities import OutboxMessage
from iltdesk.domain.enums import EnrollmentSource
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.jsontypes import JsonObject
from iltdesk.domain.rows import RosterRow
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.mail.messages import Attachment
from iltdesk.mail.messages import CalendarPart
from iltdesk.mail.messages import build_message
from iltdesk.mail.templates import render
from iltdesk.services import enrollment
from iltdesk.services.outbox.constants import INVITING
from iltdesk.services.outbox.context import CalendarState
from iltdesk.services.outbox.context import Composed
from iltdesk.services.outbox.context import Draft
from iltdesk.services.outbox.context import _Context
from iltdesk.services.outbox.context import _existing_keys
from iltdesk.services.outbox.context import _invitation
from iltdesk.services.outbox.context import _language
from iltdesk.services.outbox.context import _previous_day_times
from iltdesk.services.outbox.context import _recipients
from iltdesk.services.outbox.context import _regional
from iltdesk.services.outbox.context import _session_context
from iltdesk.services.outbox.context import _template
from iltdesk.services.outbox.context import _uid
from iltdesk.services.outbox.context import _values
from iltdesk.services.outbox.context import calendar_states
from iltdesk.services.outbox.context import first_date
from iltdesk.services.outbox.settings import get_template
from iltdesk.services.outbox.settings import mail_settings
from iltdesk.services.roster_read import ROSTER_LEARNER_COLUMNS


def compose(
    db: Database,
    kind: MessageKind,
    session_id: int,
    *,
    enrollment_ids: Sequence[int] | None = None,
    resend: bool = False,
    reason: str = "",
    fallback_language: str = "en",
    certificate_options: JsonObject | None = None,
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
    if kind is MessageKind.PREWORK_REMINDER:
        ctx = replace(ctx, prework=ctx.course_prework)
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
        elif kind is MessageKind.PREWORK_REMINDER:
            # One a day at most: a second nudge next week is a message of its own.
            key = f"prework_reminder:{row.enrollment_id}:{date.today().isoformat()}"
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


def compose_interest_offers(
    db: Database,
    session_id: int,
    learner_ids: Sequence[int],
    *,
    resend: bool = False,
    fallback_language: str = "en",
) -> Composed:
    """Offer a session's seats to learners on its course's interest list (nothing written).

    They hold no place yet, so the messages name no enrolment; each learner is offered a given
    session once (a second offer needs `resend`).
    """
    ctx = _session_context(db, session_id, fallback_language)
    with db.transaction() as tx:
        found = {
            r[0]: r
            for r in tx.execute(
                select(*ROSTER_LEARNER_COLUMNS).where(Learner.id.in_(list(learner_ids)))
            )
        }
    now = datetime.now(UTC)
    rows = [
        RosterRow(
            enrollment_id=0,  # no place yet; the draft names none (below)
            learner_id=r[0],
            first_name=r[1],
            last_name=r[2],
            email=r[3],
            employee_id=r[4],
            department=r[5],
            status=EnrollmentStatus.CANCELLED,
            waitlist_position=None,
            source=EnrollmentSource.MANUAL,
            enrolled_at=now,
            cancelled_at=None,
            cancel_reason="",
            prework_done=False,
        )
        for r in (found[i] for i in dict.fromkeys(learner_ids) if i in found)
        if r[3]
    ]
    keyed = [(f"interest_offer:{session_id}:{r.learner_id}", r) for r in rows]
    languages = _learner_languages(db, [r.learner_id for r in rows])
    composed = _render_all(db, ctx, MessageKind.INTEREST_OFFER, keyed, languages, resend, "")
    return replace(composed, drafts=tuple(replace(d, enrollment_id=None) for d in composed.drafts))


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
    options: JsonObject,
) -> Composed:
    from iltdesk.documents.certificates import build_certificates_pdf
    from iltdesk.documents.certificates import certificate_file_name
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
    """A test message to `recipient`, to try the mail settings."""
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

"""The home dashboard: this week's sessions and what needs attention, one query per kind.

Every item is found by one SQL query over the whole database (no loop over ORM objects), so
the dashboard answers in milliseconds on years of data; see `bench/bench_reports.py`.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import ScalarSelect
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk import formatting
from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.domain.attention import CERTIFICATE_WINDOW_DAYS
from iltdesk.domain.attention import DECIDE_AHEAD_DAYS
from iltdesk.domain.attention import EXPIRY_WINDOW_DAYS
from iltdesk.domain.attention import GO_NO_GO_DAYS
from iltdesk.domain.attention import WAITLIST_PRESSURE
from iltdesk.domain.attention import AttentionItem
from iltdesk.domain.attention import AttentionKind
from iltdesk.domain.attention import Target
from iltdesk.domain.attention import go_no_go_date
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import MessageKind
from iltdesk.domain.enums import OutboxStatus
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.services.attention_staffing import instructor_clashes
from iltdesk.services.attention_staffing import labelled
from iltdesk.services.attention_staffing import missing_people
from iltdesk.services.attention_staffing import room_clashes
from iltdesk.services.attention_tables import OPEN
from iltdesk.services.attention_tables import about_sessions
from iltdesk.services.attention_tables import attendance_t
from iltdesk.services.attention_tables import certificates_t
from iltdesk.services.attention_tables import courses_t
from iltdesk.services.attention_tables import days_t
from iltdesk.services.attention_tables import enrollments_t
from iltdesk.services.attention_tables import outbox_t
from iltdesk.services.attention_tables import sessions_t
from iltdesk.services.session_reads import list_sessions


class Overview(NamedTuple):
    """The home screen's two lists, as of one moment in one zone."""

    today: date
    week: list[SessionRow]
    attention: list[AttentionItem]


def overview(db: Database, *, now: datetime, zone: str) -> Overview:
    """The week's sessions and what needs attention, `now` as read in `zone`."""
    today = now.astimezone(ZoneInfo(zone)).date()
    # The longest queries first: as the app starts this runs beside the window being built,
    # and SQLite works on them without the interpreter while Qt is loaded (`needs_attention`).
    attention = needs_attention(db, now=now, zone=zone)
    return Overview(today, this_week(db, today, zone), attention)


def week_of(today: date) -> tuple[date, date]:
    """Monday and Sunday of the week holding `today`."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def this_week(db: Database, today: date, zone: str) -> list[SessionRow]:
    """Sessions meeting between Monday and Sunday of this week, as the user's clock reads it."""
    monday, sunday = week_of(today)
    tz = ZoneInfo(zone)
    start = datetime.combine(monday, time(0), tz)
    end = datetime.combine(sunday + timedelta(days=1), time(0), tz)
    return list_sessions(db, ends_after=start, starts_before=end)


def needs_attention(
    db: Database, *, now: datetime | None = None, zone: str = "UTC"
) -> list[AttentionItem]:
    """Everything that needs the coordinator, most urgent kinds first."""
    moment = now or utcnow()
    today = moment.astimezone(ZoneInfo(zone)).date()
    with db.reading() as tx:
        # Asked first, listed in their places: the two longest queries (12 and 8 ms on 2,000
        # sessions) then run in SQLite while the window is built on the GUI thread. Asked last,
        # the home screen's lists came in 10-20 ms after the window was shown.
        expiring = _expiring(tx, moment)
        certificates = _certificates(tx, moment)
        return [
            *_attendance(tx, moment),
            *_outbox(tx),
            *certificates,
            *_below_minimum(tx, moment, today),
            *missing_people(tx, moment),
            *instructor_clashes(tx, moment),
            *room_clashes(tx, moment),
            *_waitlists(tx, moment),
            *expiring,
        ]


def _attendance(tx: OrmSession, now: datetime) -> list[AttentionItem]:
    """Sessions that have ended: marks missing, or all taken but not completed and locked."""
    days = (
        select(func.count())
        .where(days_t.c.session_id == sessions_t.c.id)
        .correlate(sessions_t)
        .scalar_subquery()
    )
    marks = (
        select(func.count())
        .where(attendance_t.c.enrollment_id == enrollments_t.c.id)
        .correlate(enrollments_t)
        .scalar_subquery()
    )
    missing = func.coalesce(func.sum(case((marks < days, 1), else_=0)), 0)
    query = (
        about_sessions(missing)
        .outerjoin(
            enrollments_t,
            and_(
                enrollments_t.c.session_id == sessions_t.c.id,
                enrollments_t.c.status.in_(SEAT_HOLDING),
            ),
        )
        .where(sessions_t.c.status.in_(OPEN), sessions_t.c.last_end <= now)
        .group_by(sessions_t.c.id, courses_t.c.title)
        .order_by(sessions_t.c.first_start.desc())
    )
    items = []
    for session_id, label, unmarked in labelled(tx.execute(query)):
        if unmarked:
            text = ngettext(
                "{session}: attendance is missing for {n} learner.",
                "{session}: attendance is missing for {n} learners.",
                unmarked,
            ).format(session=label, n=unmarked)
            items.append(
                AttentionItem(AttentionKind.ATTENDANCE, text, Target.ATTENDANCE, session_id)
            )
        else:
            text = _("{session} has ended and every mark is taken: complete and lock it.").format(
                session=label
            )
            items.append(
                AttentionItem(AttentionKind.NOT_COMPLETED, text, Target.SESSION, session_id)
            )
    return items


def _outbox(tx: OrmSession) -> list[AttentionItem]:
    failed = func.coalesce(
        func.sum(case((outbox_t.c.status == OutboxStatus.FAILED, 1), else_=0)), 0
    )
    uncertain = func.coalesce(
        func.sum(case((outbox_t.c.status == OutboxStatus.UNCERTAIN, 1), else_=0)), 0
    )
    query = select(failed, uncertain).where(
        outbox_t.c.status.in_((OutboxStatus.FAILED, OutboxStatus.UNCERTAIN))
    )
    failed_count, uncertain_count = tx.execute(query).one()
    if not failed_count and not uncertain_count:
        return []
    parts = []
    if failed_count:
        parts.append(
            ngettext("{n} email failed", "{n} emails failed", failed_count).format(n=failed_count)
        )
    if uncertain_count:
        parts.append(
            ngettext(
                "{n} may or may not have gone out",
                "{n} may or may not have gone out",
                uncertain_count,
            ).format(n=uncertain_count)
        )
    text = _("Outbox: {what}.").format(what=", ".join(parts))
    return [AttentionItem(AttentionKind.OUTBOX, text, Target.OUTBOX)]


def _certificates(tx: OrmSession, now: datetime) -> list[AttentionItem]:
    """Recently completed sessions: completed learners without a certificate, or unsent ones."""
    mailed = (
        select(outbox_t.c.id)
        .where(
            outbox_t.c.enrollment_id == enrollments_t.c.id,
            outbox_t.c.kind == MessageKind.CERTIFICATE,
            outbox_t.c.status != OutboxStatus.CANCELLED,
        )
        .correlate(enrollments_t)
        .exists()
    )
    issued = certificates_t.c.id.is_not(None)
    not_issued = func.coalesce(func.sum(case((~issued, 1), else_=0)), 0)
    not_sent = func.coalesce(func.sum(case((and_(issued, ~mailed), 1), else_=0)), 0)
    query = (
        about_sessions(not_issued, not_sent)
        .join(enrollments_t, enrollments_t.c.session_id == sessions_t.c.id)
        .outerjoin(
            certificates_t,
            and_(
                certificates_t.c.enrollment_id == enrollments_t.c.id,
                certificates_t.c.revoked_at.is_(None),
            ),
        )
        .where(
            sessions_t.c.status == SessionStatus.COMPLETED,
            sessions_t.c.completed_at >= now - timedelta(days=CERTIFICATE_WINDOW_DAYS),
            enrollments_t.c.status == EnrollmentStatus.COMPLETED,
        )
        .group_by(sessions_t.c.id, courses_t.c.title)
        .order_by(sessions_t.c.first_start.desc())
    )
    items = []
    for session_id, label, unissued, unsent in labelled(tx.execute(query)):
        if unissued:
            text = ngettext(
                "{session}: {n} learner completed without a certificate.",
                "{session}: {n} learners completed without a certificate.",
                unissued,
            ).format(session=label, n=unissued)
            items.append(
                AttentionItem(AttentionKind.CERTIFICATES, text, Target.CERTIFICATES, session_id)
            )
        elif unsent:
            text = ngettext(
                "{session}: {n} certificate not emailed yet.",
                "{session}: {n} certificates not emailed yet.",
                unsent,
            ).format(session=label, n=unsent)
            items.append(
                AttentionItem(AttentionKind.CERTIFICATES, text, Target.CERTIFICATES, session_id)
            )
    return items


def _places() -> ScalarSelect[int]:
    return (
        select(func.count())
        .where(
            enrollments_t.c.session_id == sessions_t.c.id, enrollments_t.c.status.in_(SEAT_HOLDING)
        )
        .correlate(sessions_t)
        .scalar_subquery()
    )


def _below_minimum(tx: OrmSession, now: datetime, today: date) -> list[AttentionItem]:
    """Upcoming sessions below their minimum size whose go/no-go date is near (or past)."""
    places = _places()
    latest_start = today + timedelta(days=GO_NO_GO_DAYS + DECIDE_AHEAD_DAYS)
    query = (
        about_sessions(
            sessions_t.c.first_date, sessions_t.c.min_size, places, sessions_t.c.go_no_go
        )
        .where(
            sessions_t.c.status.in_(OPEN),
            sessions_t.c.first_start > now,
            or_(
                sessions_t.c.first_date <= latest_start,
                sessions_t.c.go_no_go <= today + timedelta(days=DECIDE_AHEAD_DAYS),
            ),
            sessions_t.c.min_size > 0,
            places < sessions_t.c.min_size,
        )
        .order_by(sessions_t.c.first_start)
    )
    items = []
    for session_id, label, first_date, minimum, count, chosen in labelled(tx.execute(query)):
        decide = go_no_go_date(first_date, minimum, count, today, chosen)
        if decide is None:
            continue
        if decide > today:
            sentence = _(
                "{session}: {places} of at least {minimum} places taken; "
                "decide by {date} whether it runs."
            )
        elif decide == today:
            sentence = _(
                "{session}: {places} of at least {minimum} places taken; "
                "decide today whether it runs."
            )
        else:
            sentence = _(
                "{session}: {places} of at least {minimum} places taken; "
                "the decision was due on {date}: decide now whether it runs."
            )
        text = sentence.format(
            session=label,
            places=count,
            minimum=minimum,
            date=formatting.format_date(decide),
        )
        items.append(AttentionItem(AttentionKind.BELOW_MINIMUM, text, Target.SESSION, session_id))
    return items


def _waitlists(tx: OrmSession, now: datetime) -> list[AttentionItem]:
    waiting = func.count(enrollments_t.c.id)
    query = (
        about_sessions(waiting)
        .join(enrollments_t, enrollments_t.c.session_id == sessions_t.c.id)
        .where(
            sessions_t.c.status.in_(OPEN),
            sessions_t.c.first_start > now,
            # "+ ''" keeps SQLite from scanning every place for the status: the upcoming
            # sessions lead, and each one's waitlist is an index range.
            enrollments_t.c.status + "" == EnrollmentStatus.WAITLISTED,
        )
        .group_by(sessions_t.c.id, courses_t.c.title)
        .having(waiting >= WAITLIST_PRESSURE)
        .order_by(sessions_t.c.first_start)
    )
    return [
        AttentionItem(
            AttentionKind.WAITLIST,
            ngettext(
                "{session}: {n} learner waits for a place; open another session of this course.",
                "{session}: {n} learners wait for a place; open another session of this course.",
                count,
            ).format(session=label, n=count),
            Target.DUPLICATE,
            session_id,
        )
        for session_id, label, count in labelled(tx.execute(query))
    ]


def _expiring(tx: OrmSession, now: datetime) -> list[AttentionItem]:
    """Certificates running out soon whose holders have no newer one for the course."""
    newer_certificate = certificates_t.alias("newer_certificate")
    newer_enrollment = enrollments_t.alias("newer_enrollment")
    newer_session = sessions_t.alias("newer_session")
    renewed = (
        select(newer_certificate.c.id)
        .join(newer_enrollment, newer_enrollment.c.id == newer_certificate.c.enrollment_id)
        .join(newer_session, newer_session.c.id == newer_enrollment.c.session_id)
        .where(
            newer_enrollment.c.learner_id == enrollments_t.c.learner_id,
            # "+ 0" keeps the course's index out of it: the learner's few places lead the
            # search, not the course's hundreds of sessions.
            newer_session.c.course_id + 0 == sessions_t.c.course_id,
            newer_certificate.c.revoked_at.is_(None),
            newer_certificate.c.issued_at > certificates_t.c.issued_at,
        )
        .correlate(certificates_t, enrollments_t, sessions_t)
        .exists()
    )
    query = (
        select(
            courses_t.c.id, courses_t.c.title, func.count(), func.min(certificates_t.c.expires_at)
        )
        .select_from(certificates_t)
        .join(enrollments_t, enrollments_t.c.id == certificates_t.c.enrollment_id)
        .join(sessions_t, sessions_t.c.id == enrollments_t.c.session_id)
        .join(courses_t, courses_t.c.id == sessions_t.c.course_id)
        .where(
            certificates_t.c.revoked_at.is_(None),
            certificates_t.c.expires_at > now,
            certificates_t.c.expires_at <= now + timedelta(days=EXPIRY_WINDOW_DAYS),
            ~renewed,
        )
        .group_by(courses_t.c.id, courses_t.c.title)
        .order_by(func.min(certificates_t.c.expires_at))
    )
    return [
        AttentionItem(
            AttentionKind.EXPIRING,
            ngettext(
                "{course}: {n} certificate expires within {days} days (the first on {date}); "
                "schedule a refresher.",
                "{course}: {n} certificates expire within {days} days (the first on {date}); "
                "schedule a refresher.",
                count,
            ).format(
                course=title,
                n=count,
                days=EXPIRY_WINDOW_DAYS,
                date=formatting.format_date(first.date() if first else now.date()),
            ),
            Target.COURSE_SESSIONS,
            course_id,
        )
        for course_id, title, count, first in tx.execute(query)
    ]

"""Dashboard items about who and where: sessions without a lead, room or link; clashes."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import CTE
from sqlalchemy import FromClause
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk import formatting
from iltdesk.db.expressions import Query
from iltdesk.db.expressions import SqlExpression
from iltdesk.domain.attention import UPCOMING_DAYS
from iltdesk.domain.attention import AttentionItem
from iltdesk.domain.attention import AttentionKind
from iltdesk.domain.attention import Target
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus
from iltdesk.i18n import _
from iltdesk.services.attention_tables import OPEN
from iltdesk.services.attention_tables import TEACHING
from iltdesk.services.attention_tables import about_sessions
from iltdesk.services.attention_tables import days_t
from iltdesk.services.attention_tables import instructors_t
from iltdesk.services.attention_tables import rooms_t
from iltdesk.services.attention_tables import sessions_t
from iltdesk.services.attention_tables import teaching_t


def session_label(title: str, first_start: datetime | None, zone: str) -> str:
    """A session in an attention item: “Forklift Safety — 3 Jun 2026”."""
    when = formatting.format_date(first_start, zone) if first_start else "?"
    return _("{course} — {date}").format(course=title, date=when)


def labelled(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:  # Any: row values
    """Rows of `about_sessions`, each as the session's id, its label, then the other columns."""
    for session_id, title, first_start, zone, *rest in rows:
        yield session_id, session_label(title, first_start, zone), *rest


def missing_people(tx: OrmSession, now: datetime) -> list[AttentionItem]:
    """Upcoming sessions without a lead instructor, a room (in person) or a link (virtual)."""
    lead = (
        select(teaching_t.c.instructor_id)
        .where(
            teaching_t.c.session_id == sessions_t.c.id,
            teaching_t.c.role == InstructorRole.LEAD,
        )
        .correlate(sessions_t)
        .exists()
    )
    needs_room = sessions_t.c.mode.in_((DeliveryMode.IN_PERSON, DeliveryMode.HYBRID))
    needs_link = sessions_t.c.mode.in_((DeliveryMode.VIRTUAL, DeliveryMode.HYBRID))
    no_room = and_(needs_room, sessions_t.c.room_id.is_(None))
    no_link = and_(needs_link, sessions_t.c.meeting_link == "")
    query = (
        about_sessions(~lead, no_room, no_link)
        .where(
            sessions_t.c.status.in_(OPEN),
            sessions_t.c.first_start > now,
            sessions_t.c.first_start <= now + timedelta(days=UPCOMING_DAYS),
            or_(~lead, no_room, no_link),
        )
        .order_by(sessions_t.c.first_start)
    )
    items = []
    for session_id, label, lacks_lead, lacks_room, lacks_link in labelled(tx.execute(query)):
        what = [
            text
            for flag, text in (
                (lacks_lead, _("a lead instructor")),
                (lacks_room, _("a room")),
                (lacks_link, _("a meeting link")),
            )
            if flag
        ]
        text = _("{session} still needs {what}.").format(
            session=label, what=formatting.format_list(what)
        )
        items.append(AttentionItem(AttentionKind.MISSING, text, Target.SESSION, session_id))
    return items


def _upcoming_days(now: datetime, *extra: SqlExpression) -> Query:
    """Days of sessions not cancelled that end after now and start within the window.

    A day lasts less than a day, so the window on its start keeps the index range short; the
    clash queries then pair these few rows instead of the whole calendar.
    """
    return (
        select(
            days_t.c.session_id.label("session_id"),
            days_t.c.start.label("start"),
            days_t.c.end.label("end"),
            sessions_t.c.timezone.label("timezone"),
            *extra,
        )
        .join(sessions_t, sessions_t.c.id == days_t.c.session_id)
        .where(
            days_t.c.start > now - timedelta(days=1),
            days_t.c.start <= now + timedelta(days=UPCOMING_DAYS),
            days_t.c.end > now,
            sessions_t.c.status != SessionStatus.CANCELLED,
        )
    )


def _clashes(
    tx: OrmSession, days: CTE, same: str, names: FromClause
) -> list[tuple[str, int, datetime, str]]:
    """Two different sessions' days that overlap and share `same` (an instructor, a room).

    One row per clashing pair: the shared thing's name, the earlier session, its first
    clashing start and zone.
    """
    a, b = days.alias("a"), days.alias("b")
    query = (
        select(names.c.name, a.c.session_id, func.min(a.c.start), a.c.timezone)
        .select_from(a)
        .join(
            b,
            and_(
                a.c.session_id < b.c.session_id,
                a.c.start < b.c.end,
                b.c.start < a.c.end,
                a.c[same] == b.c[same],
            ),
        )
        .join(names, names.c.id == a.c[same])
        .group_by(names.c.name, a.c.session_id, b.c.session_id, a.c.timezone)
        .order_by(func.min(a.c.start))
    )
    return [tuple(row) for row in tx.execute(query)]


def instructor_clashes(tx: OrmSession, now: datetime) -> list[AttentionItem]:
    """Instructors teaching two upcoming sessions at once."""
    teaching = (
        _upcoming_days(now, teaching_t.c.instructor_id.label("instructor_id"))
        .join(teaching_t, teaching_t.c.session_id == days_t.c.session_id)
        .where(teaching_t.c.role.in_(TEACHING))
        .cte("teaching_days")
    )
    return [
        AttentionItem(
            AttentionKind.INSTRUCTOR_CLASH,
            _("{instructor} is booked on two sessions at once on {date}.").format(
                instructor=name, date=formatting.format_date(start, zone)
            ),
            Target.SESSION,
            first,
        )
        for name, first, start, zone in _clashes(tx, teaching, "instructor_id", instructors_t)
    ]


def room_clashes(tx: OrmSession, now: datetime) -> list[AttentionItem]:
    """Rooms booked for two upcoming sessions at once."""
    booked = (
        _upcoming_days(now, sessions_t.c.room_id.label("room_id"))
        .where(sessions_t.c.room_id.is_not(None))
        .cte("room_days")
    )
    return [
        AttentionItem(
            AttentionKind.ROOM_CLASH,
            _("{room} is booked for two sessions at once on {date}.").format(
                room=name, date=formatting.format_date(start, zone)
            ),
            Target.SESSION,
            first,
        )
        for name, first, start, zone in _clashes(tx, booked, "room_id", rooms_t)
    ]

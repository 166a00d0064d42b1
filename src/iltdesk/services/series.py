"""Recurring sessions: schedule a series from a repeat rule, change its later sessions, cancel it.

Every occurrence is checked for clashes (with what is booked, and with the series' own earlier
sessions) inside the one transaction that creates them: one clash and nothing is saved, unless
the coordinator accepts the clashes. Each session keeps its own roster.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set
from dataclasses import replace
from datetime import date
from datetime import datetime
from datetime import timedelta
from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk import formatting
from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.entities import SessionSeries
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import CancelCause
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.localtime import WallTime
from iltdesk.domain.localtime import to_instant
from iltdesk.domain.localtime import to_wall
from iltdesk.domain.recurrence import Occurrence
from iltdesk.domain.recurrence import expand
from iltdesk.domain.recurrence import normalise_rule
from iltdesk.domain.rows import Clash
from iltdesk.domain.rows import SessionRow
from iltdesk.domain.specs import DaySpec
from iltdesk.domain.specs import SessionSpec
from iltdesk.errors import ClashError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.services.clashes import find_clashes_in
from iltdesk.services.clashes import qualification_warnings
from iltdesk.services.clashes import validate_session
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit
from iltdesk.services.common import get_or_fail
from iltdesk.services.scheduling import create_in
from iltdesk.services.scheduling import session_row
from iltdesk.services.scheduling import update_in


def plan_series(
    template: SessionSpec,
    rule: str,
    *,
    skip: Set[date] = frozenset(),
    folds: Mapping[date, int] | None = None,
) -> list[Occurrence]:
    """The sessions the rule would schedule (nothing is written); sentences for bad input."""
    occurrences = expand(template, rule, skip=skip, folds=folds)
    for occurrence in occurrences:
        validate_session(occurrence.spec)
    return occurrences


def check_series(
    db: Database,
    template: SessionSpec,
    rule: str,
    *,
    skip: Set[date] = frozenset(),
    folds: Mapping[date, int] | None = None,
) -> list[str]:
    """What would clash if the series were scheduled now (nothing is written), by date.

    Each occurrence against what is booked, and against the series' own earlier sessions.
    """
    occurrences = plan_series(template, rule, skip=skip, folds=folds)
    refused: list[str] = []
    with db.reading() as tx:
        for occurrence in occurrences:
            refused.extend(
                _named(occurrence.first_date, find_clashes_in(tx, occurrence.spec, None))
            )
    days = sorted((d.start, d.end, o.first_date) for o in occurrences for d in o.spec.days)
    for (_start, end, first), (start, _end, second) in pairwise(days):
        if start < end and first != second:
            refused.append(
                _("{date}: overlaps the series' own session of {other}.").format(
                    date=formatting.format_date(second), other=formatting.format_date(first)
                )
            )
    return refused


def create_series(
    db: Database,
    template: SessionSpec,
    rule: str,
    *,
    allow_clashes: bool = False,
    skip: Set[date] = frozenset(),
    folds: Mapping[date, int] | None = None,
) -> Outcome[list[SessionRow]]:
    """Schedule every session of the series in one transaction (all or none)."""
    occurrences = plan_series(template, rule, skip=skip, folds=folds)
    with db.transaction() as tx:
        series = SessionSeries(rule=normalise_rule(rule))
        tx.add(series)
        tx.flush()
        qualification_warnings(tx, template)
        sessions: list[TrainingSession] = []
        refused: list[str] = []
        for occurrence in occurrences:
            clashes = find_clashes_in(tx, occurrence.spec, None)  # earlier ones are flushed
            refused.extend(_named(occurrence.first_date, clashes))
            sessions.append(create_in(tx, occurrence.spec, clashes, series_id=series.id))
        if refused and not allow_clashes:
            raise _series_clash(refused, len(occurrences))
        audit(
            tx,
            "series",
            series.id,
            "create",
            {"rule": series.rule, "sessions": [s.id for s in sessions]},
        )
        rows = [session_row(tx, s) for s in sessions]
    return Outcome(rows, Changes.of(Entity.SESSION, *(r.id for r in rows)))


def _named(day: date, clashes: list[Clash]) -> list[str]:
    return [
        _("{date}: {clash}").format(date=formatting.format_date(day), clash=c.message)
        for c in clashes
        if not c.is_warning
    ]


def _series_clash(refused: list[str], count: int) -> ClashError:
    return ClashError(
        ngettext(
            "Nothing was scheduled: {n} of the {count} sessions clashes. {first}",
            "Nothing was scheduled: {n} of the {count} sessions clash. First: {first}",
            len(refused),
        ).format(n=len(refused), count=count, first=refused[0]),
        refused,
    )


def later_sessions(db: Database, session_id: int) -> list[SessionRow]:
    """The session and the later sessions of its series that can still change, in order.

    Cancelled and completed sessions are left out; a session in no series is alone.
    """
    with db.reading() as tx:
        session = get_or_fail(tx, TrainingSession, session_id, _("That session no longer exists."))
        return [session_row(tx, s) for s in _later(tx, session)]


def _later(tx: OrmSession, session: TrainingSession) -> list[TrainingSession]:
    if session.series_id is None:
        return [session]
    found = tx.scalars(
        select(TrainingSession)
        .where(
            TrainingSession.series_id == session.series_id,
            TrainingSession.first_start >= session.first_start,
            TrainingSession.status.not_in((SessionStatus.CANCELLED, SessionStatus.COMPLETED)),
        )
        .order_by(TrainingSession.first_start)
    ).all()
    return list(found) if session in found else [session, *found]


def update_later(
    db: Database, session_id: int, spec: SessionSpec, *, allow_clashes: bool = False
) -> Outcome[list[SessionRow]]:
    """Apply an edit of one session to it and to every later session of its series.

    Each later session keeps its own dates and takes the edited place, capacity, instructors,
    link and the edited clock times of each day (as the venue's clocks read them).
    """
    validate_session(spec)
    with db.transaction() as tx:
        session = get_or_fail(
            tx, TrainingSession, session_id, _("That session no longer exists."), lock=True
        )
        targets = _later(tx, session)
        if any(len(t.days) != len(spec.days) for t in targets):
            raise ValidationError(
                _(
                    "The sessions of this series have different numbers of days; change the "
                    "number of days one session at a time."
                )
            )
        clocks = [
            (to_wall(d.start, spec.timezone), to_wall(d.end, spec.timezone)) for d in spec.days
        ]
        changes = Changes()
        refused: list[str] = []
        for target in targets:
            moved = spec if target.id == session_id else _moved(target, spec, clocks)
            clashes = find_clashes_in(tx, moved, target.id)
            refused.extend(_named(to_wall(moved.days[0].start, spec.timezone).day, clashes))
            changes |= update_in(tx, target, moved, clashes)
        if refused and not allow_clashes:
            raise _series_clash(refused, len(targets))
        rows = [session_row(tx, t) for t in targets]
    return Outcome(rows, changes)


def _moved(
    target: TrainingSession, spec: SessionSpec, clocks: list[tuple[WallTime, WallTime]]
) -> SessionSpec:
    """`spec` on `target`'s own dates (each day's wall date kept, the edited clocks taken)."""
    days = []
    for day, (start, end), edited in zip(target.days, clocks, spec.days, strict=True):
        on = to_wall(day.start, spec.timezone).day
        shift = timedelta(days=(end.day - start.day).days)  # a day that ends after midnight
        days.append(
            DaySpec(
                to_instant(WallTime(on, start.clock), spec.timezone),
                to_instant(WallTime(on + shift, end.clock), spec.timezone),
                edited.meeting_link,
            )
        )
    return replace(spec, days=tuple(days))


def cancel_series(
    db: Database,
    session_id: int,
    reason: str,
    *,
    cause: CancelCause = CancelCause.OTHER,
    now: datetime | None = None,
) -> Outcome[list[SessionRow]]:
    """Cancel the session and every later session of its series, in one transaction."""
    from iltdesk.services.lifecycle import cancel_in

    reason_text = reason.strip()
    if not reason_text:
        raise ValidationError(
            _("Say why the sessions are cancelled: learners read the reason in the notice.")
        )
    moment = now or utcnow()
    with db.transaction() as tx:
        session = get_or_fail(tx, TrainingSession, session_id, _("That session no longer exists."))
        changes = Changes()
        rows = []
        for target in _later(tx, session):
            outcome = cancel_in(tx, target.id, reason_text, cause, moment)
            changes |= outcome.changes
            rows.append(outcome.value.session)
    return Outcome(rows, changes)

"""Sessions and their days: schedule and edit.

Reading and listing them is `services/session_reads.py` (re-exported here); status changes
(confirm, cancel, complete, unlock) are use cases of their own in `services/lifecycle.py`;
clash detection lives in `services/clashes.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.engine import Database
from iltdesk.db.entities import Attendance
from iltdesk.db.entities import Course
from iltdesk.db.entities import Room
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import SessionInstructor
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.differences import session_differences
from iltdesk.domain.lifecycle import closed_reason
from iltdesk.domain.localtime import local_date
from iltdesk.domain.localtime import minutes_between
from iltdesk.domain.rows import Clash
from iltdesk.domain.rows import SessionRow
from iltdesk.domain.specs import DaySpec
from iltdesk.domain.specs import SessionSpec
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.attendance import refresh_attended_minutes
from iltdesk.services.clashes import clash_error
from iltdesk.services.clashes import find_clashes_in
from iltdesk.services.clashes import qualification_warnings
from iltdesk.services.clashes import utc_days
from iltdesk.services.clashes import validate_session
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit
from iltdesk.services.common import check_unchanged
from iltdesk.services.common import get_or_fail
from iltdesk.services.costs import copy_costs_in
from iltdesk.services.seats import fill_free_seats
from iltdesk.services.session_reads import get_session as get_session
from iltdesk.services.session_reads import list_sessions as list_sessions
from iltdesk.services.session_reads import session_row as session_row

# --- saving -----------------------------------------------------------------------------------


def _apply(tx: OrmSession, session: TrainingSession, spec: SessionSpec) -> None:
    get_or_fail(tx, Course, spec.course_id, _("The chosen course no longer exists."))
    if spec.room_id is not None:
        get_or_fail(tx, Room, spec.room_id, _("The chosen room no longer exists."))
    session.course_id = spec.course_id
    session.cohort = spec.cohort.strip()
    session.mode = spec.mode
    session.room_id = spec.room_id
    session.meeting_link = spec.meeting_link.strip()
    session.survey_link = spec.survey_link.strip()
    session.pilot = spec.pilot
    session.go_no_go = spec.go_no_go
    session.timezone = spec.timezone
    session.capacity = spec.capacity
    session.min_size = spec.min_size
    session.notes = spec.notes
    ordered = utc_days(spec)
    links = {
        (d.start.astimezone(UTC), d.end.astimezone(UTC)): d.meeting_link.strip() for d in spec.days
    }
    # Keep existing day rows where possible: attendance marks point at them.
    existing = list(session.days)
    for index, (start, end) in enumerate(ordered):
        if index < len(existing):
            day = existing[index]
            day.start, day.end = start, end
        else:
            day = SessionDay(start=start, end=end)
            session.days.append(day)
        day.minutes = minutes_between(start, end)
        day.local_date = local_date(start, spec.timezone)
        day.meeting_link = links.get((start, end), "")
    for stale in existing[len(ordered) :]:
        session.days.remove(stale)
    session.first_start = ordered[0][0]
    session.first_date = local_date(ordered[0][0], spec.timezone)
    session.last_date = max(local_date(start, spec.timezone) for start, _end in ordered)
    session.last_end = max(end for _start, end in ordered)
    wanted = dict(spec.instructors)
    for link in list(session.instructors):
        if link.instructor_id not in wanted:
            session.instructors.remove(link)
        else:
            link.role = wanted.pop(link.instructor_id)
    for instructor_id, role in wanted.items():
        session.instructors.append(SessionInstructor(instructor_id=instructor_id, role=role))


def create_session(
    db: Database,
    spec: SessionSpec,
    *,
    allow_clashes: bool = False,
    costs_from: int | None = None,
) -> Outcome[SessionRow]:
    """Schedule a session; raises `ClashError` on clashes unless `allow_clashes`.

    The session gets the course's default cost lines, or those of session `costs_from` (a
    duplicate keeps what its original costs).
    """
    validate_session(spec)
    with db.transaction() as tx:
        qualification_warnings(tx, spec)
        clashes = find_clashes_in(tx, spec, None)
        if clashes and not allow_clashes:
            raise clash_error(clashes)
        session = create_in(tx, spec, clashes, costs_from=costs_from)
        return Outcome(session_row(tx, session), Changes.of(Entity.SESSION, session.id))


def create_in(
    tx: OrmSession,
    spec: SessionSpec,
    clashes: Sequence[Clash],
    *,
    costs_from: int | None = None,
    series_id: int | None = None,
) -> TrainingSession:
    """Add the session `spec` describes to the unit of work (clashes already checked)."""
    session = TrainingSession(series_id=series_id)
    _apply(tx, session, spec)
    tx.add(session)
    tx.flush()
    copy_costs_in(tx, session.id, course_id=spec.course_id, from_session=costs_from)
    if clashes:  # scheduled anyway: the trail keeps what was accepted
        audit(
            tx,
            "session",
            session.id,
            "clashes accepted",
            {"clashes": [c.message for c in clashes]},
        )
    return session


def update_session(
    db: Database,
    session_id: int,
    spec: SessionSpec,
    *,
    allow_clashes: bool = False,
    seen: SessionRow | None = None,
) -> Outcome[SessionRow]:
    """Change a session: times, place, capacity, instructors.

    With `seen` (the row the editor was filled from), a session changed since then is refused
    with `StaleEditError` naming who changed what, instead of being overwritten.
    """
    validate_session(spec)
    with db.transaction() as tx:
        session = get_or_fail(
            tx,
            TrainingSession,
            session_id,
            _("That session no longer exists."),
            lock=seen is not None,
        )
        if seen is not None and seen.version != session.version:
            now = session_row(tx, session)
            check_unchanged(tx, "session", session, seen.version, session_differences(seen, now))
        refuse_if_closed(session)
        qualification_warnings(tx, spec)
        clashes = find_clashes_in(tx, spec, session_id)
        if clashes and not allow_clashes:
            raise clash_error(clashes)
        changes = update_in(tx, session, spec, clashes)
        return Outcome(session_row(tx, session), changes)


def update_in(
    tx: OrmSession, session: TrainingSession, spec: SessionSpec, clashes: Sequence[Clash]
) -> Changes:
    """Change `session` as `spec` says inside the unit of work (clashes already checked)."""
    if len(spec.days) < len(session.days):
        _refuse_dropping_marked_days(tx, session, len(spec.days))
    _apply(tx, session, spec)
    tx.flush()
    refresh_attended_minutes(tx, session.id)  # a present day counts the day's new length
    promoted = fill_free_seats(tx, session)  # a larger capacity seats the waitlist
    audit(
        tx,
        "session",
        session.id,
        "update",
        {"clashes": [c.message for c in clashes], "promoted": [p.id for p in promoted]},
    )
    changes = Changes.of(Entity.SESSION, session.id)
    if promoted:
        changes |= Changes.of(Entity.ENROLLMENT, *(p.id for p in promoted))
    return changes


def _refuse_dropping_marked_days(tx: OrmSession, session: TrainingSession, keep: int) -> None:
    dropped = [d.id for d in session.days[keep:]]
    marked = tx.scalar(select(func.count()).where(Attendance.day_id.in_(dropped)))
    if marked:
        raise ValidationError(
            _(
                "A day you removed already has attendance marks. Clear its marks first, "
                "or keep the day."
            )
        )


def spec_for_row(row: SessionRow) -> SessionSpec:
    """The spec that would save `row` exactly as it is (undo, duplicate, scripted edits)."""
    return SessionSpec(
        course_id=row.course_id,
        mode=row.mode,
        timezone=row.timezone,
        capacity=row.capacity,
        days=tuple(DaySpec(d.start, d.end, d.meeting_link) for d in row.days),
        cohort=row.cohort,
        room_id=row.room_id,
        meeting_link=row.meeting_link,
        survey_link=row.survey_link,
        pilot=row.pilot,
        go_no_go=row.go_no_go,
        min_size=row.min_size,
        notes=row.notes,
        instructors=tuple((i.instructor_id, i.role) for i in row.instructors),
    )


def refuse_if_closed(session: TrainingSession) -> None:
    """A cancelled or completed session keeps its record as it was: refuse changing it."""
    reason = closed_reason(session.status)
    if reason is not None:
        raise ValidationError(reason)

"""Rooms and instructors (with the courses each instructor is qualified to teach)."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from iltdesk.db.engine import Database
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import InstructorQualification
from iltdesk.db.entities import Room
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.localtime import zone
from iltdesk.domain.rows import InstructorLoad
from iltdesk.domain.rows import InstructorRow
from iltdesk.domain.rows import RoomRow
from iltdesk.domain.specs import InstructorSpec
from iltdesk.domain.specs import RoomSpec
from iltdesk.domain.text import clean_text
from iltdesk.domain.text import search_key
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.common import Outcome
from iltdesk.services.common import get_or_fail

PAPER_SIZES = ("A4", "Letter")


def _room_row(room: Room) -> RoomRow:
    return RoomRow(
        room.id,
        room.name,
        room.address,
        room.capacity,
        room.notes,
        room.timezone,
        room.paper_size,
        room.archived,
    )


def _validate_room(spec: RoomSpec) -> None:
    if not clean_text(spec.name):
        raise ValidationError(_("Give the room a name."))
    if spec.capacity < 0:
        raise ValidationError(_("A room's capacity cannot be negative."))
    if spec.timezone.strip():
        zone(spec.timezone.strip())
    if spec.paper_size and spec.paper_size not in PAPER_SIZES:
        raise ValidationError(_("The paper size is A4 or Letter."))


def save_room(db: Database, spec: RoomSpec, room_id: int | None = None) -> Outcome[RoomRow]:
    """Create a room (`room_id` None) or edit one."""
    _validate_room(spec)
    name = clean_text(spec.name)
    with db.transaction() as tx:
        other = tx.scalar(select(Room.id).where(Room.name == name))
        if other is not None and other != room_id:
            raise ValidationError(_("There is already a room called {name}.").format(name=name))
        if room_id is None:
            room = Room()
            tx.add(room)
        else:
            room = get_or_fail(tx, Room, room_id, _("That room no longer exists."))
        room.name = name
        room.address = spec.address.strip()
        room.capacity = spec.capacity
        room.notes = spec.notes
        room.timezone = spec.timezone.strip()
        room.paper_size = spec.paper_size
        tx.flush()
        return Outcome(_room_row(room), Changes.of(Entity.ROOM, room.id))


def set_room_archived(db: Database, room_id: int, archived: bool) -> Outcome[RoomRow]:
    """Archive a room (or bring it back); sessions keep it."""
    with db.transaction() as tx:
        room = get_or_fail(tx, Room, room_id, _("That room no longer exists."))
        room.archived = archived
        return Outcome(_room_row(room), Changes.of(Entity.ROOM, room.id))


def list_rooms(db: Database, include_archived: bool = False) -> list[RoomRow]:
    """Rooms by name."""
    with db.reading() as tx:
        query = select(Room).order_by(Room.name)
        if not include_archived:
            query = query.where(Room.archived.is_(False))
        return [_room_row(r) for r in tx.scalars(query)]


def find_room(db: Database, name: str) -> RoomRow | None:
    """The room called `name` (ignoring case and spacing), or None."""
    key = search_key(name)
    return next((r for r in list_rooms(db) if search_key(r.name) == key), None)


def find_instructor(db: Database, name: str) -> InstructorRow | None:
    """The instructor called `name` (ignoring case and accents), or None."""
    key = search_key(name)
    return next((i for i in list_instructors(db, name) if search_key(i.name) == key), None)


def _instructor_row(instructor: Instructor) -> InstructorRow:
    return InstructorRow(
        id=instructor.id,
        name=instructor.name,
        email=instructor.email,
        phone=instructor.phone,
        external=instructor.external,
        qualified_course_ids=frozenset(q.course_id for q in instructor.qualifications),
        archived=instructor.archived,
    )


def save_instructor(
    db: Database, spec: InstructorSpec, instructor_id: int | None = None
) -> Outcome[InstructorRow]:
    """Create an instructor (`instructor_id` None) or edit one, with their qualifications."""
    name = clean_text(spec.name)
    if not name:
        raise ValidationError(_("Give the instructor a name."))
    with db.transaction() as tx:
        if instructor_id is None:
            instructor = Instructor()
            tx.add(instructor)
        else:
            instructor = get_or_fail(
                tx, Instructor, instructor_id, _("That instructor no longer exists.")
            )
        instructor.name = name
        instructor.name_key = search_key(name)
        instructor.email = clean_text(spec.email)
        instructor.phone = clean_text(spec.phone)
        instructor.external = spec.external
        wanted = set(spec.qualified_course_ids)
        for qualification in list(instructor.qualifications):
            if qualification.course_id not in wanted:
                instructor.qualifications.remove(qualification)
        have = {q.course_id for q in instructor.qualifications}
        for course_id in sorted(wanted - have):
            instructor.qualifications.append(InstructorQualification(course_id=course_id))
        tx.flush()  # the trail records the instructor and each qualification added or removed
        return Outcome(_instructor_row(instructor), Changes.of(Entity.INSTRUCTOR, instructor.id))


def set_instructor_archived(
    db: Database, instructor_id: int, archived: bool
) -> Outcome[InstructorRow]:
    """Take an instructor off the lists (history stays), or bring them back."""
    with db.transaction() as tx:
        instructor = get_or_fail(
            tx, Instructor, instructor_id, _("That instructor no longer exists.")
        )
        instructor.archived = archived
        return Outcome(_instructor_row(instructor), Changes.of(Entity.INSTRUCTOR, instructor.id))


def list_instructors(
    db: Database, text_filter: str = "", include_archived: bool = False
) -> list[InstructorRow]:
    """Instructors by name, filtered by name if asked."""
    with db.reading() as tx:
        query = (
            select(Instructor)
            .order_by(Instructor.name)
            .options(selectinload(Instructor.qualifications))
        )
        if not include_archived:
            query = query.where(Instructor.archived.is_(False))
        key = search_key(text_filter)
        if key:
            query = query.where(Instructor.name_key.contains(key, autoescape=True))
        return [_instructor_row(i) for i in tx.scalars(query)]


def get_instructor(db: Database, instructor_id: int) -> InstructorRow:
    """One instructor."""
    with db.reading() as tx:
        return _instructor_row(
            get_or_fail(tx, Instructor, instructor_id, _("That instructor no longer exists."))
        )


def instructor_load(
    db: Database, instructor_id: int, now: datetime | None = None, timezone: str = "UTC"
) -> InstructorLoad:
    """Upcoming sessions, and this month's minutes taught (days over) and still scheduled.

    The month is the calendar month in `timezone` (the user's zone).
    """
    from iltdesk.services import scheduling

    now = now or datetime.now(UTC)
    local = now.astimezone(zone(timezone))
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    sessions = scheduling.list_sessions(db, instructor_id=instructor_id)
    live = [s for s in sessions if s.status is not SessionStatus.CANCELLED]
    upcoming = tuple(s for s in live if s.last_end is not None and s.last_end >= now)
    this_month = [d for s in live for d in s.days if month_start <= d.start < next_month]
    taught = sum(d.minutes for d in this_month if d.end <= now)
    scheduled = sum(d.minutes for d in this_month if d.end > now)
    return InstructorLoad(upcoming, taught, scheduled)

"""Placing a learner on a session: decide seat or waitlist, then write the place.

The use cases in `enrollment` (enrol, walk in, enrol many, move) and the roster import share
these: the session read and locked, one statement for the learner, their earlier place, the
seats taken and the last waitlist position, and the write — a new place as one INSERT, an
earlier one made active again through the unit of work.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Insert
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import aliased

from iltdesk.db import audit as audit_trail
from iltdesk.db.audit import created_detail
from iltdesk.db.base import utcnow
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Learner
from iltdesk.db.entities import TrainingSession
from iltdesk.db.expressions import ColumnValues
from iltdesk.db.expressions import Query
from iltdesk.db.write_stamp import mark_written
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.domain.enums import EnrollmentSource
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.rows import RosterRow
from iltdesk.errors import NotFoundError
from iltdesk.errors import OverCapacityError
from iltdesk.errors import SessionFullError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.i18n import in_sentence
from iltdesk.i18n import ngettext
from iltdesk.services.clashes import clash_error
from iltdesk.services.clashes import learner_clashes
from iltdesk.services.common import get_or_fail
from iltdesk.services.seats import lock_roster
from iltdesk.services.seats import roster_locked

# A place's own columns on a roster row (the learner's come from the learner).
_PLACE_FIELDS = (
    "status",
    "waitlist_position",
    "source",
    "enrolled_at",
    "cancelled_at",
    "cancel_reason",
    "prework_done",
    "prework_done_at",
)


def row_of(learner: Learner, enrollment_id: int, columns: ColumnValues) -> RosterRow:
    """The roster row of `learner`'s place `enrollment_id`, its own columns from `columns`."""
    return RosterRow(
        enrollment_id=enrollment_id,
        learner_id=learner.id,
        first_name=learner.first_name,
        last_name=learner.last_name,
        email=learner.email,
        employee_id=learner.employee_id,
        department=learner.department,
        **{name: columns[name] for name in _PLACE_FIELDS},
    )


def roster_row(enrollment: Enrollment) -> RosterRow:
    """The roster row of a loaded place (its learner loaded too)."""
    columns = {name: getattr(enrollment, name) for name in _PLACE_FIELDS}
    return row_of(enrollment.learner, enrollment.id, columns)


def open_session(tx: OrmSession, session_id: int) -> TrainingSession:
    """The session whose roster changes, locked for the transaction (see `lock_roster`)."""
    session = get_or_fail(
        tx,
        TrainingSession,
        session_id,
        _("There is no session {id}.").format(id=session_id),
        lock=True,  # read and locked in one statement; `lock_roster` then has nothing to do
    )
    roster_locked(tx, session_id)
    if session.status is SessionStatus.CANCELLED:
        raise ValidationError(_("This session is cancelled; nobody can be enrolled in it."))
    if session.status is SessionStatus.COMPLETED:
        raise ValidationError(
            _("This session is completed and locked. Unlock it before changing its roster.")
        )
    return session


@cache
def _place_query() -> Query:
    """The learner, their place on a session, its seats taken and its last waitlist position.

    Built once, on first use (not at import, which the window's start-up waits for): an alias
    made per call costs more to adapt than the query takes on a server.
    """
    other = aliased(Enrollment)
    return (
        select(
            Learner,
            Enrollment,
            select(func.count())
            .where(other.session_id == bindparam("session_id"), other.status.in_(SEAT_HOLDING))
            .scalar_subquery(),
            select(func.max(other.waitlist_position))
            .where(other.session_id == bindparam("session_id"))
            .scalar_subquery(),
        )
        .outerjoin(
            Enrollment,
            and_(
                Enrollment.learner_id == Learner.id,
                Enrollment.session_id == bindparam("session_id"),
            ),
        )
        .where(Learner.id == bindparam("learner_id"))
    )


def decide(
    tx: OrmSession,
    session: TrainingSession,
    learner_id: int,
    *,
    allow_clash: bool,
    waitlist_if_full: bool,
    over_capacity: bool = False,
    allow_over_capacity: bool = False,
) -> tuple[Learner, Enrollment | None, EnrollmentStatus, int | None]:
    """The learner, their earlier place if any, and the status and waitlist place they get."""
    # The learner, their place on the session if any, the seats taken and the last waitlist
    # position: one statement (the session's row is locked, so they hold until the end).
    lock_roster(tx, session.id)
    found = tx.execute(_place_query(), {"session_id": session.id, "learner_id": learner_id}).first()
    if found is None:
        raise NotFoundError(_("That learner does not exist."))
    learner, existing, seated, last_position = found
    name = f"{learner.first_name} {learner.last_name}".strip()
    if existing is not None and existing.status.is_active:
        raise ValidationError(
            _("{learner} is already on this session ({status}).").format(
                learner=name, status=in_sentence(existing.status.label())
            )
        )
    if not allow_clash:
        clashes = learner_clashes(tx, learner_id, session)
        if clashes:
            raise clash_error(clashes)
    taken = int(seated or 0)
    full = taken >= session.capacity
    if full and over_capacity and not allow_over_capacity:
        raise OverCapacityError(
            _(
                "The session is full: it holds {capacity} and {taken} have a seat. "
                "Add {learner} as number {next} anyway?"
            ).format(capacity=session.capacity, taken=taken, learner=name, next=taken + 1),
            session.capacity,
            taken,
        )
    if full and not over_capacity and not waitlist_if_full:
        raise SessionFullError(
            ngettext(
                "The session is full ({capacity} seat). Put {learner} on the waitlist instead, "
                "or raise the capacity.",
                "The session is full ({capacity} seats). Put {learner} on the waitlist instead, "
                "or raise the capacity.",
                session.capacity,
            ).format(capacity=session.capacity, learner=name)
        )
    if full and not over_capacity:
        return learner, existing, EnrollmentStatus.WAITLISTED, (last_position or 0) + 1
    return learner, existing, EnrollmentStatus.ENROLLED, None


def place(
    tx: OrmSession,
    session: TrainingSession,
    learner_id: int,
    source: EnrollmentSource,
    *,
    allow_clash: bool,
    waitlist_if_full: bool,
    over_capacity: bool = False,
    allow_over_capacity: bool = False,
    import_batch_id: int | None = None,
) -> Enrollment:
    """Give the learner a seat, or a waitlist place, on `session` (reusing an old row)."""
    learner, existing, status, position = decide(
        tx,
        session,
        learner_id,
        allow_clash=allow_clash,
        waitlist_if_full=waitlist_if_full,
        over_capacity=over_capacity,
        allow_over_capacity=allow_over_capacity,
    )
    return write_place(tx, session, learner, existing, status, position, source, import_batch_id)


def write_place(
    tx: OrmSession,
    session: TrainingSession,
    learner: Learner,
    existing: Enrollment | None,
    status: EnrollmentStatus,
    position: int | None,
    source: EnrollmentSource,
    import_batch_id: int | None = None,
) -> Enrollment:
    """The place `decide` chose, as a new row or the learner's earlier one made active again."""
    enrollment = existing or Enrollment(session_id=session.id, learner_id=learner.id)
    enrollment.learner = learner  # already loaded: no second query for the roster row
    enrollment.status = status
    enrollment.waitlist_position = position
    enrollment.source = source
    enrollment.enrolled_at = utcnow()
    enrollment.cancelled_at = None
    enrollment.cancel_reason = ""
    enrollment.moved_to_id = None
    enrollment.import_batch_id = import_batch_id
    if existing is None:
        tx.add(enrollment)
    tx.flush()
    return enrollment


@cache
def _insert_statement() -> Insert:
    return insert(Enrollment).returning(Enrollment.id)


def insert_place(
    tx: OrmSession,
    session_id: int,
    learner: Learner,
    status: EnrollmentStatus,
    position: int | None,
    source: EnrollmentSource,
) -> RosterRow:
    """A new place written by one INSERT, its audit entry recorded as the trail would.

    The ORM's unit of work (change tracking, dependency sort, the trail's per-object pass)
    cost as much as the statements themselves on a server, for a row nothing reads again in
    this transaction.
    """
    values: ColumnValues = {
        "session_id": session_id,
        "learner_id": learner.id,
        "status": status,
        "waitlist_position": position,
        "enrolled_at": utcnow(),
        "cancelled_at": None,
        "cancel_reason": "",
        "cancelled_seat": False,
        "attended_minutes": None,
        "source": source,
        "import_batch_id": None,
        "moved_to_id": None,
        "prework_done": False,
        "prework_done_at": None,
        "version": 1,
    }
    new_id = tx.connection().execute(_insert_statement(), values).scalar_one()
    mark_written(tx)
    audit_trail.record(
        tx,
        "enrollment",
        new_id,
        "create",
        created_detail(values),
        session_id=session_id,
        learner_id=learner.id,
    )
    return row_of(learner, new_id, values)

"""The audit trail: one hook in the unit of work, append-only, hash-chained.

Every transaction that changes audited records (courses, sessions and their days, places,
attendance marks, certificates, settings, costs, learners, requirements…) leaves one entry per
changed record: when (UTC), who (`Database.actor`), what (entity, id, and each field's old and
new value), and why (the reason the transaction carries, when one was asked). Services may add
entries of their own (`record`), which join the same chain.

Each entry stores the SHA-256 of its content and of the previous entry's hash, so a row edited,
deleted or added outside ILT Desk breaks the chain where it happened (`audit_chain`). The app
only ever inserts into the table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import TypeVar

from sqlalchemy import inspect
from sqlalchemy.engine.interfaces import DBAPICursor
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.orm.base import NO_VALUE

from iltdesk.db import entities as e
from iltdesk.db.audit_chain import entry_hash
from iltdesk.db.expressions import ColumnValues
from iltdesk.domain.jsontypes import JsonObject

PENDING = "audit_pending"
REASON = "audit_reason"

# Entity names as the trail records them; what is not here is not audited (the trail itself,
# import batches with their own undo log, outbox rows with their own status history).
AUDITED: dict[type, str] = {
    e.Course: "course",
    e.LearningObjective: "objective",
    e.AgendaItem: "agenda_item",
    e.CourseMaterial: "material",
    e.Room: "room",
    e.Instructor: "instructor",
    e.InstructorQualification: "qualification",
    e.TrainingSession: "session",
    e.SessionDay: "session_day",
    e.SessionInstructor: "session_instructor",
    e.Learner: "learner",
    e.Enrollment: "enrollment",
    e.Attendance: "attendance",
    e.Certificate: "certificate",
    e.CostLine: "cost_line",
    e.CourseBudget: "budget",
    e.ExchangeRate: "exchange_rate",
    e.Setting: "setting",
    e.Requirement: "requirement",
    e.RequirementCourse: "requirement_course",
    e.RequirementMember: "requirement_member",
    e.Exemption: "exemption",
    e.InterestEntry: "interest",
    e.PrintedDocument: "print",
    e.SessionScan: "scan",
    e.FeedbackResponse: "feedback",
    e.SessionSeries: "series",
    e.InstructorTimeOff: "time_off",
}
# Columns derived from others (search keys, denormalised dates): recording them says nothing.
DERIVED = frozenset(
    {
        "title_key",
        "name_key",
        "email_key",
        "first_key",
        "last_key",
        "sort_key",
        "first_start",
        "last_end",
        "first_date",
        "last_date",
        "minutes",
        "local_date",
        "attended_minutes",
        "version",
    }
)
# Settings that change without a person changing anything.
QUIET_SETTINGS = frozenset({"data_changed_at"})


def jsonable(value: object) -> object:
    """A value as the trail stores it in JSON."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


E = TypeVar("E")


@dataclass
class Pending:
    """An entry waiting for the commit, when it gets its place in the chain."""

    at: datetime
    entity: str
    entity_id: int | None
    action: str
    detail: JsonObject
    reason: str
    session_id: int | None = None
    learner_id: int | None = None
    course_id: int | None = None


def set_reason(tx: OrmSession, reason: str) -> None:
    """Why this transaction changes what it changes; every entry it writes carries it."""
    tx.info[REASON] = reason.strip()


def record(
    tx: OrmSession,
    entity: str,
    entity_id: int | None,
    action: str,
    detail: JsonObject | None = None,
    reason: str = "",
    *,
    session_id: int | None = None,
    learner_id: int | None = None,
    course_id: int | None = None,
) -> None:
    """An entry of a service's own (a summary such as "cancel" with its counts)."""
    tx.info.setdefault(PENDING, []).append(
        Pending(
            datetime.now(UTC),
            entity,
            entity_id,
            action,
            {k: jsonable(v) for k, v in (detail or {}).items()},
            reason.strip() or tx.info.get(REASON, ""),
            session_id,
            learner_id,
            course_id,
        )
    )


def _context(tx: OrmSession, obj: object) -> tuple[int | None, int | None, int | None]:
    """The session, learner and course an audited record belongs to (for history panels)."""
    if isinstance(obj, e.TrainingSession):
        return obj.id, None, obj.course_id
    if isinstance(
        obj,
        (
            e.SessionDay,
            e.SessionInstructor,
            e.PrintedDocument,
            e.SessionScan,
            e.FeedbackResponse,
        ),
    ):
        return obj.session_id, None, None
    if isinstance(obj, (e.Exemption, e.RequirementMember)):
        return None, obj.learner_id, None
    if isinstance(obj, e.InterestEntry):
        return None, obj.learner_id, obj.course_id
    if isinstance(obj, e.CostLine):
        return obj.session_id, None, obj.course_id
    if isinstance(obj, e.Enrollment):
        return obj.session_id, obj.learner_id, None
    if isinstance(obj, (e.Attendance, e.Certificate)):
        place = _loaded(tx, e.Enrollment, obj.enrollment_id)
        return (place.session_id, place.learner_id, None) if place else (None, None, None)
    if isinstance(obj, e.Learner):
        return None, obj.id, None
    if isinstance(obj, (e.Course,)):
        return None, None, obj.id
    if isinstance(obj, (e.LearningObjective, e.AgendaItem, e.CourseMaterial, e.CourseBudget)):
        return None, None, obj.course_id
    return None, None, None


def _loaded(tx: OrmSession, entity: type[E], key: int | None) -> E | None:
    """The record from the unit of work's identity map, else from the database."""
    if key is None:
        return None
    found = tx.identity_map.get(tx.identity_key(entity, key))
    if isinstance(found, entity):
        return found
    with tx.no_autoflush:
        return tx.get(entity, key)


def _identity(obj: object) -> int | None:
    """The record's id; a new one's comes from its columns (its identity is set after flush)."""
    state = inspect(obj)
    key = state.identity or tuple(state.mapper.primary_key_from_instance(obj))
    return key[0] if len(key) == 1 and isinstance(key[0], int) else None


def _changes(obj: object, created: bool, deleted: bool) -> JsonObject:
    state = inspect(obj)
    found: JsonObject = {}
    values = state.dict
    if not created and not deleted:
        # Attributes given a value since the load keep their loaded value in `committed_state`:
        # compare those alone (the ORM's per-attribute history costs ten times more).
        columns = state.mapper.column_attrs
        for name, old in state.committed_state.items():
            if name in DERIVED or name not in columns:
                continue
            before = None if old is NO_VALUE else jsonable(old)
            after = jsonable(values.get(name))
            if before != after:
                found[name] = [before, after]
        return found
    for attr in state.mapper.column_attrs:
        name = attr.key
        if name in DERIVED or name == "id":
            continue
        if created:
            value = values.get(name)
        else:
            history = get_history(obj, name)
            value = (
                history.unchanged[0]
                if history.unchanged
                else (history.deleted[0] if history.deleted else None)
            )
        if value is not None and value != "":
            found[name] = jsonable(value)
    return found


def created_detail(values: ColumnValues) -> JsonObject:
    """A new record's entry detail from its column values, as `_changes` records a created one.

    For rows a service inserts with a Core statement, outside the unit of work this trail
    hooks into.
    """
    return {
        name: value
        for name, value in values.items()
        if name not in DERIVED and name != "id" and value is not None and value != ""
    }


def _collect(tx: OrmSession, _flush_context: object) -> None:
    """After each flush: one pending entry per audited record the flush wrote."""
    now = datetime.now(UTC)
    reason = tx.info.get(REASON, "")
    pending = tx.info.setdefault(PENDING, [])
    groups: Iterable[tuple[Iterable[object], str]] = (
        (tx.new, "create"),
        (tx.dirty, "update"),
        (tx.deleted, "delete"),
    )
    for objects, action in groups:
        for obj in objects:
            entity = AUDITED.get(type(obj))
            if entity is None:
                continue
            if isinstance(obj, e.Setting) and obj.key in QUIET_SETTINGS:
                continue
            detail = _changes(obj, action == "create", action == "delete")
            if action == "update" and not detail:
                continue
            if isinstance(obj, e.Setting):
                detail["key"] = obj.key
            session_id, learner_id, course_id = _context(tx, obj)
            pending.append(
                Pending(
                    now,
                    entity,
                    _identity(obj),
                    action,
                    detail,
                    reason,
                    session_id,
                    learner_id,
                    course_id,
                )
            )


# The advisory lock key that serialises appends to the chain on a server ("AUDT" in ASCII).
CHAIN_LOCK = 0x41554454

_COLUMNS = (
    "at",
    "actor",
    "entity",
    "entity_id",
    "action",
    "detail",
    "reason",
    "session_id",
    "learner_id",
    "course_id",
    "prev_hash",
    "hash",
)
_INSERT = "INSERT INTO audit_entries ({names}) VALUES ({values})".format(
    names=", ".join(_COLUMNS), values=", ".join(f"%({name})s" for name in _COLUMNS)
)
# One entry (the usual case) and the notice to the other clients in one round trip.
_INSERT_AND_NOTIFY = f"WITH written AS ({_INSERT}) SELECT pg_notify(%(channel)s, %(payload)s)"
# SQLite's driver takes named parameters as :name.
_INSERT_SQLITE = "INSERT INTO audit_entries ({names}) VALUES ({values})".format(
    names=", ".join(_COLUMNS), values=", ".join(f":{name}" for name in _COLUMNS)
)
_SELECT_LAST_HASH = "SELECT hash FROM audit_entries ORDER BY id DESC LIMIT 1"


def _write(tx: OrmSession, actor: str, client: str = "") -> None:
    """Before commit: give the pending entries their hashes and insert them, in order."""
    tx.flush()  # the last changes reach `_collect` first
    pending: list[Pending] = tx.info.pop(PENDING, [])
    if not pending:
        return
    conn = tx.connection()
    # The trail is the hot end of every write: its statements go straight to the driver,
    # inside the same transaction (through SQLAlchemy's Core they cost more than they take).
    driver = conn.connection.dbapi_connection
    assert driver is not None  # an open transaction holds its connection
    driver_error: type[Exception] = conn.dialect.loaded_dbapi.Error
    try:
        with closing(driver.cursor()) as cursor:
            if conn.dialect.name == "postgresql":
                _write_on_server(cursor, pending, actor, client)
            else:
                _write_on_file(cursor, pending, actor, _at_processor(conn.dialect))
    except driver_error as error:
        # Wrapped as SQLAlchemy wraps its own statements' failures, so a lost connection or a
        # refused insert becomes the same sentence as anywhere else (not a bug report).
        raise DBAPIError.instance(
            "INSERT INTO audit_entries", None, error, driver_error, dialect=conn.dialect
        ) from error


@lru_cache(maxsize=4)
def _at_processor(dialect: Dialect) -> Callable[[datetime], object]:
    """How the entry's instant is bound on `dialect` (as `UTCDateTime` binds it)."""
    column = e.AuditEntry.__table__.c.at
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process or (lambda value: value)


def _write_on_file(
    cursor: DBAPICursor, pending: list[Pending], actor: str, bind_at: Callable[[datetime], object]
) -> None:
    # The transaction already holds SQLite's write lock (`BEGIN IMMEDIATE`): nobody else
    # appends between reading the last hash and inserting.
    cursor.execute(_SELECT_LAST_HASH)
    last = cursor.fetchone()
    rows = _chained(pending, last[0] if last else "", actor)
    for row in rows:
        row["at"] = bind_at(row["at"])
    cursor.executemany(_INSERT_SQLITE, rows)


def _write_on_server(cursor: DBAPICursor, pending: list[Pending], actor: str, client: str) -> None:
    from iltdesk.db import live

    # Coordinators committing at once take turns here (until each commits), so every entry
    # chains onto the one committed before it instead of two forking the chain. The last
    # hash is read by a statement of its own, after the lock, so it sees the latest commit.
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))
    cursor.execute(_SELECT_LAST_HASH)
    last = cursor.fetchone()
    rows = _chained(pending, last[0] if last else "", actor)
    for row in rows:
        row["at"] = row["at"].astimezone(UTC).replace(tzinfo=None)  # as `UTCDateTime` stores it
    payload = live.payload(
        client, actor, [(item.entity, item.entity_id, item.session_id) for item in pending]
    )
    if len(rows) == 1:
        cursor.execute(_INSERT_AND_NOTIFY, {**rows[0], "channel": live.CHANNEL, "payload": payload})
    else:
        cursor.executemany(_INSERT, rows)
        cursor.execute("SELECT pg_notify(%s, %s)", (live.CHANNEL, payload))


def _chained(pending: list[Pending], previous: str, actor: str) -> list[JsonObject]:
    """The pending entries as rows, each hashed onto the one before it."""
    rows = []
    for item in pending:
        detail = json.dumps(item.detail, ensure_ascii=False, sort_keys=True, default=str)
        digest = entry_hash(
            previous,
            item.at,
            actor,
            item.entity,
            item.entity_id,
            item.action,
            detail,
            item.reason,
            item.session_id,
            item.learner_id,
            item.course_id,
        )
        rows.append(
            {
                "at": item.at,
                "actor": actor,
                "entity": item.entity,
                "entity_id": item.entity_id,
                "action": item.action,
                "detail": detail,
                "reason": item.reason,
                "session_id": item.session_id,
                "learner_id": item.learner_id,
                "course_id": item.course_id,
                "prev_hash": previous,
                "hash": digest,
            }
        )
        previous = digest
    return rows


def install(
    factory: sessionmaker[OrmSession], actor: Callable[[], str], client: str = ""
) -> list[tuple[object, str, Callable[..., None]]]:
    """Hook the trail into every unit of work `factory` makes; `actor()` names who acts.

    On a server each transaction's entries are also published to the other clients (see
    `db/live.py`), marked with `client` so a client ignores its own.

    Returns the (target, event, listener) triples, so a benchmark can measure without them.
    """
    from sqlalchemy import event

    def before_commit(tx: OrmSession) -> None:
        if tx.info.get(PENDING) or tx.new or tx.dirty or tx.deleted:
            _write(tx, actor(), client)
        tx.info.pop(REASON, None)

    def after_rollback(tx: OrmSession) -> None:
        tx.info.pop(PENDING, None)
        tx.info.pop(REASON, None)

    def after_soft_rollback(tx: OrmSession, _previous: OrmSession) -> None:
        after_rollback(tx)

    hooks: list[tuple[object, str, Callable[..., None]]] = [
        (factory, "after_flush", _collect),
        (factory, "before_commit", before_commit),
        (factory, "after_soft_rollback", after_soft_rollback),
    ]
    for target, name, listener in hooks:
        event.listen(target, name, listener)
    return hooks

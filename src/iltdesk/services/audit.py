"""Reading the audit trail: history in words, and checking that nobody rewrote it.

The trail itself is written by the unit of work (`db/audit.py`); this module only reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db import audit_chain as chain
from iltdesk.db.engine import Database
from iltdesk.db.entities import Attendance
from iltdesk.db.entities import AuditEntry
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Learner
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.jsontypes import JsonObject
from iltdesk.domain.jsontypes import JsonValue
from iltdesk.domain.rows import HistoryRow
from iltdesk.i18n import N_
from iltdesk.i18n import _
from iltdesk.i18n import ngettext


@dataclass(frozen=True)
class ChainCheck:
    """What `audit verify` found: how many entries hold, and the first that does not."""

    checked: int
    broken: chain.ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None

    def sentence(self) -> str:
        if self.broken is None:
            return _(
                "The audit trail is intact: {n} entries, each linked to the one before."
            ).format(n=self.checked)
        where = _("entry {id} ({entity} {entity_id}, {at})").format(
            id=self.broken.entry_id,
            entity=self.broken.entity,
            entity_id=self.broken.entity_id if self.broken.entity_id is not None else "—",
            at=self.broken.at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        )
        if self.broken.kind == "content":
            return _(
                "The audit trail is broken at {where}: its content does not match its hash, "
                "so it was changed, or added, outside ILT Desk. The {n} entries before it hold."
            ).format(where=where, n=self.checked)
        return _(
            "The audit trail is broken at {where}: it does not link to the entry before it, "
            "so an entry before it was deleted or inserted outside ILT Desk. The {n} entries "
            "before it hold."
        ).format(where=where, n=self.checked)


def verify(db: Database) -> ChainCheck:
    """Recompute the whole chain, in order."""
    with db.reading() as tx:
        checked, broken = chain.verify_chain(tx.connection())
    return ChainCheck(checked, broken)


def history(
    db: Database,
    *,
    session_id: int | None = None,
    learner_id: int | None = None,
    course_id: int | None = None,
    limit: int = 500,
) -> list[HistoryRow]:
    """The newest entries about a session, a learner or a course (or all), in words."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if session_id is not None:
        query = query.where(AuditEntry.session_id == session_id)
    if learner_id is not None:
        query = query.where(AuditEntry.learner_id == learner_id)
    if course_id is not None:
        query = query.where(AuditEntry.course_id == course_id)
    with db.reading() as tx:
        entries = list(tx.scalars(query))
        learner_ids = {e.learner_id for e in entries if e.learner_id is not None}
        names = {
            lid: f"{first} {last}".strip()
            for lid, first, last in tx.execute(
                select(Learner.id, Learner.first_name, Learner.last_name).where(
                    Learner.id.in_(learner_ids)
                )
            )
        }
        session_ids = {e.session_id for e in entries if e.session_id is not None}
        # A session's times are said on its venue's clock (the trail keeps UTC).
        zones = {
            sid: zone
            for sid, zone in tx.execute(
                select(TrainingSession.id, TrainingSession.timezone).where(
                    TrainingSession.id.in_(session_ids)
                )
            )
        }
        day_numbers: dict[int, int] = {}
        for sid in session_ids:
            days = tx.scalars(
                select(SessionDay.id).where(SessionDay.session_id == sid).order_by(SessionDay.start)
            )
            day_numbers.update({day_id: n for n, day_id in enumerate(days, start=1)})
        marks = _mark_days(tx, entries)
        places = _feedback_names(tx, entries)
        return [
            _row(entry, names, day_numbers, zones.get(entry.session_id or 0, "UTC"), marks, places)
            for entry in entries
        ]


def _feedback_names(tx: OrmSession, entries: list[AuditEntry]) -> dict[int, str]:
    """The learner who signed each feedback response the entries name, by their place."""
    places = set()
    for entry in entries:
        if entry.entity == "feedback" and entry.action == "create":
            try:
                place = json.loads(entry.detail or "{}").get("enrollment_id")
            except (ValueError, AttributeError):
                continue
            if isinstance(place, int):
                places.add(place)
    return {
        place: f"{first} {last}".strip()
        for place, first, last in tx.execute(
            select(Enrollment.id, Learner.first_name, Learner.last_name)
            .join(Learner, Learner.id == Enrollment.learner_id)
            .where(Enrollment.id.in_(places))
        )
    }


def _mark_days(tx: OrmSession, entries: list[AuditEntry]) -> dict[int, int]:
    """Each attendance mark's day, for entries that do not say it.

    A change of status names only what changed; the day comes from the mark, or from the trail
    when the mark was cleared since.
    """
    ids = {e.entity_id for e in entries if e.entity == "attendance" and e.entity_id is not None}
    found = {
        mark: day
        for mark, day in tx.execute(
            select(Attendance.id, Attendance.day_id).where(Attendance.id.in_(ids))
        )
    }
    missing = ids - set(found)
    if missing:
        for mark_id, detail in tx.execute(
            select(AuditEntry.entity_id, AuditEntry.detail).where(
                AuditEntry.entity == "attendance", AuditEntry.entity_id.in_(missing)
            )
        ):
            try:
                day = _new(json.loads(detail or "{}").get("day_id"))
            except (ValueError, AttributeError):
                continue
            if isinstance(day, int) and mark_id is not None:
                found.setdefault(mark_id, day)
    return found


def _row(
    entry: AuditEntry,
    names: dict[int, str],
    days: dict[int, int],
    zone: str,
    marks: dict[int, int] | None = None,
    places: dict[int, str] | None = None,
) -> HistoryRow:
    try:
        detail = json.loads(entry.detail or "{}")
    except ValueError:
        detail = {}
    return HistoryRow(
        entry.id,
        entry.at,
        entry.actor,
        entry.entity,
        entry.entity_id,
        entry.action,
        describe(entry, detail, names, days, zone, marks, places),
        entry.reason,
        detail if isinstance(detail, dict) else {},
    )


def _new(value: JsonValue) -> JsonValue:
    return value[1] if isinstance(value, list) and len(value) == 2 else value


def describe(
    entry: AuditEntry,
    detail: JsonObject,
    names: dict[int, str],
    days: dict[int, int],
    zone: str = "UTC",
    marks: dict[int, int] | None = None,
    places: dict[int, str] | None = None,
) -> str:
    """An entry in words ("Ann marked Bo Lee Late on day 2"); times in `zone` (the venue's).

    `marks` gives each attendance mark's day where the entry does not (a changed status);
    `places` the learner of each place a feedback response was signed for.
    """
    actor = entry.actor or _("Someone")
    learner = names.get(entry.learner_id or 0, _("a learner"))
    if entry.entity == "attendance":
        day_id = _new(detail.get("day_id")) or (marks or {}).get(entry.entity_id or 0)
        day = days.get(day_id) if isinstance(day_id, int) else None
        status = _new(detail.get("status"))
        if entry.action == "delete":
            if day is None:
                return _("{actor} cleared {learner}'s mark").format(actor=actor, learner=learner)
            return _("{actor} cleared {learner}'s mark on day {day}").format(
                actor=actor, learner=learner, day=day
            )
        label = AttendanceStatus(status).label() if status else "?"
        if day is None:
            return _("{actor} marked {learner} {status}").format(
                actor=actor, learner=learner, status=label
            )
        return _("{actor} marked {learner} {status} on day {day}").format(
            actor=actor, learner=learner, status=label, day=day
        )
    if entry.entity == "enrollment" and "status" in detail:
        status = _new(detail["status"])
        label = EnrollmentStatus(status).label() if status else "?"
        if entry.action == "create":
            return _("{actor} added {learner} to the session ({status})").format(
                actor=actor, learner=learner, status=label
            )
        return _("{actor} changed {learner}'s place to {status}").format(
            actor=actor, learner=learner, status=label
        )
    if entry.entity == "certificate" and entry.action == "create":
        return _("{actor} issued certificate {code} to {learner}").format(
            actor=actor, code=detail.get("code", ""), learner=learner
        )
    if entry.entity == "feedback" and entry.action in ("create", "delete"):
        place = _new(detail.get("enrollment_id"))
        signed = (places or {}).get(place) if isinstance(place, int) else None
        return _feedback(entry, detail, actor, signed)
    special = _special(entry, detail, actor, days, zone)
    if special is not None:
        return special

    def shown(name: str, value: object) -> str:
        if entry.entity == "session_day" and name in ("start", "end"):
            return _instant_text(value, zone)
        return _shown(value)

    fields = ", ".join(
        f"{name}: {shown(name, value[0])} → {shown(name, value[1])}"
        if isinstance(value, list) and len(value) == 2
        else f"{name}: {shown(name, value)}"
        for name, value in sorted(detail.items())
        if name not in _QUIET and value != []  # "promoted: []" says nothing
    )
    noun = _(NOUNS[entry.entity]) if entry.entity in NOUNS else entry.entity
    what = f"{noun} {entry.entity_id}" if entry.entity_id is not None else noun
    verb = _(VERBS[entry.action]) if entry.action in VERBS else entry.action
    return _("{actor} {verb} {what}").format(actor=actor, verb=verb, what=what) + (
        f" ({fields})" if fields else ""
    )


def _feedback(entry: AuditEntry, detail: JsonObject, actor: str, learner: str | None) -> str:
    """A feedback response kept or removed, in words (its fields were dumped as they are)."""
    if entry.action == "delete":
        return _("{actor} removed a feedback response").format(actor=actor)
    paper = str(_new(detail.get("source")) or "") == "paper"
    if learner is None:
        if paper:
            return _("{actor} typed in an anonymous feedback form").format(actor=actor)
        return _("{actor} imported an anonymous feedback response").format(actor=actor)
    if paper:
        return _("{actor} typed in {learner}'s feedback form").format(actor=actor, learner=learner)
    return _("{actor} imported {learner}'s feedback response").format(actor=actor, learner=learner)


_SESSION_STATES = frozenset(s.value for s in SessionStatus)
# Detail that says nothing to a reader (ids and hashes are in the CSV and the database).
_QUIET = frozenset({"session_id", "sha256", "added_at", "printed_at", "clashes", "created_at"})

NOUNS = {
    "session": N_("session"),
    "session_day": N_("session day"),
    "session_instructor": N_("instructor assignment"),
    "course": N_("course"),
    "agenda_item": N_("agenda item"),
    "material": N_("material"),
    "certificate": N_("certificate"),
    "enrollment": N_("place"),
    "learner": N_("learner"),
    "room": N_("room"),
    "instructor": N_("instructor"),
    "qualification": N_("qualification"),
    "cost_line": N_("cost line"),
    "budget": N_("budget"),
    "exchange_rate": N_("exchange rate"),
    "setting": N_("setting"),
    "settings": N_("settings"),
    "requirement": N_("requirement"),
    "requirement_course": N_("requirement's course"),
    "requirement_member": N_("requirement's learner"),
    "exemption": N_("exemption"),
    "interest": N_("interest-list entry"),
    "print": N_("printed copy"),
    "scan": N_("scan"),
    "import": N_("import"),
    "outbox": N_("mail"),
}

VERBS = {
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("removed"),
    "issue": N_("issued"),
    "revoke": N_("revoked"),
    "reissue": N_("re-issued"),
    "clashes accepted": N_("scheduled despite clashes"),
    "archive": N_("archived"),
    "unarchive": N_("restored"),
    "set_agenda": N_("changed the agenda of"),
    "budget": N_("set the budget of"),
    "default costs": N_("changed the default costs of"),
    "enroll": N_("enrolled through"),
    "promote": N_("moved up from the waitlist:"),
    "undo_create": N_("undid"),
    "walk_in": N_("added a walk-in:"),
    "restore": N_("restored"),
    "import": N_("ran"),
    "undo": N_("undid"),
    "exemption revoked": N_("lifted an exemption of"),
    "add": N_("added"),
    "remove": N_("removed"),
    "replace": N_("replaced"),
    "queue": N_("queued"),
    "resend": N_("queued again"),
    "uncertain": N_("marked as uncertain:"),
    "confirm": N_("confirmed"),
    "unconfirm": N_("moved back to planned:"),
    "unlock": N_("unlocked"),
    "attendance": N_("recorded attendance in"),
    "costs": N_("changed the costs of"),
    "import_attendance": N_("read back attendance into"),
    "exchange rates": N_("changed the exchange rates in"),
}


def _special(
    entry: AuditEntry, detail: JsonObject, actor: str, days: dict[int, int], zone: str
) -> str | None:
    """Entries that read better as their own sentence."""
    if entry.entity == "scan" and entry.action == "create":
        day = days.get(int(detail.get("day_id") or 0))
        where = _("day {n}").format(n=day) if day else _("the whole session")
        return _("{actor} attached the signed-sheet scan {name} to {where}").format(
            actor=actor, name=detail.get("file_name", ""), where=where
        )
    if entry.entity == "print" and entry.action == "create":
        return _("{actor} printed “{label}” (a copy is kept)").format(
            actor=actor, label=detail.get("label", "")
        )
    if entry.entity == "session_day" and entry.action in ("create", "delete"):
        start = _new(detail.get("start"))
        when = _instant_text(start, zone)
        if entry.action == "create":
            return _("{actor} added a day starting {when}").format(actor=actor, when=when)
        return _("{actor} removed the day starting {when}").format(actor=actor, when=when)
    if entry.entity == "session" and entry.action == "update" and "status" in detail:
        status = _new(detail["status"])
        label = SessionStatus(status).label() if status in _SESSION_STATES else str(status)
        return _("{actor} set the session to {status}").format(actor=actor, status=label)
    if entry.entity == "session" and entry.action == "create" and "capacity" in detail:
        seats = int(detail.get("capacity") or 0)
        return ngettext(
            "{actor} scheduled the session: {n} place, times in {zone}",
            "{actor} scheduled the session: {n} places, times in {zone}",
            seats,
        ).format(actor=actor, n=seats, zone=detail.get("timezone", ""))
    if entry.entity == "session" and entry.action == "attendance":
        count = int(detail.get("marks", 0) or 0)
        return ngettext(
            "{actor} recorded {n} attendance mark", "{actor} recorded {n} attendance marks", count
        ).format(actor=actor, n=count)
    return None


def _instant_text(value: object, zone: str) -> str:
    """An ISO instant from the trail (kept in UTC) as "12 Mar 2026, 10:00 CET" in `zone`."""
    if not isinstance(value, str):
        return _shown(value)
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        return value
    from iltdesk import formatting

    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return formatting.format_datetime(instant, zone)


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"

"""Attendance workbooks: what an export holds, and planning/applying a returned grid."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from iltdesk import formatting
from iltdesk.db.engine import Database
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.enums import MARK_LETTERS
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.printing import AttendanceRecord
from iltdesk.domain.printing import AttendanceWorkbook
from iltdesk.domain.printing import GridSheet
from iltdesk.domain.printing import ReturnedMark
from iltdesk.domain.rows import SessionRow
from iltdesk.domain.rules import DayMark
from iltdesk.domain.rules import attended_minutes
from iltdesk.errors import NotFoundError
from iltdesk.i18n import _
from iltdesk.i18n import load_translations
from iltdesk.services import attendance
from iltdesk.services import certificates
from iltdesk.services import enrollment
from iltdesk.services import scheduling
from iltdesk.services.attendance import MarkSpec
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit

ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)


def _place(row: SessionRow) -> str:
    return str(row.room_name or row.meeting_link or row.mode.label())


def attendance_workbook(db: Database, session_ids: list[int] | None = None) -> AttendanceWorkbook:
    """The export for some sessions, or (None) every session that is not cancelled."""
    if session_ids is None:
        sessions = [
            s for s in scheduling.list_sessions(db) if s.status is not SessionStatus.CANCELLED
        ]
    else:
        sessions = [scheduling.get_session(db, sid) for sid in session_ids]
    records: list[AttendanceRecord] = []
    grids: list[GridSheet] = []
    for session in sessions:
        zone = ZoneInfo(session.timezone)
        label = f"{session.course_code} {session.cohort}".strip() + f" (#{session.id})"
        seated = [r for r in enrollment.roster(db, session.id) if r.status.holds_seat]
        marks = {
            (m.enrollment_id, m.day_id): m for m in attendance.marks_for_session(db, session.id)
        }
        codes = {c.enrollment_id: c.code for c in certificates.session_certificates(db, session.id)}
        instructors = ", ".join(f"{i.name} ({i.role.label()})" for i in session.instructors)
        for day in session.days:
            start, end = day.start.astimezone(zone), day.end.astimezone(zone)
            zone_text = f"{session.timezone} ({formatting.zone_label(day.start, session.timezone)})"
            for learner in seated:
                mark = marks.get((learner.enrollment_id, day.id))
                records.append(
                    AttendanceRecord(
                        session_id=session.id,
                        session_label=label,
                        course=session.course_title,
                        day=start.date(),
                        start=start.replace(tzinfo=None),
                        end=end.replace(tzinfo=None),
                        timezone=zone_text,
                        duration_minutes=day.minutes,
                        learner=f"{learner.last_name}, {learner.first_name}".strip(", "),
                        employee_id=learner.employee_id or "",
                        department=learner.department,
                        status=mark.status.label() if mark else "",
                        # The same minutes the completion rule counts: a late mark without
                        # minutes counts the whole day, as it does for the certificate.
                        minutes_attended=(
                            attended_minutes(
                                DayMark(mark.status, day.minutes, mark.minutes_attended)
                            )
                            if mark
                            else None
                        ),
                        instructors=instructors,
                        location=_place(session),
                        completion=learner.status.label(),
                        certificate=codes.get(learner.enrollment_id, ""),
                    )
                )
        grids.append(
            GridSheet(
                session_id=session.id,
                title=f"{session.course_code} {session.cohort}".strip() or f"Session {session.id}",
                heading=f"{session.course_title} · "
                + "; ".join(
                    formatting.format_span(d.start, d.end, session.timezone) for d in session.days
                ),
                day_ids=tuple(d.id for d in session.days),
                day_labels=tuple(
                    formatting.format_date(d.start, session.timezone, "short") for d in session.days
                ),
                learners=tuple(
                    (
                        r.enrollment_id,
                        f"{r.last_name}, {r.first_name}".strip(", "),
                        r.employee_id or "",
                    )
                    for r in seated
                ),
                marks={k: m.status.label() for k, m in marks.items()},
            )
        )
    return AttendanceWorkbook(
        records=tuple(records),
        grids=tuple(grids),
        status_labels=tuple(s.label() for s in AttendanceStatus),
        present_labels=tuple(s.label() for s in ATTENDED),
    )


@cache
def _status_words() -> dict[str, AttendanceStatus]:
    """Every word that names a status: values, letters, labels in each shipped language."""
    words = {letter.casefold(): status for status, letter in MARK_LETTERS.items()}
    catalogs = [load_translations(language) for language in ("en", "de")]
    for status in AttendanceStatus:
        names = {status.value, status.value.replace("_", " "), status.source_label()}
        names |= {catalog.gettext(status.source_label()) for catalog in catalogs}
        words.update({name.casefold(): status for name in names})
    return words


def status_from_label(text: str) -> AttendanceStatus | None:
    """A status from what a trainer typed or picked: any shipped language, value or letter."""
    wanted = text.strip().casefold()
    return _status_words().get(wanted) or next(
        (s for s in AttendanceStatus if s.label().casefold() == wanted), None
    )


@dataclass(frozen=True)
class PlannedMark:
    """A mark a returned workbook would change, with the old and new value."""

    session_id: int
    enrollment_id: int
    day_id: int
    learner: str
    day_label: str
    old: str
    new: str
    status: AttendanceStatus


@dataclass(frozen=True)
class AttendanceImportPlan:
    """What reading back a workbook would change, and what it left out."""

    changes: tuple[PlannedMark, ...]
    unchanged: int
    problems: tuple[str, ...]


def plan_attendance_import(db: Database, returned: list[ReturnedMark]) -> AttendanceImportPlan:
    """What applying a returned workbook would change, per learner and day; nothing guessed."""
    changes: list[PlannedMark] = []
    problems: list[str] = []
    unchanged = 0
    sessions: dict[int, SessionRow | None] = {}
    rosters: dict[int, dict[int, str]] = {}
    marks: dict[int, dict[tuple[int, int], AttendanceStatus]] = {}
    for cell in returned:
        if cell.session_id not in sessions:
            try:
                sessions[cell.session_id] = scheduling.get_session(db, cell.session_id)
            except NotFoundError:
                sessions[cell.session_id] = None
            if sessions[cell.session_id] is not None:
                rosters[cell.session_id] = {
                    r.enrollment_id: f"{r.last_name}, {r.first_name}".strip(", ")
                    for r in enrollment.roster(db, cell.session_id)
                    if r.status.holds_seat
                }
                marks[cell.session_id] = {
                    (m.enrollment_id, m.day_id): m.status
                    for m in attendance.marks_for_session(db, cell.session_id)
                }
        session = sessions[cell.session_id]
        where = _("sheet “{sheet}”, row {row}").format(sheet=cell.sheet, row=cell.row)
        if session is None:
            problems.append(
                _("{where}: the session of this sheet is not in this database.").format(where=where)
            )
            continue
        if cell.enrollment_id not in rosters[cell.session_id]:
            problems.append(
                _("{where}: {learner} is not on this session's roster; left out.").format(
                    where=where, learner=cell.learner or "?"
                )
            )
            continue
        day = next((d for d in session.days if d.id == cell.day_id), None)
        if day is None:
            problems.append(
                _("{where}: a column is for a day this session does not have.").format(where=where)
            )
            continue
        status = status_from_label(cell.label)
        if status is None:
            problems.append(
                _("{where}: “{value}” is not an attendance status.").format(
                    where=where, value=cell.label
                )
            )
            continue
        assert cell.enrollment_id is not None
        old = marks[cell.session_id].get((cell.enrollment_id, day.id))
        if old is status:
            unchanged += 1
            continue
        changes.append(
            PlannedMark(
                cell.session_id,
                cell.enrollment_id,
                day.id,
                rosters[cell.session_id][cell.enrollment_id],
                formatting.format_date(day.start, session.timezone),
                old.label() if old else "",
                status.label(),
                status,
            )
        )
    return AttendanceImportPlan(tuple(changes), unchanged, tuple(problems))


def apply_attendance_import(
    db: Database, plan: AttendanceImportPlan, default_threshold: int = 80
) -> Outcome[int]:
    """Record the planned marks, all sessions in one transaction."""
    by_session: dict[int, list[MarkSpec]] = defaultdict(list)
    for change in plan.changes:
        by_session[change.session_id].append(
            MarkSpec(change.enrollment_id, change.day_id, change.status)
        )
    with db.transaction() as tx:
        touched: list[int] = []
        for session_id, specs in by_session.items():
            touched.extend(attendance.record_marks_in(tx, session_id, specs, default_threshold))
            audit(tx, "session", session_id, "import_attendance", {"marks": len(specs)})
    return Outcome(
        len(plan.changes),
        Changes.of(Entity.ATTENDANCE, *by_session) | Changes.of(Entity.ENROLLMENT, *touched),
    )

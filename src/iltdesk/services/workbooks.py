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
                        enrollment_id=learner.enrollment_id,
                        day_id=day.id,
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
                marks={k: m.status for k, m in marks.items()},
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
    """What applying a returned workbook would change, per learner and day; nothing guessed.

    Where the workbook says what each cell held when exported, only what the trainer changed
    counts: a mark changed in ILT Desk since the export is kept (the workbook's older copy is
    named, not applied), and so is one both changed in different ways. Where the grid and the
    flat sheet were both changed, they must agree.
    """
    checked = _PlanReader(db)
    cells: dict[tuple[int, int, int], list[tuple[ReturnedMark, AttendanceStatus]]] = {}
    for cell in returned:
        status = checked.status_of(cell)
        if status is not None:
            assert cell.enrollment_id is not None
            assert cell.day_id is not None
            key = (cell.session_id, cell.enrollment_id, cell.day_id)
            cells.setdefault(key, []).append((cell, status))
    changes: list[PlannedMark] = []
    unchanged = 0
    for (session_id, enrollment_id, day_id), found in cells.items():
        first = found[0][0]
        where = _where(first)
        now = checked.marks[session_id].get((enrollment_id, day_id))
        then = _exported(first.exported)
        edited = [(c, s) for c, s in found if first.exported is None or s is not then]
        wanted = {s for _c, s in edited}
        learner = checked.rosters[session_id][enrollment_id]
        if len(wanted) > 1:
            other = next(c for c, s in edited if s is not edited[0][1])
            checked.problems.append(
                _(
                    "{where}: {learner} is “{one}” here and “{other}” on sheet “{sheet}”, row "
                    "{row}; left out. Make them agree and read the workbook back again."
                ).format(
                    where=_where(edited[0][0]),
                    learner=learner,
                    one=edited[0][0].label,
                    other=other.label,
                    sheet=other.sheet,
                    row=other.row,
                )
            )
            continue
        if not edited:  # as exported: the workbook says nothing new
            if now is then:
                unchanged += 1
            else:
                checked.problems.append(
                    _(
                        "{where}: {learner} was marked {now} in ILT Desk after this workbook was "
                        "exported; the workbook's older “{old}” was left out."
                    ).format(where=where, learner=learner, now=_label(now), old=first.label)
                )
            continue
        status = wanted.pop()
        if now is status:
            unchanged += 1
        elif first.exported is not None and now is not then:
            checked.problems.append(
                _(
                    "{where}: {learner} was marked {now} in ILT Desk after this workbook was "
                    "exported, and “{new}” in the workbook; left as {now}. If the workbook is "
                    "right, change the mark in the session."
                ).format(where=where, learner=learner, now=_label(now), new=edited[0][0].label)
            )
        else:
            session = checked.sessions[session_id]
            assert session is not None
            day = next(d for d in session.days if d.id == day_id)
            changes.append(
                PlannedMark(
                    session_id,
                    enrollment_id,
                    day_id,
                    learner,
                    formatting.format_date(day.start, session.timezone),
                    now.label() if now else "",
                    status.label(),
                    status,
                )
            )
    return AttendanceImportPlan(tuple(changes), unchanged, tuple(checked.problems))


def _where(cell: ReturnedMark) -> str:
    return _("sheet “{sheet}”, row {row}").format(sheet=cell.sheet, row=cell.row)


def _exported(value: str | None) -> AttendanceStatus | None:
    """The status a cell held when exported (None: blank, or the workbook does not say)."""
    try:
        return AttendanceStatus(value) if value else None
    except ValueError:
        return None


def _label(status: AttendanceStatus | None) -> str:
    return status.label() if status is not None else _("not marked")


class _PlanReader:
    """Each returned cell checked against its session, read once per session."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.sessions: dict[int, SessionRow | None] = {}
        self.rosters: dict[int, dict[int, str]] = {}
        self.marks: dict[int, dict[tuple[int, int], AttendanceStatus]] = {}
        self.problems: list[str] = []

    def _read(self, session_id: int) -> SessionRow | None:
        if session_id not in self.sessions:
            try:
                self.sessions[session_id] = scheduling.get_session(self.db, session_id)
            except NotFoundError:
                self.sessions[session_id] = None
                return None
            self.rosters[session_id] = {
                r.enrollment_id: f"{r.last_name}, {r.first_name}".strip(", ")
                for r in enrollment.roster(self.db, session_id)
                if r.status.holds_seat
            }
            self.marks[session_id] = {
                (m.enrollment_id, m.day_id): m.status
                for m in attendance.marks_for_session(self.db, session_id)
            }
        return self.sessions[session_id]

    def status_of(self, cell: ReturnedMark) -> AttendanceStatus | None:
        """The cell's status, or None with the reason added to the problems."""
        session = self._read(cell.session_id)
        where = _where(cell)
        if session is None:
            self.problems.append(
                _("{where}: the session of this sheet is not in this database.").format(where=where)
            )
            return None
        if cell.enrollment_id not in self.rosters[cell.session_id]:
            self.problems.append(
                _("{where}: {learner} is not on this session's roster; left out.").format(
                    where=where, learner=cell.learner or "?"
                )
            )
            return None
        if not any(d.id == cell.day_id for d in session.days):
            self.problems.append(
                _("{where}: a column is for a day this session does not have.").format(where=where)
            )
            return None
        status = status_from_label(cell.label)
        if status is None:
            self.problems.append(
                _("{where}: “{value}” is not an attendance status.").format(
                    where=where, value=cell.label
                )
            )
        return status


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

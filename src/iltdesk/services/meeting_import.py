"""Attendance from a Teams, Zoom, Meet or Webex report: plan (match, propose), then apply.

`plan_meeting_import` reads the report, picks the session day it belongs to (the report's date
in the session's zone; a report from no session day is refused), merges each person's joins
and leaves, and matches people to the roster: by email, then by the folded display name
("Lee, Ann (Guest)"), then as a possible match the coordinator confirms. Organisers and the
session's instructors are recognised and left out; everyone else is listed as unmatched.
Learners on the roster who are not in the report are proposed absent. `apply_meeting_plan`
records the proposals in one transaction; a cell that already has a mark keeps it unless the
caller names it in `overwrite`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from iltdesk.db.engine import Database
from iltdesk.domain import localtime
from iltdesk.domain.changes import Changes
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.meeting import MeetingRule
from iltdesk.domain.meeting import assess
from iltdesk.domain.meeting import name_keys
from iltdesk.domain.rows import RosterRow
from iltdesk.domain.rows import SessionDayRow
from iltdesk.domain.rows import SessionRow
from iltdesk.domain.rules import DEFAULT_COMPLETION_THRESHOLD
from iltdesk.domain.text import search_key
from iltdesk.errors import UserError
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.importers.meeting import MeetingReport
from iltdesk.importers.meeting import Participant
from iltdesk.importers.meeting import read_meeting_report
from iltdesk.services import attendance
from iltdesk.services import enrollment
from iltdesk.services import scheduling
from iltdesk.services import settings_store
from iltdesk.services.attendance import MarkSpec
from iltdesk.services.common import Outcome

Interval = tuple[datetime, datetime]

RULE_KEY = "meeting_rule.{course_id}"


@dataclass(frozen=True)
class ProposedMark:
    """A learner on the roster, what the report says of them, and the mark proposed."""

    enrollment_id: int
    learner_id: int
    learner: str
    email: str
    matched_by: str  # "email", "name", "confirmed", or "" (not in the report)
    shown_as: str  # the name the report shows ("" when not in it)
    minutes: int
    first_join: datetime | None
    last_leave: datetime | None
    proposed: AttendanceStatus
    existing: AttendanceStatus | None


@dataclass(frozen=True)
class ReportPerson:
    """Someone in the report the roster does not (surely) hold: their time and mark."""

    name: str
    email: str
    minutes: int
    first_join: datetime | None
    proposed: AttendanceStatus
    intervals: tuple[Interval, ...]
    # For a possible match: the learners it may be, as (enrollment id, name).
    candidates: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class MeetingPlan:
    """What importing the report would do, for the review grid and `--dry-run`."""

    session_id: int
    course_id: int  # whose rule proposed the marks
    platform: str
    title: str
    file_name: str
    zone: str
    day: SessionDayRow
    day_number: int
    report_date: date
    rule: MeetingRule
    matched: tuple[ProposedMark, ...]
    not_in_report: tuple[ProposedMark, ...]
    possible: tuple[ReportPerson, ...]
    unmatched: tuple[ReportPerson, ...]
    left_out: tuple[str, ...]  # organisers and instructors, by name
    title_warning: str = ""  # the report names another meeting: ask before applying


def meeting_rule(db: Database, course_id: int) -> MeetingRule:
    """The course's rule for turning meeting minutes into marks (the defaults if none)."""
    return MeetingRule.from_json(
        settings_store.get_setting(db, RULE_KEY.format(course_id=course_id))
    )


def set_meeting_rule(db: Database, course_id: int, rule: MeetingRule) -> Outcome[None]:
    """Remember the rule for the course's next imports."""
    if not 0 <= rule.absent_below_percent <= rule.present_percent <= 100:
        raise ValidationError(
            _("The rule needs 0 ≤ absent below ≤ present from ≤ 100 (percent of the day).")
        )
    return settings_store.set_setting(db, RULE_KEY.format(course_id=course_id), rule.to_json())


def plan_meeting_import(
    db: Database,
    session_id: int,
    path: Path,
    *,
    day_number: int | None = None,
    zone: str | None = None,
    rule: MeetingRule | None = None,
) -> MeetingPlan:
    """Read the report and propose a mark per learner for the day it belongs to."""
    session = scheduling.get_session(db, session_id)
    zone_name = zone or session.timezone
    tz = localtime.zone(zone_name)
    day_dates = [d.start.astimezone(ZoneInfo(session.timezone)).date() for d in session.days]
    wanted_days = (
        [day_dates[day_number - 1]]
        if day_number is not None and 1 <= day_number <= len(day_dates)
        else day_dates
    )
    report = read_meeting_report(path, prefer_dates=wanted_days)
    people = [_placed(p, tz) for p in report.participants]
    report_date = _report_date(report, people, session.timezone)
    index = _choose_day(session, day_dates, report_date, day_number)
    day = session.days[index]
    rule = rule or meeting_rule(db, session.course_id)
    roster = [r for r in enrollment.roster(db, session_id) if r.status in SEAT_HOLDING]
    marks = {
        m.enrollment_id: m.status
        for m in attendance.marks_for_session(db, session_id)
        if m.day_id == day.id
    }
    teachers = _instructor_keys(db, session)
    left_out: list[str] = []
    by_email = {r.email.casefold(): r for r in roster if r.email}
    by_name: dict[str, list[int]] = defaultdict(list)
    for r in roster:
        for key in {search_key(r.first_name, r.last_name), search_key(r.last_name, r.first_name)}:
            by_name[key].append(r.enrollment_id)
    rows = {r.enrollment_id: r for r in roster}
    found: dict[int, list[Interval]] = defaultdict(list)
    how: dict[int, tuple[str, str]] = {}
    possible: list[ReportPerson] = []
    unmatched: list[ReportPerson] = []
    for person, intervals in people:
        keys = name_keys(person.name)
        if person.is_organiser or person.email.casefold() in teachers or keys & teachers:
            left_out.append(person.name or person.email)
            continue
        chosen = by_email.get(person.email.casefold()) if person.email else None
        method = "email"
        if chosen is None:
            named = {eid for key in keys for eid in by_name.get(key, ())}
            if len(named) == 1:
                chosen, method = rows[named.pop()], "name"
        if chosen is not None:
            found[chosen.enrollment_id].extend(intervals)
            how.setdefault(chosen.enrollment_id, (method, person.name))
            continue
        seen = assess(intervals, day.start, day.end, rule)
        candidates = _candidates(keys, roster)
        entry = ReportPerson(
            person.name,
            person.email,
            seen.minutes,
            seen.first_join,
            seen.proposed,
            tuple(intervals),
            tuple((r.enrollment_id, f"{r.first_name} {r.last_name}".strip()) for r in candidates),
        )
        (possible if candidates else unmatched).append(entry)
    matched: list[ProposedMark] = []
    missing: list[ProposedMark] = []
    for r in roster:
        seen = assess(found.get(r.enrollment_id, ()), day.start, day.end, rule)
        method, shown = how.get(r.enrollment_id, ("", ""))
        mark = ProposedMark(
            r.enrollment_id,
            r.learner_id,
            f"{r.first_name} {r.last_name}".strip(),
            r.email,
            method,
            shown,
            seen.minutes,
            seen.first_join,
            seen.last_leave,
            seen.proposed,
            marks.get(r.enrollment_id),
        )
        (matched if method else missing).append(mark)
    if not matched and not possible:
        raise UserError(
            _(
                "Nobody in {name} matches a learner on this session's roster (by email or "
                "name). Check that it is the report of this session's meeting."
            ).format(name=path.name)
        )
    return MeetingPlan(
        session_id=session_id,
        course_id=session.course_id,
        platform=report.platform,
        title=report.title,
        file_name=path.name,
        zone=zone_name,
        day=day,
        day_number=index + 1,
        report_date=report_date,
        rule=rule,
        matched=tuple(matched),
        not_in_report=tuple(missing),
        possible=tuple(possible),
        unmatched=tuple(unmatched),
        left_out=tuple(left_out),
        title_warning=_title_warning(report, session),
    )


def apply_meeting_plan(
    db: Database,
    plan: MeetingPlan,
    *,
    overwrite: Collection[int] = (),
    confirmed: Mapping[str, int] | None = None,
    include_missing: bool = True,
    default_threshold: int = DEFAULT_COMPLETION_THRESHOLD,
) -> Outcome[list[MarkSpec]]:
    """Record the proposed marks in one transaction; returns the marks recorded.

    A learner whose cell already holds a mark keeps it unless their enrollment id is in
    `overwrite`. `confirmed` maps a possible match (by the name the report shows) to the
    enrollment the coordinator chose for it.
    """
    marks: dict[int, MarkSpec] = {}
    existing = {m.enrollment_id: m.existing for m in (*plan.matched, *plan.not_in_report)}
    chosen_people = [
        (confirmed[p.name], p) for p in plan.possible if confirmed and p.name in confirmed
    ]
    proposals = list(plan.matched) + (list(plan.not_in_report) if include_missing else [])
    for proposal in proposals:
        marks[proposal.enrollment_id] = _spec(
            proposal.enrollment_id, plan.day.id, proposal.proposed, proposal.minutes
        )
    for enrollment_id, person in chosen_people:
        marks[enrollment_id] = _spec(enrollment_id, plan.day.id, person.proposed, person.minutes)
    chosen = [m for eid, m in marks.items() if existing.get(eid) is None or eid in overwrite]
    if not chosen:
        return Outcome([], Changes())
    outcome = attendance.record_marks(
        db, plan.session_id, chosen, default_threshold=default_threshold
    )
    return Outcome(chosen, outcome.changes)


def _spec(enrollment_id: int, day_id: int, status: AttendanceStatus, minutes: int) -> MarkSpec:
    partial = status in (AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)
    return MarkSpec(enrollment_id, day_id, status, minutes if partial else None)


def _placed(person: Participant, tz: ZoneInfo) -> tuple[Participant, list[Interval]]:
    """The person's intervals as UTC instants (wall times read in the report's zone)."""

    def instant(value: datetime) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        return value.astimezone(UTC)

    return person, [(instant(a), instant(b)) for a, b in person.intervals]


def _report_date(
    report: MeetingReport, people: list[tuple[Participant, list[Interval]]], zone_name: str
) -> date:
    counts: dict[date, int] = defaultdict(int)
    tz = ZoneInfo(zone_name)
    for _person, intervals in people:
        for start, _end in intervals:
            counts[start.astimezone(tz).date()] += 1
    if counts:
        return max(counts, key=lambda d: counts[d])
    if report.start is not None:
        return report.start.date()
    raise UserError(
        _("{name} has no join times, so its date is unknown.").format(name=report.file_name)
    )


def _choose_day(
    session: SessionRow, day_dates: list[date], report_date: date, day_number: int | None
) -> int:
    if day_number is not None:
        if not 1 <= day_number <= len(session.days):
            raise ValidationError(
                _("This session has {count} day(s); there is no day {day}.").format(
                    count=len(session.days), day=day_number
                )
            )
        if day_dates[day_number - 1] != report_date:
            raise ValidationError(
                _(
                    "The report is from {date}, but day {day} of this session is {day_date}. "
                    "Choose the day the meeting took place, or the right report."
                ).format(
                    date=report_date.isoformat(),
                    day=day_number,
                    day_date=day_dates[day_number - 1].isoformat(),
                )
            )
        return day_number - 1
    if report_date not in day_dates:
        raise ValidationError(
            _(
                "The report is from {date}, and this session has no day then (its days: "
                "{days}). It may be the report of another meeting."
            ).format(date=report_date.isoformat(), days=", ".join(d.isoformat() for d in day_dates))
        )
    return day_dates.index(report_date)


def _instructor_keys(db: Database, session: SessionRow) -> set[str]:
    """Emails and folded names of the session's instructors (they are not learners here)."""
    from iltdesk.services import people

    ids = {i.instructor_id for i in session.instructors}
    keys: set[str] = set()
    for instructor in people.list_instructors(db):
        if instructor.id in ids:
            keys |= name_keys(instructor.name)
            if instructor.email:
                keys.add(instructor.email.casefold())
    return keys


def _candidates(keys: set[str], roster: list[RosterRow]) -> list[RosterRow]:
    """Learners a renamed participant may be: same first name and a matching last initial."""
    found = []
    for key in keys:
        words = key.split()
        if not words:
            continue
        for r in roster:
            first, last = search_key(r.first_name), search_key(r.last_name)
            same_first = words[0] == first and (len(words) == 1 or last.startswith(words[-1][0]))
            same_last = len(words) > 1 and words[-1] == last and first.startswith(words[0][0])
            if same_first or same_last:
                found.append(r)
    unique = {r.enrollment_id: r for r in found}
    return list(unique.values())


def _title_warning(report: MeetingReport, session: SessionRow) -> str:
    if not report.title:
        return ""
    title = search_key(report.title)
    if search_key(session.course_title) in title or search_key(session.course_code) in title:
        return ""
    return _(
        "The report is of the meeting “{meeting}”, which does not name this session's course "
        "({course}). Import it anyway?"
    ).format(meeting=report.title, course=session.course_title)

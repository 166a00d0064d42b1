"""Reading meeting attendance reports from Teams, Zoom, Google Meet and Webex.

Each platform writes its own layout, and each as the organiser's locale prints dates:

- **Microsoft Teams**, the attendance report as downloaded: UTF-16 with a BOM, tab-separated,
  in sections ("1. Summary", "2. Participants" with first join and last leave, "3. In-Meeting
  Activities" with every join and leave); the `.xlsx` variant holds the same rows; the older
  report lists "Full Name / User Action / Timestamp" events ("Joined", "Left").
- **Zoom** participant report: CSV, with or without the meeting-details block ("Meeting ID",
  "Topic", "Start Time"…) above the participant header ("Name (Original Name)", "User Email",
  "Join Time", "Leave Time", "Duration (Minutes)", "Guest"), one row per join.
- **Google Meet** attendance: "First name", "Last name" (or "Name"), "Email", "Duration",
  "Time joined", "Time exited".
- **Webex** attendees: "Attendee Name"/"Name", "Attendee Email"/"Email", "Join Time", "Leave
  Time", "Attendance Duration"/"Duration".

Times are returned as the report writes them (wall-clock, no zone): the caller places them in
the zone the report was written in. Dates are read in whichever of the US ("3/14/27, 9:02:11
AM"), European ("14.03.2027 09:02:11", "14/03/2027 09:02") or ISO forms parses every value of
the file; when two forms both do, the one putting the meeting on `prefer_dates` wins.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from iltdesk.errors import UnreadableFileError
from iltdesk.i18n import _
from iltdesk.importers.meeting_times import WHITESPACE
from iltdesk.importers.meeting_times import TimeReader
from iltdesk.importers.meeting_times import parse_duration
from iltdesk.importers.reading import SourceFile
from iltdesk.importers.reading import read_file


@dataclass(frozen=True)
class Participant:
    """One person in a report: how they were shown, their email, role, and every interval."""

    name: str
    email: str
    role: str = ""  # as the report says: "Organizer", "Presenter", "Attendee", "Host"…
    guest: bool = False
    intervals: tuple[tuple[datetime, datetime], ...] = ()
    line: int = 0  # the first line of the file that names them (1-based)

    @property
    def is_organiser(self) -> bool:
        return self.role.casefold() in ("organizer", "organiser", "host", "co-host")


@dataclass(frozen=True)
class MeetingReport:
    """What a meeting report says: the platform, the meeting, and who was there when."""

    platform: str  # "teams", "zoom", "meet", "webex"
    title: str
    start: datetime | None
    end: datetime | None
    participants: tuple[Participant, ...]
    file_name: str = ""

    @property
    def dates(self) -> list[date]:
        """The calendar dates people joined on, most joins first."""
        counts: dict[date, int] = defaultdict(int)
        for person in self.participants:
            for start, _end in person.intervals:
                counts[start.date()] += 1
        if not counts and self.start is not None:
            return [self.start.date()]
        return sorted(counts, key=lambda d: -counts[d])


# Column headings, folded, by what they hold.
_NAME = (
    "name",
    "full name",
    "name (original name)",
    "attendee name",
    "participant",
    "display name",
)
_FIRST = ("first name",)
_LAST = ("last name", "surname")
_EMAIL = ("email", "e-mail", "user email", "attendee email", "email address", "participant email")
_UPN = ("participant id (upn)",)
_JOIN = ("join time", "first join", "time joined", "joined", "join", "joined at", "first joined")
_LEAVE = ("leave time", "last leave", "time exited", "left", "leave", "left at", "last left")
_DURATION = (
    "duration",
    "duration (minutes)",
    "in-meeting duration",
    "attendance duration",
    "duration (mins)",
    "time in meeting",
)
_ROLE = ("role",)
_GUEST = ("guest",)


def _fold(value: object) -> str:
    return WHITESPACE.sub(" ", str(value or "")).strip().casefold()


def _cell(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return WHITESPACE.sub(" ", str(value if value is not None else "")).strip()


@dataclass
class _Table:
    header_line: int
    columns: dict[str, int]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def _columns(header: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, heading in enumerate(header):
        key = _fold(heading)
        for kind, names in (
            ("name", _NAME),
            ("first", _FIRST),
            ("last", _LAST),
            ("email", _EMAIL),
            ("upn", _UPN),
            ("join", _JOIN),
            ("leave", _LEAVE),
            ("duration", _DURATION),
            ("role", _ROLE),
            ("guest", _GUEST),
        ):
            if key in names and kind not in found:
                found[kind] = index
    return found


def _is_header(columns: dict[str, int]) -> bool:
    has_name = "name" in columns or "first" in columns
    return has_name and ("join" in columns or "duration" in columns)


def read_meeting_report(path: Path, *, prefer_dates: Sequence[date] = ()) -> MeetingReport:
    """The report at `path`, or an `UnreadableFileError` naming what (and where) is wrong."""
    lines = _lines(read_file(path))
    if not _tables(lines) and path.suffix.casefold() not in (".xlsx", ".xls"):
        # The delimiter sniffed from the first lines can mislead: Teams' dates hold commas
        # ("3/15/27, 9:02 AM") in a tab-separated file. Take the one that finds a header.
        for delimiter in ("\t", ",", ";"):
            tried = _lines(read_file(path, delimiter=delimiter))
            if _tables(tried):
                lines = tried
                break
    folded = [[_fold(c) for c in row] for row in lines]
    if any(
        {"user action", "timestamp"} <= set(row) and ("full name" in row or "name" in row)
        for row in folded
    ):
        return _teams_events(path, lines, folded, prefer_dates)
    tables = _tables(lines)
    if not tables:
        raise UnreadableFileError(
            _(
                "{name} is not a meeting attendance report ILT Desk knows: no line names the "
                "participants with their join times or durations. Download the attendance "
                "report from Teams, Zoom, Google Meet or Webex and import that file."
            ).format(name=path.name)
        )
    platform = _platform(folded, tables)
    # Teams: the in-meeting activities (every join) say more than first join / last leave.
    table = max(tables, key=lambda t: ("leave" in t.columns and "join" in t.columns, len(t.rows)))
    title, start, end = _details(lines, folded)
    texts = [v for v in (start, end) if v] + [
        row[table.columns[k]]
        for _line, row in table.rows
        for k in ("join", "leave")
        if k in table.columns and table.columns[k] < len(row) and row[table.columns[k]]
    ]
    reader = TimeReader.for_values(texts, path.name, prefer_dates)
    participants = _participants(table, reader, path.name)
    if table.rows and not participants:
        raise UnreadableFileError(
            _("{name} lists no participants with times ILT Desk can read.").format(name=path.name)
        )
    return MeetingReport(
        platform,
        title,
        reader.read(start) if start else None,
        reader.read(end) if end else None,
        tuple(participants),
        path.name,
    )


def _lines(source: SourceFile) -> list[list[str]]:
    lines: list[list[str]] = []
    for sheet in source.sheets:  # Teams' workbook: one sheet per section
        lines.extend([_cell(c) for c in row] for row in sheet.rows)
    return lines


def _tables(lines: list[list[str]]) -> list[_Table]:
    tables: list[_Table] = []
    current: _Table | None = None
    for number, row in enumerate(lines, start=1):
        columns = _columns(row)
        if _is_header(columns):
            current = _Table(number, columns)
            tables.append(current)
            continue
        if current is None:
            continue
        if not any(row) or re.match(r"^\d+\.\s", row[0] if row else ""):
            current = None  # a blank line or the next section ends the table
            continue
        current.rows.append((number, row))
    return [t for t in tables if t.rows]


def _platform(folded: list[list[str]], tables: list[_Table]) -> str:
    cells = {c for row in folded for c in row}
    if cells & {"1. summary", "participant id (upn)", "in-meeting duration", "first join"}:
        return "teams"
    if cells & {"name (original name)", "duration (minutes)"} or {"meeting id", "topic"} <= cells:
        return "zoom"
    if cells & {"time joined", "time exited"}:
        return "meet"
    if cells & {"attendee email", "attendee name", "attendance duration", "meeting name"}:
        return "webex"
    return "teams" if any("role" in t.columns for t in tables) else "zoom"


def _details(lines: list[list[str]], folded: list[list[str]]) -> tuple[str, str, str]:
    """The meeting's title, start and end as written (empty when the report has none)."""
    found: dict[str, str] = {}
    for number, row in enumerate(folded):
        # Key and value side by side (Teams' summary)…
        if len(row) >= 2 and row[0] in _DETAIL_KEYS and lines[number][1]:
            found.setdefault(_DETAIL_KEYS[row[0]], lines[number][1])
        # …or a header line with the values on the next line (Zoom's details block).
        elif {"topic", "start time"} <= set(row) and number + 1 < len(lines):
            values = lines[number + 1]
            for index, key in enumerate(row):
                if key in _DETAIL_KEYS and index < len(values):
                    found.setdefault(_DETAIL_KEYS[key], values[index])
    return found.get("title", ""), found.get("start", ""), found.get("end", "")


_DETAIL_KEYS = {
    "meeting title": "title",
    "title": "title",
    "topic": "title",
    "meeting name": "title",
    "start time": "start",
    "meeting start time": "start",
    "end time": "end",
    "meeting end time": "end",
}


def _participants(table: _Table, reader: TimeReader, file_name: str) -> list[Participant]:
    columns = table.columns
    found: dict[str, Participant] = {}  # in the order the report first names them
    spans: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)

    def value(row: list[str], kind: str) -> str:
        index = columns.get(kind)
        return row[index] if index is not None and index < len(row) else ""

    for number, row in table.rows:
        name = value(row, "name") or " ".join(
            p for p in (value(row, "first"), value(row, "last")) if p
        )
        email = value(row, "email") or value(row, "upn")
        if not name and not email:
            continue
        if "@" not in email:
            email = ""
        join_text, leave_text = value(row, "join"), value(row, "leave")
        duration_text = value(row, "duration")
        if join_text:
            joined = reader.read(join_text, line=number)
            if leave_text:
                left = reader.read(leave_text, line=number)
            elif duration_text:
                left = joined + timedelta(seconds=parse_duration(duration_text, file_name, number))
            else:
                left = joined
        else:
            raise UnreadableFileError(
                _(
                    "Line {line} of {name} has no join time for {who}, so their minutes "
                    "cannot be placed on the session's day."
                ).format(line=number, name=file_name, who=name or email)
            )
        if left < joined:
            raise UnreadableFileError(
                _("Line {line} of {name}: {who} leaves ({left}) before joining ({joined}).").format(
                    line=number, name=file_name, who=name or email, left=left, joined=joined
                )
            )
        key = email.casefold() or _fold(name)
        guest = _fold(value(row, "guest")) in ("yes", "ja", "true", "1")
        guest = guest or "(guest)" in _fold(name)
        known = found.get(key)
        if known is None:
            found[key] = Participant(name, email, value(row, "role"), guest, line=number)
        elif guest and not known.guest:
            found[key] = replace(known, guest=True)
        spans[key].append((joined, left))
    return [replace(person, intervals=tuple(spans[key])) for key, person in found.items()]


def _teams_events(
    path: Path, lines: list[list[str]], folded: list[list[str]], prefer_dates: Sequence[date]
) -> MeetingReport:
    """The older Teams report: one line per "Joined" / "Left" event."""
    header = next(i for i, row in enumerate(folded) if "user action" in row)
    columns = {name: folded[header].index(name) for name in folded[header] if name}
    name_at = columns.get("full name", columns.get("name", 0))
    action_at, time_at = columns["user action"], columns["timestamp"]
    events = [
        (number, row)
        for number, row in enumerate(lines[header + 1 :], start=header + 2)
        if len(row) > max(name_at, action_at, time_at) and row[name_at]
    ]
    reader = TimeReader.for_values([row[time_at] for _n, row in events], path.name, prefer_dates)
    open_since: dict[str, datetime] = {}
    spans: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    first_line: dict[str, int] = {}
    last_seen: datetime | None = None
    for number, row in events:
        name, action = row[name_at], _fold(row[action_at])
        at = reader.read(row[time_at], line=number)
        last_seen = at if last_seen is None or at > last_seen else last_seen
        first_line.setdefault(name, number)
        if action.startswith("join"):  # "Joined", "Joined before"
            open_since.setdefault(name, at)
        elif action.startswith("left") and name in open_since:
            spans[name].append((open_since.pop(name), at))
    for name, since in open_since.items():  # still there when the report was taken
        spans[name].append((since, max(since, last_seen or since)))
    people = tuple(
        Participant(name=name, email="", intervals=tuple(spans[name]), line=first_line[name])
        for name in first_line
    )
    return MeetingReport("teams", "", None, None, people, path.name)

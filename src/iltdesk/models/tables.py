"""The small tables: courses, sessions, instructors, rooms, roster (sorted by a proxy)."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

from iltdesk import formatting
from iltdesk.domain.lifecycle import phase
from iltdesk.domain.rows import CourseRow
from iltdesk.domain.rows import InstructorRow
from iltdesk.domain.rows import RoomRow
from iltdesk.domain.rows import RosterRow
from iltdesk.domain.rows import SessionRow
from iltdesk.i18n import _
from iltdesk.i18n import archived_label
from iltdesk.i18n import ngettext
from iltdesk.models.base import Column
from iltdesk.models.base import RowTableModel


class CoursesTableModel(RowTableModel[CourseRow]):
    """The course catalogue."""

    CODE, TITLE, FORMAT, DURATION = range(4)
    columns = (
        Column(
            lambda: _("Code"), lambda r: archived_label(r.code, r.archived), sort=lambda r: r.code
        ),
        Column(lambda: _("Title"), lambda r: r.title),
        Column(lambda: _("Format"), lambda r: r.delivery_format.label()),
        Column(
            lambda: _("Duration"),
            lambda r: _("{minutes} min").format(
                minutes=formatting.format_number(r.default_minutes)
            ),
            sort=lambda r: r.default_minutes,
            align_right=True,
        ),
    )


def _session_when(row: SessionRow) -> str:
    if row.first_start is None:
        return ""
    first = row.days[0]
    text = formatting.format_span(first.start, first.end, row.timezone)
    if len(row.days) > 1:
        extra = len(row.days) - 1
        text += " " + ngettext("(+{n} day)", "(+{n} days)", extra).format(n=extra)
    return text


def _session_phase(row: SessionRow) -> str:
    """The status as the clock sees it (a confirmed session that has begun is running)."""
    return phase(row.status, row.first_start, row.last_end, datetime.now(UTC)).label()


def _session_place(row: SessionRow) -> str:
    return row.room_name or (row.mode.label() if not row.room_id else "")


class SessionsTableModel(RowTableModel[SessionRow]):
    """Sessions: when, course, mode, place, status and seats."""

    WHEN, COURSE, COHORT, PLACE, STATUS, SEATS, WAITLIST = range(7)
    columns = (
        Column(lambda: _("When"), _session_when, sort=lambda r: r.first_start),
        Column(lambda: _("Course"), lambda r: f"{r.course_code} — {r.course_title}"),
        Column(lambda: _("Cohort"), lambda r: r.cohort),
        Column(lambda: _("Room or link"), _session_place, tooltip=lambda r: r.meeting_link),
        Column(
            lambda: _("Status"),
            _session_phase,
            tooltip=lambda r: phase(r.status, r.first_start, r.last_end, datetime.now(UTC)).hint(),
        ),
        Column(
            lambda: _("Seats"),
            lambda r: f"{r.enrolled} / {r.capacity}",
            sort=lambda r: r.enrolled,
            align_right=True,
        ),
        Column(
            lambda: _("Waitlist"),
            lambda r: str(r.waitlisted) if r.waitlisted else "",
            sort=lambda r: r.waitlisted,
            align_right=True,
        ),
    )


class InstructorsTableModel(RowTableModel[InstructorRow]):
    """The instructor bench."""

    NAME, EMAIL, PHONE, EXTERNAL = range(4)
    columns = (
        Column(
            lambda: _("Name"), lambda r: archived_label(r.name, r.archived), sort=lambda r: r.name
        ),
        Column(lambda: _("Email"), lambda r: r.email),
        Column(lambda: _("Phone"), lambda r: r.phone),
        Column(lambda: _("External"), lambda r: _("Yes") if r.external else ""),
    )


class RoomsTableModel(RowTableModel[RoomRow]):
    """Rooms with capacity and zone."""

    NAME, ADDRESS, CAPACITY, ZONE = range(4)
    columns = (
        Column(
            lambda: _("Name"), lambda r: archived_label(r.name, r.archived), sort=lambda r: r.name
        ),
        Column(lambda: _("Address"), lambda r: r.address),
        Column(
            lambda: _("Capacity"),
            lambda r: formatting.format_number(r.capacity),
            sort=lambda r: r.capacity,
            align_right=True,
        ),
        Column(lambda: _("Time zone"), lambda r: r.timezone),
    )


class RosterTableModel(RowTableModel[RosterRow]):
    """A session's roster: name, email, department and status."""

    NAME, EMAIL, DEPARTMENT, STATUS, SOURCE, PREWORK = range(6)
    columns = (
        Column(
            lambda: _("Name"),
            lambda r: f"{r.last_name}, {r.first_name}" if r.last_name else r.first_name,
            sort=lambda r: (r.last_name.casefold(), r.first_name.casefold()),
        ),
        Column(lambda: _("Email"), lambda r: r.email),
        Column(lambda: _("Department"), lambda r: r.department),
        Column(
            lambda: _("Status"),
            lambda r: (
                _("Waitlist #{n}").format(n=r.waitlist_position)
                if r.waitlist_position
                else r.status.label()
            ),
            tooltip=lambda r: r.cancel_reason,
        ),
        Column(lambda: _("Source"), lambda r: r.source.label()),
        Column(
            lambda: _("Pre-work"),
            lambda r: "✓" if r.prework_done else "",
            tooltip=lambda r: (
                _("Done on {date}").format(date=formatting.format_date(r.prework_done_at, "UTC"))
                if r.prework_done and r.prework_done_at
                else ""
            ),
            sort=lambda r: (r.prework_done, r.prework_done_at or datetime.min.replace(tzinfo=UTC)),
        ),
    )

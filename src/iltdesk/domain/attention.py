"""What the home dashboard's "Needs attention" list holds, and the limits that decide it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from enum import StrEnum

GO_NO_GO_DAYS = 7  # decide whether a small session runs this many days before its first day
DECIDE_AHEAD_DAYS = 14  # list sessions below their minimum this long before the decision
WAITLIST_PRESSURE = 3  # this many waiting suggests opening another session of the course
CERTIFICATE_WINDOW_DAYS = 45  # completed sessions this recent are checked for certificates
EXPIRY_WINDOW_DAYS = 60  # certificates expiring this soon are listed
UPCOMING_DAYS = 60  # upcoming sessions this soon are checked for missing people and places


def go_no_go_date(
    first_date: date, min_size: int, places: int, today: date, chosen: date | None = None
) -> date | None:
    """When to decide whether a session below its minimum runs.

    None unless the session is below its minimum and the decision is near (within
    `DECIDE_AHEAD_DAYS`) or past.
    """
    if not min_size or places >= min_size or first_date <= today:
        return None
    decide = chosen or first_date - timedelta(days=GO_NO_GO_DAYS)
    return decide if decide <= today + timedelta(days=DECIDE_AHEAD_DAYS) else None


class AttentionKind(StrEnum):
    """Why an item is on the list; each kind is one query."""

    ATTENDANCE = "attendance"  # ended, marks missing
    NOT_COMPLETED = "not_completed"  # ended, every mark taken, not completed and locked
    BELOW_MINIMUM = "below_minimum"
    WAITLIST = "waitlist"
    CERTIFICATES = "certificates"  # completed learners without certificates, or unsent ones
    OUTBOX = "outbox"
    MISSING = "missing"  # no lead instructor, room or meeting link
    INSTRUCTOR_CLASH = "instructor_clash"
    ROOM_CLASH = "room_clash"
    EXPIRING = "expiring"


class Target(StrEnum):
    """Where an item's link leads."""

    SESSION = "session"  # the session's window
    ATTENDANCE = "attendance"  # the session's window, on its attendance grid
    DUPLICATE = "duplicate"  # a new session like this one
    CERTIFICATES = "certificates"  # the session's certificates dialog
    OUTBOX = "outbox"  # the Outbox screen
    COURSE_SESSIONS = "course_sessions"  # the sessions list filtered by a course


@dataclass(frozen=True)
class AttentionItem:
    """One line of "Needs attention": a sentence, and where its link leads."""

    kind: AttentionKind
    text: str
    target: Target
    target_id: int | None = None

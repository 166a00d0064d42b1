"""Attendance from a meeting report: join/leave intervals merged, clipped, and turned into a mark.

A participant may join, drop, rejoin, or be connected twice (phone and laptop) at once: their
intervals are merged so every minute counts once, then clipped to the day's scheduled time
(joining early or staying late adds nothing). The proposed mark follows the course's rule:
present at 80% of the scheduled minutes or more, late when the first join came more than 10
minutes after the start, left early when the last leave came more than 10 minutes before the
end, absent below 25% (all four numbers set per course).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.text import search_key

Interval = tuple[datetime, datetime]


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of `intervals`, as disjoint intervals in order (empty ones dropped)."""
    ordered = sorted((start, end) for start, end in intervals if end > start)
    merged: list[Interval] = []
    for start, end in ordered:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def clip(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The parts of `intervals` that fall within [start, end]."""
    return [(max(a, start), min(b, end)) for a, b in intervals if min(b, end) > max(a, start)]


def attended_seconds(intervals: Iterable[Interval], start: datetime, end: datetime) -> int:
    """Seconds present within [start, end], each counted once."""
    within = clip(merge_intervals(intervals), start, end)
    return int(sum((b - a).total_seconds() for a, b in within))


@dataclass(frozen=True)
class MeetingRule:
    """How minutes in a meeting become a mark (set per course; these are the defaults)."""

    present_percent: int = 80
    late_after_minutes: int = 10
    early_before_minutes: int = 10
    absent_below_percent: int = 25

    def to_json(self) -> dict[str, int]:
        return {
            "present_percent": self.present_percent,
            "late_after_minutes": self.late_after_minutes,
            "early_before_minutes": self.early_before_minutes,
            "absent_below_percent": self.absent_below_percent,
        }

    @classmethod
    def from_json(cls, data: object) -> MeetingRule:
        if not isinstance(data, dict):
            return cls()
        defaults = cls()
        values = {
            key: int(data.get(key, getattr(defaults, key)))
            for key in defaults.to_json()
            if isinstance(data.get(key, 0), int)
        }
        return cls(**values)


@dataclass(frozen=True)
class DayAttendance:
    """One participant's time on one session day, and the mark the rule proposes."""

    minutes: int
    first_join: datetime | None
    last_leave: datetime | None
    proposed: AttendanceStatus


def assess(
    intervals: Iterable[Interval], start: datetime, end: datetime, rule: MeetingRule
) -> DayAttendance:
    """Minutes within the day's scheduled time, and the mark `rule` proposes for them."""
    within = clip(merge_intervals(intervals), start, end)
    seconds = sum((b - a).total_seconds() for a, b in within)
    scheduled = (end - start).total_seconds()
    minutes = int(seconds // 60)
    if not within or scheduled <= 0:
        return DayAttendance(0, None, None, AttendanceStatus.ABSENT)
    first, last = within[0][0], within[-1][1]
    share = 100 * seconds / scheduled
    late = first > start + timedelta(minutes=rule.late_after_minutes)
    early = last < end - timedelta(minutes=rule.early_before_minutes)
    if share < rule.absent_below_percent:
        proposed = AttendanceStatus.ABSENT
    elif share >= rule.present_percent and not late and not early:
        proposed = AttendanceStatus.PRESENT
    elif late:
        proposed = AttendanceStatus.LATE
    else:  # left early, or dropped out for long enough in between
        proposed = AttendanceStatus.LEFT_EARLY
    return DayAttendance(minutes, first, last, proposed)


_TAGS = re.compile(
    r"\((?:guest|gast|external|extern|unverified|nicht überprüft|invité|host|co-host|me)\)",
    re.IGNORECASE,
)


def name_keys(display: str) -> set[str]:
    """The folded forms a participant's display name may match a learner by.

    "Lee, Ann (Guest)" → "ann lee" (and "lee ann"); Zoom's "Annie L (Ann Lee)" → both the
    shown name and the original in brackets.
    """
    text = _TAGS.sub(" ", display)
    forms = [text]
    bracket = re.search(r"\(([^()]+)\)\s*$", text)
    if bracket:
        forms = [text[: bracket.start()], bracket.group(1)]
    keys: set[str] = set()
    for form in forms:
        if "," in form:
            last, _, first = form.partition(",")
            form = f"{first} {last}"
        key = search_key(form)
        if key:
            keys.add(key)
            words = key.split()
            if len(words) > 1:
                keys.add(" ".join([*words[1:], words[0]]))
    return keys

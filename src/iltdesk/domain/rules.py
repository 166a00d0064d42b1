"""Pure rules: time intervals and clashes, seats and waitlists, completion.

Instants are timezone-aware UTC datetimes; comparing instants (never wall-clock times) is what
makes a New York session and a London session clash correctly across daylight-saving changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import EnrollmentStatus

DEFAULT_COMPLETION_THRESHOLD = 80  # percent of scheduled minutes


@dataclass(frozen=True)
class Interval:
    """A half-open span of time `[start, end)` between two aware instants."""

    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def overlaps(self, other: Interval) -> bool:
        """Whether the two spans share any instant; touching end-to-start is no overlap."""
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class DayMark:
    """One attendance mark as the completion rule sees it."""

    status: AttendanceStatus
    scheduled_minutes: int
    minutes_attended: int | None


def attended_minutes(mark: DayMark) -> int:
    """Minutes that count towards completion for one mark.

    Present counts the whole day; late and left early count the minutes recorded (the whole
    day when none were recorded); absent and excused count nothing.
    """
    if mark.status is AttendanceStatus.PRESENT:
        return mark.scheduled_minutes
    if mark.status in (AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY):
        if mark.minutes_attended is None:
            return mark.scheduled_minutes
        return max(0, min(mark.minutes_attended, mark.scheduled_minutes))
    return 0


def completion_status(
    marks: list[DayMark], day_count: int, threshold_percent: int
) -> EnrollmentStatus:
    """The outcome for a learner once every day of the session is marked.

    Completed when attended minutes reach `threshold_percent` of the scheduled minutes
    (exactly at the threshold counts); no-show when nothing was attended and no day was
    excused; incomplete otherwise. Until every day has a mark the learner stays enrolled.
    """
    if len(marks) < day_count or day_count == 0:
        return EnrollmentStatus.ENROLLED
    scheduled = sum(m.scheduled_minutes for m in marks)
    attended = sum(attended_minutes(m) for m in marks)
    if scheduled > 0 and attended * 100 >= threshold_percent * scheduled:
        return EnrollmentStatus.COMPLETED
    if attended == 0 and not any(m.status is AttendanceStatus.EXCUSED for m in marks):
        return EnrollmentStatus.NO_SHOW
    return EnrollmentStatus.INCOMPLETE


def free_seats(capacity: int, seats_taken: int) -> int:
    """Seats still free (never below zero: a walk-in past capacity leaves none)."""
    return max(0, capacity - seats_taken)

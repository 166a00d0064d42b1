"""The demo's history: sessions, places, marks and costs (certificates and mail: demo_aftermath).

Two and a half years of it, with a few things left for the dashboard to point at.
"""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from iltdesk.db.entities import Attendance
from iltdesk.db.entities import CostLine
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import InstructorQualification
from iltdesk.db.entities import Learner
from iltdesk.db.entities import Room
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import SessionInstructor
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.costs import line_total
from iltdesk.domain.enums import AttendanceStatus
from iltdesk.domain.enums import CancelCause
from iltdesk.domain.enums import CostBasis
from iltdesk.domain.enums import CostCategory
from iltdesk.domain.enums import DeliveryFormat
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import EnrollmentSource
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.enums import InstructorRole
from iltdesk.domain.enums import SessionStatus
from iltdesk.domain.rules import DEFAULT_COMPLETION_THRESHOLD
from iltdesk.domain.rules import DayMark
from iltdesk.domain.rules import attended_minutes
from iltdesk.domain.rules import completion_status
from iltdesk.i18n import _
from iltdesk.services import demo_catalogue as cat
from iltdesk.services.demo_directory import CURRENCY_BY_ZONE
from iltdesk.services.demo_directory import DEMO_RATES
from iltdesk.services.demo_directory import DirectoryBuilder


def _utc(day: date, clock: time, zone: str) -> datetime:
    return datetime.combine(day, clock, ZoneInfo(zone)).astimezone(UTC)


def _weekdays_from(start: date, count: int) -> list[date]:
    days: list[date] = []
    current = start
    while len(days) < count:
        if current.weekday() < 5:
            days.append(current)
        current += timedelta(days=1)
    return days


class HistoryBuilder(DirectoryBuilder):
    """The directory, then what happened: sessions, places, marks, costs, certificates, mail."""

    def sessions(self) -> None:
        """Sessions spread over the history and the next three months, with their people."""
        self.busy: set[tuple[str, int, date]] = set()  # ("r" room | "i" instructor, id, day)
        self.learner_busy: set[tuple[int, date]] = set()
        self.learner_ids = [row["id"] for row in self.rows[Learner]]
        self.qualified: dict[int, list[int]] = {}
        for row in self.rows.get(InstructorQualification, []):
            self.qualified.setdefault(row["course_id"], []).append(row["instructor_id"])
        span = self.size.history_days + 90
        for n in range(self.size.sessions):
            course_id = self.rng.choice(list(self.course_days))
            day_count, minutes = self.course_days[course_id]
            offset = int(n * span / max(1, self.size.sessions)) - self.size.history_days
            offset += self.rng.randint(0, 3)
            dates = _weekdays_from(self.today + timedelta(days=offset), day_count)
            self._session(n, course_id, dates, minutes)

    def _mode_and_room(self, course_id: int, dates: list[date]) -> tuple[DeliveryMode, int | None]:
        """How the session is delivered, and a room free on all its days (virtual if none)."""
        fmt, roll = self.course_format[course_id], self.rng.random()
        if fmt is DeliveryFormat.VIRTUAL or (fmt is DeliveryFormat.BLENDED and roll < 0.5):
            return DeliveryMode.VIRTUAL, None
        mode = DeliveryMode.HYBRID if roll < 0.1 else DeliveryMode.IN_PERSON
        rooms = self.rows[Room]
        free_rooms = [r for r in rooms if all(("r", r["id"], d) not in self.busy for d in dates)]
        if not free_rooms:
            return DeliveryMode.VIRTUAL, None
        room_id = int(self.rng.choice(free_rooms)["id"])
        self.busy.update(("r", room_id, d) for d in dates)
        return mode, room_id

    def _zone_and_capacity(self, room_id: int | None) -> tuple[str, int]:
        if room_id is not None:
            zone = cat.ROOMS[(room_id - 1) % len(cat.ROOMS)][3]
            capacity = int(self.rows[Room][room_id - 1]["capacity"])
        else:
            zone = self.rng.choice(cat.VIRTUAL_ZONES)
            capacity = self.rng.choice([12, 16, 20, 25])
        return zone, self.size.seats if self.size.seats is not None else capacity

    def _status(self, n: int, dates: list[date]) -> tuple[SessionStatus, str, CancelCause, bool]:
        """Status, cancel reason and cause; and whether this past session waits for marks."""
        past = dates[-1] < self.today
        status = (
            SessionStatus.COMPLETED
            if past
            else self.rng.choice(
                [SessionStatus.PLANNED, SessionStatus.CONFIRMED, SessionStatus.CONFIRMED]
            )
        )
        reason, cause = "", CancelCause.OTHER
        if n % 17 == 5:
            status = SessionStatus.CANCELLED
            reason, cause = self.rng.choice(cat.CANCEL_REASONS)
        # The story the dashboard tells: last week's session still waits for its marks.
        unmarked = past and status is SessionStatus.COMPLETED and not self.told.get("marks")
        unmarked = unmarked and dates[-1] >= self.today - timedelta(days=5)
        if unmarked:
            status = SessionStatus.CONFIRMED
            self.told["marks"] = True
        return status, reason, cause, unmarked

    def _staff(
        self, session_id: int, course_id: int, dates: list[date], status: SessionStatus
    ) -> int | None:
        """A lead (and often a co-facilitator), qualified and free if possible; the lead's id."""
        candidates = [
            i
            for i in self.qualified.get(course_id, [])
            if all(("i", i, d) not in self.busy for d in dates)
        ] or [
            row["id"]
            for row in self.rows[Instructor]
            if all(("i", row["id"], d) not in self.busy for d in dates)
        ]
        self.rng.shuffle(candidates)
        lead = candidates[0] if candidates else None
        soon = timedelta(days=22) <= dates[0] - self.today <= timedelta(days=45)
        if soon and status is not SessionStatus.CANCELLED and not self.told.get("lead"):
            candidates, lead = [], None  # the lead dropped out: the dashboard says so
            self.told["lead"] = True
        roles = [InstructorRole.LEAD, InstructorRole.CO_FACILITATOR]
        for role, instructor_id in zip(roles, candidates[:2], strict=False):
            one_day = len(dates) == 1
            if role is InstructorRole.CO_FACILITATOR and one_day and self.rng.random() < 0.6:
                continue
            self.link(
                SessionInstructor, session_id=session_id, instructor_id=instructor_id, role=role
            )
            self.busy.update(("i", instructor_id, d) for d in dates)
        return lead

    def _session(self, n: int, course_id: int, dates: list[date], minutes: int) -> None:
        mode, room_id = self._mode_and_room(course_id, dates)
        zone, capacity = self._zone_and_capacity(room_id)
        start_clock = time(9, 0) if minutes > 240 else time(self.rng.choice([9, 13]), 30)
        lunch = 60 if minutes > 300 else 0
        days = [
            (start, start + timedelta(minutes=minutes + lunch))
            for start in (_utc(d, start_clock, zone) for d in dates)
        ]
        status, reason, cause, unmarked = self._status(n, dates)
        session_id = self.add(
            TrainingSession,
            course_id=course_id,
            cohort=f"{dates[0]:%Y}-{n + 1:03d}",
            mode=mode,
            room_id=room_id,
            meeting_link=(
                f"https://meet.example.com/{course_id}-{n + 1}"
                if mode is not DeliveryMode.IN_PERSON
                else ""
            ),
            timezone=zone,
            capacity=capacity,
            min_size=max(1, capacity // 4),
            status=status,
            notes="",
            first_start=days[0][0],
            last_end=days[-1][1],
            first_date=dates[0],
            last_date=dates[-1],
            cancelled_at=(
                days[0][0] - timedelta(days=self.rng.randint(2, 20))
                if status is SessionStatus.CANCELLED
                else None
            ),
            cancel_reason=reason,
            cancel_cause=cause,
            completed_at=days[-1][1] if status is SessionStatus.COMPLETED else None,
            completion_note="",
        )
        day_ids = [
            self.add(
                SessionDay,
                session_id=session_id,
                start=s,
                end=e,
                minutes=int((e - s).total_seconds() // 60),
                local_date=d,
            )
            for (s, e), d in zip(days, dates, strict=True)
        ]
        lead = self._staff(session_id, course_id, dates, status)
        past = dates[-1] < self.today
        places = self._enrol(
            session_id,
            capacity,
            status,
            past=past and not unmarked,
            dates=dates,
            day_ids=day_ids,
            minutes=minutes,
            first_start=days[0][0],
        )
        self._costs(
            session_id,
            course_id,
            mode,
            zone,
            days=len(dates),
            places=places,
            lead=lead,
            first_date=dates[0],
        )
        small = timedelta(days=8) <= dates[0] - self.today <= timedelta(days=20)
        if small and status is not SessionStatus.CANCELLED and not self.told.get("small"):
            self.rows[TrainingSession][session_id - 1]["min_size"] = places + 3
            self.told["small"] = True

    def _enrol(
        self,
        session_id: int,
        capacity: int,
        status: SessionStatus,
        *,
        past: bool,
        dates: list[date],
        day_ids: list[int],
        minutes: int,
        first_start: datetime,
    ) -> int:
        """Enrol learners (a few cancel, some late); returns the places held."""
        rng = self.rng
        places = 0
        wanted = capacity if self.size.seats else int(capacity * rng.uniform(0.55, 1.2))
        chosen: list[int] = []
        learner_ids, learner_busy = self.learner_ids, self.learner_busy
        for learner_id in rng.sample(learner_ids, min(len(learner_ids), wanted * 2)):
            if len(chosen) >= wanted:
                break
            if any((learner_id, d) in learner_busy for d in dates):
                continue
            chosen.append(learner_id)
            for d in dates:
                learner_busy.add((learner_id, d))
        enrolled_at = datetime.combine(dates[0], time(8), UTC) - timedelta(days=30)
        scheduled = [(day_id, minutes + (60 if minutes > 300 else 0)) for day_id in day_ids]
        waiting = 0
        for index, learner_id in enumerate(chosen):
            seat = index < capacity
            if status is SessionStatus.CANCELLED:
                estatus = EnrollmentStatus.CANCELLED
            elif seat:
                estatus = EnrollmentStatus.ENROLLED
            else:
                estatus = EnrollmentStatus.WAITLISTED
                waiting += 1
            if not seat and past:
                continue
            cancelled_at = enrolled_at + timedelta(days=7)
            roll = rng.random()
            if seat and roll < 0.04 and estatus is EnrollmentStatus.ENROLLED:
                estatus = EnrollmentStatus.CANCELLED
                if roll < 0.025:  # late: in the last two days before the start
                    cancelled_at = first_start - timedelta(hours=rng.randint(1, 46))
            enrollment = {
                "session_id": session_id,
                "learner_id": learner_id,
                "status": estatus,
                "waitlist_position": waiting if estatus is EnrollmentStatus.WAITLISTED else None,
                "enrolled_at": enrolled_at + timedelta(minutes=index),
                "cancelled_at": cancelled_at if estatus is EnrollmentStatus.CANCELLED else None,
                "cancelled_seat": seat and estatus is EnrollmentStatus.CANCELLED,
                "attended_minutes": None,
                "cancel_reason": (
                    _("Session cancelled")
                    if status is SessionStatus.CANCELLED
                    else _("Workload")
                    if estatus is EnrollmentStatus.CANCELLED
                    else ""
                ),
                "source": EnrollmentSource.IMPORT if index % 3 else EnrollmentSource.MANUAL,
                "import_batch_id": None,
                "moved_to_id": None,
                "prework_done": rng.random() < 0.7,
            }
            enrollment_id = self.add(Enrollment, **enrollment)
            if estatus is EnrollmentStatus.ENROLLED:
                places += 1
            if past and estatus is EnrollmentStatus.ENROLLED:
                outcome, minutes_attended = self._attend(enrollment_id, scheduled)
                self.rows[Enrollment][enrollment_id - 1]["status"] = outcome
                self.rows[Enrollment][enrollment_id - 1]["attended_minutes"] = minutes_attended
        return places

    def _costs(
        self,
        session_id: int,
        course_id: int,
        mode: DeliveryMode,
        zone: str,
        *,
        days: int,
        places: int,
        lead: int | None,
        first_date: date,
    ) -> None:
        """The session's cost lines, in the venue's currency; spend recorded for budgets."""
        rng = self.rng
        currency = CURRENCY_BY_ZONE.get(zone, "GBP") if mode is not DeliveryMode.VIRTUAL else "GBP"
        lines: list[tuple[CostCategory, CostBasis, Decimal, int | None]] = [
            (CostCategory.MATERIALS, CostBasis.PER_LEARNER, self.course_materials[course_id], None)
        ]
        if mode is not DeliveryMode.VIRTUAL:
            lines.append(
                (CostCategory.ROOM, CostBasis.PER_DAY, Decimal(rng.choice([180, 240, 320])), None)
            )
            lines.append((CostCategory.CATERING, CostBasis.PER_LEARNER, Decimal(14 * days), None))
        if mode is not DeliveryMode.IN_PERSON:
            lines.append((CostCategory.PLATFORM, CostBasis.PER_SESSION, Decimal(25), None))
        instructors = self.rows[Instructor]
        if lead is not None and instructors[lead - 1]["external"]:
            lines.append((CostCategory.INSTRUCTOR_FEE, CostBasis.PER_DAY, Decimal(650), lead))
        if rng.random() < 0.15:
            lines.append(
                (CostCategory.TRAVEL, CostBasis.PER_SESSION, Decimal(rng.randint(80, 400)), None)
            )
        spend = Decimal(0)
        for category, basis, amount, instructor_id in lines:
            self.add(
                CostLine,
                course_id=None,
                session_id=session_id,
                category=category,
                basis=basis,
                description="",
                amount=amount,
                currency=currency,
                instructor_id=instructor_id,
            )
            spend += line_total(basis, amount, days, places) * DEMO_RATES.get(currency, Decimal(1))
        key = (course_id, first_date.year)
        self.spend[key] = self.spend.get(key, Decimal(0)) + spend

    def _attend(
        self, enrollment_id: int, scheduled: list[tuple[int, int]]
    ) -> tuple[EnrollmentStatus, int]:
        rng = self.rng
        no_show = rng.random() < 0.05
        marks = []
        for day_id, minutes in scheduled:
            roll = rng.random()
            attended: int | None = None
            if no_show or roll < 0.04:
                status = AttendanceStatus.ABSENT
            elif roll < 0.06:
                status = AttendanceStatus.EXCUSED
            elif roll < 0.12:
                status = AttendanceStatus.LATE
                attended = max(5, minutes - rng.choice([15, 30, 60]))
            elif roll < 0.15:
                status = AttendanceStatus.LEFT_EARLY
                attended = max(5, minutes - rng.choice([30, 90, 180]))
            else:
                status = AttendanceStatus.PRESENT
            self.add(
                Attendance,
                enrollment_id=enrollment_id,
                day_id=day_id,
                status=status,
                minutes_attended=attended,
                note="",
                recorded_at=datetime.now(UTC).replace(microsecond=0),
            )
            marks.append(DayMark(status, minutes, attended))
        outcome = completion_status(marks, len(scheduled), DEFAULT_COMPLETION_THRESHOLD)
        return outcome, sum(attended_minutes(m) for m in marks)

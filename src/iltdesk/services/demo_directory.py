"""The demo's directory: courses, instructors, rooms, learners and their requirements.

Rows accumulate as dicts with explicit ids; `load_demo` writes them in bulk.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from decimal import Decimal

from iltdesk import formatting
from iltdesk.db.entities import AgendaItem
from iltdesk.db.entities import CostLine
from iltdesk.db.entities import Course
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import InstructorQualification
from iltdesk.db.entities import Learner
from iltdesk.db.entities import LearningObjective
from iltdesk.db.entities import Requirement
from iltdesk.db.entities import RequirementCourse
from iltdesk.db.entities import Room
from iltdesk.db.expressions import ColumnValues
from iltdesk.domain.costs import CENT
from iltdesk.domain.enums import ActivityType
from iltdesk.domain.enums import CostBasis
from iltdesk.domain.enums import CostCategory
from iltdesk.domain.enums import DeliveryFormat
from iltdesk.domain.enums import RequirementAnchor
from iltdesk.domain.text import search_key
from iltdesk.i18n import _
from iltdesk.services import demo_catalogue as cat
from iltdesk.services.learners import learner_keys


@dataclass(frozen=True)
class DemoSize:
    """How big the demo organisation is."""

    learners: int = 600
    sessions: int = 360
    seats: int | None = None  # fixed seats per session (benchmarks); None: realistic sizes

    @property
    def history_days(self) -> int:
        """How many days back sessions go.

        About two and a half years for a full demo, so reports have history; a few months for
        the small demos tests use.
        """
        return int(min(900, max(90, self.sessions * 2.5)))


# Venues' currencies, and the rates into pounds the demo enters in its rate table.
CURRENCY_BY_ZONE = {
    "Europe/Berlin": "EUR",
    "America/New_York": "USD",
    "America/Chicago": "USD",
}
DEMO_RATES = {"GBP": Decimal(1), "EUR": Decimal("0.86"), "USD": Decimal("0.79")}


def _course_defaults(
    fmt: DeliveryFormat, materials: Decimal
) -> list[tuple[CostCategory, CostBasis, Decimal]]:
    """The default cost lines a course's new sessions copy."""
    lines = [(CostCategory.MATERIALS, CostBasis.PER_LEARNER, materials)]
    if fmt is not DeliveryFormat.VIRTUAL:
        lines.append((CostCategory.ROOM, CostBasis.PER_DAY, Decimal(240)))
        lines.append((CostCategory.CATERING, CostBasis.PER_LEARNER, Decimal(14)))
    if fmt is not DeliveryFormat.IN_PERSON:
        lines.append((CostCategory.PLATFORM, CostBasis.PER_SESSION, Decimal(25)))
    return lines


class DirectoryBuilder:
    """Accumulates rows as dicts with explicit ids: the catalogue, people, places, learners.

    `HistoryBuilder` (demo_history) adds sessions and what happened in them, and
    `AftermathBuilder` (demo_aftermath) the certificates, mail and budgets that followed.
    """

    def __init__(self, rng: random.Random, size: DemoSize, today: date) -> None:
        self.rng = rng
        self.size = size
        self.today = today
        self.rows: dict[type, list[ColumnValues]] = {}
        self.course_days: dict[int, tuple[int, int]] = {}  # course id -> (days, minutes)
        self.course_format: dict[int, DeliveryFormat] = {}
        self.course_materials: dict[int, Decimal] = {}
        # (course id, year) -> spend in GBP, for budgets near what was spent
        self.spend: dict[tuple[int, int], Decimal] = {}
        self.told: dict[str, bool] = {}  # which dashboard items the demo has set up

    def settled(self, moment: datetime) -> datetime:
        """`moment`, or the minute before `today` began if it comes later.

        The demo is loaded at any hour of `today`: nothing in it may have happened after that.
        """
        return min(moment, datetime.combine(self.today, time(0), UTC) - timedelta(minutes=1))

    def add(self, entity: type, **values: object) -> int:
        rows = self.rows.setdefault(entity, [])
        values["id"] = len(rows) + 1
        rows.append(values)
        return len(rows)

    def link(self, entity: type, **values: object) -> None:
        """A row of an association table (no id of its own)."""
        self.rows.setdefault(entity, []).append(values)

    def courses(self) -> None:
        for code, title, fmt, minutes, days, validity, cost, objectives, agenda in cat.COURSES:
            course_id = self.add(
                Course,
                code=code,
                title=title,
                title_key=search_key(code, title),
                description=_("{title}: a practical course for all staff.").format(title=title),
                default_minutes=minutes,
                delivery_format=fmt,
                certificate_validity_months=validity,
                currency="GBP",
                prework=(
                    _("Complete the 20-minute online module before the live session.")
                    if fmt is DeliveryFormat.BLENDED
                    else ""
                ),
                prework_link=(
                    "https://learn.example.com/prework/" + code.lower()
                    if fmt is DeliveryFormat.BLENDED
                    else ""
                ),
                completion_threshold=None,
                archived=False,
            )
            self.course_days[course_id] = (days, minutes)
            self.course_format[course_id] = fmt
            self.course_materials[course_id] = (Decimal(cost) * Decimal("0.3")).quantize(CENT)
            for category, basis, amount in _course_defaults(fmt, self.course_materials[course_id]):
                self.add(
                    CostLine,
                    course_id=course_id,
                    session_id=None,
                    category=category,
                    basis=basis,
                    description="",
                    amount=amount,
                    currency="GBP",
                    instructor_id=None,
                )
            objective_ids = [
                self.add(LearningObjective, course_id=course_id, position=i, text=text)
                for i, text in enumerate(objectives)
            ]
            taught = 0  # the blocks that teach something take the objectives in turn
            for position, (item, item_minutes, activity) in enumerate(agenda):
                objective_id = None
                if activity is not ActivityType.BREAK:
                    objective_id = objective_ids[taught % len(objective_ids)]
                    taught += 1
                self.add(
                    AgendaItem,
                    course_id=course_id,
                    position=position,
                    title=item,
                    minutes=item_minutes,
                    activity=activity,
                    objective_id=objective_id,
                    facilitator_notes="",
                )

    def people_and_places(self, copies: int) -> None:
        course_ids = list(self.course_days)
        for copy in range(copies):
            for name, external in cat.INSTRUCTORS:
                label = name if copy == 0 else f"{name} ({copy + 1})"
                slug = search_key(name).replace(" ", ".")
                instructor_id = self.add(
                    Instructor,
                    name=label,
                    name_key=search_key(label),
                    email=f"{slug}{copy or ''}@trainers.example.com",
                    phone=f"+44 20 7946 {self.rng.randint(0, 9999):04d}",
                    external=external,
                    archived=False,
                )
                for course_id in self.rng.sample(course_ids, 5):
                    self.link(
                        InstructorQualification, instructor_id=instructor_id, course_id=course_id
                    )
            for name, address, capacity, zone in cat.ROOMS:
                self.add(
                    Room,
                    name=name if copy == 0 else f"{name} ({copy + 1})",
                    address=address,
                    capacity=capacity,
                    notes="",
                    archived=False,
                    timezone=zone,
                    paper_size=formatting.paper_size_for_zone(zone),
                )

    def learners(self) -> None:
        rng = self.rng
        for n in range(1, self.size.learners + 1):
            first, last = rng.choice(cat.FIRST_NAMES), rng.choice(cat.LAST_NAMES)
            email = f"{search_key(first).replace(' ', '')}.{search_key(last).replace(' ', '')}"
            email = f"{email}.{n}@example.com"
            manager_first, manager_last = rng.choice(cat.FIRST_NAMES), rng.choice(cat.LAST_NAMES)
            self.add(
                Learner,
                first_name=first,
                last_name=last,
                email=email,
                employee_id=f"E{n:06d}",
                department=rng.choice(cat.DEPARTMENTS),
                manager_name=f"{manager_first} {manager_last}",
                manager_email=f"manager.{n % 97}@example.com",
                location=rng.choice(cat.LOCATIONS),
                job_title=rng.choice(cat.JOB_TITLES),
                preferred_language=rng.choice(["en", "en", "en", "de"]),
                # Spread over twelve years, a few starters this month; every 40th unknown.
                hire_date=None
                if n % 40 == 0
                else self.today - timedelta(days=(n * 389) % 4380 + 3),
                created_at=datetime.combine(self.today, time(8), UTC)
                - timedelta(days=self.size.history_days + 60),
                **learner_keys(first, last, email),
            )

    def requirements(self) -> None:
        """Four requirements, for the Compliance screen to show every state from day one."""
        ids = {code: n for n, (code, *_rest) in enumerate(cat.COURSES, start=1)}
        history_start = self.today - timedelta(days=self.size.history_days)
        for name, codes, months, within, anchor, scope in (
            (
                "Forklift licence",
                ("FS-101",),
                36,
                90,
                RequirementAnchor.ELIGIBLE,
                {"department": "Operations"},
            ),
            (
                "First aid",
                ("FA-200", "MH-130"),
                36,
                180,
                RequirementAnchor.ELIGIBLE,
                {"location": "London"},
            ),
            ("Data protection", ("DP-110",), 24, 30, RequirementAnchor.HIRE, {}),
            ("Induction", ("ON-001",), None, 30, RequirementAnchor.HIRE, {}),
        ):
            requirement_id = self.add(
                Requirement,
                name=name,
                course_id=ids[codes[0]],
                recurrence_months=months,
                within_days=within,
                anchor=anchor,
                # History before the demo's first session would make everyone overdue.
                starts_on=history_start,
                department=scope.get("department", ""),
                job_title="",
                location=scope.get("location", ""),
                explicit=False,
                archived=False,
                created_at=datetime.combine(history_start, time(8), UTC),
            )
            for code in codes:
                self.link(RequirementCourse, requirement_id=requirement_id, course_id=ids[code])

"""Reports as plain data: names, filters, periods, tables and the definitions under them.

A report is computed once (by one aggregate query in `services/reports/`) into a `ReportTable`;
the screen's model, its chart, the workbook, the CSV, the PDF and `iltdesk report --json` all
read that one value, so they cannot disagree.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum

from iltdesk.domain.costs import Money
from iltdesk.domain.dates import add_months
from iltdesk.domain.enums import DeliveryMode
from iltdesk.i18n import N_
from iltdesk.i18n import _

LATE_CANCELLATION_HOURS = 48  # a place given up later than this before the start is "late"
NO_SHOW_FOLLOW_UP = 2  # the no-shows report lists learners with at least this many


class ReportName(StrEnum):
    """The reports, named as on the command line."""

    ATTENDANCE = "attendance"
    NO_SHOWS = "no-shows"
    TRANSCRIPT = "transcript"
    INSTRUCTOR_HOURS = "instructor-hours"
    COST = "cost"
    FILL = "fill"
    DEPARTMENT_HOURS = "department-hours"
    FEEDBACK = "feedback"

    def title(self) -> str:
        return _(_TITLES[self])

    def summary(self) -> str:
        return _(_SUMMARIES[self])


_TITLES = {
    ReportName.ATTENDANCE: N_("Attendance and completion"),
    ReportName.NO_SHOWS: N_("No-shows and late cancellations"),
    ReportName.TRANSCRIPT: N_("Learner transcript"),
    ReportName.INSTRUCTOR_HOURS: N_("Instructor hours"),
    ReportName.COST: N_("Cost"),
    ReportName.FILL: N_("Fill and demand"),
    ReportName.DEPARTMENT_HOURS: N_("Training hours per department"),
    ReportName.FEEDBACK: N_("Feedback"),
}
_SUMMARIES = {
    ReportName.ATTENDANCE: N_(
        "Places, attendance, completion, no-show and late-cancellation rates"
    ),
    ReportName.NO_SHOWS: N_("Learners with repeated no-shows or late cancellations, for follow-up"),
    ReportName.TRANSCRIPT: N_("One learner's sessions, hours, results and certificates"),
    ReportName.INSTRUCTOR_HOURS: N_("Delivered hours, sessions, days, learners and fees per month"),
    ReportName.COST: N_("Total cost, per session, per learner and per completion; budgets"),
    ReportName.FILL: N_("Capacity, places, attendance, waitlists and cancelled sessions"),
    ReportName.DEPARTMENT_HOURS: N_("Hours of training received per department and per head"),
    ReportName.FEEDBACK: N_("Responses, response rate and average scores from feedback forms"),
}


class GroupBy(StrEnum):
    """What a report's rows are grouped by."""

    COURSE = "course"
    DEPARTMENT = "department"
    LOCATION = "location"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    INSTRUCTOR = "instructor"
    MODE = "mode"

    def label(self) -> str:
        return _(_GROUP_LABELS[self])


_GROUP_LABELS = {
    GroupBy.COURSE: N_("Course"),
    GroupBy.DEPARTMENT: N_("Department"),
    GroupBy.LOCATION: N_("Location"),
    GroupBy.MONTH: N_("Month"),
    GroupBy.QUARTER: N_("Quarter"),
    GroupBy.YEAR: N_("Year"),
    GroupBy.INSTRUCTOR: N_("Instructor"),
    GroupBy.MODE: N_("Delivery mode"),
}

# Which groupings each report offers; the first is its default. Reports without any list rows
# of their own kind (learners, sessions of one learner, instructor × month).
GROUPINGS: dict[ReportName, tuple[GroupBy, ...]] = {
    ReportName.ATTENDANCE: (
        GroupBy.COURSE,
        GroupBy.DEPARTMENT,
        GroupBy.MONTH,
        GroupBy.QUARTER,
        GroupBy.YEAR,
        GroupBy.INSTRUCTOR,
        GroupBy.MODE,
        GroupBy.LOCATION,
    ),
    ReportName.NO_SHOWS: (),
    ReportName.TRANSCRIPT: (),
    ReportName.INSTRUCTOR_HOURS: (),
    ReportName.COST: (
        GroupBy.COURSE,
        GroupBy.DEPARTMENT,
        GroupBy.QUARTER,
        GroupBy.MONTH,
        GroupBy.YEAR,
        GroupBy.MODE,
    ),
    ReportName.FILL: (GroupBy.COURSE, GroupBy.MONTH, GroupBy.QUARTER, GroupBy.YEAR, GroupBy.MODE),
    ReportName.DEPARTMENT_HOURS: (GroupBy.DEPARTMENT, GroupBy.LOCATION),
    ReportName.FEEDBACK: (
        GroupBy.COURSE,
        GroupBy.INSTRUCTOR,
        GroupBy.MONTH,
        GroupBy.QUARTER,
        GroupBy.YEAR,
        GroupBy.MODE,
    ),
}


class Period(StrEnum):
    """Date-range presets; CUSTOM uses the dates given."""

    THIS_MONTH = "this-month"
    LAST_MONTH = "last-month"
    THIS_QUARTER = "this-quarter"
    LAST_QUARTER = "last-quarter"
    THIS_YEAR = "this-year"
    LAST_YEAR = "last-year"
    LAST_12_MONTHS = "last-12-months"
    ALL_TIME = "all-time"
    CUSTOM = "custom"

    def label(self) -> str:
        return _(_PERIOD_LABELS[self])

    def dates(self, today: date) -> tuple[date | None, date | None]:
        """The first and last day of the preset around `today` (None: open-ended)."""
        quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        if self is Period.THIS_MONTH:
            return today.replace(day=1), _month_end(today)
        if self is Period.LAST_MONTH:
            last = today.replace(day=1) - timedelta(days=1)
            return last.replace(day=1), last
        if self is Period.THIS_QUARTER:
            return quarter_start, _month_end(add_months(quarter_start, 2))
        if self is Period.LAST_QUARTER:
            start = add_months(quarter_start, -3)
            return start, quarter_start - timedelta(days=1)
        if self is Period.THIS_YEAR:
            return date(today.year, 1, 1), date(today.year, 12, 31)
        if self is Period.LAST_YEAR:
            return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
        if self is Period.LAST_12_MONTHS:
            return add_months(today, -12) + timedelta(days=1), today
        return None, None


_PERIOD_LABELS = {
    Period.THIS_MONTH: N_("This month"),
    Period.LAST_MONTH: N_("Last month"),
    Period.THIS_QUARTER: N_("This quarter"),
    Period.LAST_QUARTER: N_("Last quarter"),
    Period.THIS_YEAR: N_("This year"),
    Period.LAST_YEAR: N_("Last year"),
    Period.LAST_12_MONTHS: N_("Last 12 months"),
    Period.ALL_TIME: N_("All time"),
    Period.CUSTOM: N_("Custom dates"),
}


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class ReportFilters:
    """What a report covers. Dates are inclusive and read on the venue's calendar."""

    start: date | None = None
    end: date | None = None
    course_id: int | None = None
    department: str | None = None
    location: str | None = None
    instructor_id: int | None = None
    mode: DeliveryMode | None = None
    group_by: GroupBy | None = None  # None: the report's default
    learner_id: int | None = None  # the transcript's learner


class ColumnKind(StrEnum):
    """How a column's values are shown, exported and charted."""

    TEXT = "text"
    COUNT = "count"
    RATE = "rate"  # a fraction 0..1, shown as a percentage; None when there is nothing to divide
    HOURS = "hours"
    MONEY = "money"  # an `Amounts`
    DATE = "date"
    PERIOD = "period"  # "2026-03", "2026-Q1" or "2026"
    MODE = "mode"  # a DeliveryMode value
    STATUS = "status"  # an EnrollmentStatus value
    FLAG = "flag"  # True / False
    SCORE = "score"  # an average feedback score (1–5), to one decimal; None without answers


@dataclass(frozen=True)
class Column:
    """One column of a report: its stable key (JSON, CSV header), label and kind."""

    key: str
    label: str
    kind: ColumnKind

    @property
    def numeric(self) -> bool:
        return self.kind in (
            ColumnKind.COUNT,
            ColumnKind.RATE,
            ColumnKind.HOURS,
            ColumnKind.MONEY,
            ColumnKind.SCORE,
        )


@dataclass(frozen=True)
class Amounts:
    """Money in one or more currencies, never added across them."""

    parts: tuple[Money, ...] = ()

    @classmethod
    def of(cls, amount: Decimal | None, currency: str) -> Amounts:
        if amount is None:
            return cls()
        return cls((Money(Decimal(amount).quantize(Decimal("0.01")), currency),))

    def __add__(self, other: Amounts) -> Amounts:
        sums: dict[str, Decimal] = {}
        for money in (*self.parts, *other.parts):
            sums[money.currency] = sums.get(money.currency, Decimal(0)) + money.amount
        return Amounts(tuple(Money(sums[c], c) for c in sorted(sums)))

    def divided(self, count: int) -> Amounts:
        if not count:
            return Amounts()
        cent = Decimal("0.01")
        return Amounts(
            tuple(Money((m.amount / count).quantize(cent), m.currency) for m in self.parts)
        )

    @property
    def single(self) -> Decimal | None:
        """The amount when there is exactly one currency (what a chart can draw)."""
        return self.parts[0].amount if len(self.parts) == 1 else None


Value = str | int | float | Decimal | date | Amounts | None


@dataclass(frozen=True)
class ChartSpec:
    """What the chart draws: one bar per value of `category`, one series per value column."""

    category: str
    values: tuple[str, ...]
    horizontal: bool = False


@dataclass(frozen=True)
class ReportTable:
    """A computed report: the one result every output is drawn from."""

    name: ReportName
    title: str
    filters: ReportFilters
    group_by: GroupBy | None
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    totals: dict[str, Value]
    definitions: tuple[str, ...]
    chart: ChartSpec | None = None
    notes: tuple[str, ...] = ()
    subject: str = ""  # the transcript's learner, shown under the title
    empty_message: str = ""
    filter_labels: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def column(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    @property
    def is_empty(self) -> bool:
        return not self.rows


def rate(part: int, whole: int) -> float | None:
    """`part / whole`, or None when there is nothing to divide (never NaN, never an error)."""
    return part / whole if whole else None


def hours(minutes: int | float | Decimal | None) -> float:
    """Minutes as hours, to the hundredth."""
    return round(float(minutes or 0) / 60, 2)


def month_key(year: int, month: int) -> str:
    """The key of a month in a grouped report (“2026-03”)."""
    return f"{year:04d}-{month:02d}"


def quarter_key(year: int, quarter: int) -> str:
    """The key of a quarter in a grouped report (“2026-Q1”)."""
    return f"{year:04d}-Q{quarter}"


# --- definitions printed under the reports ---------------------------------------------------

CHART_LIMIT = 30  # bars beyond this are the smallest ones, left out and said so


@dataclass(frozen=True)
class ChartSeries:
    """One series of bars: a value column's key, label and one value per category."""

    key: str
    label: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class ChartData:
    """What every chart of a report draws: the same bars on screen, in the PDF and workbook.

    `categories` are the category column's raw values, each with its currency when a money
    chart spans several ("" otherwise); `rows` lists, per bar, the table rows behind it.
    """

    category_kind: ColumnKind
    categories: tuple[tuple[str, str], ...]
    series: tuple[ChartSeries, ...]
    rows: tuple[tuple[int, ...], ...]
    left_out: int = 0
    titles: tuple[str, ...] = ()  # longer names for tooltips ("CS-210 Customer Service …")


def chart_data(table: ReportTable) -> ChartData | None:
    """Sum each value column per category (money per currency), largest bars kept."""
    spec = table.chart
    if spec is None or not table.rows:
        return None
    category = table.column(spec.category)
    columns = [table.columns[table.column(key)] for key in spec.values]
    currency = next((i for i, c in enumerate(table.columns) if c.key == "currency"), None)
    several = currency is not None and len({row[currency] for row in table.rows}) > 1
    order: list[tuple[str, str]] = []
    sums: dict[tuple[str, str], list[float]] = {}
    behind: dict[tuple[str, str], list[int]] = {}
    for index, row in enumerate(table.rows):
        name = (str(row[category]), str(row[currency]) if several and currency is not None else "")
        if name not in sums:
            order.append(name)
            sums[name] = [0.0] * len(columns)
            behind[name] = []
        behind[name].append(index)
        for position, column in enumerate(columns):
            sums[name][position] += _number(row[table.column(column.key)])
    kept = order
    if len(order) > CHART_LIMIT:
        largest = sorted(order, key=lambda n: -sums[n][0])[:CHART_LIMIT]
        kept = [n for n in order if n in set(largest)]
    titles: tuple[str, ...] = ()
    if spec.category == "code" and any(c.key == "course" for c in table.columns):
        course = table.column("course")
        names = {str(row[category]): str(row[course]) for row in table.rows}
        titles = tuple(f"{code} {names.get(code, '')}".strip() for code, _c in kept)
    return ChartData(
        category_kind=table.columns[category].kind,
        categories=tuple(kept),
        titles=titles,
        series=tuple(
            ChartSeries(c.key, c.label, tuple(sums[n][i] for n in kept))
            for i, c in enumerate(columns)
        ),
        rows=tuple(tuple(behind[n]) for n in kept),
        left_out=len(order) - len(kept),
    )


def _number(value: Value) -> float:
    if isinstance(value, Amounts):
        return float(value.single or 0)  # rows of a money chart hold one currency each
    if isinstance(value, bool) or value is None:
        return 0.0
    if isinstance(value, int | float | Decimal):
        return float(value)
    return 0.0


def json_value(value: Value) -> object:
    """A cell for `--json`: numbers as numbers, dates ISO, nothing as null.

    Money is a number when it is in one currency, {currency: amount} when in several.
    """
    if isinstance(value, Amounts):
        if not value.parts:
            return None
        if len(value.parts) == 1:
            return float(value.parts[0].amount)
        return {m.currency: float(m.amount) for m in value.parts}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def report_json(table: ReportTable) -> dict[str, object]:
    """The report as `iltdesk report NAME --json` prints it."""
    filters = table.filters
    return {
        "report": table.name.value,
        "title": table.title,
        "filters": {
            "from": filters.start.isoformat() if filters.start else None,
            "to": filters.end.isoformat() if filters.end else None,
            "group_by": table.group_by.value if table.group_by else None,
            "course_id": filters.course_id,
            "department": filters.department,
            "location": filters.location,
            "instructor_id": filters.instructor_id,
            "mode": filters.mode.value if filters.mode else None,
            "learner_id": filters.learner_id,
        },
        "columns": [c.key for c in table.columns],
        "labels": [c.label for c in table.columns],
        "rows": [[json_value(v) for v in row] for row in table.rows],
        "totals": {key: json_value(v) for key, v in table.totals.items()},
        "notes": list(table.notes),
        "definitions": list(table.definitions),
        "subject": table.subject or None,
    }

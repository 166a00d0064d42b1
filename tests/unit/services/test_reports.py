"""Each report against the hand-built organisation in `tests/fixtures/report_org.py`.

The expected figures are worked out by hand from the fixture's description, not from the code.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

from iltdesk.domain.costs import Money
from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.reporting import Amounts
from iltdesk.domain.reporting import GroupBy
from iltdesk.domain.reporting import Period
from iltdesk.domain.reporting import ReportFilters
from iltdesk.domain.reporting import ReportName
from iltdesk.domain.reporting import ReportTable
from iltdesk.errors import ValidationError
from iltdesk.services import costs
from iltdesk.services.reports import build_report
from tests.fixtures import report_org
from tests.fixtures.report_org import NOW
from tests.fixtures.report_org import YEAR


@pytest.fixture
def org(db):
    return report_org.build(db)


def report(db, name, **filters) -> ReportTable:
    start, end = filters.pop("period", YEAR)
    return build_report(db, name, ReportFilters(start=start, end=end, **filters), now=NOW)


def by_key(table: ReportTable, key: str = "code") -> dict[object, dict[str, object]]:
    index = table.column(key)
    return {
        row[index]: {c.key: v for c, v in zip(table.columns, row, strict=True)}
        for row in table.rows
    }


def gbp(amount) -> Amounts:
    return Amounts((Money(Decimal(amount).quantize(Decimal("0.01")), "GBP"),))


def test_attendance_by_course(db, org):
    table = report(db, ReportName.ATTENDANCE)
    rows = by_key(table)
    forklift = rows["FS-101"]
    assert (forklift["sessions"], forklift["enrolled"], forklift["attended"]) == (2, 7, 5)
    assert (forklift["completed"], forklift["no_shows"], forklift["late_cancellations"]) == (
        3,
        1,
        1,
    )
    assert forklift["completion_rate"] == pytest.approx(3 / 7)
    assert forklift["no_show_rate"] == pytest.approx(1 / 7)
    assert forklift["late_cancellation_rate"] == pytest.approx(1 / 8)
    privacy = rows["DP-110"]
    assert [privacy[k] for k in ("sessions", "enrolled", "attended", "completed", "no_shows")] == [
        1,
        2,
        1,
        1,
        1,
    ]
    assert table.totals["sessions"] == 3
    assert table.totals["enrolled"] == 9
    assert table.totals["completed"] == 4
    assert table.totals["late_cancellations"] == 1


def test_attendance_grouped_other_ways(db, org):
    by_month = by_key(report(db, ReportName.ATTENDANCE, group_by=GroupBy.MONTH), "month")
    assert set(by_month) == {"2026-03", "2026-04"}  # S4 cancelled, S5 not yet held
    assert by_month["2026-03"]["enrolled"] == 6  # S1 four places, S3 two
    by_department = report(db, ReportName.ATTENDANCE, group_by=GroupBy.DEPARTMENT)
    departments = by_key(by_department, "department")
    assert departments["Sales"]["enrolled"] == 5  # Ann ×3, Eve, Gus
    assert departments["Operations"]["no_shows"] == 2  # Bo twice
    assert departments["(no department)"]["enrolled"] == 1  # Hal
    by_instructor = by_key(
        report(db, ReportName.ATTENDANCE, group_by=GroupBy.INSTRUCTOR), "instructor"
    )
    assert by_instructor["Ina External"]["sessions"] == 2
    assert by_instructor["Max Staff"]["enrolled"] == 6  # S1 (co) and S3
    # A session with two instructors counts for both, the totals count it once.
    assert report(db, ReportName.ATTENDANCE, group_by=GroupBy.INSTRUCTOR).totals["sessions"] == 3
    by_mode = by_key(report(db, ReportName.ATTENDANCE, group_by=GroupBy.MODE), "mode")
    assert by_mode[DeliveryMode.VIRTUAL.value]["enrolled"] == 2


def test_filters_narrow_the_same_figures(db, org):
    only_sales = report(db, ReportName.ATTENDANCE, department="Sales")
    assert only_sales.totals["enrolled"] == 5
    only_ina = report(db, ReportName.ATTENDANCE, instructor_id=org.ina)
    assert only_ina.totals["sessions"] == 2
    virtual = report(db, ReportName.ATTENDANCE, mode=DeliveryMode.VIRTUAL)
    assert virtual.totals["enrolled"] == 2
    march = report(db, ReportName.ATTENDANCE, period=(date(2026, 3, 1), date(2026, 3, 31)))
    assert march.totals["sessions"] == 2


def test_an_empty_period_is_an_empty_report_without_division_by_zero(db, org):
    for name in ReportName:
        extra = {"learner_id": org.learners["Ann"]} if name is ReportName.TRANSCRIPT else {}
        table = report(db, name, period=(date(2019, 1, 1), date(2019, 12, 31)), **extra)
        assert table.is_empty, name
        assert table.empty_message
        assert not any(isinstance(v, float) and math.isnan(v) for v in table.totals.values())


def test_no_shows_lists_repeated_misses(db, org):
    table = report(db, ReportName.NO_SHOWS)
    rows = by_key(table, "email")
    assert list(rows) == ["bo@example.com"]  # Dee's one late cancellation is not repeated
    assert (rows["bo@example.com"]["no_shows"], rows["bo@example.com"]["department"]) == (
        2,
        "Operations",
    )
    assert rows["bo@example.com"]["last"] == date(2026, 3, 29)


def test_transcript(db, org):
    table = report(db, ReportName.TRANSCRIPT, learner_id=org.learners["Ann"], period=(None, None))
    dates = [row[0] for row in table.rows]
    assert dates == [date(2026, 3, 12), date(2026, 3, 29), date(2026, 4, 14), date(2026, 7, 1)]
    hours = [row[table.column("hours")] for row in table.rows]
    assert hours == [8.0, 2.0, 16.0, 0.0]  # the night session is 2 hours across the change
    results = [row[table.column("result")] for row in table.rows]
    assert results[:3] == [EnrollmentStatus.COMPLETED] * 3
    assert results[3] is EnrollmentStatus.ENROLLED
    assert table.totals["hours"] == 26.0
    assert "ann@example.com" in table.subject


def test_transcript_needs_a_learner(db, org):
    with pytest.raises(ValidationError, match="learner"):
        report(db, ReportName.TRANSCRIPT)


def test_instructor_hours(db, org):
    table = report(db, ReportName.INSTRUCTOR_HOURS)
    rows = {
        (r[0], r[2]): dict(zip((c.key for c in table.columns), r, strict=True)) for r in table.rows
    }
    assert set(rows) == {
        ("Ina External", "2026-03"),
        ("Ina External", "2026-04"),
        ("Max Staff", "2026-03"),
    }
    march = rows[("Ina External", "2026-03")]
    assert (march["sessions"], march["days"], march["hours"], march["learners"]) == (1, 1, 8.0, 3)
    april = rows[("Ina External", "2026-04")]
    assert (april["days"], april["hours"], april["learners"]) == (2, 16.0, 2)
    assert april["fees"] == Amounts((Money(Decimal("1000.00"), "EUR"),))
    assert april["external"] is True
    staff = rows[("Max Staff", "2026-03")]
    # Learners taught count once per session: Ann, Cy, Eve in S1 and Ann again in S3.
    assert (staff["sessions"], staff["days"], staff["hours"], staff["learners"]) == (2, 2, 10.0, 4)
    assert table.totals["hours"] == 34.0
    assert table.totals["sessions"] == 4  # S1 counts for Ina and for Max, as on a payroll
    assert table.totals["learners"] == 9


def test_cost_keeps_currencies_apart_without_rates(db, org):
    table = report(db, ReportName.COST)
    rows = {
        (r[0], r[2]): dict(zip((c.key for c in table.columns), r, strict=True)) for r in table.rows
    }
    london = rows[("FS-101", "GBP")]
    assert london["cost"] == gbp(340)  # 300 + 10 × 4 places
    assert london["cost_per_learner"] == gbp(85)
    assert london["cost_per_completion"] == gbp(170)  # Ann and Eve completed
    berlin = rows[("FS-101", "EUR")]
    assert berlin["cost"] == Amounts((Money(Decimal("1200.00"), "EUR"),))
    assert rows[("DP-110", "GBP")]["cost"] == gbp(50)
    assert table.totals["cost"] == Amounts(
        (Money(Decimal("1200.00"), "EUR"), Money(Decimal("390.00"), "GBP"))
    )
    assert table.totals["sessions"] == 3


def test_cost_converts_with_a_rate_for_every_currency(db, org):
    costs.set_rate_table(db, "GBP", {"EUR": Decimal("0.9")})
    table = report(db, ReportName.COST)
    rows = by_key(table)
    assert rows["FS-101"]["cost"] == gbp(340 + 1080)
    assert rows["FS-101"]["cost_per_session"] == gbp(710)
    assert rows["FS-101"]["cost_per_learner"] == gbp(Decimal(1420) / 7)
    assert table.totals["cost"] == gbp(1470)
    assert any("converted" in note for note in table.notes)


def test_cost_by_department_shares_each_session(db, org):
    costs.set_rate_table(db, "GBP", {"EUR": Decimal("0.9")})
    rows = by_key(report(db, ReportName.COST, group_by=GroupBy.DEPARTMENT), "department")
    # S1 340/4 per place: Ann, Eve (Sales), Bo, Cy (Operations); S2 1080/3: Ann, Gus, Hal;
    # S3 50/2: Ann (Sales), Bo (Operations).
    assert rows["Sales"]["cost"] == gbp(Decimal(85) * 2 + Decimal(360) * 2 + 25)
    assert rows["Operations"]["cost"] == gbp(85 * 2 + 25)
    assert rows["(no department)"]["cost"] == gbp(360)


def test_budget_against_spend_within_one_year(db, org):
    costs.set_budget(db, org.forklift, 2026, Decimal(1000), "GBP")
    costs.set_budget(db, org.data_protection, 2026, Decimal(20), "GBP")
    rows = by_key(report(db, ReportName.COST))
    assert rows["DP-110"]["budget"] == gbp(20)
    assert rows["DP-110"]["remaining"] == gbp(-30)  # over budget
    last_12 = Period.LAST_12_MONTHS.dates(date(2026, 6, 1))
    assert "budget" not in {c.key for c in report(db, ReportName.COST, period=last_12).columns}


def test_fill_and_demand(db, org):
    table = report(db, ReportName.FILL)
    rows = by_key(table)
    forklift = rows["FS-101"]
    assert (forklift["sessions"], forklift["capacity"], forklift["enrolled"]) == (3, 10, 9)
    assert forklift["fill_rate"] == pytest.approx(0.9)
    assert (forklift["attended"], forklift["waitlist"]) == (5, 1)
    privacy = rows["DP-110"]
    assert (privacy["sessions"], privacy["capacity"], privacy["cancelled"]) == (1, 10, 1)
    assert privacy["cancelled_low_numbers"] == 1


def test_department_hours(db, org):
    table = report(db, ReportName.DEPARTMENT_HOURS)
    rows = by_key(table, "department")
    sales = rows["Sales"]
    assert (sales["headcount"], sales["trained"], sales["hours"]) == (4, 3, 42.0)
    assert sales["hours_per_head"] == 10.5
    assert rows["Operations"]["hours"] == 5.0  # Cy's 300 late minutes
    assert rows["(no department)"]["hours"] == 0.0  # Hal was excused
    assert table.totals["hours"] == 47.0
    assert table.totals["headcount"] == 8


def test_groupings_a_report_does_not_offer_are_refused(db, org):
    with pytest.raises(ValidationError, match="groups by"):
        report(db, ReportName.FILL, group_by=GroupBy.DEPARTMENT)
    with pytest.raises(ValidationError, match="ends before it starts"):
        report(db, ReportName.ATTENDANCE, period=(date(2026, 5, 1), date(2026, 4, 1)))


def test_sql_attended_minutes_match_the_completion_rule(db, org):
    """The SQL hours and the Python rule agree for every mark of the fixture."""
    from sqlalchemy import select

    from iltdesk.db.entities import Attendance
    from iltdesk.db.entities import SessionDay
    from iltdesk.domain.rules import DayMark
    from iltdesk.domain.rules import attended_minutes
    from iltdesk.services.reports.common import attended_minutes as sql_minutes

    with db.transaction() as tx:
        query = select(
            Attendance.status, Attendance.minutes_attended, SessionDay.minutes, sql_minutes()
        ).join(SessionDay, SessionDay.id == Attendance.day_id)
        found = tx.execute(query).all()
    assert found
    for status, recorded, scheduled, in_sql in found:
        assert in_sql == attended_minutes(DayMark(status, scheduled, recorded))

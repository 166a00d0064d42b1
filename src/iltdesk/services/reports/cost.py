"""Cost: total, per session, per learner and per completion ("cost per outcome"); budgets.

Each session's cost is summed per currency in the database from its cost lines (per session,
per day × days, per learner × places). Rows are per currency unless a report currency with a
rate for every currency present is set; then amounts are converted and added.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import Subquery
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.entities import CostLine
from iltdesk.db.entities import Course
from iltdesk.db.entities import CourseBudget
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import ExchangeRate
from iltdesk.db.entities import Learner
from iltdesk.db.entities import TrainingSession
from iltdesk.db.expressions import Query
from iltdesk.db.expressions import SqlExpression
from iltdesk.domain.enums import EnrollmentStatus
from iltdesk.domain.report_rules import BUDGET_RULE
from iltdesk.domain.report_rules import COST_RULE
from iltdesk.domain.report_rules import CURRENCY_RULE
from iltdesk.domain.report_rules import DEPARTMENT_RULE
from iltdesk.domain.report_rules import DEPARTMENT_SHARE_RULE
from iltdesk.domain.report_rules import PERIOD_RULE
from iltdesk.domain.report_rules import PLACE_RULE
from iltdesk.domain.reporting import Amounts
from iltdesk.domain.reporting import ChartSpec
from iltdesk.domain.reporting import Column
from iltdesk.domain.reporting import ColumnKind
from iltdesk.domain.reporting import GroupBy
from iltdesk.domain.reporting import ReportFilters
from iltdesk.domain.reporting import ReportName
from iltdesk.domain.reporting import ReportTable
from iltdesk.domain.reporting import Value
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.services.costs import rate_table_in
from iltdesk.services.reports.common import cost_factor
from iltdesk.services.reports.common import count_if
from iltdesk.services.reports.common import grouping
from iltdesk.services.reports.common import has_learner_filter
from iltdesk.services.reports.common import holds_place
from iltdesk.services.reports.common import in_period
from iltdesk.services.reports.common import learner_conditions
from iltdesk.services.reports.common import session_conditions
from iltdesk.services.reports.common import took_place


def _session_costs(conditions: list[ColumnElement[bool]]) -> Subquery:
    """Per session and currency: cost, places and completions (sessions in scope only)."""
    places = (
        select(func.count())
        .where(Enrollment.session_id == TrainingSession.id, holds_place())
        .correlate(TrainingSession)
        .scalar_subquery()
    )
    completed = (
        select(func.count())
        .where(
            Enrollment.session_id == TrainingSession.id,
            Enrollment.status == EnrollmentStatus.COMPLETED,
        )
        .correlate(TrainingSession)
        .scalar_subquery()
    )
    return (
        select(
            TrainingSession.id.label("session_id"),
            CostLine.currency.label("currency"),
            func.sum(CostLine.amount * cost_factor()).label("cost"),
            places.label("places"),
            completed.label("completed"),
        )
        .join(CostLine, CostLine.session_id == TrainingSession.id)
        .where(*conditions)
        .group_by(TrainingSession.id, CostLine.currency)
        .subquery("session_costs")
    )


def cost_report(tx: OrmSession, filters: ReportFilters, now: datetime) -> ReportTable:
    """Costs per session, learner and completion, with budgets, by currency."""
    group_by = filters.group_by or GroupBy.COURSE
    key = grouping(group_by, TrainingSession.first_date)
    scope = [took_place(now), *in_period(TrainingSession.first_date, filters)]
    scope += session_conditions(filters)
    costs = _session_costs(scope)
    rates = rate_table_in(tx)
    # The currencies in scope, from the lines themselves (not the costed subquery).
    present = set(
        tx.scalars(
            select(CostLine.currency)
            .join(TrainingSession, TrainingSession.id == CostLine.session_id)
            .where(*scope)
            .distinct()
        )
    )
    converting = bool(rates.currency) and present <= {rates.currency, *rates.rates}
    if converting:
        factor: ColumnElement[Any] = case(
            (costs.c.currency == rates.currency, literal(1)), else_=ExchangeRate.rate
        )
        currency: ColumnElement[Any] = literal(rates.currency)
    else:
        factor, currency = literal(1), costs.c.currency
    by_share = key.needs_learner or has_learner_filter(filters)

    def query(*group: SqlExpression) -> Query:
        if by_share:
            # Each place carries its session's cost / places: a department's share.
            columns: list[ColumnElement[Any]] = [
                func.sum(costs.c.cost * factor * 1.0 / costs.c.places),
                func.count(func.distinct(costs.c.session_id)),
                func.count(Enrollment.id),
                count_if(Enrollment.status == EnrollmentStatus.COMPLETED),
            ]
            built = (
                select(*group, currency, *columns)
                .select_from(costs)
                .join(TrainingSession, TrainingSession.id == costs.c.session_id)
                .join(Course, Course.id == TrainingSession.course_id)
                .join(Enrollment, and_(Enrollment.session_id == costs.c.session_id, holds_place()))
                .join(Learner, Learner.id == Enrollment.learner_id)
                .where(costs.c.places > 0, *learner_conditions(filters))
            )
        else:
            columns = [
                func.sum(costs.c.cost * factor),
                func.count(func.distinct(costs.c.session_id)),
                func.sum(costs.c.places),
                func.sum(costs.c.completed),
            ]
            built = (
                select(*group, currency, *columns)
                .select_from(costs)
                .join(TrainingSession, TrainingSession.id == costs.c.session_id)
                .join(Course, Course.id == TrainingSession.course_id)
            )
        if converting:
            built = built.outerjoin(ExchangeRate, ExchangeRate.currency == costs.c.currency)
        return built.group_by(*group, currency).order_by(*group, currency)

    width = len(key.expressions)
    grouped = list(tx.execute(query(*key.expressions)))
    budget_year = _budget_year(filters, group_by)
    budgets = _budgets(tx, budget_year, rates.rates if converting else None, rates.currency)
    rows: list[tuple[Value, ...]] = []
    seen_codes: set[str] = set()
    for row in grouped:
        cells = key.to_cells(row[:width])
        code = str(cells[0])
        seen_codes.add(code)
        figures = _figures(row[width:])
        if budget_year is not None:
            figures += _budget_cells(budgets.get(code), figures[4])
        rows.append(cells + figures)
    if budget_year is not None:
        rows += _budget_only_rows(tx, budgets, seen_codes, filters)
    columns = key.columns + _columns(budget_year is not None)
    if not by_share and len({row[width] for row in grouped}) <= 1:
        # One currency, each session in one row: the totals are the rows' sums.
        summed = [
            (row[width], *(sum(r[width + i] or 0 for r in grouped) for i in range(1, 5)))
            for row in grouped[:1]
        ]
        counts = (
            sum(int(r[width + 2] or 0) for r in grouped),
            sum(int(r[width + 3] or 0) for r in grouped),
            sum(int(r[width + 4] or 0) for r in grouped),
        )
        totals = _totals(summed, counts, columns[len(key.columns) :])
    else:
        per_currency = list(tx.execute(query()))
        counts = _counts(tx, costs, by_share, filters)
        totals = _totals(per_currency, counts, columns[len(key.columns) :])
    definitions = [_(PERIOD_RULE), _(PLACE_RULE), _(COST_RULE), _(CURRENCY_RULE)]
    if by_share:
        definitions += [_(DEPARTMENT_SHARE_RULE), _(DEPARTMENT_RULE)]
    if group_by is GroupBy.COURSE:
        definitions.append(_(BUDGET_RULE))
    return ReportTable(
        name=ReportName.COST,
        title=ReportName.COST.title(),
        filters=filters,
        group_by=group_by,
        columns=columns,
        rows=tuple(rows),
        totals=totals,
        definitions=tuple(definitions),
        chart=ChartSpec(key.columns[0].key, ("cost",)),
        notes=_notes(tx, scope, present, rates.currency, converting),
        empty_message=_("No session with costs took place in this period with these filters."),
    )


def _columns(with_budget: bool) -> tuple[Column, ...]:
    columns: tuple[Column, ...] = (
        Column("currency", _("Currency"), ColumnKind.TEXT),
        Column("sessions", _("Sessions"), ColumnKind.COUNT),
        Column("enrolled", _("Places"), ColumnKind.COUNT),
        Column("completed", _("Completed"), ColumnKind.COUNT),
        Column("cost", _("Cost"), ColumnKind.MONEY),
        Column("cost_per_session", _("Per session"), ColumnKind.MONEY),
        Column("cost_per_learner", _("Per learner"), ColumnKind.MONEY),
        Column("cost_per_completion", _("Per completion"), ColumnKind.MONEY),
    )
    if with_budget:
        columns += (
            Column("budget", _("Budget"), ColumnKind.MONEY),
            Column("remaining", _("Remaining"), ColumnKind.MONEY),
        )
    return columns


def _counts(
    tx: OrmSession, costs: Subquery, by_share: bool, filters: ReportFilters
) -> tuple[int, int, int]:
    """Distinct sessions, places and completions behind the figures, across currencies."""
    if by_share:
        completed_id = case((Enrollment.status == EnrollmentStatus.COMPLETED, Enrollment.id))
        query = (
            select(
                func.count(func.distinct(costs.c.session_id)),
                func.count(func.distinct(Enrollment.id)),
                func.count(func.distinct(completed_id)),
            )
            .select_from(costs)
            .join(Enrollment, and_(Enrollment.session_id == costs.c.session_id, holds_place()))
            .join(Learner, Learner.id == Enrollment.learner_id)
            .where(costs.c.places > 0, *learner_conditions(filters))
        )
    else:
        sessions = (
            select(costs.c.session_id, costs.c.places, costs.c.completed).distinct().subquery()
        )
        query = select(
            func.count(sessions.c.session_id),
            func.sum(sessions.c.places),
            func.sum(sessions.c.completed),
        )
    found = tx.execute(query).one()
    return int(found[0] or 0), int(found[1] or 0), int(found[2] or 0)


def _figures(values: Sequence[Any]) -> tuple[Value, ...]:  # Any: a row's figures
    currency, cost, sessions, places, completed = values
    total = Amounts.of(Decimal(str(cost or 0)), str(currency))
    sessions, places, completed = int(sessions or 0), int(places or 0), int(completed or 0)
    return (
        str(currency),
        sessions,
        places,
        completed,
        total,
        total.divided(sessions),
        total.divided(places),
        total.divided(completed),
    )


def _totals(
    rows: Sequence[Sequence[Any]],  # Any: row values
    counts: tuple[int, int, int],
    columns: tuple[Column, ...],
) -> dict[str, Value]:
    """The totals row: money per currency as Amounts (never added across currencies).

    Counts are distinct sessions and places, whatever their currencies.
    """
    figures = [_figures(tuple(row)) for row in rows]
    sessions, places, completed = counts
    totals: dict[str, Value] = {
        "currency": ", ".join(sorted({str(f[0]) for f in figures})),
        "sessions": sessions,
        "enrolled": places,
        "completed": completed,
        "cost": _per(figures, 4),
        "cost_per_session": _per(figures, 5),
        "cost_per_learner": _per(figures, 6),
        "cost_per_completion": _per(figures, 7),
    }
    if any(c.key == "budget" for c in columns):
        totals["budget"] = Amounts()
        totals["remaining"] = Amounts()
    return totals


def _per(figures: list[tuple[Value, ...]], index: int) -> Amounts:
    total = Amounts()
    for f in figures:
        value = f[index]
        assert isinstance(value, Amounts)
        total = total + value
    return total


def _budget_year(filters: ReportFilters, group_by: GroupBy) -> int | None:
    """The year whose budgets compare with spend: the period must lie within one year."""
    if group_by is not GroupBy.COURSE or filters.start is None or filters.end is None:
        return None
    return filters.start.year if filters.start.year == filters.end.year else None


def _budgets(
    tx: OrmSession, year: int | None, rates: dict[str, Decimal] | None, currency: str
) -> dict[str, Amounts]:
    if year is None:
        return {}
    found: dict[str, Amounts] = {}
    query = select(Course.code, CourseBudget.amount, CourseBudget.currency).join(
        CourseBudget, CourseBudget.course_id == Course.id
    )
    for code, amount, budget_currency in tx.execute(query.where(CourseBudget.year == year)):
        if rates is not None and budget_currency != currency and budget_currency in rates:
            found[code] = Amounts.of(Decimal(amount) * rates[budget_currency], currency)
        else:
            found[code] = Amounts.of(Decimal(amount), budget_currency)
    return found


def _budget_cells(budget: Amounts | None, spent: Value) -> tuple[Value, ...]:
    if budget is None or not isinstance(spent, Amounts):
        return (budget or Amounts(), Amounts())
    if spent.parts and budget.parts and spent.parts[0].currency != budget.parts[0].currency:
        return (budget, Amounts())  # another currency: not compared
    spent_amount = spent.single or Decimal(0)
    budget_amount = budget.single or Decimal(0)
    return (budget, Amounts.of(budget_amount - spent_amount, budget.parts[0].currency))


def _budget_only_rows(
    tx: OrmSession, budgets: dict[str, Amounts], seen: set[str], filters: ReportFilters
) -> list[tuple[Value, ...]]:
    """Courses with a budget but no spend in the period: spend nothing, all remaining."""
    rows: list[tuple[Value, ...]] = []
    for code, budget in sorted(budgets.items()):
        if code in seen or not budget.parts:
            continue
        course = tx.scalar(select(Course).where(Course.code == code))
        if course is None or (filters.course_id is not None and course.id != filters.course_id):
            continue
        money = budget.parts[0]
        zero = Amounts.of(Decimal(0), money.currency)
        rows.append(
            (
                code,
                course.title,
                money.currency,
                0,
                0,
                0,
                zero,
                Amounts(),
                Amounts(),
                Amounts(),
                budget,
                budget,
            )
        )
    return rows


def _notes(
    tx: OrmSession,
    scope: list[ColumnElement[bool]],
    present: set[str],
    currency: str,
    converting: bool,
) -> tuple[str, ...]:
    notes: list[str] = []
    without = tx.scalar(
        select(func.count())
        .select_from(TrainingSession)
        .where(
            *scope, ~select(CostLine.id).where(CostLine.session_id == TrainingSession.id).exists()
        )
    )
    if without:
        notes.append(
            ngettext(
                "{n} session that took place has no cost lines; it is not in these figures.",
                "{n} sessions that took place have no cost lines; they are not in these figures.",
                without,
            ).format(n=without)
        )
    if currency and not converting and len(present) > 1:
        missing = sorted(present - {currency})
        notes.append(
            _("Amounts are not converted to {currency}: there is no rate for {missing}.").format(
                currency=currency, missing=", ".join(missing)
            )
        )
    elif converting and len(present) > 1:
        notes.append(
            _("Amounts in {currencies} are converted to {currency} at the rates entered.").format(
                currencies=", ".join(sorted(present - {currency})), currency=currency
            )
        )
    return tuple(notes)

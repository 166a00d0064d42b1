"""Cost lines of sessions and courses, yearly course budgets, and the exchange-rate table.

A new session copies its course's default cost lines; editing a session's costs replaces its
lines in one transaction. Rates convert other currencies into the one report currency; without
a rate for every currency present, reports keep currencies apart instead of adding them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from iltdesk.db.engine import Database
from iltdesk.db.entities import CostLine
from iltdesk.db.entities import Course
from iltdesk.db.entities import CourseBudget
from iltdesk.db.entities import Enrollment
from iltdesk.db.entities import ExchangeRate
from iltdesk.db.entities import Instructor
from iltdesk.db.entities import SessionDay
from iltdesk.db.entities import Setting
from iltdesk.db.entities import TrainingSession
from iltdesk.domain.changes import Changes
from iltdesk.domain.changes import Entity
from iltdesk.domain.costs import CostLineRow
from iltdesk.domain.costs import CostLineSpec
from iltdesk.domain.costs import CostSummary
from iltdesk.domain.costs import totals_by_currency
from iltdesk.domain.costs import validate_amount
from iltdesk.domain.costs import validate_currency
from iltdesk.domain.costs import validate_line
from iltdesk.domain.enums import SEAT_HOLDING
from iltdesk.errors import ValidationError
from iltdesk.i18n import _
from iltdesk.services.common import Outcome
from iltdesk.services.common import audit
from iltdesk.services.common import get_or_fail

REPORT_CURRENCY_KEY = "reports.currency"


@dataclass(frozen=True)
class BudgetRow:
    """A course's budget for one year (amount None: no budget set)."""

    course_id: int
    code: str
    title: str
    year: int
    amount: Decimal | None
    currency: str


@dataclass(frozen=True)
class RateTable:
    """The report currency ("" keeps currencies apart) and units of it per unit of others."""

    currency: str
    rates: dict[str, Decimal]


def _rows(tx: OrmSession, where: ColumnElement[bool]) -> list[CostLineRow]:
    query = (
        select(CostLine, Instructor.name)
        .outerjoin(Instructor, Instructor.id == CostLine.instructor_id)
        .where(where)
        .order_by(CostLine.id)
    )
    return [
        CostLineRow(
            line.id,
            line.category,
            line.basis,
            line.amount,
            line.currency,
            line.description,
            line.instructor_id,
            name or "",
        )
        for line, name in tx.execute(query)
    ]


def session_costs(db: Database, session_id: int) -> list[CostLineRow]:
    """A session's cost lines."""
    with db.reading() as tx:
        return _rows(tx, CostLine.session_id == session_id)


def course_costs(db: Database, course_id: int) -> list[CostLineRow]:
    """The course's default cost lines, which new sessions of it copy."""
    with db.reading() as tx:
        return _rows(tx, CostLine.course_id == course_id)


def _replace(
    tx: OrmSession, lines: Sequence[CostLineSpec], *, session_id: int | None, course_id: int | None
) -> None:
    checked = [validate_line(line) for line in lines]
    for line in checked:
        if line.instructor_id is not None:
            get_or_fail(tx, Instructor, line.instructor_id, _("That instructor no longer exists."))
    if session_id is not None:
        tx.execute(delete(CostLine).where(CostLine.session_id == session_id))
    else:
        tx.execute(delete(CostLine).where(CostLine.course_id == course_id))
    for line in checked:
        tx.add(
            CostLine(
                session_id=session_id,
                course_id=course_id,
                category=line.category,
                basis=line.basis,
                description=line.description,
                amount=line.amount,
                currency=line.currency,
                instructor_id=line.instructor_id,
            )
        )
    tx.flush()


def set_session_costs(
    db: Database, session_id: int, lines: Sequence[CostLineSpec]
) -> Outcome[list[CostLineRow]]:
    """Replace the session's cost lines (cancelled and completed sessions keep costs too)."""
    with db.transaction() as tx:
        get_or_fail(tx, TrainingSession, session_id, _("That session no longer exists."))
        before = [r.spec() for r in _rows(tx, CostLine.session_id == session_id)]
        _replace(tx, lines, session_id=session_id, course_id=None)
        after = _rows(tx, CostLine.session_id == session_id)
        audit(tx, "session", session_id, "costs", {"before": before, "after": after})
        changes = Changes.of(Entity.COST, session_id) | Changes.of(Entity.SESSION, session_id)
        return Outcome(after, changes)


def set_course_costs(
    db: Database, course_id: int, lines: Sequence[CostLineSpec]
) -> Outcome[list[CostLineRow]]:
    """Replace the course's default cost lines; sessions already scheduled keep theirs."""
    with db.transaction() as tx:
        after = set_course_costs_in(tx, course_id, lines)
        return Outcome(after, Changes.of(Entity.COST, 0) | Changes.of(Entity.COURSE, course_id))


def set_course_costs_in(
    tx: OrmSession, course_id: int, lines: Sequence[CostLineSpec]
) -> list[CostLineRow]:
    """`set_course_costs` inside the caller's transaction (the course editor's Save)."""
    get_or_fail(tx, Course, course_id, _("That course no longer exists."))
    _replace(tx, lines, session_id=None, course_id=course_id)
    after = _rows(tx, CostLine.course_id == course_id)
    audit(tx, "course", course_id, "default costs", {"lines": len(after)})
    return after


def copy_costs_in(
    tx: OrmSession,
    session_id: int,
    *,
    course_id: int | None = None,
    from_session: int | None = None,
) -> int:
    """Give a new session the course's default lines, or another session's lines."""
    where = (
        CostLine.course_id == course_id
        if from_session is None
        else CostLine.session_id == from_session
    )
    lines = [r.spec() for r in _rows(tx, where)]
    _replace(tx, lines, session_id=session_id, course_id=None)
    return len(lines)


def session_cost_summary(db: Database, session_id: int) -> CostSummary:
    """The session's cost per currency, its places and days."""
    with db.reading() as tx:
        lines = _rows(tx, CostLine.session_id == session_id)
        days = tx.scalar(
            select(func.count()).select_from(SessionDay).where(SessionDay.session_id == session_id)
        )
        places = tx.scalar(
            select(func.count())
            .select_from(Enrollment)
            .where(Enrollment.session_id == session_id, Enrollment.status.in_(SEAT_HOLDING))
        )
        return CostSummary(
            totals_by_currency(lines, days or 0, places or 0), places or 0, days or 0
        )


# --- budgets --------------------------------------------------------------------------------


def list_budgets(db: Database, year: int) -> list[BudgetRow]:
    """Every active course with its budget for `year` (None where none is set)."""
    with db.reading() as tx:
        query = (
            select(Course, CourseBudget)
            .outerjoin(
                CourseBudget, (CourseBudget.course_id == Course.id) & (CourseBudget.year == year)
            )
            .where(Course.archived.is_(False))
            .order_by(Course.code)
        )
        return [
            BudgetRow(
                course.id,
                course.code,
                course.title,
                year,
                budget.amount if budget is not None else None,
                budget.currency if budget is not None else course.currency,
            )
            for course, budget in tx.execute(query).tuples()
        ]


def set_budget(
    db: Database, course_id: int, year: int, amount: Decimal | None, currency: str
) -> Outcome[None]:
    """Set (or, with None, remove) a course's budget for a year."""
    if amount is not None:
        amount = validate_amount(amount)
        currency = validate_currency(currency)
    if not 1900 < year < 3000:
        raise ValidationError(_("A budget year is a year such as 2027."))
    with db.transaction() as tx:
        get_or_fail(tx, Course, course_id, _("That course no longer exists."))
        budget = tx.get(CourseBudget, (course_id, year))
        if amount is None:
            if budget is not None:
                tx.delete(budget)
        else:
            if budget is None:
                budget = CourseBudget(course_id=course_id, year=year)
                tx.add(budget)
            budget.amount = amount
            budget.currency = currency
        audit(tx, "course", course_id, "budget", {"year": year, "amount": amount})
        return Outcome(None, Changes.of(Entity.COST, 0))


# --- exchange rates -------------------------------------------------------------------------


def rate_table(db: Database) -> RateTable:
    """The reporting currency and the exchange rates the user entered."""
    with db.reading() as tx:
        return rate_table_in(tx)


def rate_table_in(tx: OrmSession) -> RateTable:
    """`rate_table` inside a caller's transaction."""
    setting = tx.get(Setting, REPORT_CURRENCY_KEY)
    currency = json.loads(setting.value) if setting is not None else ""
    rates = {r.currency: r.rate for r in tx.scalars(select(ExchangeRate))}
    return RateTable(str(currency or ""), rates)


def set_rate_table(db: Database, currency: str, rates: dict[str, Decimal]) -> Outcome[RateTable]:
    """Choose the report currency ("" to keep currencies apart) and the rates into it."""
    currency = validate_currency(currency) if currency.strip() else ""
    checked: dict[str, Decimal] = {}
    for code, rate in rates.items():
        if not rate.is_finite() or rate <= 0:
            raise ValidationError(
                _("The rate for {currency} must be more than zero.").format(currency=code)
            )
        checked[validate_currency(code)] = rate
    with db.transaction() as tx:
        setting = tx.get(Setting, REPORT_CURRENCY_KEY)
        if setting is None:
            tx.add(Setting(key=REPORT_CURRENCY_KEY, value=json.dumps(currency)))
        else:
            setting.value = json.dumps(currency)
        tx.execute(delete(ExchangeRate))
        for code, rate in checked.items():
            if code != currency:
                tx.add(ExchangeRate(currency=code, rate=rate))
        tx.flush()
        audit(tx, "settings", None, "exchange rates", {"currency": currency, "rates": rates})
        return Outcome(rate_table_in(tx), Changes.of(Entity.COST, 0))

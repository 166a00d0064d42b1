"""SQL the two engines spell differently, behind one name each (the only such SQL outside db/).

`hours_before(instant, n)` is the stored instant minus n hours: SQLite keeps instants as ISO
text and shifts them with `datetime()`; PostgreSQL subtracts an interval.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import Integer
from sqlalchemy import literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from iltdesk.db.expressions import SqlExpression


class hours_before(FunctionElement[Any]):  # noqa: N801 - reads as the SQL function it is
    """`instant - n hours`, comparable with stored instants on both engines."""

    type = DateTime()
    inherit_cache = True

    def __init__(self, instant: Any, hours: int) -> None:  # a column or expression
        # The hours are a bound parameter, so one cached statement serves any number of them.
        super().__init__(instant, literal(int(hours), Integer()))


def _parts(element: hours_before, compiler: SQLCompiler, **kw: object) -> tuple[str, str]:
    instant, hours = element.clauses
    return compiler.process(instant, **kw), compiler.process(hours, **kw)


@compiles(hours_before, "sqlite")
def _hours_before_sqlite(element: hours_before, compiler: SQLCompiler, **kw: object) -> str:
    # datetime() drops the fraction ("…09:00:00"); stored values keep it ("…09:00:00.000000"),
    # which still compares correctly as text: a longer string with the same prefix sorts after.
    instant, hours = _parts(element, compiler, **kw)
    return f"datetime({instant}, '-' || {hours} || ' hours')"


@compiles(hours_before)
def _hours_before_default(element: hours_before, compiler: SQLCompiler, **kw: object) -> str:
    instant, hours = _parts(element, compiler, **kw)
    return f"({instant} - make_interval(hours => {hours}))"


class add_months(FunctionElement[Any]):  # noqa: N801 - reads as the SQL function it is
    """`day + n months` for a date column (the month's last day when it is shorter)."""

    type = Date()
    inherit_cache = True

    def __init__(self, day: SqlExpression, months: SqlExpression) -> None:
        super().__init__(day, months)


class add_days(FunctionElement[Any]):  # noqa: N801
    """`day + n days` for a date column."""

    type = Date()
    inherit_cache = True

    def __init__(self, day: SqlExpression, days: SqlExpression) -> None:
        super().__init__(day, days)


class date_of(FunctionElement[Any]):  # noqa: N801
    """The (UTC) date of a stored instant."""

    type = Date()
    inherit_cache = True

    def __init__(self, instant: SqlExpression) -> None:
        super().__init__(instant)


def _two(element: add_months | add_days, compiler: SQLCompiler, **kw: object) -> tuple[str, str]:
    first, second = element.clauses
    return compiler.process(first, **kw), compiler.process(second, **kw)


@compiles(add_months, "sqlite")
def _add_months_sqlite(element: add_months, compiler: SQLCompiler, **kw: object) -> str:
    # SQLite's '+N months' rolls 31 Jan into 3 March; clamp to the month's last day instead,
    # as Python's and PostgreSQL's month arithmetic do.
    day, months = _two(element, compiler, **kw)
    shifted = f"date({day}, 'start of month', printf('%+d months', {months}))"
    last = f"date({shifted}, '+1 month', '-1 day')"
    wanted = f"date({shifted}, '+' || (CAST(strftime('%d', {day}) AS INTEGER) - 1) || ' days')"
    return f"min({wanted}, {last})"


@compiles(add_months)
def _add_months_default(element: add_months, compiler: SQLCompiler, **kw: object) -> str:
    day, months = _two(element, compiler, **kw)
    return f"CAST({day} + make_interval(months => {months}) AS DATE)"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element: add_days, compiler: SQLCompiler, **kw: object) -> str:
    day, days = _two(element, compiler, **kw)
    return f"date({day}, printf('%+d days', {days}))"


@compiles(add_days)
def _add_days_default(element: add_days, compiler: SQLCompiler, **kw: object) -> str:
    day, days = _two(element, compiler, **kw)
    return f"CAST({day} + make_interval(days => {days}) AS DATE)"


@compiles(date_of, "sqlite")
def _date_of_sqlite(element: date_of, compiler: SQLCompiler, **kw: object) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(date_of)
def _date_of_default(element: date_of, compiler: SQLCompiler, **kw: object) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"

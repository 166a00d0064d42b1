"""SQL the two engines spell differently, behind one name each (the only such SQL outside db/).

`hours_before(instant, n)` is the stored instant minus n hours: SQLite keeps instants as ISO
text and shifts them with `datetime()`; PostgreSQL subtracts an interval.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import DateTime, Integer, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class hours_before(FunctionElement[Any]):  # noqa: N801 - reads as the SQL function it is
    """`instant - n hours`, comparable with stored instants on both engines."""

    type = DateTime()
    inherit_cache = True

    def __init__(self, instant: Any, hours: int) -> None:  # a column or expression
        # The hours are a bound parameter, so one cached statement serves any number of them.
        super().__init__(instant, literal(int(hours), Integer()))


def _parts(element: hours_before, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    instant, hours = element.clauses
    return compiler.process(instant, **kw), compiler.process(hours, **kw)


@compiles(hours_before, "sqlite")
def _hours_before_sqlite(element: hours_before, compiler: SQLCompiler, **kw: Any) -> str:
    # datetime() drops the fraction ("…09:00:00"); stored values keep it ("…09:00:00.000000"),
    # which still compares correctly as text: a longer string with the same prefix sorts after.
    instant, hours = _parts(element, compiler, **kw)
    return f"datetime({instant}, '-' || {hours} || ' hours')"


@compiles(hours_before)
def _hours_before_default(element: hours_before, compiler: SQLCompiler, **kw: Any) -> str:
    instant, hours = _parts(element, compiler, **kw)
    return f"({instant} - make_interval(hours => {hours}))"

"""Calendar arithmetic the rules share."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

D = TypeVar("D", bound=date)  # a date or a datetime


def add_months(day: D, months: int) -> D:
    """`day` plus whole months, on the month's last day when it is shorter (31 Jan + 1 → 28 Feb).

    Negative `months` go back. Times and time zones of a datetime are kept.
    """
    from dateutil.relativedelta import relativedelta

    shifted: D = day + relativedelta(months=months)
    return shifted

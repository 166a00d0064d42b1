"""Costs of training: cost lines, what each multiplies by, and sums that never mix currencies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from iltdesk.domain.enums import CostBasis
from iltdesk.domain.enums import CostCategory
from iltdesk.errors import ValidationError
from iltdesk.i18n import _

CENT = Decimal("0.01")
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class CostLineSpec:
    """One cost as typed: `amount` in `currency`, multiplied by its basis."""

    category: CostCategory
    basis: CostBasis
    amount: Decimal
    currency: str
    description: str = ""
    instructor_id: int | None = None  # whose fee, for instructor-fee lines


@dataclass(frozen=True)
class CostLineRow:
    """A stored cost line of a session or (as a default for new sessions) of a course."""

    id: int
    category: CostCategory
    basis: CostBasis
    amount: Decimal
    currency: str
    description: str
    instructor_id: int | None
    instructor_name: str

    def spec(self) -> CostLineSpec:
        return CostLineSpec(
            self.category,
            self.basis,
            self.amount,
            self.currency,
            self.description,
            self.instructor_id,
        )


@dataclass(frozen=True)
class Money:
    """An amount in one currency."""

    amount: Decimal
    currency: str


@dataclass(frozen=True)
class CostSummary:
    """What a session costs, per currency, and per learner holding a place."""

    totals: tuple[Money, ...]
    places: int
    days: int

    def per_learner(self) -> tuple[Money, ...]:
        if not self.places:
            return ()
        return tuple(
            Money((m.amount / self.places).quantize(CENT), m.currency) for m in self.totals
        )


def line_total(basis: CostBasis, amount: Decimal, days: int, places: int) -> Decimal:
    """The amount a line adds to its session: once, per day, or per learner holding a place."""
    factor = {CostBasis.PER_SESSION: 1, CostBasis.PER_DAY: days, CostBasis.PER_LEARNER: places}
    return amount * factor[basis]


def totals_by_currency(
    lines: list[CostLineSpec] | list[CostLineRow], days: int, places: int
) -> tuple[Money, ...]:
    """Sum the lines per currency (never across currencies), currencies in alphabetical order."""
    sums: dict[str, Decimal] = {}
    for line in lines:
        total = line_total(line.basis, line.amount, days, places)
        sums[line.currency] = sums.get(line.currency, Decimal(0)) + total
    return tuple(Money(sums[c].quantize(CENT), c) for c in sorted(sums))


def validate_currency(code: str) -> str:
    """A three-letter currency code, upper-cased; refuses anything else with a sentence."""
    currency = code.strip().upper()
    if not _CURRENCY.fullmatch(currency):
        raise ValidationError(
            _("“{currency}” is not a currency code: use three letters, such as EUR or GBP.").format(
                currency=code
            )
        )
    return currency


def validate_amount(amount: Decimal) -> Decimal:
    """An amount of money to the cent, refusing negative and absurd ones."""
    if not amount.is_finite() or amount < 0:
        raise ValidationError(_("An amount of money cannot be negative."))
    if amount >= Decimal("10000000000"):
        raise ValidationError(_("An amount of money must be less than 10,000,000,000."))
    return amount.quantize(CENT)


def validate_line(line: CostLineSpec) -> CostLineSpec:
    """The line with its currency upper-cased and amount to the cent; refuses what isn't one."""
    if line.category is not CostCategory.INSTRUCTOR_FEE and line.instructor_id is not None:
        raise ValidationError(_("Only an instructor fee names an instructor."))
    return CostLineSpec(
        line.category,
        line.basis,
        validate_amount(line.amount),
        validate_currency(line.currency),
        " ".join(line.description.split())[:300],
        line.instructor_id,
    )

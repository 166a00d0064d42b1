"""Training requirements and where each learner stands against them, as plain data.

The rule, applied in SQL by `services/compliance.py` (and described to users by `RULE`):

- exempt (with a reason, not revoked) → *exempt*;
- the latest completion of the course or an equivalent one, counted from the session's last
  day, whose certificate was not revoked: without recurrence *current* for good; with it,
  valid until completion + N months → *current*, *expiring* (within the window) or *overdue*
  (since the day it ran out);
- never completed: due `within_days` after the later of the anchor (hire date, or the day the
  learner became eligible) and the requirement's start → *not done yet* before that day,
  *overdue* after it; under a hire-date rule a learner without a hire date is *hire date
  missing*, never overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from typing import Final

from iltdesk import formatting
from iltdesk.domain.enums import ComplianceState
from iltdesk.domain.enums import RequirementAnchor
from iltdesk.errors import ValidationError
from iltdesk.i18n import N_
from iltdesk.i18n import _
from iltdesk.i18n import ngettext

EXPIRY_WINDOW_DAYS = 60  # "expiring" means running out within this many days, unless asked


@dataclass(frozen=True)
class RequirementSpec:
    """A requirement as typed: `course_ids[0]` is its course, the rest are equivalents."""

    name: str
    course_ids: tuple[int, ...]
    recurrence_months: int | None = None
    within_days: int | None = None
    anchor: RequirementAnchor = RequirementAnchor.ELIGIBLE
    starts_on: date | None = None
    department: str = ""
    job_title: str = ""
    location: str = ""
    explicit: bool = False


@dataclass(frozen=True)
class RequirementRow:
    """A stored requirement, with the names of its courses."""

    id: int
    name: str
    course_ids: tuple[int, ...]
    course_names: tuple[str, ...]
    recurrence_months: int | None
    within_days: int | None
    anchor: RequirementAnchor
    starts_on: date | None
    department: str
    job_title: str
    location: str
    explicit: bool
    archived: bool
    members: int = 0
    archived_courses: tuple[str, ...] = ()

    def warning(self) -> str:
        """What needs the coordinator's eye: courses archived since the requirement was set."""
        if not self.archived_courses:
            return ""
        if len(self.archived_courses) == len(self.course_ids):
            return _(
                "{name}: its course {codes} is archived, so nobody can take it now; choose an "
                "active course or archive the requirement. Completions so far still count."
            ).format(name=self.name, codes=", ".join(self.archived_courses))
        return _("{name}: {codes} archived; the other courses still meet the requirement.").format(
            name=self.name, codes=", ".join(self.archived_courses)
        )

    def spec(self) -> RequirementSpec:
        return RequirementSpec(
            self.name,
            self.course_ids,
            self.recurrence_months,
            self.within_days,
            self.anchor,
            self.starts_on,
            self.department,
            self.job_title,
            self.location,
            self.explicit,
        )

    def scope_text(self) -> str:
        if self.explicit:
            return ngettext("{n} listed learner", "{n} listed learners", self.members).format(
                n=self.members
            )
        parts = [p for p in (self.department, self.job_title, self.location) if p]
        return " · ".join(parts) if parts else _("everyone")


@dataclass(frozen=True)
class ComplianceCell:
    """One learner against one requirement: the state and its date (valid until, due…).

    `lasting`: a requirement met once and for good; `on` is then the completion day.
    """

    state: ComplianceState
    on: date | None
    lasting: bool = False


@dataclass(frozen=True)
class MatrixLearner:
    """A row of the compliance matrix."""

    id: int
    name: str
    email: str
    department: str
    manager: str
    manager_email: str
    location: str


# A MatrixLearner's fields in a plain tuple, as the matrix holds its rows: the cyclic
# collector stops walking such a tuple after its first pass (see DueRow), while 50,000
# MatrixLearner instances were walked by each full collection as the screen was worked out.
LearnerTuple = tuple[int, str, str, str, str, str, str]
# Positions in a LearnerTuple.
LEARNER_ID: Final = 0
LEARNER_NAME: Final = 1
LEARNER_EMAIL: Final = 2
LEARNER_DEPARTMENT: Final = 3
LEARNER_MANAGER: Final = 4
LEARNER_MANAGER_EMAIL: Final = 5


@dataclass(frozen=True)
class ComplianceMatrix:
    """Learners down, requirements across; `cells[r][learner_id]` for requirement index r."""

    requirements: tuple[RequirementRow, ...]
    learner_rows: tuple[LearnerTuple, ...]
    cells: tuple[dict[int, ComplianceCell], ...]
    today: date
    window_days: int
    totals: tuple[dict[ComplianceState, int], ...] = field(default_factory=tuple)

    @property
    def learners(self) -> tuple[MatrixLearner, ...]:
        """The rows as MatrixLearners, made on each call (the screen keeps `learner_rows`)."""
        return tuple(MatrixLearner(*row) for row in self.learner_rows)

    def cell(self, requirement_index: int, learner_id: int) -> ComplianceCell | None:
        return self.cells[requirement_index].get(learner_id)


@dataclass(frozen=True)
class DueItem:
    """A learner who must act on a requirement soon (or already should have)."""

    learner_id: int
    learner_name: str
    email: str
    manager: str
    manager_email: str
    department: str
    requirement_id: int
    requirement: str
    course_id: int
    state: ComplianceState
    on: date | None
    course_ids: tuple[int, ...] = ()


# The due list as the screen holds it: a DueItem's fields in order, the state as its value, in
# a plain tuple. The cyclic collector stops walking a tuple of plain values after its first
# pass, while it walks every instance of a class at each full collection: 200,000 due items
# (50,000 learners) made each of those passes hold the window 30-100 ms, a dozen times while
# the compliance screen was worked out.
DueRow = tuple[int, str, str, str, str, str, int, str, int, str, date | None, tuple[int, ...]]
# Positions in a DueRow.
DUE_NAME: Final = 1
DUE_EMAIL: Final = 2
DUE_MANAGER: Final = 3
DUE_DEPARTMENT: Final = 5
DUE_REQUIREMENT: Final = 7
DUE_STATE: Final = 9
DUE_ON: Final = 10


def due_item(row: DueRow) -> DueItem:
    """The item a due-list row stands for."""
    return DueItem(*row[:DUE_STATE], ComplianceState(row[DUE_STATE]), *row[DUE_ON:])


RULE = N_(
    "Current: the latest completion of the course or an equivalent one (its certificate not "
    "revoked) is valid; expiring: it runs out within the window; overdue: it ran out, or the "
    "learner never completed it and the due date (within the days after the hire date or "
    "becoming eligible, not before the requirement starts) has passed; not done yet: due "
    "later; exempt: excused with a reason."
)


def validate_requirement(spec: RequirementSpec) -> RequirementSpec:
    """The spec tidied, or a `ValidationError` saying what is missing."""
    name = " ".join(spec.name.split())
    if not name:
        raise ValidationError(_("Give the requirement a name, such as “Forklift licence”."))
    if not spec.course_ids:
        raise ValidationError(_("Choose the course that meets the requirement."))
    if spec.recurrence_months is not None and spec.recurrence_months <= 0:
        raise ValidationError(_("A requirement repeats every 1 month or more."))
    if spec.within_days is not None and spec.within_days < 0:
        raise ValidationError(_("“Within N days” cannot be negative."))
    unique = tuple(dict.fromkeys(spec.course_ids))
    return RequirementSpec(
        name,
        unique,
        spec.recurrence_months,
        spec.within_days,
        spec.anchor,
        spec.starts_on,
        spec.department.strip(),
        spec.job_title.strip(),
        spec.location.strip(),
        spec.explicit,
    )


def validate_reason(reason: str) -> str:
    """An exemption's reason, trimmed; refused when empty."""
    text = " ".join(reason.split())
    if not text:
        raise ValidationError(
            _("Say why the learner is exempt: auditors read the reason with the exemption.")
        )
    return text


def cell_text(cell: ComplianceCell | None) -> str:
    """A cell in words: "Current until 12 Mar 2027", "Overdue since 1 Dec 2026", or "—"."""
    if cell is None:
        return "—"
    if cell.on is None:
        return cell.state.label()
    when = formatting.format_date(cell.on)
    if cell.lasting:
        return _("Completed {date}").format(date=when)
    if cell.state in (ComplianceState.CURRENT, ComplianceState.EXPIRING):
        return _("{state} until {date}").format(state=cell.state.label(), date=when)
    if cell.state is ComplianceState.OVERDUE:
        return _("Overdue since {date}").format(date=when)
    return _("Due {date}").format(date=when)


def totals_line(matrix: ComplianceMatrix, index: int) -> str:
    """One requirement's totals in words: “Forklift: 212 current, 9 expiring…”."""
    counts = matrix.totals[index] if index < len(matrix.totals) else {}
    shown = [count_words(state, counts[state]) for state in ComplianceState if counts.get(state)]
    return f"{matrix.requirements[index].name}: " + (", ".join(shown) or "—")


def count_words(state: ComplianceState, n: int) -> str:
    """How many are in `state`, in words ("9 expiring", "1 hire date missing").

    A phrase of its own per state: the state's label lower-cased read "9 eintrittsdatum fehlt"
    in German, where nouns keep their capital.
    """
    number = formatting.format_number(n)
    match state:
        case ComplianceState.CURRENT:
            text = ngettext("{n} current", "{n} current", n)
        case ComplianceState.EXPIRING:
            text = ngettext("{n} expiring", "{n} expiring", n)
        case ComplianceState.OVERDUE:
            text = ngettext("{n} overdue", "{n} overdue", n)
        case ComplianceState.NEVER:
            text = ngettext("{n} not done yet", "{n} not done yet", n)
        case ComplianceState.EXEMPT:
            text = ngettext("{n} exempt", "{n} exempt", n)
        case ComplianceState.HIRE_DATE_MISSING:
            text = ngettext("{n} hire date missing", "{n} hire dates missing", n)
    return text.format(n=number)

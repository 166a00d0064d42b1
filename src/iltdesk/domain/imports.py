"""What a roster import plans, counts and did: the rows the import wizard and its models show.

Plain data, no database: the service (`services/roster_import`) fills them in, the models read
them, so neither the models nor the views need the service to know their shape.
"""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class RowProblem:
    """Something wrong (or worth a note) in one row or column of an imported sheet."""

    row: int  # the row number as the spreadsheet shows it (1-based)
    column: str  # the header of the column at fault, or "" for the whole row
    message: str
    blocking: bool = True  # False: a note or warning; the row is still imported


class RowAction(StrEnum):
    """What an import does with one row of the sheet."""

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "skip"
    MERGED = "merged"  # the same person as an earlier row of the file
    REJECTED = "rejected"


class Placement(StrEnum):
    """Where an imported learner lands on the session, if any."""

    NONE = "none"  # directory only
    SEAT = "seat"
    WAITLIST = "waitlist"
    ALREADY = "already"  # already holds a place on the session


@dataclass(frozen=True)
class FieldChange:
    """One field an import changes on an existing learner: old and new text."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Candidate:
    """An existing learner a row might be (same name, different email and ID)."""

    learner_id: int
    name: str
    email: str


@dataclass(frozen=True)
class RowPlan:
    """What an import will do with one sheet row, and to whom."""

    row: int
    action: RowAction
    learner_id: int | None = None
    changes: tuple[FieldChange, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    placement: Placement = Placement.NONE


@dataclass(frozen=True)
class ImportCounts:
    """How many rows an import creates, updates, merges, rejects, seats and waitlists."""

    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates_merged: int = 0
    rejected: int = 0
    possible_duplicates: int = 0
    skipped: int = 0
    enrolled: int = 0
    waitlisted: int = 0
    already_enrolled: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def phrases(self, session: bool = True, *, done: bool = False) -> list[list[str]]:
        """The counts in words, in the user's language and number format.

        The learners' line, and the session's places when `session` and there are any; the
        import wizard and the command line show the same words.
        """
        from iltdesk.formatting import format_number as n
        from iltdesk.i18n import ngettext

        learners = [
            ngettext("{n} new learner", "{n} new learners", self.new).format(n=n(self.new)),
            ngettext("{n} updated", "{n} updated", self.updated).format(n=n(self.updated)),
            ngettext("{n} unchanged", "{n} unchanged", self.unchanged).format(n=n(self.unchanged)),
            ngettext(
                "{n} duplicate merged", "{n} duplicates merged", self.duplicates_merged
            ).format(n=n(self.duplicates_merged)),
            ngettext("{n} row with problems", "{n} rows with problems", self.rejected).format(
                n=n(self.rejected)
            ),
        ]
        if self.possible_duplicates and not done:
            learners.append(
                ngettext(
                    "{n} possible duplicate to decide",
                    "{n} possible duplicates to decide",
                    self.possible_duplicates,
                ).format(n=n(self.possible_duplicates))
            )
        if self.skipped:
            learners.append(
                ngettext("{n} skipped", "{n} skipped", self.skipped).format(n=n(self.skipped))
            )
        if not (session and (self.enrolled or self.waitlisted or self.already_enrolled)):
            return [learners]
        places = [
            ngettext("{n} enrolled", "{n} enrolled", self.enrolled).format(n=n(self.enrolled)),
            ngettext("{n} to the waitlist", "{n} to the waitlist", self.waitlisted).format(
                n=n(self.waitlisted)
            ),
            ngettext(
                "{n} already on the session", "{n} already on the session", self.already_enrolled
            ).format(n=n(self.already_enrolled)),
        ]
        return [learners, places]


@dataclass(frozen=True)
class ImportPlan:
    """What an import would do, row by row, with its counts and problems."""

    session_id: int | None
    rows: tuple[RowPlan, ...]
    counts: ImportCounts
    problems: tuple[RowProblem, ...]

    @property
    def changes_anything(self) -> bool:
        c = self.counts
        return bool(c.new or c.updated or c.enrolled or c.waitlisted)

    def by_row(self) -> dict[int, RowPlan]:
        return {plan.row: plan for plan in self.rows}


@dataclass(frozen=True)
class ImportSource:
    """Which file and sheet an import reads, with the file's SHA-256."""

    file_name: str
    sha256: str
    sheet: str


@dataclass(frozen=True)
class ImportResult:
    """What an import did: its batch (None when nothing changed), counts and learners."""

    batch_id: int | None  # None: nothing needed changing, so nothing was written
    counts: ImportCounts
    problems: tuple[RowProblem, ...] = ()
    learner_ids: tuple[int, ...] = ()  # every learner the accepted rows are, in file order


@dataclass(frozen=True)
class UndoResult:
    """What undoing an import removed, kept and restored."""

    learners_removed: int
    learners_kept: int  # created by the import, but they have other history now
    learners_restored: int
    fields_kept: int  # changed by someone after the import, so left as they are
    places_removed: int
    places_kept: int  # attendance or a certificate was recorded since
    places_restored: int


@dataclass(frozen=True)
class ImportBatchRow:
    """An import as the import history lists it."""

    id: int
    file_name: str
    sheet_name: str
    created_at: datetime
    session_id: int | None
    session_label: str
    counts: dict[str, int]
    undone_at: datetime | None
    zone: str = "UTC"  # the organisation's zone, for showing the instants


@dataclass(frozen=True)
class ProblemRow:
    """A row of the problem report: where in the sheet, what was there, what is wrong.

    Here, not beside the report's writer: the import service makes these, and importing the
    writer (openpyxl, ~100 ms) made opening the import wizard hold the window.
    """

    row: int
    cells: tuple[str, ...]
    messages: tuple[str, ...]

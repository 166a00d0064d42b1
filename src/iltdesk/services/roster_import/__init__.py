"""Roster imports: match parsed rows to the directory, plan, commit as one batch, undo a batch.

Matching: an existing learner is found by email (any case), then by employee ID. A learner
who only shares a name with a row is a *possible duplicate*: flagged, never merged unless the
coordinator decides so (`decisions`). The plan is computed again inside the committing
transaction, so what is written always matches the database it is written to; a plan that
changes nothing writes nothing (importing the same file twice is a no-op).

A batch records what it created and, for what it changed, the old values; undoing it removes
what it added (keeping anything that has gathered history since) and restores what it changed
where nobody edited it afterwards.
"""

from __future__ import annotations

from iltdesk.services.roster_import.batches import earlier_import
from iltdesk.services.roster_import.batches import list_import_batches
from iltdesk.services.roster_import.batches import prepare
from iltdesk.services.roster_import.batches import problem_rows
from iltdesk.services.roster_import.batches import remember_mapping
from iltdesk.services.roster_import.batches import remembered_mapping
from iltdesk.services.roster_import.commit import commit_import
from iltdesk.services.roster_import.lookup import CHUNK
from iltdesk.services.roster_import.lookup import SKIP
from iltdesk.services.roster_import.lookup import Report
from iltdesk.services.roster_import.plan import plan_import
from iltdesk.services.roster_import.undo import undo_import

__all__ = [
    "CHUNK",
    "SKIP",
    "Report",
    "commit_import",
    "earlier_import",
    "list_import_batches",
    "plan_import",
    "prepare",
    "problem_rows",
    "remember_mapping",
    "remembered_mapping",
    "undo_import",
]

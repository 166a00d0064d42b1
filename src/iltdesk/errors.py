"""The errors a user can fix, each carrying one sentence to show them.

Anything that is not a `UserError` is a bug: it is logged with its traceback and the user is
told that details were saved to the log.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path


class UserError(Exception):
    """Something the user can put right; `str(error)` is the sentence shown to them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFoundError(UserError):
    """A record the user referred to (by id or code) does not exist."""


class ValidationError(UserError):
    """Input that breaks a rule: an empty title, a day ending before it starts."""


class SessionFullError(UserError):
    """The session has no free seat and the caller did not ask for the waitlist."""


class OverCapacityError(SessionFullError):
    """A walk-in would take the session past its capacity; the caller asks, then insists."""

    def __init__(self, message: str, capacity: int, taken: int) -> None:
        super().__init__(message)
        self.capacity = capacity
        self.taken = taken


class UnreadableFileError(UserError):
    """A file cannot be read as a roster or report; the message says why and what to do."""


class ClashError(UserError):
    """A booking overlaps another one; `clashes` lists them in sentences."""

    def __init__(self, message: str, clashes: list[str]) -> None:
        super().__init__(message)
        self.clashes = clashes


class DatabaseError(UserError):
    """The database cannot be opened or written: wrong file, newer version, locked, disk full."""


class NewerDatabaseError(DatabaseError):
    """The database was written by a newer ILT Desk than this one."""


class NotADatabaseError(DatabaseError):
    """The file at the database path is not an ILT Desk database (or is damaged)."""


class DamagedDatabaseError(NotADatabaseError):
    """The file is an SQLite database but damaged: the way back is a backup (`path` is it)."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class DatabaseLockedError(DatabaseError):
    """Another ILT Desk (or another program) is already using this database."""


class ReadOnlyLocationError(DatabaseError):
    """The database file or its folder cannot be written: nothing can be saved there."""


class DiskFullError(DatabaseError):
    """The disk (or the database's size limit) is full; nothing was written."""


class DiskIOError(DatabaseError):
    """The disk reported an error (failing, removed, or out of space mid-way)."""


class MigrationFailedError(DatabaseError):
    """Bringing the database to this version's schema failed; `backup` was taken before it."""

    def __init__(self, message: str, backup: Path | None = None) -> None:
        super().__init__(message)
        self.backup = backup


class ConflictError(DatabaseError):
    """Another coordinator changed the same records at the same moment; nothing was saved.

    Raised for serialization failures, deadlocks and races on a unique key that survived the
    automatic retries; trying again usually succeeds.
    """


class StaleEditError(ConflictError):
    """A record changed since the user opened it: `who` changed it at `at` (None: unknown).

    `differences` lists (field label, what the user saw, what it is now) for the fields that
    differ; the form offers Reload, Overwrite or Cancel.
    """

    def __init__(
        self,
        message: str,
        *,
        who: str = "",
        at: datetime | None = None,
        differences: list[tuple[str, str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.who = who
        self.at = at  # the instant of the other change, for saying it in the user's zone
        self.differences = differences or []


class ServerUnavailableError(DatabaseError):
    """The database server cannot be reached (down, network lost, wrong address)."""


class ServerUpgradeNeededError(DatabaseError):
    """A shared server's schema is older than this version: upgrading needs the user's word."""

    def __init__(self, message: str, current: str, head: str) -> None:
        super().__init__(message)
        self.current = current
        self.head = head

"""What every command shares: opening the database, exit codes, tables, confirmations."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from collections.abc import Sequence
from datetime import date
from typing import Any

from iltdesk import paths
from iltdesk.db.engine import Database
from iltdesk.db.engine import database_url
from iltdesk.db.engine import sqlite_path
from iltdesk.i18n import _

Handler = Callable[[argparse.Namespace], int]
Commands = Any  # argparse's private _SubParsersAction: what add_subparsers returns

# Exit statuses (documented in `iltdesk --help`).
EXIT_OK = 0
EXIT_PROBLEMS = 6  # the command ran and found problems (check-db, audit verify, verify)
EXIT_USER_ERROR = 1  # a sentence on stderr: bad input, a refused change, nothing to do
EXIT_UNREADABLE = 2  # the input file could not be read
EXIT_BUG = 3  # a bug: details in the log file
EXIT_DATABASE = 4  # the database cannot be opened or written (damaged, read-only, full, …)
EXIT_UNSENT = 5  # mail is left unsent (paused, failed, or waiting to retry)


def open_for_cli(option: str | None) -> Database:
    """Open the database for a command.

    Notes about it (a network share, work a crash cut short) go to stderr, so they never mix
    with the command's output.
    """
    from iltdesk.credentials import with_database_password
    from iltdesk.db.opening import open_database
    from iltdesk.services import journal
    from iltdesk.settings import Preferences

    url = with_database_password(database_url(paths.resolve_database(option)))
    file_path = sqlite_path(url)
    backups = paths.backup_dir_for(file_path) if file_path is not None else None
    db = open_database(url, backup_dir=backups)
    db.actor = Preferences().actor() or db.actor
    interrupted = journal.left_over(db, str(Preferences().get("default_timezone")))
    for note in [*db.notices, *([interrupted] if interrupted else [])]:
        print(note, file=sys.stderr)
    return db


def iso_date(text: str) -> date:
    """An argparse type: a YYYY-MM-DD date, or argparse's usage error with a sentence."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“{text}” is not a date: write it as YYYY-MM-DD.").format(text=text)
        ) from None


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number no smaller than `minimum` (a count, a number of days)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("“{text}” is not a whole number.").format(text=text)
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                _("give {minimum} or more, not {text}").format(minimum=minimum, text=text)
            )
        return value

    return parse


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print rows under headers, in columns as wide as their widest cell."""
    cells = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for row in cells:
        print("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)))


def confirm(question: str, yes: bool, refused: str = "") -> bool:
    """True to go ahead: --yes, or "y" typed at a terminal; otherwise say how to confirm."""
    if yes:
        return True
    if not sys.stdin.isatty():
        print(question, file=sys.stderr)
        print(refused or _("Nothing was sent. Add --yes to send."), file=sys.stderr)
        return False
    answer = input(f"{question} [y/N] ").strip().casefold()
    return answer in ("y", "yes", _("y"), _("yes"))

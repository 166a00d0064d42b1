"""Passwords (mail server, team database server): in the system keyring, never in a file.

Order of precedence: `ILTDESK_SMTP_PASSWORD` (for scripts and the command line), the keyring
(`keyring`), then a password given during this run only (when no keyring is available the app
asks once per run and keeps the answer in memory).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

SERVICE = "ILT Desk SMTP"
_this_run: dict[str, str] = {}


def _account(username: str, host: str) -> str:
    return f"{username}@{host}"


def keyring_available() -> bool:
    """Whether a system keyring can hold passwords here."""
    try:
        import keyring
        from keyring.backends import fail

        return not isinstance(keyring.get_keyring(), fail.Keyring)
    except Exception:  # an unusable backend is the same as none
        return False


def get_password(username: str, host: str) -> str | None:
    """The stored mail password for `username` at `host`, if any."""
    from_env = os.environ.get("ILTDESK_SMTP_PASSWORD")
    if from_env is not None:
        return from_env
    account = _account(username, host)
    if account in _this_run:
        return _this_run[account]
    if keyring_available():
        import keyring

        try:
            return keyring.get_password(SERVICE, account)
        except Exception:  # a locked or broken keyring: ask instead
            return None
    return None


def set_password(username: str, host: str, password: str, *, remember: bool = True) -> bool:
    """Keep the password for this run, and in the keyring when `remember` and one exists.

    Returns True when it went into the keyring.
    """
    account = _account(username, host)
    _this_run[account] = password
    if remember and keyring_available():
        import keyring

        try:
            keyring.set_password(SERVICE, account, password)
            return True
        except Exception:
            return False
    return False


def forget_for_this_run() -> None:
    """Drop passwords kept in memory (where no keyring exists)."""
    _this_run.clear()


DATABASE_SERVICE = "ILT Desk database"


def _database_account(url: URL) -> str:
    return f"{url.username or ''}@{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def with_database_password(url: URL) -> URL:
    """A server URL with its password from the keyring (or this run) when it has none.

    `PGPASSWORD` and `~/.pgpass` also work: the driver reads them itself.
    """
    if url.get_backend_name() == "sqlite" or url.password:
        return url
    account = _database_account(url)
    password = _this_run.get(DATABASE_SERVICE + account)
    if password is None and keyring_available():
        import keyring

        try:
            password = keyring.get_password(DATABASE_SERVICE, account)
        except Exception:  # a locked or broken keyring: connect without
            password = None
    return url.set(password=password) if password else url


def set_database_password(url: URL, password: str, *, remember: bool = True) -> bool:
    """Keep a database password for this run, and in the keyring when `remember` (True: it is)."""
    account = _database_account(url)
    _this_run[DATABASE_SERVICE + account] = password
    if remember and keyring_available():
        import keyring

        try:
            keyring.set_password(DATABASE_SERVICE, account, password)
            return True
        except Exception:
            return False
    return False

"""Per-user folders (platformdirs) and where the default database, backups and logs live.

`ILTDESK_HOME` moves every folder under one directory (used by tests and portable installs).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import platformdirs

APP_NAME = "ILT Desk"
APP_AUTHOR = "ILT Desk"


def _home() -> Path | None:
    value = os.environ.get("ILTDESK_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    """The per-user data folder (created when missing)."""
    home = _home()
    if home is not None:
        return home / "data"
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    """The per-user log folder (created when missing)."""
    home = _home()
    if home is not None:
        return home / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def config_dir() -> Path:
    """The per-user configuration folder (created when missing)."""
    home = _home()
    if home is not None:
        return home / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def default_database_path() -> Path:
    """The embedded database's file in the data folder."""
    return data_dir() / "iltdesk.sqlite3"


def materials_dir() -> Path:
    """Where course materials are kept, by content hash."""
    return data_dir() / "materials"


def backup_dir_for(database: Path) -> Path:
    """Backups of one database file: its own folder so two databases never thin each other."""
    resolved = database.resolve()
    if resolved == default_database_path().resolve():
        return data_dir() / "backups"
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:10]
    return data_dir() / "backups" / f"{resolved.stem}-{digest}"


def resolve_database(option: str | None) -> str:
    """`--db`, then `ILTDESK_DATABASE_URL`, then the default file in the user's data folder."""
    if option:
        return option
    from_env = os.environ.get("ILTDESK_DATABASE_URL")
    if from_env:
        return from_env
    return str(default_database_path())

"""Logging to a rotating file in the per-user log folder; the one place tracebacks go."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from iltdesk import paths

LOG_NAME = "iltdesk.log"


def log_file() -> Path:
    """The log file in the per-user log folder."""
    return paths.log_dir() / LOG_NAME


def configure_logging(level: int = logging.INFO) -> Path:
    """Send log records to the log file (falling back to stderr if it cannot be opened)."""
    target = log_file()
    root = logging.getLogger()
    root.setLevel(level)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            target, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.handlers = [handler]
    return target

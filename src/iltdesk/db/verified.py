"""Files checked once: unchanged since verified, a database is not checked again at start."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

VERIFIED_FILE = "verified.json"


def file_signature(path: Path) -> list[int]:
    """Size, modification time and inode: changes whenever anything rewrites the file."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def write_verified_signature(backup_dir: Path, path: Path) -> None:
    """Record that `path` was checked, so start-up need not check it again."""
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
        tmp = backup_dir / (VERIFIED_FILE + ".tmp")
        tmp.write_text(json.dumps({"signature": file_signature(path)}), encoding="utf-8")
        os.replace(tmp, backup_dir / VERIFIED_FILE)
    except OSError:
        log.warning("could not note the verified state of %s", path, exc_info=True)


def unchanged_since_verified(backup_dir: Path, path: Path) -> bool:
    """Whether the file is exactly as it was when last closed after a passing quick check."""
    wal = Path(str(path) + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return False  # left over from a crash: check
    try:
        state = json.loads((backup_dir / VERIFIED_FILE).read_text(encoding="utf-8"))
        return bool(state.get("signature") == file_signature(path))
    except (OSError, ValueError):
        return False

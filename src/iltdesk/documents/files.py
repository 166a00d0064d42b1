"""Writing exported files atomically: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from iltdesk.errors import UserError
from iltdesk.i18n import _


def write_atomic(target: Path, data: bytes) -> Path:
    """Write `data` to `target` so that readers see the old file or the whole new one.

    On failure nothing is left behind and a `UserError` says why.
    """
    target = target.expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    except OSError as error:
        raise UserError(
            _("Could not write {path}: {reason}. Choose another folder.").format(
                path=target, reason=error.strerror or error
            )
        ) from error
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise UserError(
            _("Could not write {path}: {reason}.").format(
                path=target, reason=error.strerror or error
            )
        ) from error
    return target

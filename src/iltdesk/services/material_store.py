"""The data folder's copies of course materials, kept by content: `<root>/<sha[:2]>/<sha>`.

A file added twice is kept once; each copy is written to a temporary name and renamed, so a
crash never leaves half a file under a material's name.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from iltdesk.errors import UserError
from iltdesk.i18n import _


@dataclass(frozen=True)
class MaterialStore:
    """Content-addressed files under a folder: `<root>/<sha[:2]>/<sha>`."""

    root: Path

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        """Store `data` (atomically) and return its sha256 and size."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(tmp, target)
            except OSError as error:
                Path(tmp).unlink(missing_ok=True)
                raise UserError(
                    _("A copy could not be kept in the data folder: {reason}.").format(
                        reason=error.strerror or error
                    )
                ) from error
        return sha, len(data)

    def read(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def put(self, source: Path) -> tuple[str, int]:
        """Copy `source` in (atomically) and return its sha256 and size."""
        digest = hashlib.sha256()
        try:
            with source.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError as error:
            raise UserError(
                _("The file {name} could not be read: {reason}.").format(
                    name=source.name, reason=error.strerror or error
                )
            ) from error
        sha = digest.hexdigest()
        target = self.path_for(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            os.close(fd)
            try:
                shutil.copyfile(source, tmp)
                os.replace(tmp, target)
            except OSError as error:
                Path(tmp).unlink(missing_ok=True)
                raise UserError(
                    _("The file {name} could not be copied into the data folder: {reason}.").format(
                        name=source.name, reason=error.strerror or error
                    )
                ) from error
        return sha, target.stat().st_size

"""Writing exported files safely: never over a file that is not ours, whole or not at all.

A file is written to a temporary name beside its target and renamed into place, so readers see
the old file or the whole new one. An existing target of another kind (`thesis.docx` named as a
backup's destination) is refused unless the caller forces it, as a save dialog does after
asking. Files get the user's normal permissions, not the temporary file's private ones. Several
files written together (a certificate per learner) have their names checked first — length in
bytes, names Windows reserves, two names that would collide — and are moved in only once all
are written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import unicodedata
import zipfile
from pathlib import Path

from iltdesk.errors import UserError
from iltdesk.i18n import N_
from iltdesk.i18n import _

_UMASK = os.umask(0)
os.umask(_UMASK)
NORMAL_MODE = 0o666 & ~_UMASK

NAME_BYTES = 255  # most filesystems' limit for one path component, in bytes
WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{n}" for n in range(1, 10)}
    | {f"LPT{n}" for n in range(1, 10)}
)
_SQLITE = b"SQLite format 3\x00"
KIND_LABELS = {
    "pdf": N_("a PDF file"),
    "xlsx": N_("an Excel workbook"),
    "zip": N_("a ZIP archive"),
    "sqlite": N_("an ILT Desk database"),
    "csv": N_("a CSV file"),
    "html": N_("a web page"),
    "ics": N_("a calendar file"),
}


def is_kind(path: Path, kind: str) -> bool:
    """Whether the existing file at `path` is a file of `kind` (by its content, not its name)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    if kind == "pdf":
        return head.startswith(b"%PDF")
    if kind == "sqlite":
        return head.startswith(_SQLITE)
    if kind in ("xlsx", "zip"):
        if not head.startswith(b"PK"):
            return False
        if kind == "zip":
            return True
        try:
            with zipfile.ZipFile(path) as archive:
                return "xl/workbook.xml" in archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return False
    # Text kinds (CSV, HTML, calendar): no NUL bytes, and not one of the binary kinds above.
    return b"\x00" not in head and not head.startswith((b"PK", b"%PDF", _SQLITE))


def check_target(target: Path, kind: str | None, *, force: bool = False) -> None:
    """Refuse to write over an existing file of another kind, or over a folder."""
    if target.is_dir():
        raise UserError(
            _("{path} is a folder. Give a file name (for example {example}).").format(
                path=target, example=target / f"export.{kind or 'pdf'}"
            )
        )
    if force or kind is None or not target.exists():
        return
    if not is_kind(target, kind):
        raise UserError(
            _(
                "{path} already exists and is not {kind}, so it was left as it is. "
                "Choose another name, or add --force to replace it."
            ).format(path=target, kind=_(KIND_LABELS[kind]) if kind in KIND_LABELS else kind)
        )


def write_atomic(target: Path, data: bytes, *, kind: str | None = None, force: bool = True) -> Path:
    """Write `data` to `target` so that readers see the old file or the whole new one.

    With `kind` (and not `force`), an existing file of another kind is refused first. On failure
    nothing is left behind and a `UserError` says why.
    """
    target = target.expanduser()
    check_target(target, kind, force=force)
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
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise UserError(
            _("Could not write {path}: {reason}.").format(
                path=target, reason=error.strerror or error
            )
        ) from error
    return target


def _mode_for(target: Path) -> int:
    """The permissions a replaced file had, or the user's normal ones for a new file."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return NORMAL_MODE


def safe_file_name(text: str, limit: int = 120, suffix: str = "") -> str:
    """`text` as a file name on any system.

    No separators or control characters, no name Windows reserves, and at most `limit` bytes in
    UTF-8 together with `suffix` (a name is cut by bytes, never in the middle of a character).
    """
    cleaned = "".join(
        "_" if ch in '<>:"/\\|?*' or unicodedata.category(ch).startswith("C") else ch
        for ch in unicodedata.normalize("NFC", text)
    )
    cleaned = " ".join(cleaned.split()).strip(" .") or "file"
    room = min(limit, NAME_BYTES) - len(suffix.encode("utf-8"))
    encoded = cleaned.encode("utf-8")
    if len(encoded) > room:
        cleaned = encoded[:room].decode("utf-8", errors="ignore").rstrip(" .")
    stem = cleaned.split(".", 1)[0].upper()
    if stem in WINDOWS_RESERVED:
        cleaned = "_" + cleaned
    return cleaned + suffix


def check_names(names: list[str]) -> None:
    """Refuse a set of file names that cannot all be written side by side, before any is."""
    seen: dict[str, str] = {}
    for name in names:
        if not name or name in (".", "..") or "/" in name or "\\" in name:
            raise UserError(_("“{name}” is not a usable file name.").format(name=name))
        if len(name.encode("utf-8")) > NAME_BYTES:
            raise UserError(
                _("The file name “{name}” is longer than {limit} bytes.").format(
                    name=name, limit=NAME_BYTES
                )
            )
        if name.split(".", 1)[0].upper() in WINDOWS_RESERVED:
            raise UserError(
                _("“{name}” is a name Windows reserves; it cannot be a file.").format(name=name)
            )
        key = unicodedata.normalize("NFC", name).casefold()
        if key in seen:
            raise UserError(_("Two files would both be called “{name}”.").format(name=seen[key]))
        seen[key] = name


def write_files(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write several files into `folder`, all or none.

    Names are checked first; every file is written to a temporary folder inside it, then moved
    in. On failure no new file is left in `folder`.
    """
    check_names(list(files))
    folder = folder.expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=".iltdesk-writing-"))
    except OSError as error:
        raise UserError(
            _("Could not write into {folder}: {reason}. Choose another folder.").format(
                folder=folder, reason=error.strerror or error
            )
        ) from error
    created: list[Path] = []  # new names only: a file replaced by its newer version stays
    try:
        for name, data in files.items():
            path = staging / name
            path.write_bytes(data)
            os.chmod(path, NORMAL_MODE)
        for name in files:
            target = folder / name
            existed = target.exists()
            os.replace(staging / name, target)
            if not existed:
                created.append(target)
    except OSError as error:
        for path in created:
            path.unlink(missing_ok=True)
        raise UserError(
            _("Could not write into {folder}: {reason}.").format(
                folder=folder, reason=error.strerror or error
            )
        ) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [folder / name for name in files]

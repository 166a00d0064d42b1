"""Where a database file lives: on a network share SQLite's write-ahead log is unsafe.

WAL needs shared memory between every process using the file, which network filesystems do
not provide: two computers opening the same file over SMB or NFS can corrupt it. On such a
share ILT Desk keeps SQLite's classic rollback journal and says so.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "afpfs",
        "webdav",
        "davfs",
        "9p",
        "afs",
        "ncpfs",
        "ceph",
        "glusterfs",
        "lustre",
        "fuse.sshfs",
        "fuse.davfs2",
        "fuse.glusterfs",
        "fuse.rclone",
        "fuse.s3fs",
    }
)


def _unescape(field: str) -> str:
    """Mount table fields write spaces, tabs and backslashes as octal escapes."""
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")


def filesystem_type(path: Path, mounts: str | None = None) -> str | None:
    """The type of the filesystem holding `path` ("ext4", "nfs4", "cifs"…), or None.

    On Linux read from the mount table (`mounts` may be given for tests); on Windows a UNC path
    or a network drive letter is reported as "smb".
    """
    if sys.platform.startswith("win"):
        return _windows_type(path)
    if mounts is None:
        try:
            mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = os.path.realpath(path)
    best, best_type = "", None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point, kind = _unescape(fields[1]), fields[2]
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, kind
    return best_type


def _windows_type(path: Path) -> str | None:
    text = str(path)
    if text.startswith("\\\\"):
        return "smb"
    try:
        import ctypes

        drive = os.path.splitdrive(os.path.abspath(text))[0] + "\\"
        remote = 4  # DRIVE_REMOTE
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]  # Windows only
        return "smb" if kernel32.GetDriveTypeW(drive) == remote else "ntfs"
    except (AttributeError, OSError):
        return None


def on_network_share(path: Path, mounts: str | None = None) -> bool:
    """Whether `path` lies on a network file system (where WAL is unsafe)."""
    kind = filesystem_type(path, mounts)
    return kind is not None and kind.lower() in NETWORK_FILESYSTEMS

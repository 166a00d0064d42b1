"""Real read-only folders and full disks: a bind mount and a tiny tmpfs (root only)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _mount(*args: str) -> bool:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    return done.returncode == 0


@pytest.fixture
def read_only(tmp_path) -> Iterator[tuple[Path, Path]]:
    """(a writable folder, the same folder mounted read-only)."""
    source, view = tmp_path / "source", tmp_path / "read-only"
    source.mkdir()
    view.mkdir()
    if not _mount("--bind", str(source), str(view)):
        pytest.skip("needs root and bind mounts to make a real read-only folder")
    try:
        if not _mount("-o", "remount,bind,ro", str(view)):
            pytest.skip("the bind mount cannot be made read-only here")
        yield source, view
    finally:
        subprocess.run(["umount", str(view)], capture_output=True)


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A 2 MB filesystem to fill up."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)):
        pytest.skip("needs root to mount a small tmpfs as a full disk")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def fill(disk: Path) -> None:
    """Fill the disk to the last byte."""
    with (disk / "filler").open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    try:
        with (disk / "filler2").open("wb") as handle:
            while True:
                handle.write(b"\0")
                handle.flush()
    except OSError:
        pass

"""Build the one-folder bundle with PyInstaller and wrap it for this platform.

    python installers/package.py [--out DIST]

Linux: `iltdesk-VERSION-linux-x86_64.tar.gz` and `iltdesk_VERSION_amd64.deb` (installs under
/opt/iltdesk with a launcher in the app menu and the icon in the hicolor theme).
Windows: the bundle, then `ISCC installers/windows/iltdesk.iss` makes the installer.
macOS: `ILT Desk.app`, then `installers/macos/make_dmg.sh` makes the disk image.
Prints one JSON line: sizes and build time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def folder_size(path: Path) -> int:
    """The bytes of every file under `path`."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build_bundle(out: Path, work: Path) -> Path:
    """Build the one-folder bundle with PyInstaller; returns its folder."""
    icons = work / "icons"
    subprocess.run(
        [sys.executable, str(ROOT / "installers" / "make_icons.py"), str(icons)], check=True
    )
    env = {
        **os.environ,
        "ILTDESK_ROOT": str(ROOT),
        "ILTDESK_ICON_DIR": str(icons),
        "ILTDESK_VERSION": version("iltdesk"),
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(out),
            "--workpath",
            str(work / "pyinstaller"),
            str(ROOT / "installers" / "iltdesk.spec"),
        ],
        check=True,
        env=env,
        cwd=ROOT,
    )
    return out / "iltdesk"


def _deb_version(text: str) -> str:
    return text.replace("+", "~")


def build_deb(bundle: Path, out: Path, work: Path, release: str) -> Path:
    """Pack the bundle as a .deb (installed under /opt/iltdesk)."""
    root = work / "debroot"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(bundle, root / "opt" / "iltdesk", symlinks=True)
    applications = root / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy(ROOT / "installers" / "linux" / "iltdesk.desktop", applications)
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        target = root / "usr" / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        target.mkdir(parents=True)
        shutil.copy(work / "icons" / f"iltdesk-{size}.png", target / "iltdesk.png")
    scalable = root / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy(ROOT / "src" / "iltdesk" / "resources" / "icons" / "iltdesk.svg", scalable)
    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "iltdesk").symlink_to("/opt/iltdesk/iltdesk")
    control = root / "DEBIAN"
    control.mkdir()
    installed_kb = folder_size(root) // 1024
    (control / "control").write_text(
        "\n".join(
            [
                "Package: iltdesk",
                f"Version: {_deb_version(release)}",
                "Section: education",
                "Priority: optional",
                "Architecture: amd64",
                f"Installed-Size: {installed_kb}",
                "Maintainer: ILT Desk <maintainers@iltdesk.invalid>",
                # What Qt's xcb platform plugin needs from the system (the PySide6 wheel's list).
                "Depends: libc6 (>= 2.31), libgl1, libegl1, libfontconfig1, libdbus-1-3, "
                "libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, "
                "libxcb-keysyms1, libxcb-image0, libxcb-render-util0, libxcb-randr0, "
                "libxcb-shape0, libxcb-xfixes0, libxcb-xkb1",
                "Description: Coordinate instructor-led training",
                " Plan sessions, build rosters, print sign-in sheets and certificates,",
                " take attendance and email learners, offline from one file.",
                "",
            ]
        )
    )
    # Your data lives in your home folder, never under /opt: upgrades and removal leave it be.
    deb = out / f"iltdesk_{_deb_version(release)}_amd64.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return deb


def build_tarball(bundle: Path, out: Path, release: str) -> Path:
    """Pack the bundle as a .tar.gz that runs where it is unpacked."""
    tarball = out / f"iltdesk-{release}-linux-x86_64.tar.gz"
    with tarfile.open(tarball, "w:gz", compresslevel=6) as archive:
        archive.add(bundle, arcname=f"iltdesk-{release}")
    return tarball


def main() -> int:
    """`make package`: bundle, .deb and .tar.gz, with their sizes as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args()
    out: Path = args.out.resolve()
    work = ROOT / "build" / "package"
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    release = version("iltdesk")
    bundle = build_bundle(out, work)
    built = time.perf_counter() - start
    result: dict[str, object] = {
        "version": release,
        "platform": sys.platform,
        "bundle": str(bundle),
        "bundle_mb": round(folder_size(bundle) / 2**20, 1),
        "bundle_build_s": round(built, 1),
    }
    if sys.platform.startswith("linux"):
        deb = build_deb(bundle, out, work, release)
        tarball = build_tarball(bundle, out, release)
        result.update(
            deb=str(deb),
            deb_mb=round(deb.stat().st_size / 2**20, 1),
            tar_gz=str(tarball),
            tar_gz_mb=round(tarball.stat().st_size / 2**20, 1),
        )
    result["total_s"] = round(time.perf_counter() - start, 1)
    result["ok_size"] = bool(result["bundle_mb"] < 250)  # type: ignore[operator]
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

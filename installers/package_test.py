"""`make package-test`: build the Linux bundle from a clean checkout and prove it works.

1. `git clone` the committed tree into a temporary folder, make a fresh virtual environment
   there, install the package with its `package` extra, and build (`installers/package.py`).
2. Run the bundled `iltdesk --self-test` with a bare environment (offscreen, empty HOME).
3. Unpack the .deb into a temporary root (`dpkg -x`) and run `--self-test` from there.
4. Upgrade safety: a database left by an older schema (0001) in the per-user data folder is
   migrated by the installed app after a verified backup, with its data intact; unpacking the
   package again over the install (an upgrade) leaves the database alone.
Prints one JSON line with sizes and times; exits non-zero if any step fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(command: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    """Run a command, echoing it; it must succeed."""
    print("$ " + " ".join(command), flush=True)
    return subprocess.run(command, check=True, text=True, **kw)  # type: ignore[call-overload]


def bare_env(home: Path, **more: str) -> dict[str, str]:
    """What a user's session has, without this checkout's virtual environment leaking in."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        **more,
    }


def self_test(executable: Path, home: Path) -> str:
    """Run the packaged `--self-test` with its own empty home; returns its summary line."""
    result = run([str(executable), "--self-test"], env=bare_env(home), capture_output=True)
    print(result.stdout, flush=True)
    return result.stdout.strip().splitlines()[-1]


def old_database(folder: Path) -> Path:
    """A user's database as an older ILT Desk left it: demo data, schema at revision 0001."""
    script = """
import sys
from pathlib import Path
from alembic import command
from iltdesk.db.engine import database_url
from iltdesk.db.migrate import alembic_config
from iltdesk.db.opening import open_database
from iltdesk.services.demo import DemoSize, load_demo
path = Path(sys.argv[1])
db = open_database(database_url(path), backup_dir=path.parent / "setup-backups")
load_demo(db, DemoSize(learners=80, sessions=8))
db.close()
command.downgrade(alembic_config(str(database_url(path))), "0001")
"""
    path = folder / "data" / "iltdesk.sqlite3"
    path.parent.mkdir(parents=True)
    run([sys.executable, "-c", script, str(path)])
    shutil.rmtree(path.parent / "setup-backups", ignore_errors=True)
    return path


def main() -> int:
    """`make package-test`: build from a clean clone, install, self-test, upgrade a database."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="iltdesk-package-test-") as scratch:
        tmp = Path(scratch)
        checkout = tmp / "src"
        run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(checkout)])
        venv = tmp / "venv"
        run([sys.executable, "-m", "venv", str(venv)])
        python = venv / "bin" / "python"
        run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                f"{checkout}[package,postgres]",
            ]
        )
        build_start = time.perf_counter()
        out = tmp / "dist"
        built = run(
            [str(python), str(checkout / "installers" / "package.py"), "--out", str(out)],
            capture_output=True,
            cwd=checkout,
        )
        build_s = time.perf_counter() - build_start
        report = json.loads(built.stdout.strip().splitlines()[-1])

        bundle_verdict = self_test(out / "iltdesk" / "iltdesk", tmp / "home-bundle")

        root = tmp / "root"
        run(["dpkg-deb", "--info", report["deb"]], capture_output=True)
        run(["dpkg", "-x", report["deb"], str(root)])
        installed = root / "opt" / "iltdesk" / "iltdesk"
        desktop = (root / "usr/share/applications/iltdesk.desktop").read_text()
        assert "Exec=/opt/iltdesk/iltdesk" in desktop, desktop
        assert (root / "usr/share/icons/hicolor/256x256/apps/iltdesk.png").exists()
        deb_verdict = self_test(installed, tmp / "home-deb")

        # Upgrade: the user's data folder holds a database from an older version.
        user = tmp / "home-user"
        old_database(user)
        env = bare_env(user, ILTDESK_HOME=str(user))
        listed = run([str(installed), "sessions", "--json"], env=env, capture_output=True)
        sessions = json.loads(listed.stdout)
        assert len(sessions) == 8, sessions
        backups = sorted((user / "data" / "backups").glob("*before-upgrade*"))
        assert backups, list((user / "data").rglob("*"))
        checked = run([str(installed), "check-db"], env=env, capture_output=True)
        run(["dpkg", "-x", report["deb"], str(root)])  # install over the old install
        again = run([str(installed), "sessions", "--json"], env=env, capture_output=True)
        assert json.loads(again.stdout) == sessions

    for verdict in (bundle_verdict, deb_verdict):
        assert "all passed" in verdict, verdict
    result = {
        "bench": "package_linux",
        "bundle_mb": report["bundle_mb"],
        "deb_mb": report["deb_mb"],
        "tar_gz_mb": report["tar_gz_mb"],
        "build_s": round(build_s, 1),
        "total_s": round(time.perf_counter() - start, 1),
        "self_test_bundle": bundle_verdict,
        "self_test_deb": deb_verdict,
        "upgrade": f"migrated 0001 to head after backup {backups[0].name}; "
        + checked.stdout.strip().splitlines()[-1],
        "ok_size": report["bundle_mb"] < 250,
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (subprocess.CalledProcessError, AssertionError) as error:
        if isinstance(error, subprocess.CalledProcessError):
            print(error.stdout or "", error.stderr or "", file=sys.stderr)
        print(f"package-test failed: {error}", file=sys.stderr)
        sys.exit(1)

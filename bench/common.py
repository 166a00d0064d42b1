"""Helpers for benchmarks: timing, cached benchmark databases, one JSON line per result."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "bench"
TODAY = date(2026, 11, 28)


def timed(work: Callable[[], Any], repeat: int = 20, warmup: int = 2) -> float:
    """Median wall time of `work` in seconds."""
    for _ in range(warmup):
        work()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def report(
    name: str, ours: float, raw: float, target_ratio: float | None, **extra: Any
) -> dict[str, Any]:
    """Print one JSON line; `ok` needs the ratio within target (if any) and every `ok_*`."""
    result = {
        "bench": name,
        "ours_ms": round(ours * 1000, 3),
        "raw_ms": round(raw * 1000, 3),
        "ratio": round(ours / raw, 2) if raw else None,
        "target_ratio": target_ratio,
        **extra,
    }
    within = target_ratio is None or (
        result["ratio"] is not None and result["ratio"] <= target_ratio
    )
    result["ok"] = within and all(result[k] for k in extra if k.startswith("ok_"))
    print(json.dumps(result), flush=True)
    return result


STALL_TARGET_MS = 50  # where a click stops feeling instant


def report_stall(name: str, stall_ms: float, **extra: Any) -> dict[str, Any]:
    """Print one JSON line for the longest GUI-thread stall of `name`; `ok` under the target."""
    result = {
        "bench": name,
        "max_stall_ms": round(stall_ms, 1),
        **extra,
        "target_ms": STALL_TARGET_MS,
        "ok": stall_ms < STALL_TARGET_MS,
    }
    print(json.dumps(result), flush=True)
    return result


def bench_database(learners: int, sessions: int, seats: int | None) -> Path:
    """A demo database of the given size, built once and cached under build/bench/."""
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database
    from iltdesk.services.demo import DemoSize
    from iltdesk.services.demo import load_demo

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"demo-{learners}-{sessions}-{seats or 'real'}.sqlite3"
    if not path.exists():
        partial = path.with_suffix(".building")
        partial.unlink(missing_ok=True)
        start = time.perf_counter()
        with open_database(database_url(partial), lock=False) as db:
            load_demo(db, DemoSize(learners, sessions, seats), today=TODAY)
        os.replace(partial, path)
        for suffix in ("-wal", "-shm"):
            Path(str(partial) + suffix).unlink(missing_ok=True)
        print(
            f"# built {path.name} in {time.perf_counter() - start:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    return path


class StallProbe:
    """A 5 ms timer on the GUI thread: the longest gap between its ticks is the longest stall.

    Whatever holds the GUI thread (work on it, or the interpreter held by a worker) shows as one
    long gap. Make it once the QApplication exists.
    """

    def __init__(self, parent: Any) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer(parent)
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now

    def start(self) -> None:
        """Start noting gaps (forgetting earlier ones)."""
        self.gaps = []
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        """Stop; the longest gap seen, in milliseconds."""
        self._timer.stop()
        return round(max(self.gaps), 1) if self.gaps else 0.0


def pause(ms: int) -> None:
    """Let the Qt event loop run for `ms` milliseconds (the QApplication must exist)."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtCore import QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def app_window(db_path: Path, work: Path, size: tuple[int, int] = (1280, 800)) -> Any:
    """The main window on `db_path`, shown as `iltdesk` starts it (offscreen).

    As the app does, the collector is held while starting and what start-up built is frozen
    once the window shows. Returns (application, database, window); `window.ctx` is its context.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from iltdesk.collector import hold_collector
    from iltdesk.collector import release_collector

    hold_collector()
    from iltdesk.app import make_application
    from iltdesk.db.engine import database_url
    from iltdesk.db.opening import open_database
    from iltdesk.services.material_store import MaterialStore
    from iltdesk.settings import Preferences
    from iltdesk.views.context import AppContext
    from iltdesk.views.main_window import MainWindow

    app = make_application()
    db = open_database(database_url(db_path), lock=False)
    ctx = AppContext(db, Preferences(work / "p.json"), MaterialStore(work / "m"))
    window = MainWindow(ctx)
    window.resize(*size)
    window.show()
    release_collector()
    return app, db, window

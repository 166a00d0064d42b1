"""When the cyclic garbage collector runs: not while starting, nor over bulk work on rows.

Starting builds about 130,000 objects that live as long as the process (modules, mapped
classes, compiled statements, Qt wrappers); collecting on the way finds nothing to free and
cost 40–60 ms of every start (measured with `bench/bench_gui.py`). Once the window is shown,
or a command is about to run, those objects are frozen out of every later collection and the
collector runs as usual.

The warm-up after start (views/warmup: the later screens' imports and first reads) adds
some 35,000 more that live as long; they are frozen out too once it ends. A full collection
walks every object not frozen and holds the interpreter — the window — while it does: ~35 ms
on the 50,000-learner database with them, ~20 without (bench_gui, `gc.callbacks` timing).

Work on tens of thousands of rows pauses it too (`paused_collector`), and so does a window
that holds such rows while it is open (`CollectorPause`: the import wizard). Pauses nest, on
any thread: the collector resumes when the last one ends, unless it was off before the first.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0  # pauses under way, on any thread
_resume = False  # whether the collector runs again when the last pause ends


def hold_collector() -> None:
    """No cyclic garbage collection until `release_collector` (the entry point's first call)."""
    gc.disable()


def release_collector() -> None:
    """Keep what start-up built out of later collections, and collect as usual from now on.

    Does nothing when the collector was not held (the command line run from tests, say); while
    a pause is under way, the collector runs again when it ends.
    """
    global _resume
    with _lock:
        if gc.isenabled() or (_pauses and _resume):
            return
        gc.freeze()
        if _pauses:
            _resume = True
        else:
            gc.enable()


def keep_long_lived() -> None:
    """Keep every object alive now out of later collections (the warm-up's end).

    Cyclic garbage alive at that moment would stay: a collection just before it found none
    (both bench databases).
    """
    with _lock:
        gc.freeze()


def _pause() -> None:
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1


def _end_pause() -> None:
    global _pauses
    with _lock:
        _pauses -= 1
        if _pauses == 0 and _resume:
            gc.enable()


@contextmanager
def paused_collector() -> Iterator[None]:
    """Pause the collector around bulk work on rows (reading, parsing, planning a roster).

    Tens of thousands of small objects without cycles: the collector would walk them again and
    again (at 50,000 rows a tenth of the import) and find nothing to free.
    """
    _pause()
    try:
        yield
    finally:
        _end_pause()


class CollectorPause:
    """A pause held by a window for as long as it keeps tens of thousands of rows.

    Every full collection walks every object alive; rows without cycles it can never free.
    `end()` (once the window has let go of them) resumes; calling it again does nothing.
    """

    def __init__(self) -> None:
        self._ended = False
        _pause()

    def end(self) -> None:
        """End this pause (the collector runs again once no other pause is under way)."""
        if not self._ended:
            self._ended = True
            _end_pause()

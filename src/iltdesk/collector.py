"""When the cyclic garbage collector runs: not while starting, nor over bulk work on rows.

Starting builds about 130,000 objects that live as long as the process (modules, mapped
classes, compiled statements, Qt wrappers); collecting on the way finds nothing to free and
cost 40–60 ms of every start (measured with `bench/bench_gui.py`). Once the window is shown,
or a command is about to run, those objects are frozen out of every later collection and the
collector runs as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def hold_collector() -> None:
    """No cyclic garbage collection until `release_collector` (the entry point's first call)."""
    gc.disable()


def release_collector() -> None:
    """Keep what start-up built out of later collections, and collect as usual from now on.

    Does nothing when the collector was not held (the command line run from tests, say).
    """
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()


@contextmanager
def paused_collector() -> Iterator[None]:
    """Pause the collector around bulk work on rows (reading, parsing, planning a roster).

    Tens of thousands of small objects without cycles: the collector would walk them again and
    again (at 50,000 rows a tenth of the import) and find nothing to free. Nested pauses
    resume only at the outermost.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()

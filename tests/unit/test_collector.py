"""When the cyclic collector runs: held at start, paused over bulk rows, pauses nesting."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from iltdesk.collector import CollectorPause
from iltdesk.collector import hold_collector
from iltdesk.collector import paused_collector
from iltdesk.collector import release_collector


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    yield
    gc.enable()
    gc.unfreeze()


def test_pauses_nest_across_threads_and_the_last_one_resumes():
    window = CollectorPause()  # the import wizard, open
    assert not gc.isenabled()
    inside = threading.Event()
    leave = threading.Event()

    def worker() -> None:
        with paused_collector():  # planning the preview on a worker
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=worker)
    thread.start()
    assert inside.wait(5)
    window.end()  # the wizard closes while the worker still plans
    assert not gc.isenabled()
    leave.set()
    thread.join(5)
    assert gc.isenabled()
    window.end()  # a second end (finished, then destroyed) changes nothing
    assert gc.isenabled()
    with paused_collector():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_held_at_start_stays_off_until_released():
    hold_collector()
    with paused_collector():
        pass
    assert not gc.isenabled()  # the pause found it off and leaves it off
    pause = CollectorPause()
    release_collector()  # the window shows while a pause is under way
    assert not gc.isenabled()
    assert gc.get_freeze_count() > 0  # what start-up built is frozen already
    pause.end()
    assert gc.isenabled()

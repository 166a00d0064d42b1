"""Sorting long lists off the GUI thread without stalling it.

A worker thread does not free the GUI thread by itself: `list.sort` compares in C and holds the
interpreter for the whole sort, so 200,000 rows sorted on a worker still freeze the window for
the ~150 ms the comparisons take. `sorted_in_steps` sorts slices short enough to take a few
milliseconds each, then merges them (`heapq.merge`, a Python loop the interpreter can switch
away from), so the GUI thread gets its turn every few milliseconds. The result is the same as
`sorted(items, key=key, reverse=reverse)`, equal items kept in their order.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any
from typing import TypeVar

T = TypeVar("T")

STEP = 8192  # items per slice: sorting one takes a few milliseconds


def sorted_in_steps(
    items: Sequence[T],
    key: Callable[[T], Any],  # Any: whatever the key gives, compared as sorted() does
    *,
    reverse: bool = False,
    step: int = STEP,
) -> list[T]:
    """`sorted(items, key=key, reverse=reverse)`, in slices that share the interpreter."""
    if len(items) <= step:
        return sorted(items, key=key, reverse=reverse)
    slices = [
        sorted(items[start : start + step], key=key, reverse=reverse)
        for start in range(0, len(items), step)
    ]
    # heapq.merge takes equal items from earlier slices first: the sort stays stable.
    return list(heapq.merge(*slices, key=key, reverse=reverse))

"""Sorting in steps: the same order as `sorted`, equal items kept in their order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from iltdesk.domain.sorting import sorted_in_steps

ITEMS = st.lists(st.tuples(st.integers(0, 5), st.integers()), max_size=60)


@given(ITEMS, st.booleans(), st.integers(1, 9))
def test_sorted_in_steps_is_sorted_and_stable(items, reverse, step):
    def key(item):
        return item[0]  # many equal keys: the second field shows whether order was kept

    got = sorted_in_steps(items, key, reverse=reverse, step=step)
    assert got == sorted(items, key=key, reverse=reverse)

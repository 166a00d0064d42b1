"""Merging join/leave intervals, clipping them to the day, and the proposed mark."""

from __future__ import annotations

import itertools
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from iltdesk.domain.enums import AttendanceStatus as A
from iltdesk.domain.meeting import MeetingRule
from iltdesk.domain.meeting import assess
from iltdesk.domain.meeting import attended_seconds
from iltdesk.domain.meeting import merge_intervals
from iltdesk.domain.meeting import name_keys

START = datetime(2027, 3, 15, 9, tzinfo=UTC)
END = START + timedelta(hours=8)

intervals = st.lists(
    st.tuples(st.integers(-120, 600), st.integers(0, 300)).map(
        lambda t: (START + timedelta(minutes=t[0]), START + timedelta(minutes=t[0] + t[1]))
    ),
    max_size=12,
)


@given(intervals, st.randoms())
def test_merged_minutes_never_exceed_the_day_and_ignore_order(spans, rnd):
    total = attended_seconds(spans, START, END)
    assert 0 <= total <= (END - START).total_seconds()
    shuffled = list(spans)
    rnd.shuffle(shuffled)
    assert attended_seconds(shuffled, START, END) == total
    assert attended_seconds(spans + spans, START, END) == total  # a duplicate counts once


@given(intervals)
def test_merged_intervals_are_disjoint_and_cover_the_same_time(spans):
    merged = merge_intervals(spans)
    assert all(a < b for a, b in merged)
    assert all(b1 < a2 for (_a1, b1), (a2, _b2) in itertools.pairwise(merged))
    assert merge_intervals(merged) == merged
    wide = (START - timedelta(days=1), END + timedelta(days=1))
    assert attended_seconds(spans, *wide) == attended_seconds(merged, *wide)


def test_the_rule_at_its_edges():
    rule = MeetingRule()

    def mark(first: int, last: int) -> A:
        span = (START + timedelta(minutes=first), START + timedelta(minutes=last))
        return assess([span], START, END, rule).proposed

    assert mark(-30, 510) is A.PRESENT
    assert mark(10, 480) is A.PRESENT  # 10 minutes late is not late
    assert mark(11, 480) is A.LATE
    assert mark(0, 469) is A.LEFT_EARLY
    assert mark(0, 119) is A.ABSENT  # under 25% of 480 minutes
    assert mark(0, 120) is A.LEFT_EARLY
    assert assess([], START, END, rule).proposed is A.ABSENT
    # Present in the morning and the afternoon but away for a long lunch: left early.
    gap = [(START, START + timedelta(hours=3)), (START + timedelta(hours=6), END)]
    assert assess(gap, START, END, rule).proposed is A.LEFT_EARLY


def test_display_names_fold_to_the_keys_learners_are_found_by():
    assert name_keys("Lee, Ann (Guest)") == {"ann lee", "lee ann"}
    assert "ann lee" in name_keys("Annie L (Ann Lee)")
    assert "annie l" in name_keys("Annie L (Ann Lee)")
    assert "chloe martin" in name_keys("Martin, Chloé (Extern)")

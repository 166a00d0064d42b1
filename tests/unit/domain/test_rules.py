from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iltdesk.domain.enums import AttendanceStatus as S
from iltdesk.domain.enums import EnrollmentStatus as E
from iltdesk.domain.rules import DayMark
from iltdesk.domain.rules import Interval
from iltdesk.domain.rules import attended_minutes
from iltdesk.domain.rules import completion_status

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


def span(start_h: float, end_h: float) -> Interval:
    return Interval(T0 + timedelta(hours=start_h), T0 + timedelta(hours=end_h))


def test_overlap_is_symmetric_and_half_open():
    assert span(0, 2).overlaps(span(1, 3))
    assert span(1, 3).overlaps(span(0, 2))
    assert not span(0, 2).overlaps(span(2, 4))  # back to back is fine
    assert span(0, 8).overlaps(span(3, 4))


@pytest.mark.parametrize(
    ("status", "given", "counted"),
    [
        (S.PRESENT, None, 480),
        (S.LATE, 420, 420),
        (S.LEFT_EARLY, None, 480),
        (S.LEFT_EARLY, 900, 480),
        (S.ABSENT, 100, 0),
        (S.EXCUSED, None, 0),
    ],
)
def test_minutes_that_count(status, given, counted):
    assert attended_minutes(DayMark(status, 480, given)) == counted


def test_completion_exactly_at_threshold_completes():
    marks = [DayMark(S.PRESENT, 400, None), DayMark(S.LATE, 400, 240)]  # 640 / 800 = 80 %
    assert completion_status(marks, 2, 80) is E.COMPLETED


def test_one_minute_under_threshold_is_incomplete():
    marks = [DayMark(S.PRESENT, 400, None), DayMark(S.LATE, 400, 239)]
    assert completion_status(marks, 2, 80) is E.INCOMPLETE


def test_unmarked_days_keep_learner_enrolled():
    assert completion_status([DayMark(S.PRESENT, 400, None)], 2, 80) is E.ENROLLED


def test_nothing_attended_is_no_show_unless_excused():
    assert completion_status([DayMark(S.ABSENT, 400, None)], 1, 80) is E.NO_SHOW
    assert completion_status([DayMark(S.EXCUSED, 400, None)], 1, 80) is E.INCOMPLETE


_MINUTES = st.integers(min_value=0, max_value=7 * 24 * 60)
_SPANS = st.tuples(_MINUTES, st.integers(min_value=1, max_value=24 * 60)).map(
    lambda pair: Interval(T0 + timedelta(minutes=pair[0]), T0 + timedelta(minutes=sum(pair)))
)


@given(_SPANS, _SPANS)
def test_overlap_is_symmetric_and_means_a_shared_minute(a, b):
    """Two spans overlap exactly when some minute lies in both (half-open: ends excluded)."""

    def minutes(span):
        first = int((span.start - T0).total_seconds() // 60)
        return set(range(first, first + span.minutes))

    assert a.overlaps(b) == b.overlaps(a)
    assert a.overlaps(b) == bool(minutes(a) & minutes(b))
    assert a.overlaps(a)


@given(_SPANS, st.integers(min_value=0, max_value=24 * 60))
def test_a_span_starting_where_another_ends_never_overlaps_it(a, length):
    after = Interval(a.end, a.end + timedelta(minutes=length + 1))
    assert not a.overlaps(after)
    assert not after.overlaps(a)

"""Typed wall times become instants exactly, or are refused (gap) or asked about (fold)."""

from __future__ import annotations

import zoneinfo
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from iltdesk.domain.localtime import AmbiguousTimeError
from iltdesk.domain.localtime import NonexistentTimeError
from iltdesk.domain.localtime import UnknownZoneError
from iltdesk.domain.localtime import WallTime
from iltdesk.domain.localtime import moved_dates
from iltdesk.domain.localtime import to_instant
from iltdesk.domain.localtime import to_wall
from iltdesk.domain.localtime import with_offset
from iltdesk.domain.localtime import zone
from iltdesk.errors import ValidationError

LONDON = "Europe/London"


def test_a_time_in_the_spring_gap_is_refused_naming_the_gap():
    with pytest.raises(NonexistentTimeError) as caught:
        to_instant(WallTime(date(2027, 3, 28), time(1, 30)), LONDON)
    message = str(caught.value)
    assert "01:30 on 28 Mar 2027 does not exist in Europe/London" in message
    assert "from 01:00 to 02:00" in message
    assert caught.value.gap_start == datetime(2027, 3, 28, 1, 0)
    assert caught.value.gap_end == datetime(2027, 3, 28, 2, 0)


def test_a_time_in_the_autumn_fold_is_asked_about_with_both_offsets():
    with pytest.raises(AmbiguousTimeError) as caught:
        to_instant(WallTime(date(2027, 10, 31), time(1, 30)), LONDON)
    message = str(caught.value)
    assert "01:30 BST (UTC+01:00)" in message
    assert "01:30 GMT (UTC+00:00)" in message
    first, second = caught.value.choices
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)


def test_the_fold_is_kept_both_ways():
    wall = WallTime(date(2027, 10, 31), time(1, 30), fold=1)
    instant = to_instant(wall, LONDON)
    assert instant == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert to_wall(instant, LONDON) == wall
    assert to_wall(instant - timedelta(hours=1), LONDON).fold == 0
    assert to_wall(datetime(2027, 6, 1, 8, tzinfo=UTC), LONDON).fold is None


def test_an_offset_chooses_the_reading_and_a_wrong_one_is_refused():
    wall = WallTime(date(2027, 10, 31), time(1, 30))
    assert with_offset(wall, LONDON, timedelta(hours=0)).fold == 1
    assert with_offset(wall, LONDON, timedelta(hours=1)).fold == 0
    with pytest.raises(ValidationError, match="is at UTC\\+00:00, not UTC\\+05:00"):
        with_offset(WallTime(date(2027, 1, 5), time(9)), LONDON, timedelta(hours=5))
    with pytest.raises(NonexistentTimeError):
        with_offset(WallTime(date(2027, 3, 28), time(1, 30)), LONDON, timedelta(hours=0))


def test_unknown_zone_is_a_sentence():
    with pytest.raises(UnknownZoneError, match="not a known time zone") as raised:
        to_instant(WallTime(date(2027, 1, 1), time(9)), "Mars/Olympus")
    # Nothing near it: how zones are named (the command line has no list to pick from).
    assert "such as Europe/London" in str(raised.value)
    assert "pick one from the list" not in str(raised.value)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Europe/Londn", "Europe/London"),
        ("europe/london", "Europe/London"),
        ("America/New York", "America/New_York"),
        ("Asia/Kolkatta", "Asia/Kolkata"),
    ],
)
def test_a_misspelt_zone_names_the_nearest_one(typed, meant):
    with pytest.raises(UnknownZoneError) as raised:
        zone(typed)
    assert str(raised.value) == f"“{typed}” is not a known time zone. Did you mean {meant}?"


def test_a_half_hour_gap_and_a_southern_hemisphere_fold():
    # Lord Howe moves by 30 minutes; Sydney's clocks go back in April.
    with pytest.raises(NonexistentTimeError, match="from 02:00 to 02:30"):
        to_instant(WallTime(date(2026, 10, 4), time(2, 10)), "Australia/Lord_Howe")
    with pytest.raises(AmbiguousTimeError):
        to_instant(WallTime(date(2027, 4, 4), time(2, 30)), "Australia/Sydney")


@cache
def _transitions() -> list[tuple[str, datetime]]:
    """(zone, UTC instant of an offset change) for every zone changing offset in 2026–2028."""
    found = []
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for name in sorted(zoneinfo.available_timezones()):
        tz = ZoneInfo(name)
        previous = start.astimezone(tz).utcoffset()
        moment = start
        while moment.year < 2029:
            following = moment + timedelta(days=1)
            offset = following.astimezone(tz).utcoffset()
            if offset != previous:
                low, high = moment, following
                while high - low > timedelta(minutes=1):
                    middle = low + (high - low) / 2
                    if middle.astimezone(tz).utcoffset() == previous:
                        low = middle
                    else:
                        high = middle
                found.append((name, high))
                previous = offset
            moment = following
    return found


def test_many_zones_change_offset_in_the_window():
    zones = {name for name, _moment in _transitions()}
    assert len(zones) > 100  # the property below covers all of them


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_typed_wall_times_round_trip_or_are_refused_or_asked(data):
    name, moment = data.draw(st.sampled_from(_transitions()))
    tz = ZoneInfo(name)
    around = moment.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
    shift = data.draw(st.integers(min_value=-180, max_value=180))
    naive = around + timedelta(minutes=shift)
    wall = WallTime(naive.date(), naive.time())
    try:
        instant = to_instant(wall, name)
    except NonexistentTimeError as gap:
        assert gap.gap_start <= naive < gap.gap_end  # noqa: PT017 - a property over both outcomes
        # No instant near the transition reads as this wall time.
        readings = {
            (moment + timedelta(minutes=m)).astimezone(tz).replace(tzinfo=None)
            for m in range(-24 * 60, 24 * 60)
        }
        assert naive not in readings
        return
    except AmbiguousTimeError as fold:
        first, second = fold.choices
        assert first.utcoffset() != second.utcoffset()
        for choice in (0, 1):
            chosen = WallTime(wall.day, wall.clock, choice)
            back = to_wall(to_instant(chosen, name), name)
            assert back == chosen
        return
    back = to_wall(instant, name)
    assert (back.day, back.clock) == (wall.day, wall.clock)
    assert back.fold is None


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(sorted(zoneinfo.available_timezones())),
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)),
    minutes=st.integers(min_value=0, max_value=24 * 60 - 1),
)
def test_any_zone_any_day(name, day, minutes):
    wall = WallTime(day, time(minutes // 60, minutes % 60))
    try:
        instant = to_instant(wall, name)
    except (NonexistentTimeError, AmbiguousTimeError):
        return
    back = to_wall(instant, name)
    assert (back.day, back.clock) == (wall.day, wall.clock)


@pytest.mark.parametrize(
    ("days", "first", "moved"),
    [
        # Fri, Mon, Tue moved to Thu: Thu, Fri, Mon (working days apart, not over the weekend)
        (
            ["2027-03-26", "2027-03-29", "2027-03-30"],
            "2027-03-25",
            ["2027-03-25", "2027-03-26", "2027-03-29"],
        ),
        # Mon and Wed (two working days apart) moved to Thu: Thu and Mon
        (["2027-03-22", "2027-03-24"], "2027-03-25", ["2027-03-25", "2027-03-29"]),
        # a weekend course keeps its calendar gaps
        (["2027-03-27", "2027-03-28"], "2027-04-03", ["2027-04-03", "2027-04-04"]),
        # moved onto a Saturday on purpose: calendar gaps
        (["2027-03-25", "2027-03-26"], "2027-03-27", ["2027-03-27", "2027-03-28"]),
        ([], "2027-03-27", []),
    ],
)
def test_moved_dates_keep_working_days_apart(days, first, moved):
    parse = date.fromisoformat
    assert moved_dates([parse(d) for d in days], parse(first)) == [parse(d) for d in moved]

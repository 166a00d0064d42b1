"""The session editor's days: added after the last working day, removed, checked while typed."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time

import pytest

from iltdesk.domain.localtime import AmbiguousTimeError
from iltdesk.views.day_row import DayRows


@pytest.fixture
def days(qtbot):
    widget = DayRows()
    qtbot.addWidget(widget)
    return widget


def test_a_day_after_the_last_skips_the_weekend_and_keeps_the_times(days, qtbot):
    days.add(date(2027, 3, 5), time(8, 30), time(12))  # a Friday
    with qtbot.waitSignal(days.changed):
        days.add_after_last()

    second = days.rows[1]
    assert second.date.value() == date(2027, 3, 8)  # the Monday
    assert second.start.value() == time(8, 30)
    assert second.end.value() == time(12)
    assert days.first_day() == date(2027, 3, 5)


def test_removing_the_last_day_and_clearing(days, qtbot):
    days.add(date(2027, 3, 1), time(9), time(17))
    days.add(date(2027, 3, 2), time(9), time(17))
    with qtbot.waitSignal(days.changed):
        days.remove_last()
    assert [row.date.value() for row in days.rows] == [date(2027, 3, 1)]

    days.clear()
    assert days.rows == []
    assert days.first_day() is None
    days.remove_last()  # nothing left to remove: no error
    assert days.rows == []


def test_each_day_has_its_own_link_only_when_the_session_meets_online(days):
    days.add(date(2027, 3, 1), time(9), time(17))
    assert days.rows[0].link.isHidden()

    days.set_online(True)
    days.add(date(2027, 3, 2), time(9), time(17))
    assert [row.link.isHidden() for row in days.rows] == [False, False]

    days.set_online(False)
    assert [row.link.isHidden() for row in days.rows] == [True, True]


def test_a_time_that_happens_twice_is_checked_at_its_first_reading_and_noted(days):
    # 02:30 happens twice in Berlin on 2027-10-31, when the clocks go back.
    days.add(date(2027, 10, 31), time(2, 30), time(4))
    zone = "Europe/Berlin"

    with pytest.raises(AmbiguousTimeError):
        days.specs(zone)
    checked, notes = days.tentative_specs(zone)

    assert checked[0].start == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # +02:00, the first
    assert checked[0].end == datetime(2027, 10, 31, 3, 0, tzinfo=UTC)
    assert len(notes) == 1
    assert "You will be asked when you save." in notes[0]


def test_days_as_instants_in_the_venues_zone(days):
    days.add(date(2027, 1, 11), time(9), time(17))
    (day,) = days.specs("America/New_York")
    assert day.start == datetime(2027, 1, 11, 14, 0, tzinfo=UTC)
    assert day.end == datetime(2027, 1, 11, 22, 0, tzinfo=UTC)
    assert day.meeting_link == ""

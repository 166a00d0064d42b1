"""Formatting and reading back dates and times in the user's locale."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time

import pytest

from iltdesk import formatting


def test_each_end_of_a_span_carries_its_own_label_across_the_clock_change():
    start = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 01:30 BST
    end = datetime(2027, 10, 31, 2, 30, tzinfo=UTC)  # 02:30 GMT
    assert formatting.format_time_span(start, end, "Europe/London") == "01:30 BST–02:30 GMT"
    assert formatting.format_span(start, end, "Europe/London") == (
        "31 Oct 2027, 01:30 BST–02:30 GMT"
    )
    same = formatting.format_time_span(
        datetime(2027, 1, 5, 9, tzinfo=UTC), datetime(2027, 1, 5, 17, tzinfo=UTC), "Europe/London"
    )
    assert same == "09:00–17:00 GMT"


def test_zone_without_abbreviation_reads_the_same_everywhere():
    instant = datetime(2027, 1, 5, 9, tzinfo=UTC)
    assert formatting.zone_label(instant, "Pacific/Chatham") == "GMT+13:45"
    assert formatting.zone_label(instant, "Pacific/Chatham", "de_DE") == "GMT+13:45"


def test_explicit_locale_does_not_touch_the_user_locale():
    day = date(2026, 12, 14)
    assert formatting.format_date(day, locale="de_DE") == "14.12.2026"
    assert formatting.format_date(day) == "14 Dec 2026"


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("2026-12-14", "en_GB", date(2026, 12, 14)),
        ("Mon 2026-12-14", "en_GB", date(2026, 12, 14)),
        ("Monday 2026-12-14", "en_GB", date(2026, 12, 14)),
        ("14/12/2026", "en_GB", date(2026, 12, 14)),
        ("12/14/2026", "en_US", date(2026, 12, 14)),
        ("14.12.2026", "de_DE", date(2026, 12, 14)),
        ("Mo 14.12.2026", "de_DE", date(2026, 12, 14)),
        ("14.12.26", "de_DE", date(2026, 12, 14)),
        ("2026/12/14", "en_US", date(2026, 12, 14)),
    ],
)
def test_typed_dates_land_on_what_was_typed(text, locale, expected):
    assert formatting.parse_date_text(text, locale) == expected


@pytest.mark.parametrize(
    "text", ["Sat 2026-12-14", "2026-02-30", "14/13/2026", "tomorrow", "", "12/14/2026x"]
)
def test_wrong_typed_dates_are_refused_never_moved(text):
    assert formatting.parse_date_text(text, "en_GB") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9", time(9)),
        ("09:30", time(9, 30)),
        ("930", time(9, 30)),
        ("1830", time(18, 30)),
        ("18.30", time(18, 30)),
        ("6:30 pm", time(18, 30)),
        ("12am", time(0)),
        ("00:00", time(0)),
    ],
)
def test_typed_times(text, expected):
    assert formatting.parse_time_text(text) == expected


@pytest.mark.parametrize("text", ["25:00", "9:75", "13 pm", "noonish", ""])
def test_wrong_typed_times_are_refused(text):
    assert formatting.parse_time_text(text) is None


def test_input_format_round_trips():
    for locale in ("en_GB", "en_US", "de_DE"):
        day = date(2027, 3, 5)
        assert formatting.parse_date_text(formatting.format_date_input(day, locale), locale) == day


def test_a_new_courses_currency_is_the_users_countrys():
    assert formatting.local_currency("en_GB") == "GBP"
    assert formatting.local_currency("de_DE") == "EUR"
    assert formatting.local_currency("de_CH") == "CHF"
    assert formatting.local_currency("en_US") == "USD"
    assert formatting.local_currency("en") == "EUR"  # no country: the default

"""Recurring sessions: RFC 5545 rules expanded on the venue's wall clock, across clock changes."""

from __future__ import annotations

from datetime import date
from datetime import time
from zoneinfo import ZoneInfo

import pytest

from iltdesk.domain.enums import DeliveryMode
from iltdesk.domain.recurrence import MAX_OCCURRENCES
from iltdesk.domain.recurrence import OccurrenceFoldError
from iltdesk.domain.recurrence import OccurrenceGapError
from iltdesk.domain.recurrence import RuleError
from iltdesk.domain.recurrence import expand
from iltdesk.domain.recurrence import occurrence_dates
from iltdesk.domain.specs import SessionSpec
from tests.fixtures.builders import day_spec


def template(day: date, start: str, end: str, zone: str, days: int = 1) -> SessionSpec:
    from datetime import timedelta

    return SessionSpec(
        course_id=1,
        mode=DeliveryMode.IN_PERSON,
        timezone=zone,
        capacity=12,
        days=tuple(day_spec(day + timedelta(days=n), start, end, zone) for n in range(days)),
    )


def local_clocks(occurrences, zone):
    tz = ZoneInfo(zone)
    return [
        (
            o.first_date,
            o.spec.days[0].start.astimezone(tz).time(),
            o.spec.days[0].end.astimezone(tz).time(),
        )
        for o in occurrences
    ]


@pytest.mark.parametrize(
    ("zone", "first", "change"),
    [
        ("Europe/Berlin", date(2026, 3, 2), date(2026, 3, 29)),  # clocks forward
        ("America/New_York", date(2026, 3, 2), date(2026, 3, 8)),
        ("Australia/Sydney", date(2026, 3, 30), date(2026, 4, 5)),  # clocks back (southern)
        ("Europe/London", date(2026, 10, 5), date(2026, 10, 25)),
    ],
)
def test_nine_stays_nine_across_the_clock_change(zone, first, change):
    spec = template(first, "09:00", "17:00", zone)
    occurrences = expand(spec, "FREQ=WEEKLY;COUNT=6")
    assert [o.first_date for o in occurrences] == [
        first + (o.number - 1) * (date(2000, 1, 8) - date(2000, 1, 1)) for o in occurrences
    ]
    assert all(
        start == time(9) and end == time(17) for _d, start, end in local_clocks(occurrences, zone)
    )
    before = [o for o in occurrences if o.first_date < change]
    after = [o for o in occurrences if o.first_date > change]
    assert before
    assert after
    # The same wall time is a different UTC instant on either side of the change.
    assert before[0].spec.days[0].start.time() != after[0].spec.days[0].start.time()


def test_every_first_monday_six_times_and_a_two_day_course():
    spec = template(date(2027, 1, 4), "09:30", "16:00", "Europe/Berlin", days=2)
    occurrences = expand(spec, "RRULE:FREQ=MONTHLY;BYDAY=1MO;COUNT=6")
    assert [o.first_date for o in occurrences] == [
        date(2027, 1, 4),
        date(2027, 2, 1),
        date(2027, 3, 1),
        date(2027, 4, 5),
        date(2027, 5, 3),
        date(2027, 6, 7),
    ]
    tz = ZoneInfo("Europe/Berlin")
    second_days = [o.spec.days[1].start.astimezone(tz) for o in occurrences]
    assert [d.date() for d in second_days][:2] == [date(2027, 1, 5), date(2027, 2, 2)]
    assert all(d.time() == time(9, 30) for d in second_days)


def test_weekly_on_tuesday_and_thursday_for_four_weeks():
    spec = template(date(2027, 3, 2), "13:00", "15:00", "America/Chicago")
    dates = [o.first_date for o in expand(spec, "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8")]
    assert dates[:4] == [date(2027, 3, 2), date(2027, 3, 4), date(2027, 3, 9), date(2027, 3, 11)]
    assert len(dates) == 8


def test_an_occurrence_in_a_gap_is_named_then_skipped_when_asked():
    spec = template(date(2026, 3, 1), "02:30", "04:00", "Europe/Berlin")
    with pytest.raises(OccurrenceGapError) as raised:
        expand(spec, "FREQ=WEEKLY;COUNT=5")
    assert raised.value.day == date(2026, 3, 29)
    assert "2026-03-29" in str(raised.value)
    assert "does not exist" in str(raised.value)
    kept = expand(spec, "FREQ=WEEKLY;COUNT=5", skip={date(2026, 3, 29)})
    assert date(2026, 3, 29) not in [o.first_date for o in kept]
    assert len(kept) == 4


def test_an_occurrence_in_a_fold_is_asked_which_reading():
    spec = template(date(2026, 10, 18), "02:30", "05:00", "Europe/Berlin")
    with pytest.raises(OccurrenceFoldError) as raised:
        expand(spec, "FREQ=WEEKLY;COUNT=2")
    assert raised.value.day == date(2026, 10, 25)
    first, second = (
        expand(spec, "FREQ=WEEKLY;COUNT=2", folds={date(2026, 10, 25): fold})[1] for fold in (0, 1)
    )
    assert (second.spec.days[0].start - first.spec.days[0].start).total_seconds() == 3600


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("every monday", "is not a repeat rule"),
        ("FREQ=WEEKLY;BYDAY=XX;COUNT=3", "cannot be read"),
        ("FREQ=WEEKLY;UNTIL=20200101T000000", "gives no dates"),
        ("FREQ=DAILY", f"more than {MAX_OCCURRENCES}"),
        ("FREQ=DAILY;COUNT=201", f"more than {MAX_OCCURRENCES}"),
        ("FREQ=HOURLY;COUNT=3", "by day, week, month or year"),
    ],
)
def test_bad_rules_are_sentences(rule, says):
    from datetime import datetime

    with pytest.raises(RuleError, match=says):
        occurrence_dates(rule, datetime(2027, 1, 4, 9))

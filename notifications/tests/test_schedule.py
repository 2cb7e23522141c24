from datetime import UTC, date, datetime, time

import pytest

from notifications.schedule import daily_reminder_date, missed_logging_date

TEN = time(10, 0)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "now, tz, weekdays, expected",
    [
        # 2026-11-27 is a Friday (ISO 5).
        (utc(2026, 11, 27, 9, 59), "UTC", "1234567", None),
        (utc(2026, 11, 27, 10, 0), "UTC", "1234567", date(2026, 11, 27)),
        (utc(2026, 11, 27, 23, 0), "UTC", "1234567", date(2026, 11, 27)),
        (utc(2026, 11, 27, 12, 0), "UTC", "1234", None),
        (utc(2026, 11, 27, 12, 0), "UTC", "5", date(2026, 11, 27)),
        # New York is UTC-5 in November: 10:00 local is 15:00 UTC.
        (utc(2026, 11, 27, 14, 59), "America/New_York", "1234567", None),
        (utc(2026, 11, 27, 15, 0), "America/New_York", "1234567", date(2026, 11, 27)),
        # Auckland is UTC+13: 22:00 UTC on Friday is 11:00 on Saturday (ISO 6).
        (utc(2026, 11, 27, 22, 0), "Pacific/Auckland", "6", date(2026, 11, 28)),
        (utc(2026, 11, 27, 22, 0), "Pacific/Auckland", "5", None),
    ],
    ids=[
        "before-time",
        "at-time",
        "late-evening",
        "unselected-day",
        "selected-day",
        "new-york-before",
        "new-york-at",
        "auckland-next-day",
        "auckland-wrong-day",
    ],
)
def test_daily_reminder_is_due_at_local_time_on_chosen_days(now, tz, weekdays, expected):
    assert daily_reminder_date(now, tz, TEN, weekdays) == expected


NOW = utc(2026, 11, 27, 12, 0)


@pytest.mark.parametrize(
    "last_log, last_nudge, expected",
    [
        (date(2026, 11, 25), None, None),  # 2 days: not yet
        (date(2026, 11, 24), None, date(2026, 11, 27)),  # 3 days
        (None, None, date(2026, 11, 27)),  # never logged since the start (Nov 20)
        (date(2026, 11, 20), date(2026, 11, 25), None),  # nudged 2 days ago
        (date(2026, 11, 20), date(2026, 11, 24), date(2026, 11, 27)),  # nudged 3 days ago
    ],
    ids=["two-days", "three-days", "never-logged", "nudged-recently", "nudge-again"],
)
def test_missed_logging_nudge_after_n_days_at_most_every_n_days(last_log, last_nudge, expected):
    assert (
        missed_logging_date(NOW, "UTC", TEN, last_log, date(2026, 11, 20), 3, last_nudge)
        == expected
    )


def test_missed_logging_waits_for_the_reminder_time():
    early = utc(2026, 11, 27, 8, 0)
    assert missed_logging_date(early, "UTC", TEN, None, date(2026, 11, 1), 3, None) is None

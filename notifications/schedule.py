"""When a reminder is due, as pure functions over plain values (no ORM).

A daily walk reminder is due once the patient's local time has passed their chosen time on
a chosen weekday. The local date is the key of the delivery row, so a reminder can never be
due twice on the same local day, whatever the time zone or how often the pass runs.

The reminder pass decides in SQL, for every patient in one statement (reminders._DUE), what
these functions decide for one; notifications/tests/test_reminder_rule.py holds the two to the same
answers over time zones, daylight saving, weekdays, logs and earlier nudges. Change both.
"""

import zoneinfo
from datetime import date, datetime, time, timedelta

# A patient without a preference row gets the defaults: every day at 10:00 local time.
DEFAULT_REMIND_AT = time(10, 0)
DEFAULT_WEEKDAYS = "1234567"
# No published rule (docs/clinical-rules.md §7.7): a product default [C], a clinic setting.
DEFAULT_NUDGE_DAYS = 3
# The therapist digest goes out once a day at this local clinic time [C].
DIGEST_AT = time(7, 0)


def local_now(now_utc: datetime, tz_name: str) -> datetime:
    return now_utc.astimezone(zoneinfo.ZoneInfo(tz_name))


def daily_reminder_date(
    now_utc: datetime, tz_name: str, remind_at: time, weekdays: str
) -> date | None:
    """The patient's local date if the daily reminder is due now, else None.

    `weekdays` holds ISO weekday digits ("135" = Monday, Wednesday, Friday).
    """
    now = local_now(now_utc, tz_name)
    if str(now.isoweekday()) not in weekdays:
        return None
    if now.time() < remind_at:
        return None
    return now.date()


def missed_logging_date(
    now_utc: datetime,
    tz_name: str,
    remind_at: time,
    last_log: date | None,
    started: date,
    days: int,
    last_nudge: date | None,
) -> date | None:
    """The local date for a missed-logging nudge, or None.

    Due at the usual reminder time when `days` full days have passed without a log (counting
    from the last log, or from `started` when there is none), and never more often than once
    every `days` days.
    """
    now = local_now(now_utc, tz_name)
    if now.time() < remind_at:
        return None
    today = now.date()
    since = last_log or started
    if (today - since).days < days:
        return None
    if last_nudge is not None and (today - last_nudge).days < days:
        return None
    return today


def utc_window_start(now_utc: datetime) -> date:
    """The earliest local date any time zone can have now (UTC-12): logs to fetch from."""
    return (now_utc - timedelta(hours=14)).date()

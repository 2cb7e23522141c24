"""Plain-word checks of doses and prescriptions, shared by forms and services.

Each returns {field: message}; empty means valid. Pure: no ORM.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from .models import (
    MAX_BOUT_MINUTES,
    MAX_BOUTS_PER_SESSION,
    MAX_DOSE_MINUTES,
    MAX_HOLD_SECONDS,
    MAX_REPS,
    MAX_SESSIONS_PER_WEEK,
    MAX_SETS,
    MAX_TIMES_PER_DAY,
)

# The issue: start dates "far in the past" are nonsense. Two weeks back covers a plan agreed
# in clinic and typed in later; a year ahead covers a plan set up before surgery recovery.
START_DATE_MAX_PAST_DAYS = 14
START_DATE_MAX_FUTURE_DAYS = 365

_DOSE_LIMITS = {
    "sets": (MAX_SETS, "Sets must be a whole number from 1 to {high}."),
    "reps": (MAX_REPS, "Repetitions must be a whole number from 1 to {high}."),
    "hold_seconds": (MAX_HOLD_SECONDS, "Hold must be from 1 to {high} seconds."),
    "minutes": (MAX_DOSE_MINUTES, "Minutes must be from 1 to {high}."),
    "times_per_day": (MAX_TIMES_PER_DAY, "Times a day must be from 1 to {high}."),
}


def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def dose_errors(dose: dict) -> dict[str, str]:
    """A dose needs repetitions, a hold or minutes; nothing may be 0, negative or absurd."""
    errors = {}
    for name, (high, message) in _DOSE_LIMITS.items():
        value = dose.get(name)
        if value is None and name != "times_per_day":
            continue
        if not _is_whole(value) or not 1 <= value <= high:
            errors[name] = message.format(high=high)
    if not errors and not any(dose.get(k) for k in ("reps", "hold_seconds", "minutes")):
        errors["reps"] = "Give repetitions, a hold time or minutes: an exercise needs a dose."
    return errors


def week_range_errors(week_from, week_to, *, weeks: int) -> dict[str, str]:
    errors = {}
    if not _is_whole(week_from) or not 1 <= week_from <= weeks:
        errors["week_from"] = f"The first week must be from 1 to {weeks}."
    if not _is_whole(week_to) or not 1 <= week_to <= weeks:
        errors["week_to"] = f"The last week must be from 1 to {weeks}."
    elif not errors and week_to < week_from:
        errors["week_to"] = "The last week cannot come before the first week."
    return errors


def prescription_errors(
    *, sessions_per_week, bouts_per_session, bout_minutes, min_bout_minutes=Decimal("2")
) -> dict[str, str]:
    """Sessions a week, walks a session and minutes a walk, in plain words."""
    errors = {}
    if not _is_whole(sessions_per_week) or not 1 <= sessions_per_week <= MAX_SESSIONS_PER_WEEK:
        errors["sessions_per_week"] = (
            f"Walking days a week must be a whole number from 1 to {MAX_SESSIONS_PER_WEEK}."
        )
    if not _is_whole(bouts_per_session) or not 1 <= bouts_per_session <= MAX_BOUTS_PER_SESSION:
        errors["bouts_per_session"] = (
            f"Walks each time must be a whole number from 1 to {MAX_BOUTS_PER_SESSION}."
        )
    try:
        minutes = Decimal(str(bout_minutes))
    except (InvalidOperation, TypeError, ValueError):
        minutes = None
    floor = Decimal(str(min_bout_minutes))
    if minutes is None or not minutes.is_finite():
        errors["bout_minutes"] = "Enter the minutes of one walk, e.g. 6 or 6.5."
    elif minutes <= 0:
        errors["bout_minutes"] = "A walk must last longer than 0 minutes."
    elif minutes > MAX_BOUT_MINUTES:
        errors["bout_minutes"] = (
            f"One walk can be at most {MAX_BOUT_MINUTES} minutes: split longer walking into "
            "more walks a session."
        )
    elif minutes < floor:
        errors["bout_minutes"] = f"The shortest walk in a plan is {floor.normalize():f} minutes."
    elif (minutes * 2) % 1:
        errors["bout_minutes"] = "Use whole or half minutes, e.g. 6 or 6.5."
    return errors


def start_date_errors(start: date, *, today: date) -> dict[str, str]:
    if start < today - timedelta(days=START_DATE_MAX_PAST_DAYS):
        return {
            "start_date": (
                f"The start date can be at most {START_DATE_MAX_PAST_DAYS} days ago: "
                "start the plan from this week instead."
            )
        }
    if start > today + timedelta(days=START_DATE_MAX_FUTURE_DAYS):
        return {"start_date": "The start date can be at most a year from today."}
    return {}

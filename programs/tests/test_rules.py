"""Plain-word checks of doses, prescriptions and start dates (no database)."""

from datetime import date
from decimal import Decimal

import pytest

from programs.rules import dose_errors, prescription_errors, start_date_errors, week_range_errors


def dose(**values):
    return {
        "sets": None,
        "reps": None,
        "hold_seconds": None,
        "minutes": None,
        "times_per_day": 1,
        **values,
    }


@pytest.mark.parametrize(
    ("values", "field"),
    [
        pytest.param({"reps": 0}, "reps", id="zero-reps"),
        pytest.param({"reps": -3}, "reps", id="negative-reps"),
        pytest.param({"reps": 10, "sets": 0}, "sets", id="zero-sets"),
        pytest.param({"hold_seconds": 0}, "hold_seconds", id="zero-hold"),
        pytest.param({"hold_seconds": 121}, "hold_seconds", id="hold-over-2-minutes"),
        pytest.param({"minutes": 61}, "minutes", id="over-an-hour"),
        pytest.param({"reps": 10, "times_per_day": 0}, "times_per_day", id="never"),
        pytest.param({"reps": 10, "times_per_day": None}, "times_per_day", id="times-missing"),
        pytest.param({"reps": 2.5}, "reps", id="fraction"),
        pytest.param({}, "reps", id="no-dose-at-all"),
    ],
)
def test_nonsense_doses_get_a_plain_message(values, field):
    errors = dose_errors(dose(**values))

    assert field in errors
    assert "must" in errors[field] or "need" in errors[field]


@pytest.mark.parametrize(
    "values",
    [
        {"reps": 10},
        {"hold_seconds": 30},
        {"minutes": 10},
        {"sets": 10, "reps": 50, "times_per_day": 6},
    ],
)
def test_sensible_doses_pass(values):
    assert dose_errors(dose(**values)) == {}


@pytest.mark.parametrize(
    ("sessions", "bouts", "minutes", "field", "words"),
    [
        pytest.param(0, 3, 6, "sessions_per_week", "from 1 to 14", id="no-days"),
        pytest.param(15, 3, 6, "sessions_per_week", "from 1 to 14", id="15-days"),
        pytest.param(5, 0, 6, "bouts_per_session", "from 1 to 10", id="no-walks"),
        pytest.param(5, 3, 0, "bout_minutes", "longer than 0", id="zero-minutes"),
        pytest.param(5, 3, -2, "bout_minutes", "longer than 0", id="negative-minutes"),
        pytest.param(5, 3, Decimal("60.5"), "bout_minutes", "at most 60", id="over-60"),
        pytest.param(5, 3, Decimal("1.5"), "bout_minutes", "shortest walk", id="under-floor"),
        pytest.param(5, 3, Decimal("6.3"), "bout_minutes", "half minutes", id="off-grid"),
        pytest.param(5, 3, "six", "bout_minutes", "Enter the minutes", id="text"),
        pytest.param(5, 3, float("nan"), "bout_minutes", "Enter the minutes", id="nan"),
    ],
)
def test_nonsense_prescriptions_get_a_plain_message(sessions, bouts, minutes, field, words):
    errors = prescription_errors(
        sessions_per_week=sessions, bouts_per_session=bouts, bout_minutes=minutes
    )

    assert words in errors[field]


def test_a_60_minute_walk_and_the_2_minute_floor_are_allowed():
    assert prescription_errors(sessions_per_week=14, bouts_per_session=1, bout_minutes=60) == {}
    assert prescription_errors(sessions_per_week=1, bouts_per_session=10, bout_minutes=2) == {}


def test_the_floor_follows_the_clinic_setting():
    errors = prescription_errors(
        sessions_per_week=5,
        bouts_per_session=3,
        bout_minutes=Decimal("1.5"),
        min_bout_minutes=Decimal("1"),
    )
    assert errors == {}


@pytest.mark.parametrize(
    ("start", "ok"),
    [
        pytest.param(date(2026, 2, 15), True, id="14-days-ago"),
        pytest.param(date(2026, 2, 14), False, id="15-days-ago"),
        pytest.param(date(2027, 3, 1), True, id="a-year-ahead"),
        pytest.param(date(2027, 3, 2), False, id="over-a-year-ahead"),
    ],
)
def test_start_dates_far_away_are_refused(start, ok):
    assert (start_date_errors(start, today=date(2026, 3, 1)) == {}) is ok


@pytest.mark.parametrize(
    ("week_from", "week_to", "field"),
    [(0, 2, "week_from"), (1, 9, "week_to"), (5, 3, "week_to")],
)
def test_week_ranges_stay_inside_the_plan(week_from, week_to, field):
    assert field in week_range_errors(week_from, week_to, weeks=8)

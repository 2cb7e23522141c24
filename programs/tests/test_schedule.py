"""Plan weeks, baseline bout, doses in plain words, schedule preview (no database)."""

from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest

from clinic.clinical_rules import ClinicalRules
from programs.progression import PROGRESS, Prescription, ProgressionRules, suggest_progression
from programs.schedule import (
    baseline_bout_minutes,
    describe_change,
    describe_dose,
    describe_item_dose,
    describe_weekly,
    last_completed_week,
    minutes_text,
    on_target_week,
    plan_week_end,
    plan_week_number,
    plan_week_start,
    schedule_preview,
    walking_schedule,
)

START = date(2026, 3, 5)  # a Thursday: plan weeks need not start on a Monday


@pytest.mark.parametrize(
    ("day", "week"),
    [
        pytest.param(date(2026, 3, 4), 0, id="day-before-start"),
        pytest.param(date(2026, 3, 5), 1, id="start-day"),
        pytest.param(date(2026, 3, 11), 1, id="seventh-day"),
        pytest.param(date(2026, 3, 12), 2, id="eighth-day"),
        pytest.param(date(2026, 4, 29), 8, id="last-day-of-week-8"),
        pytest.param(date(2026, 4, 30), 9, id="after-the-programme"),
    ],
)
def test_plan_week_number_counts_seven_day_blocks_from_the_start(day, week):
    assert plan_week_number(START, day) == week


@pytest.mark.parametrize(
    ("today", "week"),
    [
        pytest.param(date(2026, 3, 1), 0, id="not-started"),
        pytest.param(date(2026, 3, 11), 0, id="week-1-still-running"),
        pytest.param(date(2026, 3, 12), 1, id="week-1-just-ended"),
        pytest.param(date(2026, 3, 18), 1, id="week-2-still-running"),
        pytest.param(date(2026, 3, 19), 2, id="week-2-just-ended"),
    ],
)
def test_last_completed_week_is_the_week_that_has_fully_ended(today, week):
    assert last_completed_week(START, today) == week


def test_week_start_and_end_are_seven_days_apart():
    assert plan_week_start(START, 3) == date(2026, 3, 19)
    assert plan_week_end(START, 3) == date(2026, 3, 25)


@pytest.mark.parametrize(
    ("onset_s", "reported", "expected"),
    [
        pytest.param(150, None, Decimal("2.5"), id="treadmill-only-2:30"),
        pytest.param(None, Decimal("6"), Decimal("6"), id="self-report-only"),
        pytest.param(400, Decimal("5"), Decimal("5"), id="self-report-shorter"),
        pytest.param(250, Decimal("5"), Decimal("4"), id="treadmill-shorter-rounds-down"),
        pytest.param(60, None, Decimal("2"), id="2-minute-floor"),
        pytest.param(None, Decimal("0.5"), Decimal("2"), id="floor-on-self-report"),
        pytest.param(119, None, Decimal("2"), id="just-under-the-floor"),
        pytest.param(None, None, None, id="nothing-known"),
        pytest.param(0, None, Decimal("2"), id="symptoms-at-once"),
    ],
)
def test_baseline_is_the_shortest_known_time_at_least_2_minutes(onset_s, reported, expected):
    assert (
        baseline_bout_minutes(treadmill_onset_seconds=onset_s, self_reported_minutes=reported)
        == expected
    )


def test_baseline_floor_follows_the_clinic_setting():
    assert baseline_bout_minutes(
        treadmill_onset_seconds=90, self_reported_minutes=None, floor_minutes=Decimal("1")
    ) == Decimal("1.5")


@pytest.mark.parametrize(
    ("dose", "expected"),
    [
        pytest.param({"reps": 10}, "10 times, once a day", id="reps"),
        pytest.param({"sets": 2, "reps": 10, "times_per_day": 2}, "2 sets of 10, twice a day"),
        pytest.param(
            {"reps": 3, "hold_seconds": 20, "times_per_day": 3},
            "3 times, hold each 20 seconds, 3 times a day",
        ),
        pytest.param({"hold_seconds": 30}, "hold 30 seconds, once a day", id="hold-only"),
        pytest.param({"minutes": 10}, "10 minutes, once a day", id="minutes"),
        pytest.param({"reps": 1, "minutes": 1}, "1 time, 1 minute, once a day", id="singular"),
    ],
)
def test_describe_dose_uses_plain_words(dose, expected):
    assert describe_dose(**dose) == expected


@pytest.mark.parametrize(
    ("slot", "dose", "expected"),
    [
        pytest.param("walk", {"reps": 10, "times_per_day": 2}, "10 times, before and after"),
        pytest.param("daily", {"reps": 10, "times_per_day": 2}, "10 times, twice a day"),
        pytest.param("weekly", {"minutes": 20}, "20 minutes", id="weekly"),
        pytest.param("option", {"minutes": 10}, "10 minutes", id="option"),
    ],
)
def test_item_dose_says_when_for_walk_slot_items(slot, dose, expected):
    full = {"sets": None, "reps": None, "hold_seconds": None, "minutes": None, **dose}
    full.setdefault("times_per_day", 1)
    assert describe_item_dose(slot, full) == expected


@pytest.mark.parametrize(
    ("value", "text"), [(Decimal("7.0"), "7"), (Decimal("6.5"), "6.5"), (15, "15"), (2.5, "2.5")]
)
def test_minutes_text_drops_a_trailing_zero(value, text):
    assert minutes_text(value) == text


def test_describe_weekly_names_the_days():
    assert (
        describe_weekly(Prescription(5, 3, 6.0))
        == "5 days a week: 3 walks of 6 minutes, rest bent forward between them"
    )
    assert describe_weekly(Prescription(7, 1, 20.0)) == "every day: 1 walk of 20 minutes"


def _plan(bouts=3, minutes=6):
    return SimpleNamespace(sessions_per_week=5, bouts_per_session=bouts, bout_minutes=minutes)


def test_preview_holds_the_foundation_weeks_then_applies_the_weekly_rule():
    weeks = schedule_preview(start=START, weeks=8, prescription=_plan(), progress_from_week=3)

    assert [w.prescription.bout_minutes for w in weeks] == [6, 6, 7, 8, 9, 10, 11, 12.5]
    assert [w.changed for w in weeks] == [False, False, True, True, True, True, True, True]
    assert weeks[0].start == START and weeks[7].end == date(2026, 4, 29)


def test_preview_merges_bouts_at_15_minutes():
    weeks = schedule_preview(
        start=START, weeks=3, prescription=_plan(minutes=14), progress_from_week=1
    )

    # docs/clinical-rules.md §7: the merge grows the continuous walk by at most 25 %
    # (15.5 * 1.25 = 19.375, rounded down), not to 46.5 / 2 = 23.5.
    assert [(w.prescription.bouts_per_session, w.prescription.bout_minutes) for w in weeks] == [
        (3, 14),
        (3, 15.5),
        (2, 19),
    ]
    assert weeks[2].text == "2 walks of 19 minutes, rest bent forward between them"


def test_preview_follows_the_clinic_rules_and_carries_the_week_notes():
    weeks = schedule_preview(
        start=START,
        weeks=2,
        prescription=_plan(),
        progress_from_week=2,
        week_notes=[{"number": 2, "phase": "Build", "note": "Longer walks"}],
        rules=ProgressionRules(progress_step=0.5, max_bout_growth=0.5),
    )

    assert weeks[1].prescription.bout_minutes == 9
    assert (weeks[1].phase, weeks[1].note) == ("Build", "Longer walks")
    assert (weeks[0].phase, weeks[0].note) == ("", "")


def test_preview_caps_a_large_clinic_step_at_25pct_growth():
    weeks = schedule_preview(
        start=START,
        weeks=2,
        prescription=_plan(),
        progress_from_week=2,
        rules=ProgressionRules(progress_step=0.5),
    )

    assert weeks[1].prescription.bout_minutes == 7.5


def _walks(schedule):
    return [(p.bouts_per_session, p.bout_minutes) for p in schedule]


@pytest.mark.parametrize(
    ("baseline", "expected"),
    [
        pytest.param(
            6,
            [(3, 6), (3, 6), (3, 7), (3, 8), (3, 9), (3, 10), (3, 11), (3, 12.5)],
            id="6-minute-baseline",
        ),
        pytest.param(
            12,
            [(3, 12), (3, 12), (3, 13.5), (3, 15), (2, 18.5), (1, 23), (1, 25.5), (1, 28.5)],
            id="12-minute-baseline-merges-3x15-2x18.5-1x23",
        ),
        pytest.param(
            2,
            [(3, 2), (3, 2), (3, 2.5), (3, 3), (3, 3.5), (3, 4), (3, 5), (3, 6)],
            id="2-minute-baseline-grows-by-25pct-at-most",
        ),
        pytest.param(
            Decimal("15.0"),
            [(3, 15), (3, 15), (2, 18.5), (1, 23), (1, 25.5), (1, 28.5), (1, 31.5), (1, 35)],
            id="15-minute-baseline-merges-in-week-3",
        ),
    ],
)
def test_walking_schedule_when_every_week_is_within_target(baseline, expected):
    assert _walks(walking_schedule(baseline)) == expected


def test_merge_cap_12_minute_baseline_never_reaches_2x22_5_or_1x45():
    walks = _walks(walking_schedule(12, weeks=12))

    assert (2, 22.5) not in walks
    assert not any(minutes >= 45 for _, minutes in walks)
    assert (2, 18.5) in walks and (1, 23) in walks


@pytest.mark.parametrize("baseline", [x / 2 for x in range(4, 61)])
@pytest.mark.parametrize("bouts", [1, 2, 3, 4, 6])
def test_no_week_of_the_schedule_grows_a_walk_more_than_25pct(baseline, bouts):
    weeks = walking_schedule(baseline, weeks=12, bouts_per_session=bouts, progress_from_week=2)

    for before, after in zip(weeks, weeks[1:], strict=False):
        growth = Fraction(str(after.bout_minutes)) / Fraction(str(before.bout_minutes))
        assert growth <= Fraction(5, 4)
        assert after.bouts_per_session in (before.bouts_per_session, before.bouts_per_session - 1)


def test_walking_schedule_is_the_preview_without_the_dates():
    preview = schedule_preview(
        start=START, weeks=8, prescription=_plan(minutes=12), progress_from_week=3
    )

    assert walking_schedule(12) == [w.prescription for w in preview]


def test_walking_schedule_follows_the_rules():
    rules = ClinicalRules(merge_at_minutes=20)

    assert _walks(walking_schedule(15, rules=rules))[2:4] == [(3, 16.5), (3, 18.5)]


@pytest.mark.parametrize("sessions", [1, 5, 7, 10, 14])
def test_an_on_target_week_progresses_whatever_the_days_a_week(sessions):
    current = Prescription(sessions, 3, 6.0)

    week = on_target_week(current, START)

    assert len(week) == sessions
    assert suggest_progression(current, week).decision == PROGRESS


def _version(kind="adjust", minutes=6, sessions=5, exercises=()):
    return SimpleNamespace(
        kind=kind,
        sessions_per_week=sessions,
        bouts_per_session=3,
        bout_minutes=minutes,
        exercises=list(exercises),
    )


GLIDE = {"exercise_id": 1, "name": "Nerve glide", "slot": "walk", "reps": 10, "times_per_day": 1}
CURL = {"exercise_id": 2, "name": "Curl-up", "slot": "daily", "reps": 8, "times_per_day": 1}


@pytest.mark.parametrize(
    ("previous", "version", "lines"),
    [
        pytest.param(
            None,
            _version("assign"),
            ["Plan started: 5 days a week: 3 walks of 6 minutes, rest bent forward between them"],
            id="first-version",
        ),
        pytest.param(
            _version(),
            _version("progression", minutes=7),
            [
                "Walks: 3 walks of 6 minutes, rest bent forward between them -> "
                "3 walks of 7 minutes, rest bent forward between them"
            ],
            id="longer-walks",
        ),
        pytest.param(
            _version(), _version(sessions=4), ["Walking days: 5 -> 4 a week"], id="fewer-days"
        ),
        pytest.param(_version(), _version("pause"), ["Plan paused"], id="paused"),
        pytest.param(
            _version(exercises=[GLIDE]),
            _version(exercises=[GLIDE, CURL]),
            ["New exercises: Curl-up"],
            id="added",
        ),
        pytest.param(
            _version(exercises=[GLIDE, CURL]),
            _version(exercises=[CURL]),
            ["Exercises taken out: Nerve glide"],
            id="removed",
        ),
        pytest.param(
            _version(exercises=[CURL]),
            _version(exercises=[{**CURL, "reps": 10}]),
            ["Changed how much or when: Curl-up"],
            id="dose",
        ),
        pytest.param(_version(), _version(), ["No change to walks or exercises"], id="none"),
    ],
)
def test_describe_change_says_what_changed_in_plain_words(previous, version, lines):
    assert describe_change(previous, version) == lines

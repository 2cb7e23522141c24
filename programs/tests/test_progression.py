"""Table-driven tests for the weekly walking-progression rule (docs/clinical-rules.md §7)."""

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest

from clinic.clinical_rules import ClinicalRules
from programs.progression import (
    HOLD,
    PAUSE,
    PROGRESS,
    REGRESS,
    Prescription,
    ProgressionRules,
    WeeklyDecision,
    describe_prescription,
    pain_rise,
    progressed_prescription,
    session_done,
    session_within_target,
    suggest_progression,
)

MONDAY = date(2026, 3, 2)
# A walk of the whole prescribed session; `dated` fills in the minutes.
FULL = "full"


def walk(before=3, peak=5, after=3, *, flare=False, red_flag=False, day=None, minutes=FULL):
    """One logged walk; defaults are a full session exactly on the +2 target.

    `day` is days after MONDAY; None lets `dated` give each walk a day of its own.
    """
    return SimpleNamespace(
        date=None if day is None else MONDAY + timedelta(days=day),
        minutes=minutes,
        pain_before=before,
        pain_peak=peak,
        pain_after=after,
        flare_next_day=flare,
        red_flag=red_flag,
    )


def plan(sessions=5, bouts=3, minutes=6.0):
    return SimpleNamespace(
        sessions_per_week=sessions, bouts_per_session=bouts, bout_minutes=minutes
    )


def dated(prescription, logs):
    """The logs as the weekly job passes them: a walk without a day gets the next day of its
    own (the engine does not check that they fit in 7 days; the job picks the week), and a
    FULL walk the prescribed session's minutes."""
    full = Decimal(str(prescription.bout_minutes)) * prescription.bouts_per_session
    out = []
    for index, log in enumerate(logs):
        copy = SimpleNamespace(**vars(log))
        if copy.date is None:
            copy.date = MONDAY + timedelta(days=index)
        if copy.minutes is FULL:
            copy.minutes = full
        out.append(copy)
    return out


def suggest(prescription, logs, rules=None):
    return suggest_progression(prescription, dated(prescription, logs), rules)


def good(n):
    """n sessions within target (rise 2, back to baseline)."""
    return [walk(3, 5, 3) for _ in range(n)]


def missed_target(n):
    """n sessions over the +2 target by 1 point: not within, not far enough to regress."""
    return [walk(3, 6, 3) for _ in range(n)]


def way_over(n):
    """n sessions more than 2 points past the +2 target (rise 5)."""
    return [walk(2, 7, 2) for _ in range(n)]


LocalDate = date  # the field below is called `date`, like WalkLog's


@dataclasses.dataclass
class WalkLog:
    pain_before: int | None
    pain_peak: int | None
    pain_after: int | None
    flare_next_day: bool = False
    red_flag: bool = False
    date: LocalDate | None = None
    minutes: Decimal | None = None


# --- pain_rise ------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "peak", "expected"),
    [
        pytest.param(3, 5, 2, id="rise-of-2"),
        pytest.param(0, 10, 10, id="full-scale"),
        pytest.param(4, 4, 0, id="no-change"),
        pytest.param(5, 3, -2, id="peak-below-before-is-negative"),
        pytest.param(None, 5, None, id="missing-before"),
        pytest.param(3, None, None, id="missing-peak"),
    ],
)
def test_pain_rise_is_peak_minus_before_or_none_when_missing(before, peak, expected):
    assert pain_rise(walk(before, peak, 3)) == expected


# --- session_within_target ------------------------------------------------


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        pytest.param(walk(3, 5, 3), True, id="rise-exactly-2-is-within"),
        pytest.param(walk(3, 6, 3), False, id="rise-3-is-not-within"),
        pytest.param(walk(3, 5, 4), True, id="after-exactly-1-above-before-is-within"),
        pytest.param(walk(3, 5, 5), False, id="after-2-above-before-is-not-within"),
        pytest.param(walk(3, 5, 1), True, id="after-below-before-counts-as-recovered"),
        pytest.param(walk(5, 3, 5), True, id="peak-below-before-is-within"),
        pytest.param(walk(0, 0, 0), True, id="pain-free-walk-is-within"),
        pytest.param(walk(None, 5, 3), False, id="missing-before-is-not-within"),
        pytest.param(walk(3, None, 3), False, id="missing-peak-is-not-within"),
        pytest.param(walk(3, 5, None), False, id="missing-after-is-not-within"),
    ],
)
def test_session_within_target_applies_rise_and_recovery_rules(log, expected):
    assert session_within_target(log, ProgressionRules()) is expected


def test_session_within_target_uses_default_rules_when_none():
    assert session_within_target(walk(3, 5, 4), None) is True
    assert session_within_target(walk(3, 6, 3)) is False


@pytest.mark.parametrize(
    ("rules", "log", "expected"),
    [
        pytest.param(ProgressionRules(pain_rise_target=3), walk(3, 6, 3), True, id="target-3"),
        pytest.param(ProgressionRules(pain_rise_target=1), walk(3, 5, 3), False, id="target-1"),
        pytest.param(ProgressionRules(recovery_margin=0), walk(3, 5, 4), False, id="margin-0"),
        pytest.param(ProgressionRules(recovery_margin=2), walk(3, 5, 5), True, id="margin-2"),
    ],
)
def test_session_within_target_follows_custom_rules(rules, log, expected):
    assert session_within_target(log, rules) is expected


@pytest.mark.parametrize(
    "log",
    [
        pytest.param(walk(-1, 5, 3), id="before-below-0"),
        pytest.param(walk(3, 11, 3), id="peak-above-10"),
        pytest.param(walk(3, 5, 12), id="after-above-10"),
        pytest.param(walk(3, 5.5, 3), id="fractional-score"),
        pytest.param(walk("3", 5, 3), id="text-score"),
        pytest.param(walk(True, 5, 3), id="bool-score"),
    ],
)
def test_pain_values_outside_0_to_10_raise_value_error(log):
    with pytest.raises(ValueError, match="whole number from 0 to 10"):
        session_within_target(log)


def test_invalid_pain_in_a_week_raises_value_error():
    with pytest.raises(ValueError, match="pain_peak"):
        suggest(plan(), [*good(4), walk(3, 11, 3)])


# --- suggest_progression: which decision ----------------------------------


@pytest.mark.parametrize(
    ("prescription", "logs", "expected"),
    [
        pytest.param(plan(), good(5), PROGRESS, id="perfect-week-progresses"),
        pytest.param(plan(), good(4), PROGRESS, id="exactly-80pct-logged-progresses"),
        pytest.param(plan(), good(3), HOLD, id="60pct-logged-holds"),
        pytest.param(plan(sessions=10), good(8), PROGRESS, id="8-of-10-logged-progresses"),
        pytest.param(plan(sessions=10), good(7), HOLD, id="7-of-10-logged-holds"),
        pytest.param(plan(sessions=6), good(5), PROGRESS, id="5-of-6-logged-progresses"),
        pytest.param(plan(sessions=6), good(4), HOLD, id="4-of-6-logged-holds"),
        pytest.param(
            plan(), good(4) + missed_target(1), PROGRESS, id="exactly-80pct-within-progresses"
        ),
        pytest.param(plan(), good(3) + missed_target(2), HOLD, id="60pct-within-holds"),
        pytest.param(
            plan(sessions=10),
            good(8) + missed_target(2),
            PROGRESS,
            id="8-of-10-within-progresses",
        ),
        pytest.param(
            plan(sessions=10), good(7) + missed_target(3), HOLD, id="7-of-10-within-holds"
        ),
        pytest.param(plan(), [], HOLD, id="empty-week-holds"),
        pytest.param(plan(), good(7), PROGRESS, id="extra-walks-count-adherence-caps"),
        pytest.param(
            plan(),
            good(5) + missed_target(2),
            HOLD,
            id="within-share-counts-extra-walks-5-of-7-holds",
        ),
        pytest.param(
            plan(), [*good(4), walk(3, None, 3)], PROGRESS, id="one-missing-value-still-80pct"
        ),
        pytest.param(
            plan(),
            [*good(3), walk(None, 5, 3), walk(3, 5, None)],
            HOLD,
            id="missing-values-cannot-count-as-within",
        ),
        pytest.param(
            plan(),
            [*good(3), walk(None, 9, 3), walk(None, 10, 3)],
            HOLD,
            id="missing-values-cannot-count-as-over-target",
        ),
        pytest.param(
            plan(),
            [*good(2), walk(None, 9, 3), walk(None, 10, 3), walk(None, 7, 3)],
            REGRESS,
            id="a-severe-peak-is-over-target-even-without-pain-before",
        ),
        pytest.param(plan(), good(3) + way_over(2), REGRESS, id="two-sessions-way-over-regress"),
        pytest.param(
            plan(), good(4) + way_over(1), PROGRESS, id="one-session-way-over-does-not-regress"
        ),
        pytest.param(
            plan(),
            [*good(3), walk(2, 6, 2), walk(2, 6, 2)],
            HOLD,
            id="rise-of-exactly-4-is-not-more-than-2-over",
        ),
        pytest.param(
            plan(),
            [*good(3), walk(3, 5, 8), walk(3, 5, 8)],
            HOLD,
            id="slow-recovery-alone-does-not-regress",
        ),
        pytest.param(plan(), [*good(4), walk(flare=True)], REGRESS, id="flare-regresses"),
        pytest.param(plan(), [walk(flare=True)], REGRESS, id="flare-regresses-even-in-thin-week"),
        pytest.param(
            plan(), [*good(4), walk(red_flag=True)], PAUSE, id="red-flag-beats-perfect-week"
        ),
        pytest.param(
            plan(),
            [*good(3), walk(flare=True), walk(red_flag=True)],
            PAUSE,
            id="red-flag-beats-flare",
        ),
        pytest.param(
            plan(),
            [*way_over(4), walk(red_flag=True)],
            PAUSE,
            id="red-flag-beats-way-over-sessions",
        ),
        pytest.param(plan(), [walk(red_flag=True)], PAUSE, id="red-flag-alone-pauses"),
        pytest.param(
            plan(),
            [walk(3, 99, 3, red_flag=True)],
            PAUSE,
            id="bad-pain-entry-cannot-hide-a-red-flag",
        ),
    ],
)
def test_suggest_progression_decides(prescription, logs, expected):
    assert suggest(prescription, logs).decision == expected


@pytest.mark.parametrize(
    "logs",
    [
        pytest.param([*good(4), walk(red_flag=True)], id="pause"),
        pytest.param(good(3), id="hold"),
    ],
)
def test_pause_and_hold_keep_the_prescription_unchanged(logs):
    result = suggest(plan(sessions=5, bouts=3, minutes=6.5), logs)

    assert result.prescription == Prescription(5, 3, 6.5)


# --- suggest_progression: the new bout -------------------------------------


@pytest.mark.parametrize(
    ("prescription", "logs", "expected"),
    [
        # The 25 % cap wins over "+1 min" under 4 minutes: 2 + 1 would be +50 %.
        pytest.param(
            plan(minutes=2), good(5), Prescription(5, 3, 2.5), id="small-bout-capped-at-25pct"
        ),
        pytest.param(plan(minutes=3), good(5), Prescription(5, 3, 3.5), id="3-to-3.5-capped"),
        pytest.param(plan(minutes=4), good(5), Prescription(5, 3, 5.0), id="4-gets-+1-at-25pct"),
        pytest.param(plan(minutes=6), good(5), Prescription(5, 3, 7.0), id="6-to-7"),
        pytest.param(plan(minutes=10), good(5), Prescription(5, 3, 11.0), id="10-to-11-no-float"),
        pytest.param(
            plan(minutes=12), good(5), Prescription(5, 3, 13.5), id="12-rounds-up-to-keep-10pct"
        ),
        pytest.param(
            plan(minutes=6.3), good(5), Prescription(5, 3, 7.5), id="off-grid-bout-rounds-up"
        ),
        pytest.param(
            plan(minutes=14.5), good(5), Prescription(5, 3, 16.0), id="14.5-adds-time-no-merge"
        ),
        # docs/clinical-rules.md §7: "a merge of 3 x 15 gives 2 x 18.5, then 1 x 23".
        pytest.param(
            plan(bouts=3, minutes=15), good(5), Prescription(5, 2, 18.5), id="merge-3x15-to-2x18.5"
        ),
        pytest.param(
            plan(bouts=2, minutes=18.5),
            good(5),
            Prescription(5, 1, 23.0),
            id="merge-2x18.5-to-1x23",
        ),
        pytest.param(
            plan(bouts=2, minutes=15), good(5), Prescription(5, 1, 18.5), id="merge-2x15-to-1x18.5"
        ),
        pytest.param(
            plan(bouts=3, minutes=16.3),
            good(5),
            Prescription(5, 2, 20.0),
            id="merge-cap-rounds-down-16.3-to-20",
        ),
        pytest.param(
            plan(bouts=4, minutes=17),
            good(5),
            Prescription(5, 3, 21.0),
            id="merge-4x17-to-3x21-capped",
        ),
        pytest.param(
            plan(bouts=6, minutes=15),
            good(5),
            Prescription(5, 5, 18.0),
            id="merge-6x15-keeps-the-90-session-minutes-under-the-cap",
        ),
        pytest.param(
            plan(bouts=6, minutes=16.3),
            good(5),
            Prescription(5, 5, 19.5),
            id="merge-6x16.3-rounds-to-nearest-half",
        ),
        pytest.param(
            plan(bouts=6, minutes=15.625),
            good(5),
            Prescription(5, 5, 19.0),
            id="merge-6x15.625-18.75-rounds-halves-up",
        ),
        pytest.param(
            plan(bouts=1, minutes=15), good(5), Prescription(5, 1, 16.5), id="single-bout-15-adds"
        ),
        pytest.param(
            plan(bouts=1, minutes=30), good(5), Prescription(5, 1, 33.0), id="single-bout-30-adds"
        ),
        pytest.param(plan(minutes=6), way_over(2), Prescription(5, 3, 4.5), id="regress-6-to-4.5"),
        pytest.param(plan(minutes=10), way_over(2), Prescription(5, 3, 8.0), id="regress-10-to-8"),
        pytest.param(
            plan(bouts=1, minutes=30),
            [walk(flare=True)],
            Prescription(5, 1, 24.0),
            id="regress-merged-bout",
        ),
        pytest.param(
            plan(minutes=2.5), way_over(2), Prescription(5, 3, 2.0), id="regress-stops-at-floor"
        ),
        pytest.param(
            plan(minutes=2), way_over(2), Prescription(5, 3, 2.0), id="regress-at-floor-stays"
        ),
        pytest.param(
            plan(minutes=1.5),
            way_over(2),
            Prescription(5, 3, 1.5),
            id="regress-never-lengthens-a-bout-under-floor",
        ),
    ],
)
def test_suggest_progression_new_prescription(prescription, logs, expected):
    assert suggest(prescription, logs).prescription == expected


@pytest.mark.parametrize("minutes", [x / 2 for x in range(4, 30)] + [2.2, 7.7, 13.3])
def test_progress_adds_at_least_10pct_and_1_min_on_the_half_minute_grid(minutes):
    new = suggest(plan(bouts=1, minutes=minutes), good(5)).prescription.bout_minutes
    old = Fraction(str(minutes))
    gained = Fraction(str(new)) - old

    # +1 min gives way to the 25 % cap only under 4 minutes, and then by the grid alone.
    assert gained >= 1 or (old < 4 and Fraction(str(new)) + Fraction(1, 2) > old * Fraction(5, 4))
    assert gained >= old / 10
    assert gained <= old / 4
    assert (new * 2).is_integer()


@pytest.mark.parametrize("minutes", [x / 2 for x in range(4, 61)] + [2.2, 7.7, 13.3])
def test_regress_cuts_at_least_20pct_but_never_below_2_min(minutes):
    new = suggest(plan(minutes=minutes), way_over(2)).prescription.bout_minutes

    assert new >= 2
    assert new == 2 or Fraction(str(new)) <= Fraction(str(minutes)) * Fraction(4, 5)
    assert (new * 2).is_integer()


# --- docs/clinical-rules.md §7 as written: the defects of the old rule, by name ------


@pytest.mark.parametrize(
    ("prescription", "logs", "decision", "minutes"),
    [
        pytest.param(
            plan(),
            [walk(8, 10, 8) for _ in range(5)],
            REGRESS,
            4.5,
            id="no pain ceiling: five walks 8->10->8 do not progress",
        ),
        pytest.param(
            plan(bouts=3, minutes=10),
            [walk(3, 5, 3, minutes=1) for _ in range(5)],
            HOLD,
            10.0,
            id="one-minute logs do not count: 1-minute logs vs 3 x 10",
        ),
        pytest.param(
            plan(),
            [walk(day=day // 2) for day in range(6)],
            HOLD,
            6.0,
            id="six logs on three days are three days",
        ),
        pytest.param(
            plan(),
            [walk(2, 6, 2) for _ in range(5)],
            REGRESS,
            4.5,
            id="persistent overshoot: five walks each rising 4 points regress",
        ),
        pytest.param(
            plan(bouts=3, minutes=15),
            good(5),
            PROGRESS,
            18.5,
            id="merge cap: 3 x 15 gives 2 x 18.5, not 2 x 22.5",
        ),
    ],
)
def test_the_weekly_rule_is_section_7_as_written(prescription, logs, decision, minutes):
    result = suggest(prescription, logs)

    assert result.decision == decision
    assert result.prescription.bout_minutes == minutes


@pytest.mark.parametrize(
    ("prescription", "logs", "decision"),
    [
        # Severe band: peak <= 6 is within, 7 is not.
        pytest.param(plan(), [walk(4, 6, 4) for _ in range(5)], PROGRESS, id="peak-exactly-6"),
        pytest.param(plan(), [walk(5, 7, 5) for _ in range(5)], REGRESS, id="peak-7-is-severe"),
        pytest.param(
            plan(), [walk(8, 8, 8) for _ in range(5)], REGRESS, id="starting-severe-is-not-within"
        ),
        pytest.param(
            plan(), [walk(8, 5, 5) for _ in range(5)], PROGRESS, id="pain-falling-out-of-severe"
        ),
        # The rise: exactly 2 is within, 3 is over.
        pytest.param(plan(), [walk(1, 3, 1) for _ in range(5)], PROGRESS, id="rise-exactly-2"),
        pytest.param(plan(), [walk(1, 4, 1) for _ in range(5)], REGRESS, id="rise-3-every-walk"),
        # Minutes: 3 x 6 = 18, 80 % is 14.4.
        pytest.param(
            plan(), [walk(minutes=Decimal("14.4")) for _ in range(5)], PROGRESS, id="exactly-80pct"
        ),
        pytest.param(
            plan(), [walk(minutes=Decimal("14.3")) for _ in range(5)], HOLD, id="just-under-80pct"
        ),
        pytest.param(plan(), [walk(minutes=14.4) for _ in range(5)], PROGRESS, id="float-14.4"),
        pytest.param(plan(), [walk(minutes=15) for _ in range(5)], PROGRESS, id="int-minutes"),
        pytest.param(plan(), [walk(minutes=None) for _ in range(5)], HOLD, id="no-minutes"),
        pytest.param(
            plan(),
            [*good(4), *[walk(3, 5, 3, minutes=1) for _ in range(3)]],
            PROGRESS,
            id="short-extra-walks-neither-help-nor-hurt",
        ),
        pytest.param(
            plan(),
            [*good(3), walk(minutes=1), walk(minutes=1)],
            HOLD,
            id="short-walks-are-logged-not-done",
        ),
        # Two walks on one day are one day.
        pytest.param(
            plan(),
            [*good(4), walk(day=0)],
            PROGRESS,
            id="second-walk-on-a-day-adds-no-day",
        ),
        pytest.param(
            plan(),
            [walk(day=0), walk(day=0), walk(day=1), walk(day=1), walk(day=2)],
            HOLD,
            id="five-walks-on-three-days-hold",
        ),
        pytest.param(
            plan(),
            [*good(4), walk(3, 6, 3, day=0)],
            PROGRESS,
            id="second-walk-of-a-day-counts-in-the-share-4-of-5",
        ),
        pytest.param(
            plan(),
            [*good(4), walk(3, 6, 3, day=0), walk(3, 6, 3, day=1)],
            HOLD,
            id="second-walks-of-a-day-count-in-the-share-4-of-6",
        ),
        # More than half over target on pain (and at least 2).
        pytest.param(
            plan(sessions=4),
            [*good(2), *missed_target(2)],
            HOLD,
            id="exactly-half-over-target-holds",
        ),
        pytest.param(
            plan(), [*good(2), *missed_target(3)], REGRESS, id="three-of-five-over-regress"
        ),
        pytest.param(
            plan(sessions=1), missed_target(1), HOLD, id="one-of-one-over-is-not-at-least-2"
        ),
        pytest.param(
            plan(),
            [*good(2), walk(3, 6, 3, minutes=1), walk(3, 6, 3, minutes=1), missed_target(1)[0]],
            REGRESS,
            id="short-walks-over-target-count-toward-regress",
        ),
        pytest.param(
            plan(),
            [*good(2), walk(None, 6, 3), walk(3, None, 3), *missed_target(3)],
            REGRESS,
            id="sessions-without-pain-values-are-left-out-of-the-over-share",
        ),
        pytest.param(
            plan(),
            [walk(None, None, None) for _ in range(5)],
            HOLD,
            id="no-pain-values-at-all-hold",
        ),
        pytest.param(
            plan(),
            [walk(3, 5, 3), *[walk(3, 5, None) for _ in range(4)]],
            HOLD,
            id="one-scored-walk-does-not-carry-the-week",
        ),
        # Plans of more than 7 sessions a week count up to 2 a day.
        pytest.param(
            plan(sessions=10),
            [walk(day=i // 2) for i in range(10)],
            PROGRESS,
            id="10-a-week-twice-a-day",
        ),
        pytest.param(
            plan(sessions=14),
            [walk(day=i // 2) for i in range(14)],
            PROGRESS,
            id="14-a-week-twice-every-day",
        ),
        pytest.param(
            plan(sessions=10),
            [walk(day=i // 3) for i in range(9)],
            HOLD,
            id="10-a-week-three-a-day-count-two",
        ),
    ],
)
def test_edge_cases_of_the_weekly_rule(prescription, logs, decision):
    assert suggest(prescription, logs).decision == decision


@pytest.mark.parametrize("minutes", [x / 2 for x in range(4, 121)] + [2.2, 7.7, 13.3, 15.625, 16.3])
@pytest.mark.parametrize("bouts", [1, 2, 3, 4, 5, 6, 10])
def test_no_progression_grows_a_continuous_walk_more_than_25pct(minutes, bouts):
    current = plan(bouts=bouts, minutes=minutes)

    result = suggest(current, good(5))

    new = Fraction(str(result.prescription.bout_minutes))
    assert new <= Fraction(str(minutes)) * Fraction(5, 4)
    assert result.decision == PROGRESS
    assert result.prescription.bouts_per_session in (bouts, bouts - 1)


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        pytest.param(walk(minutes=Decimal("14.4")), True, id="exactly-80pct-of-3x6"),
        pytest.param(walk(minutes=Decimal("14.3")), False, id="under-80pct"),
        pytest.param(walk(minutes=None), False, id="no-minutes"),
        pytest.param(walk(minutes=0), False, id="zero-minutes"),
    ],
)
def test_session_done_needs_80pct_of_the_prescribed_minutes(log, expected):
    assert session_done(log, plan()) is expected


def test_progressed_prescription_is_the_progress_step_alone():
    assert progressed_prescription(plan(minutes=15)) == Prescription(5, 2, 18.5)
    assert progressed_prescription(plan(minutes=1.5)) is None


@pytest.mark.parametrize(
    ("log", "message"),
    [
        pytest.param(SimpleNamespace(**{**vars(walk(day=0)), "minutes": -1}), "0 or more"),
        pytest.param(SimpleNamespace(**{**vars(walk(day=0)), "minutes": "18"}), "a number"),
        pytest.param(SimpleNamespace(**{**vars(walk(day=0)), "minutes": True}), "a number"),
        pytest.param(SimpleNamespace(**{**vars(walk(day=0)), "minutes": float("nan")}), "finite"),
        pytest.param(SimpleNamespace(**{**vars(walk(minutes=18)), "date": None}), "local date"),
        pytest.param(
            SimpleNamespace(**{**vars(walk(minutes=18)), "date": datetime(2026, 3, 2, 9)}),
            "local date",
        ),
        pytest.param(
            SimpleNamespace(**{k: v for k, v in vars(walk(day=0)).items() if k != "minutes"}),
            "needs `minutes`",
        ),
        pytest.param(
            SimpleNamespace(**{k: v for k, v in vars(walk(minutes=18)).items() if k != "date"}),
            "needs `date`",
        ),
    ],
    ids=[
        "negative-minutes",
        "text-minutes",
        "bool-minutes",
        "nan-minutes",
        "no-date",
        "datetime-not-date",
        "no-minutes-attribute",
        "no-date-attribute",
    ],
)
def test_a_log_without_a_usable_date_or_minutes_raises_value_error(log, message):
    with pytest.raises(ValueError, match=message):
        suggest_progression(plan(), [log])


def test_a_red_flag_pauses_even_on_a_log_without_date_or_minutes():
    # The weekly job adds such an entry for a red flag reported without a walk (the quiz).
    report = SimpleNamespace(
        id=None,
        pain_before=None,
        pain_peak=None,
        pain_after=None,
        flare_next_day=False,
        red_flag=True,
    )

    assert suggest_progression(plan(), [*dated(plan(), good(5)), report]).decision == PAUSE


# --- reasons ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("prescription", "logs", "expected"),
    [
        pytest.param(
            plan(),
            good(4) + missed_target(1),
            [
                "5 walking days done of 5 planned, 4 of 5 sessions done within the +2 pain "
                "target, no flare: bout 6 -> 7 min"
            ],
            id="progress",
        ),
        pytest.param(
            plan(minutes=2),
            good(5),
            [
                "5 walking days done of 5 planned, 5 of 5 sessions done within the +2 pain "
                "target, no flare: bout 2 -> 2.5 min (a walk grows at most 25 % in a week)"
            ],
            id="progress-capped",
        ),
        pytest.param(
            plan(minutes=15),
            good(5),
            [
                (
                    "5 walking days done of 5 planned, 5 of 5 sessions done within the +2 pain "
                    "target, no flare: bouts merged before adding time, 3 x 15 -> 2 x 18.5 min "
                    "(no walk grows more than 25 % in a week, so a session is 37 min instead "
                    "of 45 for now)"
                )
            ],
            id="merge",
        ),
        pytest.param(
            plan(bouts=6, minutes=15),
            good(5),
            [
                (
                    "5 walking days done of 5 planned, 5 of 5 sessions done within the +2 pain "
                    "target, no flare: bouts merged before adding time, 6 x 15 -> 5 x 18 min"
                )
            ],
            id="merge-keeping-the-session-minutes",
        ),
        pytest.param(
            plan(),
            good(7),
            [
                "5 walking days done of 5 planned, 7 of 7 sessions done within the +2 pain "
                "target, no flare: bout 6 -> 7 min"
            ],
            id="extra-walks-never-6-of-5",
        ),
        pytest.param(
            plan(),
            good(3),
            [
                "3 walking days done of 5 planned; 4 needed to progress (80 %)",
                "hold: bout stays at 6 min",
            ],
            id="hold-adherence",
        ),
        pytest.param(
            plan(),
            good(3) + missed_target(2),
            [
                "3 of 5 sessions done were within the +2 pain target; 4 needed to progress (80 %)",
                "hold: bout stays at 6 min",
            ],
            id="hold-within-target",
        ),
        pytest.param(
            plan(),
            good(2) + missed_target(1),
            [
                "3 walking days done of 5 planned; 4 needed to progress (80 %)",
                "2 of 3 sessions done were within the +2 pain target; 3 needed to progress (80 %)",
                "hold: bout stays at 6 min",
            ],
            id="hold-both-thresholds",
        ),
        pytest.param(
            plan(),
            [],
            [
                "0 walking days done of 5 planned; 4 needed to progress (80 %)",
                "hold: bout stays at 6 min",
            ],
            id="hold-empty-week",
        ),
        pytest.param(
            plan(),
            [*good(3), walk(None, 5, 3), walk(3, 5, None)],
            [
                "3 of 5 sessions done were within the +2 pain target; 4 needed to progress (80 %)",
                "2 sessions had a missing pain score, so they could not count as within target",
                "hold: bout stays at 6 min",
            ],
            id="hold-missing-values",
        ),
        pytest.param(
            plan(bouts=3, minutes=10),
            [walk(minutes=1) for _ in range(5)],
            [
                "0 walking days done of 5 planned; 4 needed to progress (80 %)",
                "5 sessions were shorter than 24 min (80 % of 3 x 10 min): logged, not counted "
                "as done",
                "hold: bout stays at 10 min",
            ],
            id="hold-short-walks",
        ),
        pytest.param(
            plan(),
            [*good(3), walk(minutes=None)],
            [
                "3 walking days done of 5 planned; 4 needed to progress (80 %)",
                "1 session had no walking minutes: logged, not counted as done",
                "hold: bout stays at 6 min",
            ],
            id="hold-no-minutes",
        ),
        pytest.param(
            plan(),
            [walk(day=day // 2) for day in range(6)],
            [
                "3 walking days done of 5 planned; 4 needed to progress (80 %)",
                "3 more sessions on days already counted (two walks on one day are one "
                "walking day)",
                "hold: bout stays at 6 min",
            ],
            id="hold-two-walks-a-day",
        ),
        pytest.param(
            plan(minutes=1.5),
            good(5),
            [
                "5 walking days done of 5 planned, 5 of 5 sessions done within the +2 pain "
                "target, no flare",
                "a 1.5-minute walk cannot grow by half a minute without growing more than "
                "25 % in a week: the therapist may set a longer walk",
                "hold: bout stays at 1.5 min",
            ],
            id="hold-no-room-under-the-cap",
        ),
        pytest.param(
            plan(),
            good(3) + way_over(2),
            [
                "2 sessions went more than 2 points past the +2 pain target",
                "regress: bout 6 -> 4.5 min",
            ],
            id="regress-way-over",
        ),
        pytest.param(
            plan(),
            [walk(2, 6, 2) for _ in range(5)],
            [
                "5 of 5 sessions with pain scores went over the +2 pain target or peaked above "
                "6 of 10 (more than half)",
                "regress: bout 6 -> 4.5 min",
            ],
            id="regress-persistent-overshoot",
        ),
        pytest.param(
            plan(minutes=2),
            [*good(4), walk(flare=True)],
            [
                "Pain flared the next day after 1 session",
                "regress: bout stays at 2 min (the shortest bout is 2 min)",
            ],
            id="regress-flare-at-floor",
        ),
        pytest.param(
            plan(),
            [walk(red_flag=True), walk(flare=True)],
            [
                (
                    "A red flag was reported on 1 session this week: progression is paused "
                    "until a clinician has reviewed it"
                ),
                "pause: bout stays at 6 min",
            ],
            id="pause",
        ),
    ],
)
def test_reasons_are_plain_language_and_name_the_threshold(prescription, logs, expected):
    assert suggest(prescription, logs).reasons == expected


# --- inputs and outputs -------------------------------------------------------


def test_dataclass_and_simplenamespace_logs_give_the_same_suggestion():
    rows = [(3, 5, 3), (3, 5, 4), (2, 4, 2), (4, 6, 4), (3, 6, 3)]
    days = [MONDAY + timedelta(days=i) for i in range(5)]
    as_namespace = [walk(*row, day=i, minutes=Decimal("18.0")) for i, row in enumerate(rows)]
    as_dataclass = [
        WalkLog(*row, date=day, minutes=Decimal("18.0"))
        for row, day in zip(rows, days, strict=True)
    ]

    from_namespace = suggest_progression(plan(), as_namespace)
    from_dataclass = suggest_progression(plan(), as_dataclass)

    assert from_dataclass == from_namespace
    assert from_dataclass.decision == PROGRESS


def test_prescription_can_be_a_dataclass_and_logs_a_generator():
    logs = dated(plan(), good(5))

    result = suggest_progression(Prescription(5, 3, 6.0), (log for log in logs))

    assert result.prescription == Prescription(5, 3, 7.0)


def test_decimal_bout_minutes_from_a_decimal_field_work():
    result = suggest(plan(minutes=Decimal("6.0")), good(5))

    assert result.prescription.bout_minutes == 7.0


def test_result_is_frozen_and_input_is_left_alone():
    prescription = plan()
    result = suggest(prescription, good(5))

    assert isinstance(result, WeeklyDecision)
    assert isinstance(result.prescription, Prescription)
    assert prescription.bout_minutes == 6.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.decision = HOLD
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.prescription.bout_minutes = 60


def test_rules_none_means_the_clinical_defaults():
    logs = dated(plan(), good(4) + missed_target(1))

    assert suggest_progression(plan(), logs, rules=None) == suggest_progression(
        plan(), logs, rules=ProgressionRules()
    )


def test_rules_may_be_passed_by_position_or_by_keyword():
    logs = dated(plan(), good(3))
    rules = ProgressionRules(min_adherence=0.6)

    assert suggest_progression(plan(), logs, rules).decision == PROGRESS
    assert suggest_progression(plan(), logs, rules=rules).decision == PROGRESS


def test_progression_rules_is_the_one_clinical_rules_class():
    assert ProgressionRules is ClinicalRules


def test_default_rules_match_clinical_section_7():
    rules = ProgressionRules()

    assert (rules.min_adherence, rules.min_within_target_share) == (0.8, 0.8)
    assert (rules.pain_rise_target, rules.recovery_margin) == (2, 1)
    assert (rules.progress_step, rules.progress_min_minutes, rules.regress_step) == (
        0.10,
        1.0,
        0.20,
    )
    assert (rules.regress_overshoot, rules.regress_min_sessions) == (2, 2)
    assert (rules.merge_at_minutes, rules.min_bout_minutes) == (15.0, 2.0)
    assert (rules.severe_peak, rules.session_min_share, rules.max_bout_growth) == (6, 0.8, 0.25)
    assert (rules.regress_over_target_share, rules.regress_over_target_min) == (0.5, 2)


@pytest.mark.parametrize(
    ("rules", "prescription", "logs", "decision", "minutes"),
    [
        pytest.param(
            ProgressionRules(min_adherence=0.6), plan(), good(3), PROGRESS, 7.0, id="adherence-60"
        ),
        pytest.param(
            ProgressionRules(min_adherence=1), plan(), good(4), HOLD, 6.0, id="adherence-100"
        ),
        pytest.param(
            ProgressionRules(min_within_target_share=0.6),
            plan(),
            good(3) + missed_target(2),
            PROGRESS,
            7.0,
            id="within-share-60",
        ),
        pytest.param(
            ProgressionRules(pain_rise_target=3),
            plan(),
            missed_target(5),
            PROGRESS,
            7.0,
            id="pain-target-3",
        ),
        pytest.param(
            ProgressionRules(regress_min_sessions=1),
            plan(),
            good(4) + way_over(1),
            REGRESS,
            4.5,
            id="regress-on-one-session",
        ),
        pytest.param(
            ProgressionRules(regress_overshoot=1),
            plan(),
            [*good(3), walk(2, 6, 2), walk(2, 6, 2)],
            REGRESS,
            4.5,
            id="overshoot-1",
        ),
        pytest.param(
            ProgressionRules(progress_step=0.25), plan(), good(5), PROGRESS, 7.5, id="step-25pct"
        ),
        pytest.param(
            ProgressionRules(progress_min_minutes=2),
            plan(minutes=10),
            good(5),
            PROGRESS,
            12.0,
            id="min-2",
        ),
        pytest.param(
            ProgressionRules(progress_min_minutes=2),
            plan(),
            good(5),
            PROGRESS,
            7.5,
            id="min-2-capped-at-25pct-of-6",
        ),
        pytest.param(
            ProgressionRules(progress_step=0.5), plan(), good(5), PROGRESS, 7.5, id="step-50pct"
        ),
        pytest.param(
            ProgressionRules(progress_step=0.5, max_bout_growth=0.5),
            plan(),
            good(5),
            PROGRESS,
            9.0,
            id="step-50pct-growth-50pct",
        ),
        pytest.param(
            ProgressionRules(max_bout_growth=0.1),
            plan(minutes=4),
            good(5),
            HOLD,
            4.0,
            id="growth-10pct-leaves-no-room-at-4",
        ),
        pytest.param(
            ProgressionRules(severe_peak=5),
            plan(),
            [walk(3, 5, 3), *[walk(4, 6, 4) for _ in range(4)]],
            REGRESS,
            4.5,
            id="severe-peak-5",
        ),
        pytest.param(
            ProgressionRules(session_min_share=0.5),
            plan(),
            [walk(minutes=9) for _ in range(5)],
            PROGRESS,
            7.0,
            id="session-share-50",
        ),
        pytest.param(
            ProgressionRules(regress_over_target_share=0.25),
            plan(),
            good(3) + missed_target(2),
            REGRESS,
            4.5,
            id="over-target-share-25",
        ),
        pytest.param(
            ProgressionRules(regress_over_target_min=3),
            plan(sessions=2),
            missed_target(2),
            HOLD,
            6.0,
            id="over-target-min-3",
        ),
        pytest.param(
            ProgressionRules(regress_step=0.5), plan(), way_over(2), REGRESS, 3.0, id="cut-half"
        ),
        pytest.param(
            ProgressionRules(min_bout_minutes=5),
            plan(),
            way_over(2),
            REGRESS,
            5.0,
            id="floor-5",
        ),
        pytest.param(
            ProgressionRules(merge_at_minutes=20),
            plan(minutes=15),
            good(5),
            PROGRESS,
            16.5,
            id="merge-at-20-adds-time-at-15",
        ),
    ],
)
def test_custom_rules_change_the_thresholds(rules, prescription, logs, decision, minutes):
    result = suggest(prescription, logs, rules=rules)

    assert result.decision == decision
    assert result.prescription.bout_minutes == minutes


def test_custom_rules_show_in_the_reasons():
    rules = ProgressionRules(min_adherence=0.75, pain_rise_target=3)

    result = suggest(plan(sessions=8), missed_target(5), rules=rules)

    assert result.reasons == [
        "5 sessions done of 8 planned (up to 2 a day count); 6 needed to progress (75 %)",
        "hold: bout stays at 6 min",
    ]


def test_custom_pain_target_shows_in_the_progress_reason():
    rules = ProgressionRules(pain_rise_target=3)

    result = suggest(plan(), missed_target(5), rules=rules)

    assert result.reasons[0].startswith(
        "5 walking days done of 5 planned, 5 of 5 sessions done within the +3 pain target"
    )
    assert "+2" not in " ".join(result.reasons)


@pytest.mark.parametrize(
    ("prescription", "message"),
    [
        pytest.param(plan(sessions=0), "sessions_per_week", id="zero-sessions"),
        pytest.param(plan(bouts=-1), "bouts_per_session", id="negative-bouts"),
        pytest.param(plan(bouts=2.5), "bouts_per_session", id="fractional-bouts"),
        pytest.param(plan(sessions=True), "sessions_per_week", id="bool-sessions"),
        pytest.param(plan(minutes=0), "bout_minutes", id="zero-minutes"),
        pytest.param(plan(minutes=-3), "bout_minutes", id="negative-minutes"),
        pytest.param(plan(minutes=float("nan")), "bout_minutes", id="nan-minutes"),
        pytest.param(plan(minutes=float("inf")), "bout_minutes", id="infinite-minutes"),
        pytest.param(plan(minutes="6"), "bout_minutes", id="text-minutes"),
        pytest.param(SimpleNamespace(sessions_per_week=5), "missing", id="missing-attribute"),
    ],
)
def test_invalid_prescription_raises_value_error(prescription, message):
    with pytest.raises(ValueError, match=message):
        suggest_progression(prescription, dated(plan(), good(5)))


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"min_adherence": 0}, id="adherence-0"),
        pytest.param({"min_adherence": 1.5}, id="adherence-above-1"),
        pytest.param({"min_within_target_share": -0.1}, id="share-negative"),
        pytest.param({"regress_step": 1}, id="regress-to-nothing"),
        pytest.param({"progress_step": -0.1}, id="progress-negative"),
        pytest.param({"min_bout_minutes": 0}, id="floor-0"),
        pytest.param({"pain_rise_target": 11}, id="target-above-scale"),
        pytest.param({"regress_min_sessions": 0}, id="regress-on-zero-sessions"),
        pytest.param({"severe_peak": 11}, id="severe-peak-above-scale"),
        pytest.param({"session_min_share": 0}, id="session-share-0"),
        pytest.param({"max_bout_growth": 0}, id="growth-0"),
        pytest.param({"regress_over_target_share": 1}, id="over-share-1"),
        pytest.param({"regress_over_target_min": 0}, id="over-min-0"),
    ],
)
def test_invalid_rules_raise_value_error(changes):
    (name,) = changes

    with pytest.raises(ValueError, match=f"{name} must"):
        ProgressionRules(**changes)


# --- describe_prescription -------------------------------------------------------


@pytest.mark.parametrize(
    ("prescription", "expected"),
    [
        pytest.param(
            plan(bouts=3, minutes=6), "3 walks of 6 minutes, rest bent forward between them"
        ),
        pytest.param(
            plan(bouts=2, minutes=22.5), "2 walks of 22.5 minutes, rest bent forward between them"
        ),
        pytest.param(
            plan(bouts=3, minutes=1), "3 walks of 1 minute, rest bent forward between them"
        ),
        pytest.param(plan(bouts=1, minutes=30), "1 walk of 30 minutes"),
        pytest.param(Prescription(5, 1, 16.5), "1 walk of 16.5 minutes"),
    ],
    ids=["three-bouts", "half-minutes", "one-minute-singular", "single-walk", "dataclass"],
)
def test_describe_prescription_uses_plain_words(prescription, expected):
    assert describe_prescription(prescription) == expected


def test_describe_prescription_rejects_an_invalid_prescription():
    with pytest.raises(ValueError, match="bout_minutes"):
        describe_prescription(plan(minutes=0))

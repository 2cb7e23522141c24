"""Every clinical walking threshold, defined once (docs/clinical-rules.md §7), as tables."""

import ast
import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from clinic import clinical_rules
from clinic.clinical_rules import (
    BOUNDS,
    DEFAULT_RULES,
    LABELS,
    NOT_SETTLED,
    OVER,
    SEVERE,
    UNKNOWN,
    WITHIN,
    ClinicalRules,
    bounds_error,
    bounds_text,
    over_target_on_pain,
    pain_rise,
    session_counts,
    session_minutes_needed,
    sessions_done,
    walk_outcome,
    within_target,
)

MONDAY = date(2026, 3, 2)


def test_it_is_pure_python_with_no_django_or_orm():
    tree = ast.parse(Path(clinical_rules.__file__).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])

    standard_library = {"collections", "dataclasses", "datetime", "decimal", "fractions"}
    assert imported <= standard_library | {"math", "numbers", "typing"}


# --- the defaults -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "default"),
    [
        pytest.param("pain_rise_target", 2, id="nudge-the-pain-by-2"),
        pytest.param("recovery_margin", 1, id="back-within-1-point"),
        pytest.param("severe_peak", 6, id="peak-at-most-6"),
        pytest.param("session_min_share", 0.8, id="session-counts-at-80pct-of-minutes"),
        pytest.param("min_adherence", 0.8, id="80pct-of-days-done"),
        pytest.param("min_within_target_share", 0.8, id="80pct-within-target"),
        pytest.param("progress_step", 0.10, id="progress-10pct"),
        pytest.param("progress_min_minutes", 1.0, id="progress-at-least-1-min"),
        pytest.param("regress_step", 0.20, id="regress-20pct"),
        pytest.param("regress_overshoot", 2, id="overshoot-2-past-target"),
        pytest.param("regress_min_sessions", 2, id="in-2-sessions"),
        pytest.param("regress_over_target_share", 0.5, id="more-than-half-over"),
        pytest.param("regress_over_target_min", 2, id="and-at-least-2"),
        pytest.param("merge_at_minutes", 15.0, id="merge-at-15"),
        pytest.param("max_bout_growth", 0.25, id="no-bout-grows-over-25pct"),
        pytest.param("min_bout_minutes", 2.0, id="shortest-bout-2"),
        pytest.param("meaningful_pain_change", 2, id="meaningful-change-2-points"),
    ],
)
def test_the_defaults_are_docs_section_7(name, default):
    assert getattr(ClinicalRules(), name) == default


def test_every_threshold_has_safe_bounds_and_a_plain_label():
    names = {field.name for field in dataclasses.fields(ClinicalRules)}

    assert set(BOUNDS) == names
    assert set(LABELS) == names


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_every_default_lies_within_its_bounds(name):
    assert bounds_error(name, getattr(DEFAULT_RULES, name)) is None


def test_rules_are_frozen_and_keyword_only():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_RULES.pain_rise_target = 3
    with pytest.raises(TypeError):
        ClinicalRules(0.8)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"min_adherence": 0}, id="adherence-0"),
        pytest.param({"min_adherence": 1.5}, id="adherence-above-1"),
        pytest.param({"min_within_target_share": -0.1}, id="share-negative"),
        pytest.param({"session_min_share": 0}, id="session-share-0"),
        pytest.param({"session_min_share": Decimal("1.01")}, id="session-share-above-1"),
        pytest.param({"regress_step": 1}, id="regress-to-nothing"),
        pytest.param({"progress_step": -0.1}, id="progress-negative"),
        pytest.param({"min_bout_minutes": 0}, id="floor-0"),
        pytest.param({"max_bout_growth": 0}, id="growth-0"),
        pytest.param({"merge_at_minutes": -15}, id="merge-negative"),
        pytest.param({"pain_rise_target": 11}, id="target-above-scale"),
        pytest.param({"severe_peak": -1}, id="severe-below-scale"),
        pytest.param({"meaningful_pain_change": 11}, id="meaningful-above-scale"),
        pytest.param({"regress_min_sessions": 0}, id="regress-on-zero-sessions"),
        pytest.param({"regress_over_target_min": 1.5}, id="over-min-fractional"),
        pytest.param({"regress_over_target_share": 1}, id="over-share-1-never-regresses"),
        pytest.param({"progress_step": "0.1"}, id="text-is-not-a-number"),
        pytest.param({"progress_step": float("nan")}, id="nan"),
    ],
)
def test_invalid_rules_raise_value_error(changes):
    (name,) = changes

    with pytest.raises(ValueError, match=f"{name} must"):
        ClinicalRules(**changes)


def test_decimal_values_from_a_decimal_field_are_accepted():
    rules = ClinicalRules(min_adherence=Decimal("0.75"), merge_at_minutes=Decimal("15.0"))

    assert rules.min_adherence == Decimal("0.75")


# --- overrides on top of a base -----------------------------------------------------


def test_with_overrides_on_the_class_starts_from_the_defaults():
    rules = ClinicalRules.with_overrides({"pain_rise_target": 3})

    assert rules == ClinicalRules(pain_rise_target=3)


def test_with_overrides_on_an_instance_starts_from_that_instance():
    clinic = ClinicalRules(pain_rise_target=3, severe_peak=5)

    plan = clinic.with_overrides({"recovery_margin": 2, "severe_peak": None})

    assert (plan.pain_rise_target, plan.recovery_margin, plan.severe_peak) == (3, 2, 5)
    assert clinic.recovery_margin == 1


def test_with_overrides_ignores_none_and_keeps_the_base():
    assert DEFAULT_RULES.with_overrides({"pain_rise_target": None}) == DEFAULT_RULES
    assert DEFAULT_RULES.with_overrides({}) == DEFAULT_RULES


def test_with_overrides_takes_whole_numbers_from_a_decimal_field():
    rules = ClinicalRules.with_overrides({"pain_rise_target": Decimal("3")})

    assert rules.pain_rise_target == 3
    assert isinstance(rules.pain_rise_target, int)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param(
            {"pain_rise_target": 6},
            "The pain target (points of rise during a walk) must be from 1 to 4 points; "
            "6 was given.",
            id="target-too-high",
        ),
        pytest.param(
            {"severe_peak": 7},
            "The highest peak pain that can be within target must be from 3 to 6 out of 10; "
            "7 was given.",
            id="severe-peak-in-the-severe-band",
        ),
        pytest.param(
            {"min_adherence": Decimal("0.3")},
            "The share of walking days needed to progress must be from 50 % to 100 %; "
            "30 % was given.",
            id="adherence-too-low",
        ),
        pytest.param(
            {"max_bout_growth": Decimal("0.5")},
            "The largest weekly growth of one walk must be from 10 % to 25 %; 50 % was given.",
            id="growth-over-25pct",
        ),
        pytest.param(
            {"merge_at_minutes": 45},
            "The walk length at which walks merge must be from 10 to 30 minutes; 45 was given.",
            id="merge-too-late",
        ),
        pytest.param(
            {"pain_rise_target": 2.5},
            "The pain target (points of rise during a walk) must be a whole number; 2.5 was given.",
            id="half-a-pain-point",
        ),
        pytest.param(
            {"regress_step": "a lot"},
            "The step back must be a number; 'a lot' was given.",
            id="not-a-number",
        ),
        pytest.param(
            {"walk_speed": 3}, "'walk_speed' is not a walking-programme setting.", id="unknown"
        ),
    ],
)
def test_with_overrides_refuses_unsafe_values_in_plain_words(overrides, message):
    with pytest.raises(ValueError) as error:
        ClinicalRules.with_overrides(overrides)

    assert str(error.value) == message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("pain_rise_target", 1, id="target-low-edge"),
        pytest.param("pain_rise_target", 4, id="target-high-edge"),
        pytest.param("severe_peak", 6, id="severe-high-edge"),
        pytest.param("min_adherence", Decimal("0.5"), id="adherence-low-edge"),
        pytest.param("min_adherence", 1, id="adherence-high-edge"),
        pytest.param("max_bout_growth", 0.25, id="growth-high-edge"),
    ],
)
def test_the_bounds_include_their_edges(name, value):
    assert bounds_error(name, value) is None
    assert getattr(ClinicalRules.with_overrides({name: value}), name) == value


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pain_rise_target", "from 1 to 4 points"),
        ("min_adherence", "from 50 % to 100 %"),
        ("progress_min_minutes", "from 0.5 to 2 minutes"),
        ("severe_peak", "from 3 to 6 out of 10"),
    ],
)
def test_bounds_text_is_plain(name, text):
    assert bounds_text(name) == text


# --- one walk ---------------------------------------------------------------------

WALKS = [
    # before, peak, after, outcome, within, why
    (3, 5, 3, WITHIN, True, "rise exactly 2, back to baseline"),
    (3, 6, 3, OVER, False, "rise 3"),
    (3, 5, 4, WITHIN, True, "after exactly 1 above before"),
    (3, 5, 5, NOT_SETTLED, False, "after 2 above before"),
    (4, 6, 1, WITHIN, True, "ending lower than before"),
    (5, 4, 4, WITHIN, True, "peak below before: a negative rise"),
    (4, 6, 4, WITHIN, True, "peak exactly 6"),
    (5, 7, 5, SEVERE, False, "peak 7 is severe"),
    (8, 10, 8, SEVERE, False, "8 -> 10 -> 8 rises 2 but is never within target"),
    (8, 8, 8, SEVERE, False, "already severe, nothing rose"),
    (3, 9, 3, SEVERE, False, "severe beats a rise over target"),
    (3, 9, None, SEVERE, False, "severe whatever happens after"),
    (None, 9, 3, SEVERE, False, "a severe peak is known without pain before"),
    (None, 5, 3, UNKNOWN, None, "no pain before"),
    (3, None, 3, UNKNOWN, None, "no peak"),
    (3, 5, None, UNKNOWN, None, "no pain after resting"),
    (3, 6, None, OVER, False, "over the rise target whatever happens after"),
    (None, None, None, UNKNOWN, None, "nothing recorded"),
]


@pytest.mark.parametrize(
    ("before", "peak", "after", "outcome", "within"),
    [pytest.param(*case[:5], id=case[5]) for case in WALKS],
)
def test_walk_outcome_and_within_target(before, peak, after, outcome, within):
    assert walk_outcome(before, peak, after) == outcome
    assert within_target(before, peak, after) is within
    assert within_target(before, peak, after, DEFAULT_RULES) is within


@pytest.mark.parametrize(
    ("rules", "walk", "outcome"),
    [
        pytest.param(ClinicalRules(pain_rise_target=3), (3, 6, 3), WITHIN, id="target-3"),
        pytest.param(ClinicalRules(pain_rise_target=1), (3, 5, 3), OVER, id="target-1"),
        pytest.param(ClinicalRules(recovery_margin=0), (3, 5, 4), NOT_SETTLED, id="margin-0"),
        pytest.param(ClinicalRules(recovery_margin=2), (3, 5, 5), WITHIN, id="margin-2"),
        pytest.param(ClinicalRules(severe_peak=5), (4, 6, 4), SEVERE, id="severe-5"),
        pytest.param(ClinicalRules(severe_peak=5), (3, 5, 3), WITHIN, id="severe-5-peak-5"),
    ],
)
def test_walk_outcome_follows_the_rules(rules, walk, outcome):
    assert walk_outcome(*walk, rules) == outcome


@pytest.mark.parametrize(
    ("before", "peak", "over"),
    [
        pytest.param(3, 5, False, id="rise-exactly-2"),
        pytest.param(3, 6, True, id="rise-3"),
        pytest.param(8, 10, True, id="severe-peak-with-a-rise-of-2"),
        pytest.param(4, 6, False, id="peak-exactly-6"),
        pytest.param(None, 7, True, id="severe-peak-without-before"),
        pytest.param(None, 6, None, id="cannot-tell-without-before"),
        pytest.param(3, None, None, id="cannot-tell-without-peak"),
    ],
)
def test_over_target_on_pain(before, peak, over):
    assert over_target_on_pain(before, peak) is over


@pytest.mark.parametrize(
    ("before", "peak", "rise"),
    [(3, 5, 2), (5, 3, -2), (0, 10, 10), (None, 4, None), (4, None, None)],
)
def test_pain_rise_is_peak_minus_before(before, peak, rise):
    assert pain_rise(before, peak) == rise


@pytest.mark.parametrize(
    ("before", "peak", "after"),
    [(11, 3, 3), (3, -1, 3), (3, 4, 12), (3, 4.5, 3), (True, 4, 3), ("3", 4, 3)],
    ids=["before-11", "peak-negative", "after-12", "fractional", "bool", "text"],
)
def test_pain_outside_0_to_10_raises_value_error(before, peak, after):
    with pytest.raises(ValueError, match="whole number between 0 and 10"):
        walk_outcome(before, peak, after)


# --- sessions that count ----------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "bouts", "bout", "counts"),
    [
        pytest.param(Decimal("14.4"), 3, 6, True, id="exactly-80pct-of-3x6"),
        pytest.param(Decimal("14.3"), 3, 6, False, id="just-under-80pct"),
        pytest.param(14.4, 3, 6.0, True, id="float-exactly-80pct"),
        pytest.param(18, 3, 6, True, id="the-whole-session"),
        pytest.param(40, 3, 6, True, id="more-than-the-session"),
        pytest.param(1, 3, 10, False, id="one-minute-log-vs-3x10"),
        pytest.param(24, 3, 10, True, id="24-of-3x10"),
        pytest.param(None, 3, 6, False, id="no-minutes-is-never-done"),
        pytest.param(0, 3, 6, False, id="zero-minutes"),
        pytest.param(Decimal("18.5"), 1, Decimal("23.0"), True, id="decimal-bout"),
    ],
)
def test_a_session_counts_at_80pct_of_the_prescribed_minutes(minutes, bouts, bout, counts):
    assert session_counts(minutes, bouts, bout) is counts


def test_session_minutes_needed_is_in_plain_minutes():
    assert session_minutes_needed(3, 6) == Decimal("14.4")
    assert session_minutes_needed(3, 10, ClinicalRules(session_min_share=0.5)) == 15


def _on(day, minutes=18):
    return (MONDAY + timedelta(days=day), minutes)


@pytest.mark.parametrize(
    ("walks", "sessions", "done"),
    [
        pytest.param([_on(d // 2) for d in range(6)], 5, 3, id="six-logs-on-three-days"),
        pytest.param([_on(0), _on(0)], 5, 1, id="two-walks-on-one-day-are-one"),
        pytest.param([_on(d) for d in range(7)], 5, 5, id="capped-at-the-prescription"),
        pytest.param([_on(0, 1), _on(1, 1)], 5, 0, id="short-walks-are-not-done"),
        pytest.param([_on(0, 1), _on(0, 18)], 5, 1, id="a-day-with-one-full-walk-counts"),
        pytest.param([_on(0, None)], 5, 0, id="no-minutes"),
        pytest.param([_on(d // 2) for d in range(14)], 14, 14, id="14-a-week-two-a-day"),
        pytest.param([_on(d // 3) for d in range(9)], 10, 6, id="10-a-week-at-most-two-a-day"),
        pytest.param([], 5, 0, id="no-walks"),
    ],
)
def test_sessions_done_counts_distinct_local_days(walks, sessions, done):
    count = sessions_done(walks, sessions_per_week=sessions, bouts_per_session=3, bout_minutes=6)

    assert count == done


@pytest.mark.parametrize(
    ("walk", "message"),
    [
        pytest.param((datetime(2026, 3, 2, 9), 18), "local date", id="datetime-not-date"),
        pytest.param((None, 18), "local date", id="no-date"),
        pytest.param((MONDAY, -1), "0 or more", id="negative-minutes"),
        pytest.param((MONDAY, "18"), "a number", id="text-minutes"),
    ],
)
def test_sessions_done_refuses_what_it_cannot_count(walk, message):
    with pytest.raises(ValueError, match=message):
        sessions_done([walk], sessions_per_week=5, bouts_per_session=3, bout_minutes=6)

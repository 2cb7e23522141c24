"""The pain target for one walk (docs/clinical-rules.md §7), as a table of cases."""

import pytest

from clinic.clinical_rules import DEFAULT_RULES, ClinicalRules
from patients.targets import (
    NOT_SETTLED,
    OVER,
    PAIN_RISE_TARGET,
    RECOVERY_MARGIN,
    SEVERE,
    SEVERE_PEAK,
    UNKNOWN,
    WITHIN,
    pain_rise,
    target_message,
    target_outcome,
    within_target,
)

CASES = [
    # before, peak, after, within, outcome, why
    (3, 5, 3, True, WITHIN, "rise of exactly 2, back to baseline"),
    (3, 5, 4, True, WITHIN, "after rest 1 point above before still counts as settled"),
    (3, 5, 5, False, NOT_SETTLED, "after rest 2 points above before"),
    (3, 6, 3, False, OVER, "rise of 3"),
    (0, 0, 0, True, WITHIN, "no pain at all"),
    (0, 10, 0, False, SEVERE, "rise of 10 to a severe peak"),
    (0, 6, 0, False, OVER, "rise of 6 to a peak of 6"),
    (5, 4, 4, True, WITHIN, "peak below before: a negative rise"),
    (4, 6, 1, True, WITHIN, "ending lower than before"),
    (10, 10, 10, False, SEVERE, "already at 10, nothing rose, but severe"),
    (3, 5, None, None, UNKNOWN, "no pain after resting: cannot tell"),
    (3, 6, None, False, OVER, "over the rise target whatever happens after"),
    (3, 8, None, False, SEVERE, "severe whatever happens after"),
    (None, 5, 3, None, UNKNOWN, "no pain before"),
    (3, None, 3, None, UNKNOWN, "no peak"),
    # docs/clinical-rules.md §7: peak pain stays out of the severe band (peak <= 6).
    (8, 10, 8, False, SEVERE, "8 -> 10 -> 8 rises 2 but is never within target"),
    (4, 6, 4, True, WITHIN, "peak exactly 6 is within"),
    (5, 7, 5, False, SEVERE, "peak 7 is severe"),
    (8, 8, 8, False, SEVERE, "starting in the severe band and staying there"),
    (8, 5, 5, True, WITHIN, "pain falling out of the severe band"),
    (None, 9, 3, False, SEVERE, "a severe peak is known without pain before"),
    (3, 9, 3, False, SEVERE, "severe beats a rise over the target"),
]


@pytest.mark.parametrize(
    ("before", "peak", "after", "within", "outcome"),
    [case[:5] for case in CASES],
    ids=[case[5] for case in CASES],
)
def test_it_decides_within_target_by_clinical_section_7(before, peak, after, within, outcome):
    assert within_target(before, peak, after) is within
    assert target_outcome(before, peak, after) == outcome


@pytest.mark.parametrize(
    ("rules", "before", "peak", "after", "outcome"),
    [
        pytest.param(ClinicalRules(pain_rise_target=3), 3, 6, 3, WITHIN, id="target-3-rise-3"),
        pytest.param(ClinicalRules(pain_rise_target=3), 2, 6, 2, OVER, id="target-3-rise-4"),
        pytest.param(ClinicalRules(pain_rise_target=1), 3, 5, 3, OVER, id="target-1-rise-2"),
        pytest.param(ClinicalRules(recovery_margin=0), 3, 5, 4, NOT_SETTLED, id="margin-0"),
        pytest.param(ClinicalRules(severe_peak=5), 3, 5, 3, WITHIN, id="severe-5-peak-5"),
        pytest.param(ClinicalRules(severe_peak=5), 4, 6, 4, SEVERE, id="severe-5-peak-6"),
        pytest.param(None, 4, 6, 4, WITHIN, id="none-means-the-defaults"),
    ],
)
def test_it_follows_the_clinic_rules(rules, before, peak, after, outcome):
    assert target_outcome(before, peak, after, rules=rules) == outcome
    assert within_target(before, peak, after, rules=rules) is (outcome == WITHIN)


def test_the_old_constants_are_the_defaults():
    assert (PAIN_RISE_TARGET, RECOVERY_MARGIN, SEVERE_PEAK) == (2, 1, 6)
    assert DEFAULT_RULES.pain_rise_target == PAIN_RISE_TARGET


@pytest.mark.parametrize(
    ("before", "peak", "rise"), [(3, 5, 2), (5, 4, -1), (0, 10, 10), (None, 4, None)]
)
def test_pain_rise_is_peak_minus_before(before, peak, rise):
    assert pain_rise(before, peak) == rise


@pytest.mark.parametrize(("before", "peak", "after"), [(11, 3, 3), (3, -1, 3), (3, 4, 12)])
def test_it_refuses_pain_outside_0_to_10(before, peak, after):
    with pytest.raises(ValueError, match="between 0 and 10"):
        within_target(before, peak, after)


@pytest.mark.parametrize(
    ("before", "peak", "after", "headline", "phrase"),
    [
        (3, 5, 3, "Within your +2 target.", "rose 2 points"),
        (3, 4, 3, "Within your +2 target.", "rose 1 point "),
        (3, 3, 3, "Within your +2 target.", "did not rise"),
        (2, 6, 2, "Above your +2 target this time.", "not harm"),
        (2, 4, 5, "did not settle", "3 points above"),
        (2, 4, None, "Saved.", "cannot tell"),
        (None, 4, 2, "Saved.", "Without pain before the walk"),
        (2, 4, None, "Saved.", "Without pain after resting"),
        (3, 9, 3, "severe range", "Your pain reached 9 of 10: that is in the severe range."),
        (3, 9, 3, "severe range", "Next time take your break earlier, before the pain gets"),
        (3, 9, 3, "severe range", "before it goes above 6"),
        (8, 10, 8, "severe range", "already 8 of 10 before you set off"),
    ],
)
def test_the_message_is_honest_and_plain(before, peak, after, headline, phrase):
    message = target_message(before, peak, after)
    assert headline in message.headline
    assert phrase in message.detail


WALKS = [
    pytest.param(3, 5, 3, id="rise-2-within-3"),
    pytest.param(3, 4, 3, id="rise-1"),
    pytest.param(3, 3, 3, id="no-rise"),
    pytest.param(2, 6, 2, id="rise-4-over-3"),
    pytest.param(1, 6, 2, id="rise-5-over-3"),
    pytest.param(2, 4, 5, id="not-settled"),
    pytest.param(2, 4, None, id="unknown"),
    pytest.param(3, 9, 3, id="severe"),
]


@pytest.mark.parametrize(("before", "peak", "after"), WALKS)
def test_the_message_takes_its_numbers_from_the_rules(before, peak, after):
    rules = ClinicalRules(pain_rise_target=3)

    message = target_message(before, peak, after, rules=rules)

    text = f"{message.headline} {message.detail}"
    assert "+2" not in text
    if peak - before != 2:
        assert "2 points" not in text
    if message.outcome in (WITHIN, OVER, NOT_SETTLED, UNKNOWN):
        assert "+3" in text


def test_the_over_message_says_the_clinic_target():
    detail = target_message(1, 6, 2, rules=ClinicalRules(pain_rise_target=3)).detail

    assert "when pain is up 3 points" in detail


def test_the_severe_message_uses_the_clinic_ceiling():
    message = target_message(3, 6, 3, rules=ClinicalRules(severe_peak=5))

    assert message.outcome == SEVERE
    assert "before it goes above 5" in message.detail


def test_tingling_gets_the_permission_to_tingle_sentence():
    assert "tingling" in target_message(3, 5, 3, tingling=True).detail
    assert "tingling" not in target_message(3, 5, 3).detail

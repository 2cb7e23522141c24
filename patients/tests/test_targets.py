"""The "+2 pain" target for one walk (CLINICAL.md §7), as a table of cases."""

import pytest

from patients.targets import (
    NOT_SETTLED,
    OVER,
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
    (0, 10, 0, False, OVER, "rise of 10"),
    (5, 4, 4, True, WITHIN, "peak below before: a negative rise"),
    (4, 6, 1, True, WITHIN, "ending lower than before"),
    (10, 10, 10, True, WITHIN, "already at 10, nothing rose"),
    (3, 5, None, None, UNKNOWN, "no pain after resting: cannot tell"),
    (3, 8, None, False, OVER, "over the rise target whatever happens after"),
    (None, 5, 3, None, UNKNOWN, "no pain before"),
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
    ],
)
def test_the_message_is_honest_and_plain(before, peak, after, headline, phrase):
    message = target_message(before, peak, after)
    assert headline in message.headline
    assert phrase in message.detail


def test_tingling_gets_the_permission_to_tingle_sentence():
    assert "tingling" in target_message(3, 5, 3, tingling=True).detail
    assert "tingling" not in target_message(3, 5, 3).detail

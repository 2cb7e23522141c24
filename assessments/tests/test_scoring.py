"""Tables of cases for assessments.scoring (docs/clinical-rules.md §2 to §5).

Plain data only: no database and no Django settings needed.
"""

import ast
import dataclasses
import math
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from assessments import scoring
from assessments.scoring import (
    ShoppingCartResult,
    TreadmillResult,
    interpret_shopping_cart,
    interpret_two_stage_treadmill,
    is_meaningful_change,
    odi_band,
    score_nprs,
    score_odi,
    score_psfs,
    score_sshq,
    score_zcq,
    sshq_bladder_red_flag,
    treadmill_sentences,
)

ONSET = scoring.CRITERION_EARLIER_ONSET_LEVEL
RECOVERY = scoring.CRITERION_LONGER_RECOVERY_LEVEL
TOTAL = scoring.CRITERION_LONGER_TOTAL_INCLINE


def stage(onset_s, total_s, recovery_s):
    return {"onset_s": onset_s, "total_s": total_s, "recovery_s": recovery_s}


def walk(walk_s, onset_s=None, pain_peak=None):
    return {"walk_s": walk_s, "onset_s": onset_s, "pain_peak": pain_peak}


def test_it_does_not_import_django_at_module_level():
    tree = ast.parse(Path(scoring.__file__).read_text())
    imported = [
        alias.name for node in tree.body if isinstance(node, ast.Import) for alias in node.names
    ] + [node.module or "" for node in tree.body if isinstance(node, ast.ImportFrom)]

    assert imported
    assert not [name for name in imported if name.split(".")[0] == "django"]


# --- Two-Stage Treadmill Test (docs/clinical-rules.md §2) -----------------------------


@pytest.mark.parametrize(
    ("level", "incline", "expected"),
    [
        pytest.param(
            stage(None, 600, None), stage(None, 600, None), set(), id="no-symptoms-at-all"
        ),
        pytest.param(stage(120, 600, 60), stage(300, 600, 60), {ONSET}, id="a-alone"),
        pytest.param(stage(300, 600, 120), stage(300, 600, 60), {RECOVERY}, id="b-alone"),
        pytest.param(stage(300, 400, 60), stage(300, 500, 60), {TOTAL}, id="c-alone"),
        pytest.param(stage(120, 600, 120), stage(300, 600, 60), {ONSET, RECOVERY}, id="a-and-b"),
        pytest.param(stage(120, 400, 60), stage(300, 500, 60), {ONSET, TOTAL}, id="a-and-c"),
        pytest.param(stage(300, 400, 120), stage(300, 500, 60), {RECOVERY, TOTAL}, id="b-and-c"),
        pytest.param(
            stage(120, 400, 120), stage(300, 500, 60), {ONSET, RECOVERY, TOTAL}, id="a-b-and-c"
        ),
    ],
)
def test_it_reports_each_criterion_alone_and_combined(level, incline, expected):
    result = interpret_two_stage_treadmill(level, incline)

    assert result.criteria == expected
    assert result.positive is bool(expected)
    assert result.not_assessed == frozenset()


@pytest.mark.parametrize(
    ("level_onset", "incline_onset", "met"),
    [
        pytest.param(120, 300, True, id="level-earlier"),
        pytest.param(120, None, True, id="no-symptoms-on-incline-counts-as-later"),
        pytest.param(0, 30, True, id="symptoms-at-0s-on-level-only"),
        pytest.param(0, None, True, id="symptoms-at-0s-and-none-on-incline"),
        pytest.param(0, 0, False, id="symptoms-at-0s-on-both"),
        pytest.param(300, 300, False, id="same-onset"),
        pytest.param(300, 120, False, id="incline-earlier"),
        pytest.param(None, 120, False, id="no-symptoms-on-level"),
        pytest.param(None, None, False, id="no-symptoms-on-either"),
    ],
)
def test_it_applies_criterion_a_earlier_onset_on_level(level_onset, incline_onset, met):
    # Same totals and no recovery on both stages, so only criterion a can fire.
    result = interpret_two_stage_treadmill(
        stage(level_onset, 600, 0 if level_onset is not None else None),
        stage(incline_onset, 600, 0 if incline_onset is not None else None),
    )

    assert (ONSET in result.criteria) is met
    assert result.positive is met


@pytest.mark.parametrize(
    ("level", "incline", "met"),
    [
        pytest.param(stage(300, 600, 121), stage(300, 600, 120), True, id="level-longer-by-1s"),
        pytest.param(stage(300, 600, 120), stage(300, 600, 120), False, id="same-recovery"),
        pytest.param(stage(300, 600, 60), stage(300, 600, 120), False, id="incline-longer"),
        pytest.param(
            stage(300, 600, 60), stage(None, 600, None), True, id="blank-after-no-symptoms-is-0s"
        ),
        pytest.param(
            stage(300, 600, 0), stage(None, 600, None), False, id="0s-vs-nothing-to-recover-from"
        ),
        pytest.param(stage(None, 600, None), stage(300, 600, 60), False, id="no-symptoms-on-level"),
    ],
)
def test_it_applies_criterion_b_longer_recovery_after_level(level, incline, met):
    result = interpret_two_stage_treadmill(level, incline)

    assert (RECOVERY in result.criteria) is met
    assert RECOVERY not in result.not_assessed


@pytest.mark.parametrize(
    ("level_total", "incline_total", "met"),
    [
        pytest.param(400, 401, True, id="incline-longer-by-1s"),
        pytest.param(0, 600, True, id="stopped-at-once-on-level"),
        pytest.param(600, 600, False, id="both-reached-10-min-limit"),
        pytest.param(400, 400, False, id="same-total"),
        pytest.param(500, 400, False, id="level-longer"),
    ],
)
def test_it_applies_criterion_c_longer_total_on_incline(level_total, incline_total, met):
    result = interpret_two_stage_treadmill(
        stage(None, level_total, None), stage(None, incline_total, None)
    )

    assert result.criteria == ({TOTAL} if met else set())
    assert result.positive is met


@pytest.mark.parametrize(
    ("level", "incline"),
    [
        pytest.param(stage(300, 600, None), stage(300, 600, 60), id="level-recovery-blank"),
        pytest.param(stage(300, 600, 60), stage(300, 600, None), id="incline-recovery-blank"),
        pytest.param(stage(300, 600, None), stage(None, 600, None), id="level-blank-no-incline"),
    ],
)
def test_it_marks_recovery_not_assessed_when_blank_after_symptoms(level, incline):
    result = interpret_two_stage_treadmill(level, incline)

    assert RECOVERY not in result.criteria
    assert result.not_assessed == {RECOVERY}


def test_it_can_still_be_positive_when_recovery_was_not_assessed():
    result = interpret_two_stage_treadmill(stage(120, 600, None), stage(None, 600, None))

    assert result.criteria == {ONSET}
    assert result.not_assessed == {RECOVERY}
    assert result.positive is True


@dataclasses.dataclass
class StageRecord:
    onset_s: int | None
    total_s: int
    recovery_s: int | None


class TreadmillStageModel:
    """Stands in for a Django model instance: plain attributes."""

    def __init__(self, onset_s, total_s, recovery_s):
        self.onset_s = onset_s
        self.total_s = total_s
        self.recovery_s = recovery_s


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(stage, id="dict"),
        pytest.param(StageRecord, id="dataclass"),
        pytest.param(
            lambda o, t, r: SimpleNamespace(onset_s=o, total_s=t, recovery_s=r),
            id="simple-namespace",
        ),
        pytest.param(TreadmillStageModel, id="model-instance"),
    ],
)
def test_it_reads_stages_from_dicts_and_objects(make):
    result = interpret_two_stage_treadmill(make(120, 400, 120), make(300, 500, 60))

    assert result.criteria == {ONSET, RECOVERY, TOTAL}


@pytest.mark.parametrize(
    ("level", "incline", "message"),
    [
        pytest.param(None, stage(None, 600, None), "Level walking: the results", id="no-level"),
        pytest.param(
            stage(None, None, None), stage(None, 600, None), "enter the total", id="no-total"
        ),
        pytest.param(
            stage(None, -1, None), stage(None, 600, None), "whole number of seconds", id="neg-total"
        ),
        pytest.param(
            stage(None, 601, None), stage(None, 600, None), "10 minutes", id="over-10-min"
        ),
        pytest.param(
            stage(None, "300", None), stage(None, 600, None), "whole number", id="string-total"
        ),
        pytest.param(
            stage(None, 300.0, None), stage(None, 600, None), "whole number", id="float-total"
        ),
        pytest.param(
            stage(None, True, None), stage(None, 600, None), "whole number", id="bool-total"
        ),
        pytest.param(
            stage(-5, 300, 0), stage(None, 600, None), "first symptoms", id="negative-onset"
        ),
        pytest.param(
            stage(False, 300, 0), stage(None, 600, None), "first symptoms", id="bool-onset"
        ),
        pytest.param(
            stage(301, 300, 0), stage(None, 600, None), "cannot start after", id="onset-after-end"
        ),
        pytest.param(
            stage(100, 300, -1), stage(None, 600, None), "recovery time", id="negative-recovery"
        ),
        pytest.param(
            stage(100, 300, "1m"), stage(None, 600, None), "recovery time", id="string-recovery"
        ),
        pytest.param(
            stage(None, 600, None), stage(None, 700, None), "Inclined walking: total", id="incline"
        ),
    ],
)
def test_it_rejects_invalid_treadmill_answers_in_plain_words(level, incline, message):
    with pytest.raises(ValueError, match=message):
        interpret_two_stage_treadmill(level, incline)


def test_it_accepts_the_boundaries_of_a_stage():
    result = interpret_two_stage_treadmill(stage(600, 600, 0), stage(0, 0, 0))

    assert result.criteria == frozenset()


def test_it_returns_a_frozen_result():
    result = interpret_two_stage_treadmill(stage(None, 600, None), stage(None, 600, None))

    assert isinstance(result, TreadmillResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.positive = True


@pytest.mark.parametrize(
    ("criteria", "expected_sentences"),
    [
        pytest.param(
            {ONSET, RECOVERY, TOTAL},
            [
                "Symptoms started earlier on level walking than on the incline.",
                "Recovery took longer after level walking than after the incline.",
                "Total walking time was longer on the incline than on the level.",
            ],
            id="all-met",
        ),
        pytest.param(
            set(),
            [
                "Symptoms did not start earlier on level walking than on the incline.",
                "Recovery did not take longer after level walking than after the incline.",
                "Total walking time was not longer on the incline than on the level.",
            ],
            id="none-met",
        ),
        pytest.param(
            {TOTAL},
            [
                "Symptoms did not start earlier on level walking than on the incline.",
                "Recovery did not take longer after level walking than after the incline.",
                "Total walking time was longer on the incline than on the level.",
            ],
            id="c-only",
        ),
    ],
)
def test_it_explains_each_criterion_met_or_not(criteria, expected_sentences):
    result = TreadmillResult(positive=bool(criteria), criteria=frozenset(criteria))

    assert treadmill_sentences(result)[:3] == expected_sentences


def test_it_says_consistent_with_never_diagnostic_of_when_positive():
    result = interpret_two_stage_treadmill(stage(120, 600, 60), stage(None, 600, None))

    summary = treadmill_sentences(result)[-1]
    assert "consistent with lumbar spinal stenosis" in summary
    assert "diagnostic" not in summary.lower()


def test_it_says_a_negative_test_does_not_rule_stenosis_out():
    result = interpret_two_stage_treadmill(stage(None, 600, None), stage(None, 600, None))

    sentences = treadmill_sentences(result)
    assert "does not rule it out" in sentences[-1]
    assert not any("diagnostic" in sentence.lower() for sentence in sentences)


def test_it_explains_a_recovery_criterion_that_could_not_be_checked():
    result = interpret_two_stage_treadmill(stage(300, 600, None), stage(300, 600, 60))

    assert treadmill_sentences(result)[1] == (
        "Recovery could not be compared: a recovery time is missing for a stage with symptoms."
    )


# Why a stage stopped (docs/clinical-rules.md §2): "another reason" cannot support a or c.

OTHER, SYMPTOMS, LIMIT = "other", "symptoms", "time_limit"


def stopped(onset_s, total_s, recovery_s, reason):
    return {**stage(onset_s, total_s, recovery_s), "stop_reason": reason}


@pytest.mark.parametrize(
    ("level", "incline", "outcome", "criteria"),
    [
        pytest.param(
            stopped(None, 200, None, OTHER),
            stopped(None, 600, None, LIMIT),
            "inconclusive",
            set(),
            id="defect-level-stopped-for-another-reason-at-200s-was-positive",
        ),
        pytest.param(
            stopped(150, 200, None, OTHER),
            stopped(None, 600, None, LIMIT),
            "inconclusive",
            set(),
            id="level-other-with-symptoms-and-recovery-blank",
        ),
        pytest.param(
            stopped(120, 600, 0, LIMIT),
            stopped(None, 200, None, OTHER),
            "inconclusive",
            set(),
            id="incline-other-before-symptoms-is-not-later-onset",
        ),
        pytest.param(
            stopped(None, 150, None, OTHER),
            stopped(None, 300, None, OTHER),
            "inconclusive",
            set(),
            id="both-stages-other",
        ),
        pytest.param(
            stopped(150, 200, 300, OTHER),
            stopped(None, 600, None, LIMIT),
            "positive",
            {RECOVERY},
            id="other-but-criterion-b-still-met-is-positive",
        ),
        pytest.param(
            stopped(150, 200, 60, SYMPTOMS),
            stopped(None, 600, None, LIMIT),
            "positive",
            {ONSET, RECOVERY, TOTAL},
            id="stopped-for-symptoms-counts",
        ),
        pytest.param(
            stopped(None, 600, None, LIMIT),
            stopped(None, 600, None, LIMIT),
            "negative",
            set(),
            id="both-at-the-time-limit-without-symptoms-is-negative",
        ),
        pytest.param(
            stopped(None, 200, None, None),
            stopped(None, 600, None, None),
            "positive",
            {TOTAL},
            id="reason-not-recorded-counts-as-before",
        ),
        pytest.param(
            stopped(None, 200, None, ""),
            stopped(None, 600, None, LIMIT),
            "positive",
            {TOTAL},
            id="blank-reason-is-not-recorded",
        ),
    ],
)
def test_a_stage_stopped_for_another_reason_cannot_support_a_or_c(
    level, incline, outcome, criteria
):
    result = interpret_two_stage_treadmill(level, incline)

    assert result.positive is (outcome == "positive")
    assert result.criteria == criteria
    assert result.outcome == outcome
    assert result.inconclusive is (outcome == "inconclusive")
    if OTHER in (level["stop_reason"], incline["stop_reason"]):
        assert result.unsupported == {ONSET, TOTAL}
    else:
        assert result.unsupported == frozenset()


def test_the_defect_case_reads_inconclusive_never_consistent_with_lss():
    result = interpret_two_stage_treadmill(
        stopped(None, 200, None, OTHER), stopped(None, 600, None, LIMIT)
    )

    sentences = treadmill_sentences(result)
    assert result.positive is False
    assert not any("consistent with" in sentence for sentence in sentences)
    assert result.headline == "Inconclusive: repeat the test"
    assert result.summary == "inconclusive: repeat the test"
    assert sentences[0] == (
        "When symptoms started could not be compared: the level stage stopped for another "
        "reason (not symptoms, not the time limit)."
    )
    assert "repeat the test" in sentences[-1]
    assert not any("consistent with" in sentence for sentence in sentences)
    assert not any("negative result" in sentence.lower() for sentence in sentences)


def test_it_names_both_stages_when_both_stopped_for_another_reason():
    result = interpret_two_stage_treadmill(
        stopped(None, 150, None, OTHER), stopped(None, 300, None, OTHER)
    )

    assert result.stopped_other == ("level", "incline")
    assert treadmill_sentences(result)[-1].startswith(
        "The level and the inclined stages stopped for another reason"
    )


@pytest.mark.parametrize("reason", ["phone", 3, "Other"])
def test_it_rejects_an_unknown_stop_reason(reason):
    with pytest.raises(ValueError, match="Level walking: why the walk stopped"):
        interpret_two_stage_treadmill(
            stopped(None, 200, None, reason), stopped(None, 600, None, LIMIT)
        )


# Mixed (docs/clinical-rules.md §2): recovery alone meets b while the incline is worse on
# both onset and total time.


@pytest.mark.parametrize(
    ("level", "incline", "outcome", "against"),
    [
        pytest.param(
            stage(300, 600, 120),
            stage(120, 400, 60),
            "mixed",
            {"earlier_onset_incline", "longer_total_level"},
            id="incline-worse-on-both-and-b-alone-is-mixed",
        ),
        pytest.param(
            stage(None, 600, 30),
            stage(200, 400, 0),
            "mixed",
            {"earlier_onset_incline", "longer_total_level"},
            id="no-symptoms-on-level-counts-as-incline-earlier",
        ),
        pytest.param(
            stage(300, 400, 120),
            stage(120, 400, 60),
            "positive",
            {"earlier_onset_incline"},
            id="worse-on-onset-only-stays-positive",
        ),
        pytest.param(
            stage(300, 600, 120),
            stage(300, 400, 60),
            "positive",
            {"longer_total_level"},
            id="same-onset-stays-positive",
        ),
        pytest.param(
            stage(300, 600, 120),
            stage(120, 599, 60),
            "mixed",
            {"earlier_onset_incline", "longer_total_level"},
            id="shorter-by-1s-is-worse",
        ),
        pytest.param(
            stage(300, 600, 60),
            stage(120, 400, 60),
            "negative",
            {"earlier_onset_incline", "longer_total_level"},
            id="worse-on-both-without-b-is-negative",
        ),
        pytest.param(
            stage(300, 600, None),
            stage(120, 400, 60),
            "negative",
            {"earlier_onset_incline", "longer_total_level"},
            id="worse-on-both-b-not-assessed-is-negative",
        ),
    ],
)
def test_it_says_mixed_when_only_recovery_points_to_stenosis(level, incline, outcome, against):
    result = interpret_two_stage_treadmill(level, incline)

    assert result.positive is (outcome == "positive")
    assert result.outcome == outcome
    assert result.against == against
    assert result.mixed is (outcome == "mixed")
    if outcome == "mixed":
        assert result.criteria == {RECOVERY}
        assert result.positive is False


def test_a_mixed_result_shows_both_directions_not_a_bare_positive():
    result = interpret_two_stage_treadmill(stage(300, 600, 120), stage(120, 400, 60))

    sentences = treadmill_sentences(result)
    assert result.headline.startswith("Mixed")
    assert result.summary.startswith("mixed")
    assert sentences[1] == "Recovery took longer after level walking than after the incline."
    assert "Against: symptoms started earlier on the incline than on level walking." in sentences
    assert "Against: total walking time was shorter on the incline than on the level." in sentences
    assert "not as a positive result" in sentences[-1]
    assert not result.headline.startswith("Positive")


def test_a_stage_stopped_for_another_reason_is_never_mixed():
    result = interpret_two_stage_treadmill(
        stopped(300, 600, 120, LIMIT), stopped(120, 400, 60, OTHER)
    )

    assert result.outcome == "positive" and result.against == frozenset()


@pytest.mark.parametrize(
    ("level", "incline"),
    [
        pytest.param(stopped(None, 200, None, OTHER), stage(None, 600, None), id="inconclusive"),
        pytest.param(stage(300, 600, 120), stage(120, 400, 60), id="mixed"),
        pytest.param(stage(120, 400, 120), stage(300, 500, 60), id="positive"),
        pytest.param(stage(None, 600, None), stage(None, 600, None), id="negative"),
    ],
)
def test_no_outcome_is_ever_worded_as_diagnostic(level, incline):
    result = interpret_two_stage_treadmill(level, incline)

    text = " ".join([result.headline, result.summary, *treadmill_sentences(result)]).lower()
    assert "diagnostic" not in text
    assert "consistent with" in text or result.outcome in ("negative", "inconclusive")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param(
            {"positive": True, "inconclusive": True}, "one of", id="positive-inconclusive"
        ),
        pytest.param({"positive": True, "mixed": True}, "one of", id="positive-mixed"),
        pytest.param({"mixed": True, "inconclusive": True}, "one of", id="mixed-inconclusive"),
    ],
)
def test_a_result_has_exactly_one_outcome(fields, message):
    with pytest.raises(ValueError, match=message):
        TreadmillResult(criteria=frozenset(), **{"positive": False, **fields})


@pytest.mark.parametrize(
    ("criteria", "letters", "summary"),
    [
        pytest.param({ONSET, RECOVERY, TOTAL}, "a, b, c", "3 of 3 criteria: a, b, c", id="all"),
        pytest.param({ONSET, TOTAL}, "a, c", "2 of 3 criteria: a, c", id="a-and-c"),
        pytest.param({RECOVERY}, "b", "1 of 3 criteria: b", id="b"),
    ],
)
def test_it_shows_which_criteria_were_met(criteria, letters, summary):
    result = TreadmillResult(positive=True, criteria=frozenset(criteria))

    assert result.criteria_letters == letters
    assert result.summary == f"consistent with stenosis ({summary})"
    assert treadmill_sentences(result)[-1].startswith(f"Criteria met: {letters}.")


# --- Shopping cart test (docs/clinical-rules.md §3) -----------------------------------


@pytest.mark.parametrize(
    ("without_s", "with_s", "pct", "relief", "strong"),
    [
        pytest.param(100, 175, 75.0, True, False, id="exactly-75pct-is-not-strong"),
        pytest.param(1000, 1751, 75.1, True, True, id="75.1pct-is-strong"),
        pytest.param(2000, 3501, 75.1, True, True, id="75.05pct-rounds-half-up-to-strong"),
        pytest.param(20001, 35002, 75.0, True, False, id="75.0012pct-shows-75.0-not-strong"),
        pytest.param(100, 200, 100.0, True, True, id="doubled"),
        pytest.param(100, 150, 50.0, True, False, id="arterial-range-50pct"),
        pytest.param(3, 4, 33.3, True, False, id="rounds-to-one-decimal"),
        pytest.param(6, 7, 16.7, True, False, id="rounds-up"),
        pytest.param(20001, 20002, 0.0, False, False, id="1s-in-5h-shows-0.0-no-relief"),
        pytest.param(100, 100, 0.0, False, False, id="no-change"),
        pytest.param(100, 80, -20.0, False, False, id="worse-with-support"),
        pytest.param(3, 2, -33.3, False, False, id="worse-rounds-to-one-decimal"),
        pytest.param(60, 0, -100.0, False, False, id="could-not-walk-with-support"),
    ],
)
def test_it_scores_the_shopping_cart_test_from_walking_time(without_s, with_s, pct, relief, strong):
    result = interpret_shopping_cart(walk(without_s), walk(with_s))

    assert (result.improvement_pct, result.relief, result.strong) == (pct, relief, strong)
    assert result.relief_by == ({"time"} if relief else set())
    assert isinstance(result, ShoppingCartResult)


def test_it_reads_cart_walks_from_objects_with_symptoms_and_pain():
    without = SimpleNamespace(walk_s=120, onset_s=90, pain_peak=7)
    with_support = SimpleNamespace(walk_s=300, onset_s=None, pain_peak=0)

    result = interpret_shopping_cart(without, with_support)

    assert result.improvement_pct == 150.0
    assert result.strong is True


@pytest.mark.parametrize(
    ("without", "with_support", "message"),
    [
        pytest.param(walk(0), walk(100), "more than 0 seconds", id="without-is-0s"),
        pytest.param(walk(-10), walk(100), "whole number of seconds", id="negative-walk"),
        pytest.param(walk(None), walk(100), "enter the walking time", id="blank-walk"),
        pytest.param(walk("90"), walk(100), "whole number of seconds", id="string-walk"),
        pytest.param(walk(True), walk(100), "whole number of seconds", id="bool-walk"),
        pytest.param(walk(100), walk(90.5), "Walk with support: walking", id="float-walk"),
        pytest.param(walk(100, onset_s=101), walk(100), "cannot start after", id="onset-late"),
        pytest.param(walk(100, onset_s=-1), walk(100), "first symptoms", id="negative-onset"),
        pytest.param(walk(100, pain_peak=11), walk(100), "0 to 10", id="pain-above-10"),
        pytest.param(walk(100, pain_peak=-1), walk(100), "0 to 10", id="pain-below-0"),
        pytest.param(walk(100, pain_peak=True), walk(100), "0 to 10", id="bool-pain"),
        pytest.param(walk(100), None, "Walk with support: the results", id="missing-walk"),
    ],
)
def test_it_rejects_invalid_cart_answers_in_plain_words(without, with_support, message):
    with pytest.raises(ValueError, match=message):
        interpret_shopping_cart(without, with_support)


# Relief by pain (docs/clinical-rules.md §3 [C]): about the same time (within 10 %, either
# way, on the rounded percentage) and worst pain at least 2 points lower with support.


@pytest.mark.parametrize(
    ("without", "with_support", "relief_by"),
    [
        pytest.param(
            walk(100, pain_peak=6),
            walk(100, pain_peak=4),
            {"pain"},
            id="defect-same-time-pain-2-lower-was-no-relief",
        ),
        pytest.param(walk(100, pain_peak=6), walk(100, pain_peak=5), set(), id="pain-1-lower"),
        pytest.param(walk(100, pain_peak=8), walk(95, pain_peak=2), {"pain"}, id="6-lower"),
        pytest.param(
            walk(100, pain_peak=6), walk(90, pain_peak=4), {"pain"}, id="exactly-10pct-shorter"
        ),
        pytest.param(
            walk(1000, pain_peak=6), walk(899, pain_peak=3), set(), id="10.1pct-shorter-is-not"
        ),
        pytest.param(
            walk(10000, pain_peak=6),
            walk(8996, pain_peak=3),
            {"pain"},
            id="10.04pct-shorter-shows-10.0-and-counts",
        ),
        pytest.param(
            walk(100, pain_peak=6),
            walk(110, pain_peak=4),
            {"time", "pain"},
            id="exactly-10pct-longer-is-both",
        ),
        pytest.param(
            walk(1000, pain_peak=6), walk(1101, pain_peak=2), {"time"}, id="10.1pct-longer-time"
        ),
        pytest.param(walk(100), walk(100, pain_peak=2), set(), id="pain-without-missing"),
        pytest.param(walk(100, pain_peak=6), walk(100), set(), id="pain-with-missing"),
        pytest.param(walk(100), walk(100), set(), id="no-pain-recorded"),
        pytest.param(walk(100, pain_peak=3), walk(100, pain_peak=6), set(), id="pain-higher"),
        pytest.param(walk(100, pain_peak=0), walk(100, pain_peak=0), set(), id="no-pain-either"),
    ],
)
def test_about_the_same_time_with_less_pain_counts_as_relief(without, with_support, relief_by):
    result = interpret_shopping_cart(without, with_support)

    assert result.relief is bool(relief_by)
    assert result.relief_by == relief_by
    assert result.strong is False


@pytest.mark.parametrize(
    ("without", "with_support", "headline"),
    [
        pytest.param(walk(100), walk(350), "Relief with support: walked 250.0 % longer", id="time"),
        pytest.param(
            walk(100, pain_peak=6),
            walk(95, pain_peak=3),
            "Relief with support: about the same walking time (-5.0 %), worst pain 3 points lower",
            id="pain",
        ),
        pytest.param(walk(100), walk(80), "No relief with support (-20.0 %)", id="none"),
    ],
)
def test_the_cart_headline_says_why_there_was_relief(without, with_support, headline):
    assert interpret_shopping_cart(without, with_support).headline == headline


@pytest.mark.parametrize(
    ("with_s", "strong_pct", "strong"),
    [
        pytest.param(175, 75, False, id="default-exactly-75-is-not-strong"),
        pytest.param(176, 75, True, id="default-76-is-strong"),
        pytest.param(150, 50, False, id="setting-50-exactly-is-not-strong"),
        pytest.param(151, 50, True, id="setting-50-51-is-strong"),
        pytest.param(190, 100, False, id="setting-100-90-is-not-strong"),
        pytest.param(176, 75.5, True, id="setting-with-a-fraction"),
        pytest.param(175, Decimal("74.9"), True, id="setting-as-decimal"),
    ],
)
def test_the_strong_threshold_is_a_clinic_setting(with_s, strong_pct, strong):
    result = interpret_shopping_cart(walk(100), walk(with_s), strong_pct=strong_pct)

    assert result.strong is strong
    assert result.strong_pct == pytest.approx(float(strong_pct))


def test_the_strong_threshold_defaults_to_the_published_75pct():
    result = interpret_shopping_cart(walk(100), walk(200))

    assert result.strong_pct == scoring.SHOPPING_CART_STRONG_PCT == 75


@pytest.mark.parametrize(
    ("support", "height_in", "cutoffs", "cutoff", "short"),
    [
        pytest.param("cart", 63.9, {}, 64, True, id="cart-under-5ft4"),
        pytest.param("cart", 64, {}, 64, False, id="cart-exactly-5ft4-is-not-short"),
        pytest.param("cart", 70, {}, 64, False, id="cart-tall"),
        pytest.param(
            "walker", 63, {}, 62, False, id="defect-walker-5ft3-judged-by-the-cart-cut-off"
        ),
        pytest.param("walker", 62, {}, 62, False, id="walker-exactly-5ft2-is-not-short"),
        pytest.param("walker", 61.9, {}, 62, True, id="walker-under-5ft2"),
        pytest.param("cart", 65, {"cart_min_height_in": 66}, 66, True, id="cart-setting"),
        pytest.param("walker", 61, {"walker_min_height_in": 60}, 60, False, id="walker-setting"),
        pytest.param(
            "walker", 61, {"cart_min_height_in": 70}, 62, True, id="walker-ignores-cart-setting"
        ),
        pytest.param("cart", None, {}, 64, None, id="height-not-recorded"),
        pytest.param("cart", Decimal("63.98"), {}, 64, True, id="height-as-decimal"),
    ],
)
def test_the_height_cut_off_follows_the_support_used(support, height_in, cutoffs, cutoff, short):
    result = interpret_shopping_cart(
        walk(100), walk(200), support=support, patient_height_in=height_in, **cutoffs
    )

    assert result.height_cutoff_in == cutoff
    assert result.short_for_support is short
    assert result.support == support


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"support": "wheelbarrow"}, "cart or a wheeled walker", id="support"),
        pytest.param({"strong_pct": 0}, "counts as strong must be a number", id="strong-0"),
        pytest.param({"strong_pct": -5}, "counts as strong", id="strong-negative"),
        pytest.param({"strong_pct": "75"}, "counts as strong", id="strong-string"),
        pytest.param({"strong_pct": None}, "counts as strong", id="strong-missing"),
        pytest.param({"strong_pct": True}, "counts as strong", id="strong-bool"),
        pytest.param({"cart_min_height_in": 0}, "height cut-off", id="cut-off-0"),
        pytest.param({"patient_height_in": 0}, "patient's height", id="height-0"),
        pytest.param({"patient_height_in": math.nan}, "patient's height", id="height-nan"),
    ],
)
def test_it_rejects_invalid_cart_settings_in_plain_words(kwargs, message):
    with pytest.raises(ValueError, match=message):
        interpret_shopping_cart(walk(100), walk(200), **kwargs)


# --- ODI (docs/clinical-rules.md §4) --------------------------------------------------


@pytest.mark.parametrize(
    ("sections", "expected"),
    [
        pytest.param([2, 2, 2, 2, 2, 2, 1, 1, 1, 1], 32.0, id="worked-example-16-of-50"),
        pytest.param([2, 2, 2, 2, 2, 2, 1, 1, 2, None], 35.6, id="worked-example-16-of-45"),
        pytest.param([0] * 10, 0.0, id="no-disability"),
        pytest.param([5] * 10, 100.0, id="maximum"),
        pytest.param([5] * 9 + [None], 100.0, id="maximum-with-one-missing"),
        pytest.param([None, 1, 1, 1, 1, 1, 1, 1, 1, 1], 20.0, id="first-section-missing"),
        pytest.param((3, 3, 3, 3, 3, 3, 3, 3, 3, 3), 60.0, id="tuple"),
    ],
)
def test_it_scores_the_odi_as_a_percentage_of_answered_sections(sections, expected):
    assert score_odi(sections) == expected


@pytest.mark.parametrize(
    ("missing", "max_missing", "expected"),
    [
        pytest.param(0, 0, 40.0, id="none-missing-none-allowed"),
        pytest.param(1, 0, None, id="one-missing-none-allowed"),
        pytest.param(1, 1, 40.0, id="one-missing-default-limit-scores"),
        pytest.param(2, 1, None, id="two-missing-default-limit-gives-none"),
        pytest.param(2, 2, 40.0, id="two-missing-limit-two-scores"),
        pytest.param(3, 2, None, id="three-missing-limit-two-gives-none"),
        pytest.param(10, 10, None, id="nothing-answered-gives-none"),
    ],
)
def test_it_scores_the_odi_up_to_max_missing_sections(missing, max_missing, expected):
    sections = [None] * missing + [2] * (10 - missing)

    assert score_odi(sections, max_missing=max_missing) == expected


def test_it_scores_the_odi_with_two_missing_when_the_clinic_allows_it():
    sections = [3, 3, 2, 2, 2, 2, 2, 1, None, None]  # 17 / 40

    assert score_odi(sections, max_missing=2) == 42.5


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        pytest.param([1] * 9, "exactly 10 sections; 9 were given", id="nine-sections"),
        pytest.param([1] * 11, "exactly 10 sections; 11 were given", id="eleven-sections"),
        pytest.param([1] * 9 + [6], "0 to 5", id="above-5"),
        pytest.param([1] * 9 + [-1], "0 to 5", id="below-0"),
        pytest.param([1] * 9 + [True], "0 to 5", id="bool"),
        pytest.param([1] * 9 + ["3"], "0 to 5", id="string-answer"),
        pytest.param([1] * 9 + [2.0], "0 to 5", id="float-answer"),
        pytest.param("0123401234", "must be a list", id="string-instead-of-list"),
        pytest.param(None, "must be a list", id="none-instead-of-list"),
    ],
)
def test_it_rejects_invalid_odi_answers_in_plain_words(sections, message):
    with pytest.raises(ValueError, match=message):
        score_odi(sections)


@pytest.mark.parametrize("max_missing", [-1, True, 1.5])
def test_it_rejects_an_invalid_odi_missing_limit(max_missing):
    with pytest.raises(ValueError, match="missing ODI sections"):
        score_odi([1] * 10, max_missing=max_missing)


@pytest.mark.parametrize(
    ("pct", "band"),
    [
        pytest.param(0, "minimal", id="0"),
        pytest.param(20, "minimal", id="20-upper-bound-inclusive"),
        pytest.param(20.5, "moderate", id="20.5-fraction-goes-up"),
        pytest.param(21, "moderate", id="21"),
        pytest.param(32.0, "moderate", id="worked-example-32"),
        pytest.param(40.0, "moderate", id="40"),
        pytest.param(40.1, "severe", id="40.1"),
        pytest.param(60, "severe", id="60"),
        pytest.param(60.5, "crippled", id="60.5"),
        pytest.param(80, "crippled", id="80"),
        pytest.param(80.1, "bed-bound or exaggerating", id="80.1"),
        pytest.param(100, "bed-bound or exaggerating", id="100"),
    ],
)
def test_it_bands_odi_scores_by_inclusive_upper_bound(pct, band):
    assert odi_band(pct) == band


@pytest.mark.parametrize("pct", [-0.1, 100.1, True, "20", None, math.nan, math.inf])
def test_it_rejects_an_odi_score_outside_0_to_100(pct):
    with pytest.raises(ValueError, match="number from 0 to 100"):
        odi_band(pct)


@pytest.mark.parametrize(
    ("pct", "plain"),
    [
        pytest.param(0, "minimal", id="0"),
        pytest.param(20, "minimal", id="20"),
        pytest.param(20.5, "moderate", id="20.5"),
        pytest.param(40, "moderate", id="40"),
        pytest.param(41, "severe", id="41"),
        pytest.param(60, "severe", id="60"),
        pytest.param(60.5, "very severe", id="60.5-not-crippled"),
        pytest.param(80, "very severe", id="80-not-crippled"),
        pytest.param(80.1, "extreme", id="80.1-not-bed-bound"),
        pytest.param(100, "extreme", id="100-not-exaggerating"),
    ],
)
def test_patients_see_plain_words_for_each_odi_band(pct, plain):
    assert scoring.odi_band_plain(pct) == plain


def test_the_plain_odi_words_never_use_the_fairbank_names():
    words = {scoring.odi_band_plain(tenth / 10) for tenth in range(0, 1001)}

    assert words == {"minimal", "moderate", "severe", "very severe", "extreme"}
    assert not any(name in " ".join(words) for name in ("crippled", "bed-bound", "exaggerat"))


@pytest.mark.parametrize("pct", [-0.1, 100.1, None, "20"])
def test_plain_odi_words_reject_a_score_outside_0_to_100(pct):
    with pytest.raises(ValueError, match="number from 0 to 100"):
        scoring.odi_band_plain(pct)


# --- ZCQ (docs/clinical-rules.md §4) --------------------------------------------------

SEVERITY = [1, 2, 3, 4, 5, 1, 2]  # 18 / 7 = 2.571
FUNCTION = [1, 2, 3, 4, 4]  # 14 / 5 = 2.8
SATISFACTION = [1, 2, 3, 4, 1, 2]  # 13 / 6 = 2.167


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        pytest.param(
            {"severity": SEVERITY, "function": FUNCTION, "satisfaction": SATISFACTION},
            {"severity": 2.57, "function": 2.8, "satisfaction": 2.17},
            id="all-three-subscales",
        ),
        pytest.param(
            {"severity": SEVERITY, "function": FUNCTION},
            {"severity": 2.57, "function": 2.8},
            id="satisfaction-absent-before-treatment",
        ),
        pytest.param(
            {"severity": SEVERITY, "function": FUNCTION, "satisfaction": None},
            {"severity": 2.57, "function": 2.8},
            id="satisfaction-none-is-absent",
        ),
        pytest.param(
            {"severity": [5] * 7, "function": [4] * 5, "satisfaction": [4] * 6},
            {"severity": 5.0, "function": 4.0, "satisfaction": 4.0},
            id="worst",
        ),
        pytest.param(
            {"severity": [1] * 7, "function": [1] * 5},
            {"severity": 1.0, "function": 1.0},
            id="best",
        ),
    ],
)
def test_it_scores_zcq_subscales_as_means(answers, expected):
    assert score_zcq(answers) == expected


@pytest.mark.parametrize(
    ("severity", "max_missing", "expected"),
    [
        pytest.param([1, 2, 3, 4, 5, 1, None], 1, 2.67, id="one-missing-default-scores"),
        pytest.param([1, 2, 3, 4, 5, None, None], 1, None, id="two-missing-default-gives-none"),
        pytest.param([1, 2, 3, 4, 5, None, None], 2, 3.0, id="two-missing-limit-two-scores"),
        pytest.param([1, 2, 3, 4, 5, 1, None], 0, None, id="one-missing-limit-zero-gives-none"),
        pytest.param([None] * 7, 7, None, id="nothing-answered-gives-none"),
    ],
)
def test_it_scores_a_zcq_subscale_up_to_max_missing_items(severity, max_missing, expected):
    scores = score_zcq({"severity": severity, "function": FUNCTION}, max_missing=max_missing)

    assert scores["severity"] == expected
    assert scores["function"] == 2.8


def test_it_gives_none_only_for_the_subscale_with_too_many_missing():
    scores = score_zcq(
        {"severity": SEVERITY, "function": [1, None, None, 2, 2], "satisfaction": SATISFACTION}
    )

    assert scores == {"severity": 2.57, "function": None, "satisfaction": 2.17}


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        pytest.param(
            {"severity": [1] * 6, "function": FUNCTION}, "exactly 7 questions", id="six-severity"
        ),
        pytest.param(
            {"severity": SEVERITY, "function": [1] * 6}, "exactly 5 questions", id="six-function"
        ),
        pytest.param(
            {"severity": SEVERITY, "function": FUNCTION, "satisfaction": [1] * 5},
            "exactly 6 questions",
            id="five-satisfaction",
        ),
        pytest.param(
            {"severity": [6] + [1] * 6, "function": FUNCTION}, "from 1 to 5", id="severity-above-5"
        ),
        pytest.param(
            {"severity": [0] + [1] * 6, "function": FUNCTION}, "from 1 to 5", id="severity-below-1"
        ),
        pytest.param(
            {"severity": SEVERITY, "function": [5, 1, 1, 1, 1]}, "from 1 to 4", id="function-5"
        ),
        pytest.param(
            {"severity": SEVERITY, "function": FUNCTION, "satisfaction": [5] + [1] * 5},
            "from 1 to 4",
            id="satisfaction-5",
        ),
        pytest.param(
            {"severity": [True] * 7, "function": FUNCTION}, "whole number", id="bool-item"
        ),
        pytest.param(
            {"severity": ["1"] * 7, "function": FUNCTION}, "whole number", id="string-item"
        ),
        pytest.param({"function": FUNCTION}, "answer the ZCQ symptom severity", id="no-severity"),
        pytest.param({"severity": SEVERITY}, "answer the ZCQ physical function", id="no-function"),
        pytest.param(
            {"severity": SEVERITY, "function": FUNCTION, "pain": [1]},
            "Unknown ZCQ part: pain",
            id="unknown-part",
        ),
        pytest.param(
            {"severity": "1234512", "function": FUNCTION}, "must be a list", id="string-part"
        ),
        pytest.param([SEVERITY, FUNCTION], "answers are missing", id="list-instead-of-dict"),
    ],
)
def test_it_rejects_invalid_zcq_answers_in_plain_words(answers, message):
    with pytest.raises(ValueError, match=message):
        score_zcq(answers)


def test_it_rejects_an_invalid_zcq_missing_limit():
    with pytest.raises(ValueError, match="missing ZCQ items"):
        score_zcq({"severity": SEVERITY, "function": FUNCTION}, max_missing=-1)


# --- SSHQ stenosis quiz (docs/clinical-rules.md §5) -----------------------------------

Y, N = True, False


@pytest.mark.parametrize(
    ("answers", "suggests_lss"),
    [
        pytest.param([Y, Y, Y, Y, N, N, N, N, N, N], True, id="items-1-4-all-yes"),
        pytest.param([Y, Y, N, N, Y, Y, Y, N, N, N], True, id="2-of-1-4-and-3-of-5-10"),
        pytest.param([N, Y, Y, Y, N, N, Y, Y, Y, N], True, id="3-of-1-4-and-3-of-5-10"),
        pytest.param([Y, Y, Y, N, Y, Y, N, N, N, N], False, id="3-of-1-4-and-2-of-5-10"),
        pytest.param([Y, Y, N, N, Y, Y, N, N, N, N], False, id="2-of-1-4-and-2-of-5-10"),
        pytest.param([Y, N, N, N, Y, Y, Y, Y, Y, Y], False, id="1-of-1-4-and-all-of-5-10"),
        pytest.param([N, N, N, N, Y, Y, Y, Y, Y, Y], False, id="none-of-1-4"),
        pytest.param([N] * 10, False, id="all-no"),
        pytest.param([Y] * 10, True, id="all-yes"),
    ],
)
def test_it_scores_the_sshq(answers, suggests_lss):
    assert score_sshq(answers) is suggests_lss


@pytest.mark.parametrize(
    ("answers", "red_flag"),
    [
        pytest.param([N] * 9 + [Y], True, id="item-10-yes-alone"),
        pytest.param([Y] * 10, True, id="item-10-yes-with-others"),
        pytest.param([Y] * 9 + [N], False, id="item-10-no"),
    ],
)
def test_it_flags_the_bladder_item_for_red_flag_routing(answers, red_flag):
    assert sshq_bladder_red_flag(answers) is red_flag


def test_it_flags_the_bladder_item_even_when_the_quiz_does_not_suggest_lss():
    answers = [N] * 9 + [Y]

    assert score_sshq(answers) is False
    assert sshq_bladder_red_flag(answers) is True


@pytest.mark.parametrize("check", [score_sshq, sshq_bladder_red_flag])
@pytest.mark.parametrize(
    ("answers", "message"),
    [
        pytest.param([Y] * 9, "exactly 10 questions; 9 were given", id="nine-answers"),
        pytest.param([Y] * 11, "exactly 10 questions; 11 were given", id="eleven-answers"),
        pytest.param([Y] * 9 + [None], "answer all 10 questions", id="blank-answer"),
        pytest.param([1] * 10, "yes or no", id="ints-instead-of-bools"),
        pytest.param(["yes"] * 10, "yes or no", id="strings-instead-of-bools"),
        pytest.param("YYYYNNNNNN", "must be a list", id="string-instead-of-list"),
    ],
)
def test_it_rejects_invalid_sshq_answers_in_plain_words(check, answers, message):
    with pytest.raises(ValueError, match=message):
        check(answers)


# --- PSFS and NPRS (docs/clinical-rules.md §4) ----------------------------------------


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        pytest.param([5], 5.0, id="one-activity"),
        pytest.param([3, 4], 3.5, id="two-activities"),
        pytest.param([1, 2, 2], 1.7, id="rounds-to-one-decimal"),
        pytest.param([2, 2, 2, 3], 2.3, id="2.25-rounds-half-up"),
        pytest.param([0] * 5, 0.0, id="five-activities-unable"),
        pytest.param([10] * 5, 10.0, id="five-activities-as-before"),
        pytest.param((4, 6), 5.0, id="tuple"),
    ],
)
def test_it_scores_the_psfs_as_the_mean_rating(ratings, expected):
    assert score_psfs(ratings) == expected


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        pytest.param([], "between 1 and 5 activities", id="no-activities"),
        pytest.param([5] * 6, "between 1 and 5 activities", id="six-activities"),
        pytest.param([11], "0 to 10", id="above-10"),
        pytest.param([-1], "0 to 10", id="below-0"),
        pytest.param([True], "0 to 10", id="bool"),
        pytest.param([None], "0 to 10", id="blank"),
        pytest.param([5.5], "0 to 10", id="fraction"),
        pytest.param("55", "must be a list", id="string-instead-of-list"),
    ],
)
def test_it_rejects_invalid_psfs_ratings_in_plain_words(ratings, message):
    with pytest.raises(ValueError, match=message):
        score_psfs(ratings)


@pytest.mark.parametrize("value", [0, 7, 10])
def test_it_returns_a_valid_nprs_rating_unchanged(value):
    assert score_nprs(value) == value


@pytest.mark.parametrize("value", [-1, 11, True, False, 3.0, "3", None])
def test_it_rejects_an_invalid_nprs_rating_in_plain_words(value):
    with pytest.raises(ValueError, match=r"^Pain must be a whole number from 0 to 10\.$"):
        score_nprs(value)


# --- Meaningful change (docs/clinical-rules.md §4) ------------------------------------


@pytest.mark.parametrize(
    ("constant", "value"),
    [
        pytest.param("NPRS_MEANINGFUL_CHANGE", 2, id="nprs-2-points"),
        pytest.param("ODI_MEANINGFUL_CHANGE", 10, id="odi-10-points"),
        pytest.param("ODI_MEANINGFUL_CHANGE_PCT", 30, id="odi-or-30pct"),
        pytest.param("PSFS_MEANINGFUL_CHANGE", 2, id="psfs-2-points"),
        pytest.param("ZCQ_SEVERITY_MCID", 0.36, id="zcq-severity-0.36"),
        pytest.param("SPWT_MEANINGFUL_CHANGE_PCT", 30, id="spwt-30pct"),
    ],
)
def test_it_keeps_the_meaningful_change_thresholds_from_clinical_md(constant, value):
    assert getattr(scoring, constant) == value


@pytest.mark.parametrize(
    ("measure", "baseline", "current", "meaningful"),
    [
        pytest.param("nprs", 7, 5, True, id="nprs-down-2"),
        pytest.param("nprs", 7, 6, False, id="nprs-down-1"),
        pytest.param("nprs", 5, 7, False, id="nprs-worse-is-not-improvement"),
        pytest.param("odi", 40.0, 30.0, True, id="odi-down-10"),
        pytest.param("odi", 35.6, 25.6, True, id="odi-down-10-from-fraction"),
        pytest.param("odi", 40.0, 30.1, False, id="odi-down-9.9"),
        pytest.param("psfs", 3.0, 5.0, True, id="psfs-up-2"),
        pytest.param("psfs", 3.0, 4.9, False, id="psfs-up-1.9"),
        pytest.param("psfs", 5.0, 3.0, False, id="psfs-worse"),
        pytest.param("zcq_severity", 3.0, 2.64, True, id="zcq-down-exactly-0.36"),
        pytest.param("zcq_severity", 3.0, 2.65, False, id="zcq-down-0.35"),
        pytest.param("zcq_severity", 2.0, 3.0, False, id="zcq-worse"),
        pytest.param("spwt", 100, 130, True, id="spwt-plus-30pct"),
        pytest.param("spwt", 100, 129.9, False, id="spwt-plus-29.9pct"),
        pytest.param("spwt", 450.5, 600, True, id="spwt-metres-with-decimals"),
        pytest.param("spwt", 100, 70, False, id="spwt-shorter"),
    ],
)
def test_it_marks_meaningful_improvement_in_the_better_direction(
    measure, baseline, current, meaningful
):
    assert is_meaningful_change(measure, baseline, current) is meaningful


@pytest.mark.parametrize(
    ("measure", "baseline", "current", "message"),
    [
        pytest.param("ndi", 1, 2, "Unknown measure", id="unknown-measure"),
        pytest.param("nprs", 11, 5, "Pain must be a number from 0 to 10", id="nprs-above-10"),
        pytest.param("nprs", True, 5, "Pain must be a number", id="bool-baseline"),
        pytest.param("odi", 40, "30", "from 0 to 100", id="string-current"),
        pytest.param("zcq_severity", 0.5, 2, "from 1 to 5", id="zcq-below-1"),
        pytest.param("spwt", 0, 100, "more than 0 to compare", id="spwt-zero-baseline"),
        pytest.param("spwt", -5, 100, "0 or more", id="spwt-negative"),
    ],
)
def test_it_rejects_invalid_meaningful_change_input(measure, baseline, current, message):
    with pytest.raises(ValueError, match=message):
        is_meaningful_change(measure, baseline, current)


# docs/clinical-rules.md §4: ODI meaningful change is 10 points OR 30 % of the baseline,
# whichever comes first (the smaller fall).


@pytest.mark.parametrize(
    ("baseline", "current", "meaningful"),
    [
        pytest.param(20.0, 14.0, True, id="defect-baseline-20-down-6-is-30pct"),
        pytest.param(20.0, 14.1, False, id="baseline-20-down-5.9"),
        pytest.param(30.0, 21.0, True, id="baseline-30-down-9-is-30pct"),
        pytest.param(30.0, 21.1, False, id="baseline-30-down-8.9"),
        pytest.param(33.3, 23.31, True, id="baseline-33.3-down-exactly-30pct"),
        pytest.param(33.3, 23.32, False, id="baseline-33.3-just-short"),
        pytest.param(40.0, 30.0, True, id="baseline-40-10-points-come-first"),
        pytest.param(40.0, 30.1, False, id="baseline-40-down-9.9-although-under-30pct"),
        pytest.param(100.0, 90.0, True, id="baseline-100-down-10"),
        pytest.param(6.0, 4.2, True, id="baseline-6-down-1.8"),
        pytest.param(0.0, 0.0, False, id="baseline-0-cannot-improve"),
        pytest.param(20.0, 20.0, False, id="no-change"),
        pytest.param(20.0, 30.0, False, id="worse"),
    ],
)
def test_odi_meaningful_change_is_10_points_or_30pct_of_baseline(baseline, current, meaningful):
    assert is_meaningful_change("odi", baseline, current) is meaningful


@pytest.mark.parametrize(
    ("measure", "baseline", "points"),
    [
        pytest.param("odi", 20, 6, id="odi-30pct-first"),
        pytest.param("odi", 50, 10, id="odi-10-points-first"),
        pytest.param("odi", 0, 0, id="odi-baseline-0"),
        pytest.param("nprs", 7, 2, id="nprs-2-points"),
        pytest.param("psfs", 3, 2, id="psfs-2-points"),
        pytest.param("zcq_severity", 3, 0.36, id="zcq-0.36"),
        pytest.param("spwt", 400, 120, id="spwt-30pct-of-distance"),
    ],
)
def test_it_says_where_a_meaningful_improvement_begins(measure, baseline, points):
    assert scoring.meaningful_change_points(measure, baseline) == pytest.approx(points)


@pytest.mark.parametrize(
    ("measure", "baseline", "message"),
    [
        pytest.param("ndi", 1, "Unknown measure", id="unknown"),
        pytest.param("odi", 101, "from 0 to 100", id="odi-above-100"),
        pytest.param("odi", None, "from 0 to 100", id="odi-missing"),
        pytest.param("spwt", 0, "more than 0 to compare", id="spwt-zero"),
    ],
)
def test_it_rejects_an_invalid_baseline_for_the_threshold(measure, baseline, message):
    with pytest.raises(ValueError, match=message):
        scoring.meaningful_change_points(measure, baseline)

"""Scoring and interpretation rules for Stride's assessments.

Pure functions over plain data: no ORM and no Django imports, so this module
imports the same with or without ``django.setup()``. Every clinical rule names
the CLINICAL.md section it comes from; see that file for the sources and for
which values are clinic-configurable defaults [C] rather than evidence.

Conventions:
- Times are whole seconds; a missing answer is ``None``.
- Invalid input raises ``ValueError`` with a message a form can show as is.
- Rounding is half away from zero (35.55 -> 35.6, 2.25 -> 2.3), as people
  round by hand, not Python's round-half-to-even. Values are computed exactly
  (``Fraction``) and rounded once, so no float noise reaches the screen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

__all__ = [
    "CRITERION_EARLIER_ONSET_LEVEL",
    "CRITERION_LONGER_RECOVERY_LEVEL",
    "CRITERION_LONGER_TOTAL_INCLINE",
    "NPRS_MEANINGFUL_CHANGE",
    "ODI_BANDS",
    "ODI_MEANINGFUL_CHANGE",
    "PSFS_MEANINGFUL_CHANGE",
    "SPWT_MEANINGFUL_CHANGE_PCT",
    "ZCQ_SEVERITY_MCID",
    "ShoppingCartResult",
    "TreadmillResult",
    "interpret_shopping_cart",
    "interpret_two_stage_treadmill",
    "is_meaningful_change",
    "odi_band",
    "score_nprs",
    "score_odi",
    "score_psfs",
    "score_sshq",
    "score_zcq",
    "sshq_bladder_red_flag",
    "treadmill_sentences",
]


# --- Shared helpers ---------------------------------------------------------


def _is_whole_number(value: object) -> bool:
    # bool is a subclass of int; a tick box must never pass as a score.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _round_half_up(value: Fraction, places: int) -> float:
    """Round an exact value half away from zero to ``places`` decimals."""
    scale = 10**places
    scaled = abs(value) * scale
    rounded = math.floor(scaled + Fraction(1, 2))
    sign = -1 if value < 0 else 1
    return sign * rounded / scale


def _field(source: Any, name: str) -> Any:
    """Read ``name`` from a dict-like or an object (dataclass, namespace, model)."""
    if isinstance(source, Mapping):
        return source.get(name)
    return getattr(source, name, None)


def _as_list(items: Any, *, what: str) -> list[Any]:
    # A string is a Sequence too; never let "12345" pass as five answers.
    # ValueError, not TypeError: every bad answer reaches the form the same way.
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
        raise ValueError(f"{what} must be a list of answers.")  # noqa: TRY004
    return list(items)


# --- Two-Stage Treadmill Test (CLINICAL.md §2) ------------------------------

# CLINICAL.md §2: each stage runs up to 10 minutes.
TREADMILL_STAGE_LIMIT_S = 600

CRITERION_EARLIER_ONSET_LEVEL = "earlier_onset_level"
CRITERION_LONGER_RECOVERY_LEVEL = "longer_recovery_level"
CRITERION_LONGER_TOTAL_INCLINE = "longer_total_incline"
TREADMILL_CRITERIA = (
    CRITERION_EARLIER_ONSET_LEVEL,
    CRITERION_LONGER_RECOVERY_LEVEL,
    CRITERION_LONGER_TOTAL_INCLINE,
)


@dataclass(frozen=True)
class TreadmillStage:
    onset_s: int | None
    total_s: int
    recovery_s: int | None


@dataclass(frozen=True)
class TreadmillResult:
    """Outcome of the two-stage treadmill test.

    ``criteria`` holds the criteria met. ``not_assessed`` holds criteria that
    could not be checked because an answer was missing (today only the
    recovery criterion, see ``_recovery_for_comparison``).
    """

    positive: bool
    criteria: frozenset[str]
    not_assessed: frozenset[str] = frozenset()


def _treadmill_stage(source: Any, *, stage: str) -> TreadmillStage:
    if source is None:
        raise ValueError(f"{stage}: the results for this stage are missing.")
    onset_s = _field(source, "onset_s")
    total_s = _field(source, "total_s")
    recovery_s = _field(source, "recovery_s")

    if total_s is None:
        raise ValueError(f"{stage}: please enter the total walking time.")
    if not _is_whole_number(total_s) or total_s < 0:
        raise ValueError(f"{stage}: total walking time must be a whole number of seconds.")
    # CLINICAL.md §2: a stage stops at the 10-minute limit.
    if total_s > TREADMILL_STAGE_LIMIT_S:
        raise ValueError(
            f"{stage}: total walking time cannot be more than 10 minutes (600 seconds)."
        )
    if onset_s is not None:
        if not _is_whole_number(onset_s) or onset_s < 0:
            raise ValueError(
                f"{stage}: time to first symptoms must be a whole number of seconds, "
                "or left blank if there were no symptoms."
            )
        if onset_s > total_s:
            raise ValueError(
                f"{stage}: symptoms cannot start after the walk ended "
                "(time to first symptoms is longer than the total walking time)."
            )
    if recovery_s is not None and (not _is_whole_number(recovery_s) or recovery_s < 0):
        raise ValueError(
            f"{stage}: recovery time must be a whole number of seconds, "
            "or left blank if there was nothing to recover from."
        )
    return TreadmillStage(onset_s=onset_s, total_s=total_s, recovery_s=recovery_s)


def _recovery_for_comparison(stage: TreadmillStage) -> int | None:
    """Recovery time to compare for criterion b, or None when it is unknown.

    A blank recovery time after a stage WITHOUT symptoms means there was
    nothing to recover from, so it counts as 0 s. A blank recovery time after a
    stage WITH symptoms is an unrecorded answer: reading it as 0 s could invent
    a positive result (level 90 s "longer than" incline 0 s), so the criterion
    is reported as not assessed instead.
    """
    if stage.recovery_s is not None:
        return stage.recovery_s
    if stage.onset_s is None:
        return 0
    return None


def interpret_two_stage_treadmill(level: Any, incline: Any) -> TreadmillResult:
    """Interpret the two-stage treadmill test (Fritz 1997).

    ``level`` and ``incline`` may be dicts or objects with ``onset_s``
    (None = no symptoms), ``total_s`` and ``recovery_s``.
    """
    level_stage = _treadmill_stage(level, stage="Level walking")
    incline_stage = _treadmill_stage(incline, stage="Inclined walking")
    criteria: set[str] = set()
    not_assessed: set[str] = set()

    # CLINICAL.md §2 criterion a: symptoms start earlier on level than on the
    # incline. No symptoms on the incline counts as later; no symptoms on the
    # level stage means the criterion is not met.
    if level_stage.onset_s is not None and (
        incline_stage.onset_s is None or level_stage.onset_s < incline_stage.onset_s
    ):
        criteria.add(CRITERION_EARLIER_ONSET_LEVEL)

    # CLINICAL.md §2 criterion b: recovery takes longer after level walking.
    level_recovery = _recovery_for_comparison(level_stage)
    incline_recovery = _recovery_for_comparison(incline_stage)
    if level_recovery is None or incline_recovery is None:
        not_assessed.add(CRITERION_LONGER_RECOVERY_LEVEL)
    elif level_recovery > incline_recovery:
        criteria.add(CRITERION_LONGER_RECOVERY_LEVEL)

    # CLINICAL.md §2 criterion c: total walking time is longer on the incline.
    if incline_stage.total_s > level_stage.total_s:
        criteria.add(CRITERION_LONGER_TOTAL_INCLINE)

    # CLINICAL.md §2: positive if ANY criterion is met.
    return TreadmillResult(
        positive=bool(criteria),
        criteria=frozenset(criteria),
        not_assessed=frozenset(not_assessed),
    )


_TREADMILL_MET = {
    CRITERION_EARLIER_ONSET_LEVEL: (
        "Symptoms started earlier on level walking than on the incline."
    ),
    CRITERION_LONGER_RECOVERY_LEVEL: (
        "Recovery took longer after level walking than after the incline."
    ),
    CRITERION_LONGER_TOTAL_INCLINE: (
        "Total walking time was longer on the incline than on the level."
    ),
}
_TREADMILL_NOT_MET = {
    CRITERION_EARLIER_ONSET_LEVEL: (
        "Symptoms did not start earlier on level walking than on the incline."
    ),
    CRITERION_LONGER_RECOVERY_LEVEL: (
        "Recovery did not take longer after level walking than after the incline."
    ),
    CRITERION_LONGER_TOTAL_INCLINE: (
        "Total walking time was not longer on the incline than on the level."
    ),
}
_TREADMILL_NOT_ASSESSED = {
    CRITERION_LONGER_RECOVERY_LEVEL: (
        "Recovery could not be compared: a recovery time is missing for a stage with symptoms."
    ),
}


def treadmill_sentences(result: TreadmillResult) -> list[str]:
    """Plain-language sentences: one per criterion, then the overall reading."""
    sentences = []
    for criterion in TREADMILL_CRITERIA:
        if criterion in result.criteria:
            sentences.append(_TREADMILL_MET[criterion])
        elif criterion in result.not_assessed:
            sentences.append(_TREADMILL_NOT_ASSESSED[criterion])
        else:
            sentences.append(_TREADMILL_NOT_MET[criterion])
    # CLINICAL.md §2: the test supports, not makes, a diagnosis (Oguz 2007), so
    # the wording is "consistent with", never "diagnostic of".
    if result.positive:
        sentences.append(
            "At least one criterion was met, so the result is consistent with lumbar "
            "spinal stenosis. It supports a diagnosis but does not make one."
        )
    else:
        sentences.append(
            "No criterion was met, so this test does not point to lumbar spinal stenosis. "
            "A negative result does not rule it out."
        )
    return sentences


# --- Shopping cart test (CLINICAL.md §3) ------------------------------------

# CLINICAL.md §3: more than 75 % improvement with the cart is "strongly
# consistent with neurogenic claudication" [C threshold taken from the
# Diabetes Care 2003 letter].
SHOPPING_CART_STRONG_PCT = 75


@dataclass(frozen=True)
class ShoppingCartResult:
    improvement_pct: float
    relief: bool
    strong: bool


def _cart_walk(source: Any, *, label: str) -> tuple[int, int | None, int | None]:
    if source is None:
        raise ValueError(f"{label}: the results for this walk are missing.")
    walk_s = _field(source, "walk_s")
    onset_s = _field(source, "onset_s")
    pain_peak = _field(source, "pain_peak")
    if walk_s is None:
        raise ValueError(f"{label}: please enter the walking time.")
    if not _is_whole_number(walk_s) or walk_s < 0:
        raise ValueError(f"{label}: walking time must be a whole number of seconds.")
    if onset_s is not None:
        if not _is_whole_number(onset_s) or onset_s < 0:
            raise ValueError(
                f"{label}: time to first symptoms must be a whole number of seconds, "
                "or left blank if there were no symptoms."
            )
        if onset_s > walk_s:
            raise ValueError(f"{label}: symptoms cannot start after the walk ended.")
    # Peak pain is recorded for the clinician but does not enter the result, so
    # a blank is allowed.
    if pain_peak is not None and (not _is_whole_number(pain_peak) or not 0 <= pain_peak <= 10):
        raise ValueError(f"{label}: peak pain must be a whole number from 0 to 10.")
    return walk_s, onset_s, pain_peak


def interpret_shopping_cart(without: Any, with_support: Any) -> ShoppingCartResult:
    """Compare walking time without and with a cart or wheeled walker.

    ``relief`` and ``strong`` follow the rounded percentage, so the screen never
    shows "75.0 %" next to "strong".
    """
    without_s, _, _ = _cart_walk(without, label="Walk without support")
    with_s, _, _ = _cart_walk(with_support, label="Walk with support")
    if without_s == 0:
        raise ValueError(
            "Walk without support: walking time must be more than 0 seconds "
            "to compare the two walks."
        )
    # CLINICAL.md §3: compare uninterrupted walking time without and with support.
    improvement_pct = _round_half_up(Fraction((with_s - without_s) * 100, without_s), 1)
    return ShoppingCartResult(
        improvement_pct=improvement_pct,
        # CLINICAL.md §3: "relief with support" = walked longer with support.
        relief=improvement_pct > 0,
        # CLINICAL.md §3: > 75 % improvement flags strong consistency [C].
        strong=improvement_pct > SHOPPING_CART_STRONG_PCT,
    )


# --- Oswestry Disability Index (CLINICAL.md §4) -----------------------------

ODI_SECTIONS = 10
ODI_SECTION_MAX = 5

# CLINICAL.md §4 ODI bands, by inclusive upper bound. Published bands are
# whole numbers (0-20, 21-40, ...); a fractional index such as 20.5 (possible
# when a section is missing) belongs to the band whose upper bound it does not
# exceed, so 20.5 is "moderate" and 40.0 is "moderate".
ODI_BANDS: tuple[tuple[float, str], ...] = (
    (20, "minimal"),
    (40, "moderate"),
    (60, "severe"),
    (80, "crippled"),
    (100, "bed-bound or exaggerating"),
)


def score_odi(sections: Sequence[int | None], *, max_missing: int = 1) -> float | None:
    """ODI index in percent, or None when more than ``max_missing`` sections are blank."""
    answers = _as_list(sections, what="The ODI")
    if len(answers) != ODI_SECTIONS:
        raise ValueError(f"The ODI has exactly 10 sections; {len(answers)} were given.")
    if not _is_whole_number(max_missing) or max_missing < 0:
        raise ValueError("The number of missing ODI sections allowed must be 0 or more.")
    answered = [answer for answer in answers if answer is not None]
    for answer in answered:
        if not _is_whole_number(answer) or not 0 <= answer <= ODI_SECTION_MAX:
            raise ValueError("Each ODI section must be a whole number from 0 to 5, or left blank.")
    # CLINICAL.md §4: more than one missing section -> no score [S]; the limit
    # is a setting because sources differ.
    if ODI_SECTIONS - len(answered) > max_missing or not answered:
        return None
    # CLINICAL.md §4: index % = sum / (5 x sections answered) x 100.
    return _round_half_up(Fraction(sum(answered) * 100, ODI_SECTION_MAX * len(answered)), 1)


def odi_band(pct: float) -> str:
    """Disability band for an ODI percentage (see ``ODI_BANDS`` for edges)."""
    if not _is_number(pct) or not 0 <= pct <= 100:
        raise ValueError("The ODI score must be a number from 0 to 100.")
    # CLINICAL.md §4: 0-20 minimal, 21-40 moderate, 41-60 severe, 61-80
    # crippled, 81-100 bed-bound or exaggerating.
    for upper, label in ODI_BANDS[:-1]:
        if pct <= upper:
            return label
    return ODI_BANDS[-1][1]


# --- Zurich Claudication Questionnaire (CLINICAL.md §4) ---------------------

# CLINICAL.md §4: item counts and ranges per subscale (Stucki 1996).
ZCQ_SUBSCALES: dict[str, tuple[int, int, int, str]] = {
    # subscale: (items, lowest, highest, name a patient would read)
    "severity": (7, 1, 5, "symptom severity"),
    "function": (5, 1, 4, "physical function"),
    "satisfaction": (6, 1, 4, "satisfaction"),
}
# Not a CLINICAL.md rule: one blank item per subscale is tolerated by default,
# as is common practice for short subscale means; keep it a parameter.
ZCQ_DEFAULT_MAX_MISSING = 1


def score_zcq(
    answers: Mapping[str, Sequence[int | None] | None],
    *,
    max_missing: int = ZCQ_DEFAULT_MAX_MISSING,
) -> dict[str, float | None]:
    """Subscale means (higher = worse), each None when too many items are blank.

    ``severity`` and ``function`` are required. ``satisfaction`` is asked after
    treatment only (CLINICAL.md §4): when its key is absent or None it is left
    out of the result, which keeps "not asked" apart from "too many blanks".
    """
    if not isinstance(answers, Mapping):
        raise ValueError("The ZCQ answers are missing.")  # noqa: TRY004 (see _as_list)
    unknown = sorted(set(answers) - set(ZCQ_SUBSCALES))
    if unknown:
        raise ValueError(f"Unknown ZCQ part: {', '.join(map(str, unknown))}.")
    if not _is_whole_number(max_missing) or max_missing < 0:
        raise ValueError("The number of missing ZCQ items allowed must be 0 or more.")

    scores: dict[str, float | None] = {}
    for subscale, (count, lowest, highest, name) in ZCQ_SUBSCALES.items():
        items = answers.get(subscale)
        if items is None:
            if subscale == "satisfaction":
                continue
            raise ValueError(f"Please answer the ZCQ {name} questions.")
        items = _as_list(items, what=f"The ZCQ {name} part")
        if len(items) != count:
            raise ValueError(
                f"The ZCQ {name} part has exactly {count} questions; {len(items)} were given."
            )
        answered = [item for item in items if item is not None]
        for item in answered:
            if not _is_whole_number(item) or not lowest <= item <= highest:
                raise ValueError(
                    f"Each ZCQ {name} answer must be a whole number from {lowest} to "
                    f"{highest}, or left blank."
                )
        if count - len(answered) > max_missing or not answered:
            scores[subscale] = None
        else:
            # CLINICAL.md §4: each subscale score is the mean of its items.
            scores[subscale] = _round_half_up(Fraction(sum(answered), len(answered)), 2)
    return scores


# --- Spinal stenosis screening quiz, SSHQ (CLINICAL.md §5) ------------------

SSHQ_ITEMS = 10


def _sshq_answers(answers: Any) -> list[bool]:
    items = _as_list(answers, what="The stenosis quiz")
    if len(items) != SSHQ_ITEMS:
        raise ValueError(f"The stenosis quiz has exactly 10 questions; {len(items)} were given.")
    if any(item is None for item in items):
        raise ValueError("Please answer all 10 questions of the stenosis quiz.")
    if not all(isinstance(item, bool) for item in items):
        raise ValueError("Each stenosis quiz answer must be yes or no.")
    return items


def score_sshq(answers: Sequence[bool]) -> bool:
    """True when the answers suggest lumbar spinal stenosis (Konno 2007).

    A screening result: the result page says "talk to your clinician", never
    "you have stenosis" (CLINICAL.md §5, NASS 2011).
    """
    items = _sshq_answers(answers)
    core_yes = sum(items[0:4])  # items 1-4
    other_yes = sum(items[4:10])  # items 5-10
    # CLINICAL.md §5: items 1-4 all yes, OR at least 2 of items 1-4 and at
    # least 3 of items 5-10.
    return core_yes == 4 or (core_yes >= 2 and other_yes >= 3)


def sshq_bladder_red_flag(answers: Sequence[bool]) -> bool:
    """True when item 10 (walking brings on an urge to urinate) is yes."""
    # CLINICAL.md §5: item 10 with any red-flag bladder symptom routes to the
    # red-flag flow (CLINICAL.md §6); the UI asks the follow-up questions.
    return _sshq_answers(answers)[9]


# --- Pain and function scales (CLINICAL.md §4) ------------------------------

PSFS_MAX_ACTIVITIES = 5


def score_psfs(ratings: Sequence[int]) -> float:
    """Patient-Specific Functional Scale: mean of 1 to 5 activity ratings."""
    items = _as_list(ratings, what="The activity ratings")
    # CLINICAL.md §4: the patient names up to 5 activities.
    if not 1 <= len(items) <= PSFS_MAX_ACTIVITIES:
        raise ValueError("Please rate between 1 and 5 activities.")
    for item in items:
        # CLINICAL.md §4: each rated 0 (unable) to 10 (as before the problem).
        if not _is_whole_number(item) or not 0 <= item <= 10:
            raise ValueError("Each activity rating must be a whole number from 0 to 10.")
    # CLINICAL.md §4: score = mean.
    return _round_half_up(Fraction(sum(items), len(items)), 1)


def score_nprs(value: int) -> int:
    """Validate a 0-10 pain rating (CLINICAL.md §4) and return it."""
    if not _is_whole_number(value) or not 0 <= value <= 10:
        raise ValueError("Pain must be a whole number from 0 to 10.")
    return value


# --- Meaningful change (CLINICAL.md §4) -------------------------------------

# CLINICAL.md §4: 2 points (Ostelo 2008 [V]: 2 points or 30 %); 2 points is
# the product's marker [C].
NPRS_MEANINGFUL_CHANGE = 2
# CLINICAL.md §4: 10 points (Ostelo 2008 [V]: 10 points or 30 %).
ODI_MEANINGFUL_CHANGE = 10
# CLINICAL.md §4: about 2 points on the mean [S: verify].
PSFS_MEANINGFUL_CHANGE = 2
# CLINICAL.md §4: nonsurgical MCID for ZCQ symptom severity (Minetama 2019 [V]).
ZCQ_SEVERITY_MCID = 0.36
# CLINICAL.md §4: Self-Paced Walking Test, 30 % more distance (Ammendolia 2018 [V]).
SPWT_MEANINGFUL_CHANGE_PCT = 30


@dataclass(frozen=True)
class _ChangeRule:
    threshold: float
    relative: bool  # threshold is a percentage of baseline, not points
    higher_is_better: bool
    lowest: float
    highest: float | None
    name: str


_CHANGE_RULES: dict[str, _ChangeRule] = {
    "nprs": _ChangeRule(NPRS_MEANINGFUL_CHANGE, False, False, 0, 10, "Pain"),
    "odi": _ChangeRule(ODI_MEANINGFUL_CHANGE, False, False, 0, 100, "The ODI score"),
    "psfs": _ChangeRule(PSFS_MEANINGFUL_CHANGE, False, True, 0, 10, "The activity score"),
    "zcq_severity": _ChangeRule(ZCQ_SEVERITY_MCID, False, False, 1, 5, "The ZCQ severity score"),
    "spwt": _ChangeRule(SPWT_MEANINGFUL_CHANGE_PCT, True, True, 0, None, "Walking distance"),
}
MEANINGFUL_CHANGE_MEASURES = tuple(_CHANGE_RULES)


def _exact(value: float) -> Fraction:
    # Through str so 2.64 means 2.64, not its binary neighbour: 3.0 -> 2.64 is
    # exactly the 0.36 ZCQ MCID.
    return Fraction(str(value))


def is_meaningful_change(measure_code: str, baseline: float, current: float) -> bool:
    """True when ``current`` is a meaningful IMPROVEMENT on ``baseline``.

    Direction follows the measure: lower is better for ``nprs``, ``odi`` and
    ``zcq_severity``; higher is better for ``psfs`` and ``spwt`` (distance).
    A change of exactly the threshold counts. Worsening returns False.
    """
    rule = _CHANGE_RULES.get(measure_code)
    if rule is None:
        raise ValueError(f"Unknown measure: {measure_code!r}.")
    for value in (baseline, current):
        if (
            not _is_number(value)
            or value < rule.lowest
            or (rule.highest is not None and value > rule.highest)
        ):
            upper = f" to {rule.highest:g}" if rule.highest is not None else " or more"
            raise ValueError(f"{rule.name} must be a number from {rule.lowest:g}{upper}.")
    change = _exact(current) - _exact(baseline)
    if not rule.higher_is_better:
        change = -change
    if rule.relative:
        if baseline == 0:
            raise ValueError(f"{rule.name} at baseline must be more than 0 to compare.")
        change = change * 100 / _exact(baseline)
    return change >= _exact(rule.threshold)

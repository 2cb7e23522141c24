"""Scoring and interpretation rules for Stride's assessments.

Pure functions over plain data: no ORM and no Django imports, so this module
imports the same with or without ``django.setup()``. Every clinical rule names
the section of docs/clinical-rules.md it comes from; see that file for the
sources and for which values are clinic-configurable defaults [C] rather than
evidence. Clinic settings reach these functions as parameters (defaults = the
published values), never by reading the database.

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
from decimal import Decimal
from fractions import Fraction
from typing import Any

__all__ = [
    "CART_MIN_HEIGHT_IN",
    "CART_SAME_TIME_PCT",
    "CRITERION_EARLIER_ONSET_LEVEL",
    "CRITERION_LONGER_RECOVERY_LEVEL",
    "CRITERION_LONGER_TOTAL_INCLINE",
    "NPRS_MEANINGFUL_CHANGE",
    "ODI_BANDS",
    "ODI_MEANINGFUL_CHANGE",
    "ODI_MEANINGFUL_CHANGE_PCT",
    "ODI_PLAIN_WORDS",
    "OUTCOME_INCONCLUSIVE",
    "OUTCOME_MIXED",
    "OUTCOME_NEGATIVE",
    "OUTCOME_POSITIVE",
    "PSFS_MEANINGFUL_CHANGE",
    "SHOPPING_CART_STRONG_PCT",
    "SPWT_MEANINGFUL_CHANGE_PCT",
    "STOP_REASONS",
    "WALKER_MIN_HEIGHT_IN",
    "ZCQ_SEVERITY_MCID",
    "ShoppingCartResult",
    "TreadmillResult",
    "interpret_shopping_cart",
    "interpret_two_stage_treadmill",
    "is_meaningful_change",
    "meaningful_change_points",
    "odi_band",
    "odi_band_plain",
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


# --- Two-Stage Treadmill Test (docs/clinical-rules.md §2) --------------------

# docs/clinical-rules.md §2: each stage runs up to 10 minutes.
TREADMILL_STAGE_LIMIT_S = 600

CRITERION_EARLIER_ONSET_LEVEL = "earlier_onset_level"
CRITERION_LONGER_RECOVERY_LEVEL = "longer_recovery_level"
CRITERION_LONGER_TOTAL_INCLINE = "longer_total_incline"
TREADMILL_CRITERIA = (
    CRITERION_EARLIER_ONSET_LEVEL,
    CRITERION_LONGER_RECOVERY_LEVEL,
    CRITERION_LONGER_TOTAL_INCLINE,
)
# The letters docs/clinical-rules.md §2 gives the criteria, for "criteria met: a, c".
CRITERION_LETTERS = {
    CRITERION_EARLIER_ONSET_LEVEL: "a",
    CRITERION_LONGER_RECOVERY_LEVEL: "b",
    CRITERION_LONGER_TOTAL_INCLINE: "c",
}

# Why a stage stopped (docs/clinical-rules.md §2). A blank reason means "not recorded" and
# is read as before the rule on "another reason" existed: the stage counts.
STOP_TIME_LIMIT = "time_limit"
STOP_SYMPTOMS = "symptoms"
STOP_OTHER = "other"
STOP_REASONS = (STOP_TIME_LIMIT, STOP_SYMPTOMS, STOP_OTHER)

# The directions in which the incline was worse than level walking (the opposite of
# criteria a and c), shown when the result is mixed.
AGAINST_EARLIER_ONSET_INCLINE = "earlier_onset_incline"
AGAINST_LONGER_TOTAL_LEVEL = "longer_total_level"

OUTCOME_POSITIVE = "positive"
OUTCOME_NEGATIVE = "negative"
OUTCOME_INCONCLUSIVE = "inconclusive"
OUTCOME_MIXED = "mixed"

_STAGE_NAMES = {"level": "level", "incline": "inclined"}


@dataclass(frozen=True)
class TreadmillStage:
    onset_s: int | None
    total_s: int
    recovery_s: int | None
    stop_reason: str | None = None


@dataclass(frozen=True)
class TreadmillResult:
    """Outcome of the two-stage treadmill test.

    ``criteria`` holds the criteria met. ``not_assessed`` holds criteria that could not be
    checked because an answer was missing (the recovery criterion, see
    ``_recovery_for_comparison``). ``unsupported`` holds criteria a and c when a stage in
    ``stopped_other`` stopped for another reason. ``against`` holds the directions in which
    the incline was worse (``AGAINST_*``).

    Exactly one outcome: ``positive`` (consistent with LSS), ``mixed`` (criterion b alone
    while the incline was worse on onset and on total time), ``inconclusive`` (a stage
    stopped for another reason and no remaining criterion was met) or negative.
    """

    positive: bool
    criteria: frozenset[str]
    not_assessed: frozenset[str] = frozenset()
    inconclusive: bool = False
    mixed: bool = False
    unsupported: frozenset[str] = frozenset()
    stopped_other: tuple[str, ...] = ()
    against: frozenset[str] = frozenset()

    def __post_init__(self):
        if sum((self.positive, self.inconclusive, self.mixed)) > 1:
            raise ValueError("A treadmill result is one of positive, mixed or inconclusive.")

    @property
    def outcome(self) -> str:
        if self.positive:
            return OUTCOME_POSITIVE
        if self.mixed:
            return OUTCOME_MIXED
        if self.inconclusive:
            return OUTCOME_INCONCLUSIVE
        return OUTCOME_NEGATIVE

    @property
    def criteria_letters(self) -> str:
        """The criteria met as docs/clinical-rules.md §2 letters them: "a, c" ("" for none)."""
        return ", ".join(CRITERION_LETTERS[c] for c in TREADMILL_CRITERIA if c in self.criteria)

    @property
    def headline(self) -> str:
        """The result in one line, for the result page and the report."""
        return _TREADMILL_HEADLINES[self.outcome]

    @property
    def summary(self) -> str:
        """The result in a few lower-case words, for tables and the patient summary."""
        if self.outcome == OUTCOME_POSITIVE:
            count = len(self.criteria)
            return f"consistent with stenosis ({count} of 3 criteria: {self.criteria_letters})"
        return _TREADMILL_SUMMARIES[self.outcome]


# docs/clinical-rules.md §2: "consistent with", never "diagnostic of" (Oguz 2007).
_TREADMILL_HEADLINES = {
    OUTCOME_POSITIVE: "Positive: consistent with lumbar spinal stenosis",
    OUTCOME_NEGATIVE: "Negative: no criterion met",
    OUTCOME_INCONCLUSIVE: "Inconclusive: repeat the test",
    OUTCOME_MIXED: "Mixed: recovery points towards stenosis, the incline points away",
}
_TREADMILL_SUMMARIES = {
    OUTCOME_NEGATIVE: "no criterion met",
    OUTCOME_INCONCLUSIVE: "inconclusive: repeat the test",
    OUTCOME_MIXED: "mixed: recovery only (criterion b), incline worse on onset and total time",
}


def _treadmill_stage(source: Any, *, stage: str) -> TreadmillStage:
    if source is None:
        raise ValueError(f"{stage}: the results for this stage are missing.")
    onset_s = _field(source, "onset_s")
    total_s = _field(source, "total_s")
    recovery_s = _field(source, "recovery_s")
    stop_reason = _field(source, "stop_reason") or None

    if total_s is None:
        raise ValueError(f"{stage}: please enter the total walking time.")
    if not _is_whole_number(total_s) or total_s < 0:
        raise ValueError(f"{stage}: total walking time must be a whole number of seconds.")
    # docs/clinical-rules.md §2: a stage stops at the 10-minute limit.
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
    if stop_reason is not None and stop_reason not in STOP_REASONS:
        raise ValueError(
            f"{stage}: why the walk stopped must be the time limit, symptoms or another "
            "reason (or left blank if it was not recorded)."
        )
    return TreadmillStage(
        onset_s=onset_s, total_s=total_s, recovery_s=recovery_s, stop_reason=stop_reason
    )


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

    ``level`` and ``incline`` may be dicts or objects with ``onset_s`` (None = no
    symptoms), ``total_s``, ``recovery_s`` and optionally ``stop_reason`` (one of
    ``STOP_REASONS``; blank = not recorded).
    """
    level_stage = _treadmill_stage(level, stage="Level walking")
    incline_stage = _treadmill_stage(incline, stage="Inclined walking")
    criteria: set[str] = set()
    not_assessed: set[str] = set()
    unsupported: set[str] = set()
    against: set[str] = set()

    # docs/clinical-rules.md §2 [C]: a stage stopped for another reason (fatigue, a phone
    # call, the belt) cannot support criteria a or c: its onset and total time say nothing
    # about symptoms, and each of those criteria compares both stages.
    stopped_other = tuple(
        name
        for name, stage in (("level", level_stage), ("incline", incline_stage))
        if stage.stop_reason == STOP_OTHER
    )
    if stopped_other:
        unsupported = {CRITERION_EARLIER_ONSET_LEVEL, CRITERION_LONGER_TOTAL_INCLINE}
    else:
        # docs/clinical-rules.md §2 criterion a: symptoms start earlier on level than on the
        # incline. No symptoms on the incline counts as later; no symptoms on the level
        # stage means the criterion is not met.
        if level_stage.onset_s is not None and (
            incline_stage.onset_s is None or level_stage.onset_s < incline_stage.onset_s
        ):
            criteria.add(CRITERION_EARLIER_ONSET_LEVEL)
        # docs/clinical-rules.md §2 criterion c: total walking time is longer on the incline.
        if incline_stage.total_s > level_stage.total_s:
            criteria.add(CRITERION_LONGER_TOTAL_INCLINE)
        # The opposite directions, for a mixed result.
        if incline_stage.onset_s is not None and (
            level_stage.onset_s is None or incline_stage.onset_s < level_stage.onset_s
        ):
            against.add(AGAINST_EARLIER_ONSET_INCLINE)
        if incline_stage.total_s < level_stage.total_s:
            against.add(AGAINST_LONGER_TOTAL_LEVEL)

    # docs/clinical-rules.md §2 criterion b: recovery takes longer after level walking.
    level_recovery = _recovery_for_comparison(level_stage)
    incline_recovery = _recovery_for_comparison(incline_stage)
    if level_recovery is None or incline_recovery is None:
        not_assessed.add(CRITERION_LONGER_RECOVERY_LEVEL)
    elif level_recovery > incline_recovery:
        criteria.add(CRITERION_LONGER_RECOVERY_LEVEL)

    # docs/clinical-rules.md §2 [C]: the incline worse on both onset and total time while
    # recovery alone meets criterion b is "mixed", not a bare positive.
    mixed = criteria == {CRITERION_LONGER_RECOVERY_LEVEL} and against == {
        AGAINST_EARLIER_ONSET_INCLINE,
        AGAINST_LONGER_TOTAL_LEVEL,
    }
    # docs/clinical-rules.md §2 [C]: with a stage stopped for another reason and no
    # remaining criterion met, the result is inconclusive: never negative, never positive.
    inconclusive = bool(stopped_other) and not criteria
    # docs/clinical-rules.md §2: otherwise positive if ANY criterion is met.
    return TreadmillResult(
        positive=bool(criteria) and not mixed,
        criteria=frozenset(criteria),
        not_assessed=frozenset(not_assessed),
        inconclusive=inconclusive,
        mixed=mixed,
        unsupported=frozenset(unsupported),
        stopped_other=stopped_other,
        against=frozenset(against),
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
_TREADMILL_UNSUPPORTED = {
    CRITERION_EARLIER_ONSET_LEVEL: "When symptoms started could not be compared",
    CRITERION_LONGER_TOTAL_INCLINE: "Total walking time could not be compared",
}
_TREADMILL_AGAINST = {
    AGAINST_EARLIER_ONSET_INCLINE: (
        "Against: symptoms started earlier on the incline than on level walking."
    ),
    AGAINST_LONGER_TOTAL_LEVEL: (
        "Against: total walking time was shorter on the incline than on the level."
    ),
}


def _stopped_other_text(stages: tuple[str, ...]) -> str:
    """ "the level stage stopped for another reason (...)", lower-case first letter."""
    names = " and ".join(f"the {_STAGE_NAMES[name]}" for name in stages)
    stage_word = "stages" if len(stages) > 1 else "stage"
    return f"{names} {stage_word} stopped for another reason (not symptoms, not the time limit)"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def treadmill_sentences(result: TreadmillResult) -> list[str]:
    """Plain-language sentences: one per criterion, the opposite directions when the result
    is mixed, then the overall reading."""
    sentences = []
    for criterion in TREADMILL_CRITERIA:
        if criterion in result.criteria:
            sentences.append(_TREADMILL_MET[criterion])
        elif criterion in result.unsupported:
            sentences.append(
                f"{_TREADMILL_UNSUPPORTED[criterion]}: {_stopped_other_text(result.stopped_other)}."
            )
        elif criterion in result.not_assessed:
            sentences.append(_TREADMILL_NOT_ASSESSED[criterion])
        else:
            sentences.append(_TREADMILL_NOT_MET[criterion])
    # docs/clinical-rules.md §2: the test supports, not makes, a diagnosis (Oguz 2007), so
    # the wording is "consistent with", never "diagnostic of".
    if result.mixed:
        sentences.extend(
            _TREADMILL_AGAINST[direction]
            for direction in (AGAINST_EARLIER_ONSET_INCLINE, AGAINST_LONGER_TOTAL_LEVEL)
        )
        sentences.append(
            "Mixed result: only the longer recovery after level walking (criterion b) is "
            "consistent with lumbar spinal stenosis, while the incline was worse on both "
            "onset and total walking time, which points the other way. Read it as mixed, "
            "not as a positive result."
        )
    elif result.inconclusive:
        sentences.append(
            f"{_capitalised(_stopped_other_text(result.stopped_other))}, and no other "
            "criterion was met, "
            "so the result is inconclusive: repeat the test. It is neither positive nor "
            "negative."
        )
    elif result.positive:
        sentences.append(
            f"Criteria met: {result.criteria_letters}. At least one criterion was met, so the "
            "result is consistent with lumbar spinal stenosis. It supports a diagnosis but "
            "does not make one."
        )
    else:
        sentences.append(
            "No criterion was met, so this test does not point to lumbar spinal stenosis. "
            "A negative result does not rule it out."
        )
    return sentences


# --- Shopping cart test (docs/clinical-rules.md §3) --------------------------

# docs/clinical-rules.md §3: more than 75 % improvement with the cart is "strongly
# consistent with neurogenic claudication" [C threshold taken from the Diabetes Care 2003
# letter]; a clinic setting, passed in as `strong_pct`.
SHOPPING_CART_STRONG_PCT = 75
# docs/clinical-rules.md §3: a standard cart handle (42") may not produce flexion in
# patients under 5'4"; a walker (34") under 5'2". Clinic settings, in inches.
CART_MIN_HEIGHT_IN = 64
WALKER_MIN_HEIGHT_IN = 62
# docs/clinical-rules.md §3 [C]: relief also counts when walking time is "about the same"
# and worst pain with support is at least 2 points lower (the NPRS meaningful change, §4).
# "About the same" is Stride's choice: the time with support within 10 % of the time
# without it, either way, compared on the rounded percentage shown (-10.0 and +10.0 count).
CART_SAME_TIME_PCT = 10
CART_PAIN_RELIEF_POINTS = 2

SUPPORT_CART = "cart"
SUPPORT_WALKER = "walker"
RELIEF_TIME = "time"
RELIEF_PAIN = "pain"


@dataclass(frozen=True)
class ShoppingCartResult:
    """Outcome of the shopping cart test, with the clinic settings it was read with.

    ``relief_by`` says why there was relief: ``"time"`` (walked longer with support) and/or
    ``"pain"`` (about the same time, worst pain at least 2 points lower). ``pain_drop`` is
    worst pain without minus with support (None when either was not recorded).
    ``short_for_support`` is None when the patient's height was not recorded.
    """

    improvement_pct: float
    relief: bool
    strong: bool
    relief_by: frozenset[str] = frozenset()
    pain_drop: int | None = None
    time_about_same: bool = False
    support: str = SUPPORT_CART
    strong_pct: float = SHOPPING_CART_STRONG_PCT
    height_cutoff_in: float = CART_MIN_HEIGHT_IN
    short_for_support: bool | None = None

    @property
    def headline(self) -> str:
        if RELIEF_TIME in self.relief_by:
            return f"Relief with support: walked {self.improvement_pct} % longer"
        if RELIEF_PAIN in self.relief_by:
            return (
                f"Relief with support: about the same walking time ({self.improvement_pct} %), "
                f"worst pain {self.pain_drop} points lower"
            )
        return f"No relief with support ({self.improvement_pct} %)"


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
    # Peak pain is optional: without it on both walks, only walking time decides relief.
    if pain_peak is not None and (not _is_whole_number(pain_peak) or not 0 <= pain_peak <= 10):
        raise ValueError(f"{label}: peak pain must be a whole number from 0 to 10.")
    return walk_s, onset_s, pain_peak


def _positive_number(value: Any, *, what: str) -> Fraction:
    # Decimal comes from the database; through str so 162.6 means 162.6.
    if isinstance(value, Decimal):
        value = Fraction(str(value))
    if isinstance(value, Fraction):
        if value > 0:
            return value
    elif _is_number(value) and value > 0:
        return Fraction(str(value))
    raise ValueError(f"{what} must be a number more than 0.")


def interpret_shopping_cart(
    without: Any,
    with_support: Any,
    *,
    support: str = SUPPORT_CART,
    patient_height_in: Any = None,
    strong_pct: Any = SHOPPING_CART_STRONG_PCT,
    cart_min_height_in: Any = CART_MIN_HEIGHT_IN,
    walker_min_height_in: Any = WALKER_MIN_HEIGHT_IN,
) -> ShoppingCartResult:
    """Compare walking time (and worst pain) without and with a cart or wheeled walker.

    The thresholds are the clinic's settings (docs/clinical-rules.md §3), defaulting to the
    published ones. ``relief`` and ``strong`` follow the rounded percentage, so the screen
    never shows "75.0 %" next to "strong". ``patient_height_in`` (inches, None = not
    recorded) is compared with the cut-off of the support used: the cart's or the walker's.
    """
    without_s, _, without_pain = _cart_walk(without, label="Walk without support")
    with_s, _, with_pain = _cart_walk(with_support, label="Walk with support")
    if without_s == 0:
        raise ValueError(
            "Walk without support: walking time must be more than 0 seconds "
            "to compare the two walks."
        )
    if support not in (SUPPORT_CART, SUPPORT_WALKER):
        raise ValueError("The support must be a shopping cart or a wheeled walker.")
    strong_at = _positive_number(strong_pct, what="The improvement that counts as strong")
    cutoff = _positive_number(
        cart_min_height_in if support == SUPPORT_CART else walker_min_height_in,
        what="The height cut-off",
    )
    height = (
        None
        if patient_height_in is None
        else _positive_number(patient_height_in, what="The patient's height")
    )

    # docs/clinical-rules.md §3: compare uninterrupted walking time without and with support.
    improvement_pct = _round_half_up(Fraction((with_s - without_s) * 100, without_s), 1)
    about_same = -CART_SAME_TIME_PCT <= improvement_pct <= CART_SAME_TIME_PCT
    pain_drop = (
        without_pain - with_pain if without_pain is not None and with_pain is not None else None
    )
    relief_by = set()
    # docs/clinical-rules.md §3: "relief with support" = walked longer with support ...
    if improvement_pct > 0:
        relief_by.add(RELIEF_TIME)
    # ... or about the same time with worst pain at least 2 points lower [C].
    if about_same and pain_drop is not None and pain_drop >= CART_PAIN_RELIEF_POINTS:
        relief_by.add(RELIEF_PAIN)
    return ShoppingCartResult(
        improvement_pct=improvement_pct,
        relief=bool(relief_by),
        # docs/clinical-rules.md §3: > 75 % (the clinic's setting) flags strong consistency.
        strong=improvement_pct > strong_at,
        relief_by=frozenset(relief_by),
        pain_drop=pain_drop,
        time_about_same=about_same,
        support=support,
        strong_pct=_plain(strong_at),
        height_cutoff_in=_plain(cutoff),
        # docs/clinical-rules.md §3: "under 5'4"" (or 5'2"): exactly at the cut-off is not short.
        short_for_support=None if height is None else height < cutoff,
    )


def _plain(value: Fraction) -> float | int:
    return int(value) if value.denominator == 1 else float(value)


# --- Oswestry Disability Index (docs/clinical-rules.md §4) -----------------------------

ODI_SECTIONS = 10
ODI_SECTION_MAX = 5

# docs/clinical-rules.md §4 ODI bands, by inclusive upper bound. Published bands are
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
# docs/clinical-rules.md §4: the Fairbank names are for clinicians' reports only; patients
# see their score with these plain words, band for band.
ODI_PLAIN_WORDS: dict[str, str] = {
    "minimal": "minimal",
    "moderate": "moderate",
    "severe": "severe",
    "crippled": "very severe",
    "bed-bound or exaggerating": "extreme",
}


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
    # docs/clinical-rules.md §4: more than one missing section -> no score [S]; the limit
    # is a setting because sources differ.
    if ODI_SECTIONS - len(answered) > max_missing or not answered:
        return None
    # docs/clinical-rules.md §4: index % = sum / (5 x sections answered) x 100.
    return _round_half_up(Fraction(sum(answered) * 100, ODI_SECTION_MAX * len(answered)), 1)


def _check_odi_pct(pct: float) -> None:
    if not _is_number(pct) or not 0 <= pct <= 100:
        raise ValueError("The ODI score must be a number from 0 to 100.")


def odi_band(pct: float) -> str:
    """Fairbank disability band for an ODI percentage (see ``ODI_BANDS`` for edges).

    For clinicians' pages and reports only: patients see ``odi_band_plain``.
    """
    _check_odi_pct(pct)
    # docs/clinical-rules.md §4: 0-20 minimal, 21-40 moderate, 41-60 severe, 61-80
    # crippled, 81-100 bed-bound or exaggerating.
    for upper, label in ODI_BANDS[:-1]:
        if pct <= upper:
            return label
    return ODI_BANDS[-1][1]


def odi_band_plain(pct: float) -> str:
    """The same band in the words a patient is shown (docs/clinical-rules.md §4): minimal,
    moderate, severe, very severe, extreme. Never "crippled" or "bed-bound or exaggerating"."""
    return ODI_PLAIN_WORDS[odi_band(pct)]


# --- Zurich Claudication Questionnaire (docs/clinical-rules.md §4) ---------------------

# docs/clinical-rules.md §4: item counts and ranges per subscale (Stucki 1996).
ZCQ_SUBSCALES: dict[str, tuple[int, int, int, str]] = {
    # subscale: (items, lowest, highest, name a patient would read)
    "severity": (7, 1, 5, "symptom severity"),
    "function": (5, 1, 4, "physical function"),
    "satisfaction": (6, 1, 4, "satisfaction"),
}
# Not a docs/clinical-rules.md rule: one blank item per subscale is tolerated by default,
# as is common practice for short subscale means; keep it a parameter.
ZCQ_DEFAULT_MAX_MISSING = 1


def score_zcq(
    answers: Mapping[str, Sequence[int | None] | None],
    *,
    max_missing: int = ZCQ_DEFAULT_MAX_MISSING,
) -> dict[str, float | None]:
    """Subscale means (higher = worse), each None when too many items are blank.

    ``severity`` and ``function`` are required. ``satisfaction`` is asked after
    treatment only (docs/clinical-rules.md §4): when its key is absent or None it is left
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
            # docs/clinical-rules.md §4: each subscale score is the mean of its items.
            scores[subscale] = _round_half_up(Fraction(sum(answered), len(answered)), 2)
    return scores


# --- Spinal stenosis screening quiz, SSHQ (docs/clinical-rules.md §5) ------------------

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
    "you have stenosis" (docs/clinical-rules.md §5, NASS 2011).
    """
    items = _sshq_answers(answers)
    core_yes = sum(items[0:4])  # items 1-4
    other_yes = sum(items[4:10])  # items 5-10
    # docs/clinical-rules.md §5: items 1-4 all yes, OR at least 2 of items 1-4 and at
    # least 3 of items 5-10.
    return core_yes == 4 or (core_yes >= 2 and other_yes >= 3)


def sshq_bladder_red_flag(answers: Sequence[bool]) -> bool:
    """True when item 10 (walking brings on an urge to urinate) is yes."""
    # docs/clinical-rules.md §5: item 10 with any red-flag bladder symptom routes to the
    # red-flag flow (docs/clinical-rules.md §6); the UI asks the follow-up questions.
    return _sshq_answers(answers)[9]


# --- Pain and function scales (docs/clinical-rules.md §4) ------------------------------

PSFS_MAX_ACTIVITIES = 5


def score_psfs(ratings: Sequence[int]) -> float:
    """Patient-Specific Functional Scale: mean of 1 to 5 activity ratings."""
    items = _as_list(ratings, what="The activity ratings")
    # docs/clinical-rules.md §4: the patient names up to 5 activities.
    if not 1 <= len(items) <= PSFS_MAX_ACTIVITIES:
        raise ValueError("Please rate between 1 and 5 activities.")
    for item in items:
        # docs/clinical-rules.md §4: each rated 0 (unable) to 10 (as before the problem).
        if not _is_whole_number(item) or not 0 <= item <= 10:
            raise ValueError("Each activity rating must be a whole number from 0 to 10.")
    # docs/clinical-rules.md §4: score = mean.
    return _round_half_up(Fraction(sum(items), len(items)), 1)


def score_nprs(value: int) -> int:
    """Validate a 0-10 pain rating (docs/clinical-rules.md §4) and return it."""
    if not _is_whole_number(value) or not 0 <= value <= 10:
        raise ValueError("Pain must be a whole number from 0 to 10.")
    return value


# --- Meaningful change (docs/clinical-rules.md §4) ---------------------------

# docs/clinical-rules.md §4: 2 points (Ostelo 2008 [V]: 2 points or 30 %); 2 points is
# the product's marker [C].
NPRS_MEANINGFUL_CHANGE = 2
# docs/clinical-rules.md §4: 10 points or 30 % of the baseline, whichever comes first
# (Ostelo 2008 [V]).
ODI_MEANINGFUL_CHANGE = 10
ODI_MEANINGFUL_CHANGE_PCT = 30
# docs/clinical-rules.md §4: about 2 points on the mean [S: verify].
PSFS_MEANINGFUL_CHANGE = 2
# docs/clinical-rules.md §4: nonsurgical MCID for ZCQ symptom severity (Minetama 2019 [V]).
ZCQ_SEVERITY_MCID = 0.36
# docs/clinical-rules.md §4: Self-Paced Walking Test, 30 % more distance (Ammendolia 2018).
SPWT_MEANINGFUL_CHANGE_PCT = 30


@dataclass(frozen=True)
class _ChangeRule:
    threshold: float
    relative: bool  # threshold is a percentage of baseline, not points
    higher_is_better: bool
    lowest: float
    highest: float | None
    name: str
    # A second threshold, as a percentage of the baseline: whichever of the two is
    # reached first (the smaller change) counts.
    or_pct_of_baseline: float | None = None


_CHANGE_RULES: dict[str, _ChangeRule] = {
    "nprs": _ChangeRule(NPRS_MEANINGFUL_CHANGE, False, False, 0, 10, "Pain"),
    "odi": _ChangeRule(
        ODI_MEANINGFUL_CHANGE,
        False,
        False,
        0,
        100,
        "The ODI score",
        or_pct_of_baseline=ODI_MEANINGFUL_CHANGE_PCT,
    ),
    "psfs": _ChangeRule(PSFS_MEANINGFUL_CHANGE, False, True, 0, 10, "The activity score"),
    "zcq_severity": _ChangeRule(ZCQ_SEVERITY_MCID, False, False, 1, 5, "The ZCQ severity score"),
    "spwt": _ChangeRule(SPWT_MEANINGFUL_CHANGE_PCT, True, True, 0, None, "Walking distance"),
}
MEANINGFUL_CHANGE_MEASURES = tuple(_CHANGE_RULES)


def _exact(value: float) -> Fraction:
    # Through str so 2.64 means 2.64, not its binary neighbour: 3.0 -> 2.64 is
    # exactly the 0.36 ZCQ MCID.
    return Fraction(str(value))


def _change_rule(measure_code: str) -> _ChangeRule:
    rule = _CHANGE_RULES.get(measure_code)
    if rule is None:
        raise ValueError(f"Unknown measure: {measure_code!r}.")
    return rule


def _check_change_value(rule: _ChangeRule, value: float) -> None:
    if (
        not _is_number(value)
        or value < rule.lowest
        or (rule.highest is not None and value > rule.highest)
    ):
        upper = f" to {rule.highest:g}" if rule.highest is not None else " or more"
        raise ValueError(f"{rule.name} must be a number from {rule.lowest:g}{upper}.")


def _threshold_points(rule: _ChangeRule, baseline: float) -> Fraction:
    if rule.relative:
        if baseline == 0:
            raise ValueError(f"{rule.name} at baseline must be more than 0 to compare.")
        return _exact(rule.threshold) * _exact(baseline) / 100
    points = _exact(rule.threshold)
    if rule.or_pct_of_baseline is not None:
        points = min(points, _exact(rule.or_pct_of_baseline) * _exact(baseline) / 100)
    return points


def meaningful_change_points(measure_code: str, baseline: float) -> float:
    """How far from ``baseline`` (in the measure's points) a meaningful improvement begins.

    ``odi``: 10 points or 30 % of the baseline, whichever is smaller (a baseline of 20
    needs a fall of 6). ``spwt``: 30 % of the baseline distance. Others: fixed points.
    """
    rule = _change_rule(measure_code)
    _check_change_value(rule, baseline)
    return float(_threshold_points(rule, baseline))


def is_meaningful_change(measure_code: str, baseline: float, current: float) -> bool:
    """True when ``current`` is a meaningful IMPROVEMENT on ``baseline``.

    Direction follows the measure: lower is better for ``nprs``, ``odi`` and
    ``zcq_severity``; higher is better for ``psfs`` and ``spwt`` (distance).
    A change of exactly the threshold counts; no change never does (an ODI
    baseline of 0 cannot improve). Worsening returns False.
    """
    rule = _change_rule(measure_code)
    for value in (baseline, current):
        _check_change_value(rule, value)
    change = _exact(current) - _exact(baseline)
    if not rule.higher_is_better:
        change = -change
    return change > 0 and change >= _threshold_points(rule, baseline)

"""Weekly walking-progression rule for a lumbar spinal stenosis plan.

Pure functions over plain data: no ORM, no Django. Callers pass any objects
with the right attributes (model instances, dataclasses, SimpleNamespace).

Every threshold here is a product default [C] from CLINICAL.md section 7, not
a published rule: there is no published weekly walking increase for LSS. The
result is a *suggestion*; the therapist approves it (CLINICAL.md section 7).

Choices made where CLINICAL.md is silent:

- Missing pain score (None): the session counts as logged (adherence) but
  cannot count as within target, and cannot count as over target either. We
  cannot show the pain nudge stayed safe, and we will not regress on a guess.
- "Back to within 1 point of before" means pain_after - pain_before <= 1;
  ending lower than before counts as recovered.
- Pain peak below pain before (odd, but possible on a form) gives a negative
  rise, which is within target. It is not an error.
- Only the pain rise counts towards "exceeded the target by more than 2
  points"; a slow recovery makes a session not within target but never
  triggers a regression on its own.
- Rounding: bouts are kept on a 0.5-minute grid. Progress rounds UP, so the
  new bout is at least +10 % and at least +1 min after rounding. Regress
  rounds DOWN, so the cut is at least 20 %, then the 2-minute floor applies
  (and a regression never lengthens a bout that was already under the floor).
  Merging rounds to the nearest 0.5 min, halves up.
- Merging (section 7, "When bouts reach 15 min, merge bouts before adding
  time"): on a progress week, if the bout is >= 15 min and there is more than
  one bout, the plan becomes (bouts - 1) bouts of
  round_half(bouts * bout_minutes / (bouts - 1)) minutes, so the minutes per
  session stay about the same. No time is added that week. A single bout at
  >= 15 min gets the ordinary +10 % / +1 min.
- Logs beyond sessions_per_week count as logged sessions (a patient may walk
  more); adherence caps at 100 %. The within-target share is taken over all
  logged sessions.
- All threshold comparisons use exact fractions, so exactly 80 % meets an
  80 % threshold.
- A red flag is checked before pain values are validated: a week with a red
  flag pauses even if a pain entry is out of range. Any other week with an
  out-of-range pain value raises ValueError.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from numbers import Real
from typing import Literal, Protocol

PROGRESS = "progress"
HOLD = "hold"
REGRESS = "regress"
PAUSE = "pause"

Decision = Literal["progress", "hold", "regress", "pause"]

PAIN_MIN = 0
PAIN_MAX = 10

# Bouts live on a half-minute grid: fine enough for a 2-minute bout, coarse
# enough for a patient to time with a phone.
MINUTE_STEP = Fraction(1, 2)


class PrescriptionLike(Protocol):
    sessions_per_week: int
    bouts_per_session: int
    bout_minutes: float


class WalkLogLike(Protocol):
    pain_before: int | None
    pain_peak: int | None
    pain_after: int | None
    flare_next_day: bool
    red_flag: bool


@dataclass(frozen=True)
class ProgressionRules:
    """A clinic's progression thresholds. Defaults: CLINICAL.md section 7 [C]."""

    # Share of prescribed sessions that must be logged to progress.
    min_adherence: float = 0.8
    # Share of logged sessions that must be within target to progress.
    min_within_target_share: float = 0.8
    # "Nudge the pain": peak may rise this many points above before (sections 1, 7).
    pain_rise_target: int = 2
    # After rest, pain must be back to within this many points of before.
    recovery_margin: int = 1
    # Progress: bout +10 %, and at least +1 min.
    progress_step: float = 0.10
    progress_min_minutes: float = 1.0
    # Regress: bout -20 %.
    regress_step: float = 0.20
    # Regress when this many sessions rose more than target + overshoot points.
    regress_overshoot: int = 2
    regress_min_sessions: int = 2
    # Merge bouts once they reach this length, before adding time.
    merge_at_minutes: float = 15.0
    # Shortest bout we ever prescribe (section 7 baseline bout minimum).
    min_bout_minutes: float = 2.0

    def __post_init__(self) -> None:
        for name in ("min_adherence", "min_within_target_share"):
            value = _exact(getattr(self, name), name)
            if not 0 < value <= 1:
                raise ValueError(f"{name} must be more than 0 and at most 1, got {value}.")
        if _exact(self.progress_step, "progress_step") < 0:
            raise ValueError("progress_step must be 0 or more.")
        if not 0 < _exact(self.regress_step, "regress_step") < 1:
            raise ValueError("regress_step must be more than 0 and less than 1.")
        for name in (
            "progress_min_minutes",
            "merge_at_minutes",
            "min_bout_minutes",
        ):
            if not _exact(getattr(self, name), name) > 0:
                raise ValueError(f"{name} must be more than 0.")
        for name in ("pain_rise_target", "recovery_margin", "regress_overshoot"):
            if not 0 <= _exact(getattr(self, name), name) <= PAIN_MAX:
                raise ValueError(f"{name} must be between 0 and {PAIN_MAX} pain points.")
        if not _is_int(self.regress_min_sessions) or self.regress_min_sessions < 1:
            raise ValueError("regress_min_sessions must be a whole number of at least 1.")


@dataclass(frozen=True)
class Prescription:
    """One week's walking dose: sessions a week, bouts a session, minutes a bout."""

    sessions_per_week: int
    bouts_per_session: int
    bout_minutes: float

    def __post_init__(self) -> None:
        for name in ("sessions_per_week", "bouts_per_session"):
            value = getattr(self, name)
            if not _is_int(value) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}.")
        minutes = self.bout_minutes
        if not _is_number(minutes) or not math.isfinite(minutes) or minutes <= 0:
            raise ValueError(f"bout_minutes must be a number above 0, got {minutes!r}.")


@dataclass(frozen=True)
class ProgressionSuggestion:
    decision: Decision
    prescription: Prescription
    reasons: list[str]


def pain_rise(log: WalkLogLike) -> int | None:
    """Peak pain minus pain before the walk; None when either is missing."""
    before = _pain(log, "pain_before")
    peak = _pain(log, "pain_peak")
    if before is None or peak is None:
        return None
    return peak - before


def session_within_target(log: WalkLogLike, rules: ProgressionRules | None = None) -> bool:
    """True when the walk nudged pain no more than the target and it settled after rest.

    CLINICAL.md section 7 [C]: peak - before <= 2 and after rest back to
    within 1 point of before. A missing pain value is never within target.
    """
    rules = ProgressionRules() if rules is None else rules
    rise = pain_rise(log)
    before = _pain(log, "pain_before")
    after = _pain(log, "pain_after")
    if rise is None or before is None or after is None:
        return False
    return rise <= rules.pain_rise_target and after - before <= rules.recovery_margin


def describe_prescription(prescription: PrescriptionLike) -> str:
    """Plain words for the patient, e.g. '3 walks of 6 minutes, rest bent forward between them'."""
    plan = _as_prescription(prescription)
    minutes = _minutes_text(plan.bout_minutes)
    unit = "minute" if plan.bout_minutes == 1 else "minutes"
    if plan.bouts_per_session == 1:
        return f"1 walk of {minutes} {unit}"
    # Section 1: rest by bending forward (flexion opens the canal).
    return f"{plan.bouts_per_session} walks of {minutes} {unit}, rest bent forward between them"


def suggest_progression(
    prescription: PrescriptionLike,
    logs: Iterable[WalkLogLike],
    *,
    rules: ProgressionRules | None = None,
) -> ProgressionSuggestion:
    """Suggest next week's prescription from this week's walk logs.

    Order of precedence: pause (red flag) > regress > progress > hold.
    The therapist approves the suggestion (CLINICAL.md section 7).
    """
    rules = ProgressionRules() if rules is None else rules
    current = _as_prescription(prescription)
    logs = list(logs)
    bout = _exact(current.bout_minutes, "bout_minutes")

    # CLINICAL.md section 6/7: any red flag pauses progression, ahead of
    # everything else. Checked before the pain values are validated so that a
    # bad pain entry can never hide a red flag.
    red_flags = sum(1 for log in logs if log.red_flag)
    if red_flags:
        return ProgressionSuggestion(
            decision=PAUSE,
            prescription=current,
            reasons=[
                (
                    f"A red flag was reported on {_plural(red_flags, 'session')} this week: "
                    "progression is paused until a clinician has reviewed it"
                ),
                f"pause: bout stays at {_minutes_text(bout)} min",
            ],
        )

    logged = len(logs)
    rises = [pain_rise(log) for log in logs]
    within = sum(1 for log in logs if session_within_target(log, rules))
    missing = sum(1 for log in logs if _has_missing_pain(log))
    flares = sum(1 for log in logs if log.flare_next_day)
    overshoot_limit = rules.pain_rise_target + rules.regress_overshoot
    # Section 7 [C]: "exceeded the target by more than 2 points" -> rise > 2 + 2.
    # A missing value cannot count here (see module docstring).
    over = sum(1 for rise in rises if rise is not None and rise > overshoot_limit)
    missing_note = []
    if missing:
        it = "it" if missing == 1 else "they"
        missing_note.append(
            f"{_plural(missing, 'session')} had a missing pain score, "
            f"so {it} could not count as within target"
        )

    # Section 7 [C]: regress when 2+ sessions went well past the target or a
    # next-day flare was reported.
    if over >= rules.regress_min_sessions or flares:
        reasons = []
        if over >= rules.regress_min_sessions:
            reasons.append(
                f"{_plural(over, 'session')} went more than {rules.regress_overshoot} points "
                f"past the +{rules.pain_rise_target} pain target"
            )
        if flares:
            reasons.append(f"Pain flared the next day after {_plural(flares, 'session')}")
        new_bout = _regressed_bout(bout, rules)
        if new_bout == bout:
            reasons.append(
                f"regress: bout stays at {_minutes_text(bout)} min "
                f"(the shortest bout is {_minutes_text(rules.min_bout_minutes)} min)"
            )
        else:
            reasons.append(f"regress: bout {_minutes_text(bout)} -> {_minutes_text(new_bout)} min")
        return ProgressionSuggestion(
            decision=REGRESS,
            prescription=_with_bout(current, new_bout),
            reasons=missing_note + reasons,
        )

    # Section 7 [C]: walks beyond the prescription count as logged (a patient
    # may walk more), but adherence caps at 100 %.
    adherence = Fraction(min(logged, current.sessions_per_week), current.sessions_per_week)
    min_adherence = _exact(rules.min_adherence, "min_adherence")
    min_share = _exact(rules.min_within_target_share, "min_within_target_share")
    adherence_ok = adherence >= min_adherence
    share_ok = logged > 0 and Fraction(within, logged) >= min_share

    # Section 7 [C]: progress when >= 80 % logged, >= 80 % of those within
    # target, and no flare (flares already returned above as regress).
    if adherence_ok and share_ok:
        summary = (
            f"{logged} of {current.sessions_per_week} sessions logged, {within} within the "
            f"+{rules.pain_rise_target} pain target, no flare"
        )
        new_plan = _progressed(current, bout, rules)
        if new_plan.bouts_per_session < current.bouts_per_session:
            change = (
                f"bouts merged before adding time, {current.bouts_per_session} x "
                f"{_minutes_text(bout)} -> {new_plan.bouts_per_session} x "
                f"{_minutes_text(new_plan.bout_minutes)} min"
            )
        else:
            change = f"bout {_minutes_text(bout)} -> {_minutes_text(new_plan.bout_minutes)} min"
        return ProgressionSuggestion(
            decision=PROGRESS,
            prescription=new_plan,
            reasons=[f"{summary}: {change}", *missing_note],
        )

    # Section 7 [C]: hold, naming each threshold that fell short.
    reasons = []
    if not adherence_ok:
        needed = math.ceil(min_adherence * current.sessions_per_week)
        reasons.append(
            f"{logged} of {current.sessions_per_week} sessions logged; {needed} needed "
            f"to progress ({_percent(min_adherence)} %)"
        )
    if logged and not share_ok:
        needed = math.ceil(min_share * logged)
        reasons.append(
            f"{within} of {logged} logged sessions within the +{rules.pain_rise_target} "
            f"pain target; {needed} needed to progress ({_percent(min_share)} %)"
        )
    reasons.extend(missing_note)
    reasons.append(f"hold: bout stays at {_minutes_text(bout)} min")
    return ProgressionSuggestion(decision=HOLD, prescription=current, reasons=reasons)


def _progressed(current: Prescription, bout: Fraction, rules: ProgressionRules) -> Prescription:
    bouts = current.bouts_per_session
    # Section 7 [C]: at 15 min, merge bouts (fewer, longer) before adding time;
    # minutes per session stay about the same.
    if bout >= _exact(rules.merge_at_minutes, "merge_at_minutes") and bouts > 1:
        merged = _round_half_nearest(bout * bouts / (bouts - 1))
        return Prescription(
            sessions_per_week=current.sessions_per_week,
            bouts_per_session=bouts - 1,
            bout_minutes=float(merged),
        )
    # Section 7 [C]: +10 %, at least +1 min; round up so both still hold.
    step = _exact(rules.progress_step, "progress_step")
    floor_step = _exact(rules.progress_min_minutes, "progress_min_minutes")
    new_bout = _round_half_up(max(bout * (1 + step), bout + floor_step))
    return _with_bout(current, new_bout)


def _regressed_bout(bout: Fraction, rules: ProgressionRules) -> Fraction:
    # Section 7 [C]: -20 %, rounded down so the cut is at least 20 %; never
    # below the 2-minute floor (section 7 baseline minimum), and never longer
    # than the current bout if a therapist set it under the floor.
    cut = _round_half_down(bout * (1 - _exact(rules.regress_step, "regress_step")))
    floor = _exact(rules.min_bout_minutes, "min_bout_minutes")
    return min(bout, max(floor, cut))


def _with_bout(current: Prescription, bout: Fraction) -> Prescription:
    return Prescription(
        sessions_per_week=current.sessions_per_week,
        bouts_per_session=current.bouts_per_session,
        bout_minutes=float(bout),
    )


def _as_prescription(prescription: PrescriptionLike) -> Prescription:
    try:
        return Prescription(
            sessions_per_week=prescription.sessions_per_week,
            bouts_per_session=prescription.bouts_per_session,
            bout_minutes=prescription.bout_minutes,
        )
    except AttributeError as exc:
        raise ValueError(f"The prescription is missing a value: {exc}") from exc


def _pain(log: WalkLogLike, name: str) -> int | None:
    value = getattr(log, name)
    if value is None:
        return None
    if not _is_int(value) or not PAIN_MIN <= value <= PAIN_MAX:
        raise ValueError(
            f"{name} must be a whole number from {PAIN_MIN} to {PAIN_MAX}, got {value!r}."
        )
    return int(value)


def _has_missing_pain(log: WalkLogLike) -> bool:
    return any(_pain(log, name) is None for name in ("pain_before", "pain_peak", "pain_after"))


def _is_int(value: object) -> bool:
    # bool is an int subclass; True is not a pain score or a session count.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    # Decimal too: a Django DecimalField hands us Decimal, which is not a Real.
    return isinstance(value, Real | Decimal) and not isinstance(value, bool)


def _exact(value: object, name: str) -> Fraction:
    # Via str() so 0.8 becomes exactly 4/5 and 1.1 * 10 is exactly 11.
    if not _is_number(value):
        raise ValueError(f"{name} must be a number, got {value!r}.")
    try:
        return Fraction(str(value))
    except ValueError as exc:
        raise ValueError(f"{name} must be a finite number, got {value!r}.") from exc


def _round_half_up(minutes: Fraction) -> Fraction:
    return math.ceil(minutes / MINUTE_STEP) * MINUTE_STEP


def _round_half_down(minutes: Fraction) -> Fraction:
    return math.floor(minutes / MINUTE_STEP) * MINUTE_STEP


def _round_half_nearest(minutes: Fraction) -> Fraction:
    return math.floor(minutes / MINUTE_STEP + Fraction(1, 2)) * MINUTE_STEP


def _minutes_text(minutes: float | Fraction) -> str:
    value = Fraction(str(minutes)) if isinstance(minutes, float) else Fraction(minutes)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}"


def _percent(share: Fraction) -> str:
    return _minutes_text(share * 100)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"

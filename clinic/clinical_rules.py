"""Every clinical walking threshold, defined once. Pure: no ORM, no Django.

`ClinicalRules` holds the numbers of docs/clinical-rules.md §7 (the walking programme and
its weekly rule), §1 (the "+2" pain nudge and "take a break before the symptoms get severe")
and §4 (the meaningful change in pain). They are product defaults [C], not published rules:
a clinic may change them, and a therapist may override them for one plan, within `BOUNDS`.
Pages, emails, PDFs, the walk timer and the weekly engine all read the same instance, so the
patient sees the numbers the engine uses.

The single-walk outcome lives here too (`walk_outcome`, `within_target`, `pain_rise`), and
the rule for when a logged session counts as done (`session_counts`, `sessions_done`).
patients/targets.py and programs/progression.py are thin layers over this module.

Choices made where the clinical rules are silent:

- A missing pain value means "cannot tell" (None), never "within".
- A peak below the starting pain is a negative rise, which is within target; it is not an
  error. Ending lower than before counts as settled ("back to within 1 point of before" is
  pain_after - pain_before <= recovery_margin).
- A peak above `severe_peak` is never within target, whatever the rise, and also when the
  pain before is missing: a severe peak is known from the peak alone. When a walk both rose
  too much and peaked in the severe band, the outcome is SEVERE (the more useful message).
  A walk that starts in the severe band and peaks there (8 -> 8 -> 8) is SEVERE as well.
- "Over target on pain" (for the regress rule) is a rise above the target or a peak above
  `severe_peak`; a slow recovery alone is not "over on pain". It needs the pain before and
  the peak, except that a severe peak counts on its own.
- Every comparison uses exact fractions (via str(), so 0.8 is exactly 4/5): exactly 80 %
  meets an 80 % threshold, and a session of exactly 80 % of the prescribed minutes counts.
- A session with no walking minutes (None) is logged, never done.
- Adherence counts distinct local dates with a session that counts (two walks on one day
  are one day), capped at the prescribed sessions per week. A plan may prescribe more than
  7 sessions a week (twice a day); then up to ceil(sessions_per_week / 7) sessions a day
  count, so such a plan can still reach 100 %. Up to 7 sessions a week this is exactly one
  a day, the rule as written.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from numbers import Real
from typing import NamedTuple

PAIN_MIN = 0
PAIN_MAX = 10

# walk_outcome() values.
WITHIN = "within"
OVER = "over"
SEVERE = "severe"
NOT_SETTLED = "not_settled"
UNKNOWN = "unknown"


# --- numbers -----------------------------------------------------------------------


def as_fraction(value: object, name: str) -> Fraction:
    """A number as an exact Fraction, via str() so 0.8 is exactly 4/5 and 1.1 * 10 is 11."""
    if not _is_number(value):
        raise ValueError(f"{name} must be a number, got {value!r}.")
    try:
        return Fraction(str(value))
    except ValueError as exc:
        raise ValueError(f"{name} must be a finite number, got {value!r}.") from exc


def _is_int(value: object) -> bool:
    # bool is an int subclass; True is not a pain score or a session count.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    # Decimal too: a Django DecimalField hands us Decimal, which is not a Real.
    return isinstance(value, Real | Decimal) and not isinstance(value, bool)


def _number_text(value: object) -> str:
    exact = Fraction(str(value))
    if exact.denominator == 1:
        return str(exact.numerator)
    return f"{float(exact):g}"


class _BaseOrDefaults:
    """`ClinicalRules.with_overrides(m)` starts from the defaults, `rules.with_overrides(m)`
    from `rules`: a plan's overrides go on top of its clinic's rules, never silently on top
    of the defaults."""

    def __init__(self, function):
        self.function = function
        self.__doc__ = function.__doc__

    def __get__(self, instance, owner):
        base = owner() if instance is None else instance
        return self.function.__get__(base, owner)


@dataclass(frozen=True, kw_only=True)
class ClinicalRules:
    """A clinic's (or one plan's) walking thresholds. Defaults: docs/clinical-rules.md §7 [C].

    Shares are fractions (0.8 is 80 %), minutes are minutes, pain is NPRS points 0-10.
    Numbers may be int, float or Decimal (a DecimalField hands us Decimal).
    """

    # docs/clinical-rules.md §1, §7: "nudge the pain": peak may rise this many points.
    pain_rise_target: int = 2
    # docs/clinical-rules.md §7: after rest, back to within this many points of before.
    recovery_margin: int = 1
    # docs/clinical-rules.md §7: a peak above this is in the severe band (NPRS 7-10), never
    # within target; §1: "take a break before the symptoms get severe".
    severe_peak: int = 6
    # docs/clinical-rules.md §7: a session counts toward adherence only when its walking
    # minutes reach this share of bouts x minutes per bout.
    session_min_share: float = 0.8
    # docs/clinical-rules.md §7: progress needs done days >= this share of prescribed sessions,
    min_adherence: float = 0.8
    # ... and this share of the done sessions within target.
    min_within_target_share: float = 0.8
    # docs/clinical-rules.md §7: progress is bout +10 %, and at least +1 min.
    progress_step: float = 0.10
    progress_min_minutes: float = 1.0
    # docs/clinical-rules.md §7: regress is bout -20 %, never under min_bout_minutes.
    regress_step: float = 0.20
    # docs/clinical-rules.md §7: regress when regress_min_sessions sessions rose more than
    # pain_rise_target + regress_overshoot points,
    regress_overshoot: int = 2
    regress_min_sessions: int = 2
    # ... or when more than this share of the week's sessions with pain values (and at
    # least regress_over_target_min of them) were over target on pain.
    regress_over_target_share: float = 0.5
    regress_over_target_min: int = 2
    # docs/clinical-rules.md §7: once bouts reach this length, merge (one fewer, longer)
    # before adding time,
    merge_at_minutes: float = 15.0
    # ... but no continuous bout grows by more than this share in one week.
    max_bout_growth: float = 0.25
    # docs/clinical-rules.md §7: the shortest bout (baseline minimum 2 minutes).
    min_bout_minutes: float = 2.0
    # docs/clinical-rules.md §4: the "meaningful change" marker on the 0-10 pain scale.
    meaningful_pain_change: int = 2

    def __post_init__(self) -> None:
        for name in ("min_adherence", "min_within_target_share", "session_min_share"):
            value = as_fraction(getattr(self, name), name)
            if not 0 < value <= 1:
                raise ValueError(f"{name} must be more than 0 and at most 1, got {value}.")
        share = as_fraction(self.regress_over_target_share, "regress_over_target_share")
        if not 0 <= share < 1:
            raise ValueError("regress_over_target_share must be at least 0 and less than 1.")
        if as_fraction(self.progress_step, "progress_step") < 0:
            raise ValueError("progress_step must be 0 or more.")
        if not 0 < as_fraction(self.regress_step, "regress_step") < 1:
            raise ValueError("regress_step must be more than 0 and less than 1.")
        for name in (
            "progress_min_minutes",
            "merge_at_minutes",
            "min_bout_minutes",
            "max_bout_growth",
        ):
            if not as_fraction(getattr(self, name), name) > 0:
                raise ValueError(f"{name} must be more than 0.")
        for name in (
            "pain_rise_target",
            "recovery_margin",
            "regress_overshoot",
            "severe_peak",
            "meaningful_pain_change",
        ):
            if not PAIN_MIN <= as_fraction(getattr(self, name), name) <= PAIN_MAX:
                raise ValueError(f"{name} must be between 0 and {PAIN_MAX} pain points.")
        for name in ("regress_min_sessions", "regress_over_target_min"):
            value = getattr(self, name)
            if not _is_int(value) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1.")

    @_BaseOrDefaults
    def with_overrides(self, overrides: Mapping[str, object]) -> "ClinicalRules":
        """A new ClinicalRules: `overrides` on top of this one (on the class: the defaults).

        None values are ignored (a blank field on the form means "keep the clinic's value").
        Each value given must lie within BOUNDS; otherwise ValueError in plain words, e.g.
        "The pain target (points of rise during a walk) must be from 1 to 4 points; 6 was
        given." Shares are fractions here (0.8), as in the fields, not percent."""
        changes = {}
        for name, value in overrides.items():
            if value is None:
                continue
            problem = bounds_error(name, value)
            if problem:
                raise ValueError(problem)
            changes[name] = int(value) if name in _WHOLE else value
        return replace(self, **changes)


DEFAULT_RULES = ClinicalRules()


def rules_or_default(rules: ClinicalRules | None) -> ClinicalRules:
    return DEFAULT_RULES if rules is None else rules


# --- safe bounds for clinic settings and per-plan overrides ---------------------------


class Bound(NamedTuple):
    low: int | Decimal
    high: int | Decimal
    # "share" values are fractions shown as percent; the others are shown with this unit.
    unit: str


# docs/clinical-rules.md §7: "every threshold is a clinic default that a therapist may
# override for one plan (within the same safe bounds)". The bounds are product choices [C]:
# wide enough for a clinic's judgement, narrow enough that no setting makes the programme
# push through severe pain, progress on a token week or jump a walk by more than 25 %.
BOUNDS: dict[str, Bound] = {
    "pain_rise_target": Bound(1, 4, "points"),
    "recovery_margin": Bound(0, 3, "points"),
    # Never above 6: a peak in the severe band (7-10) must not count as within target.
    "severe_peak": Bound(3, 6, "out of 10"),
    "session_min_share": Bound(Decimal("0.5"), Decimal("1"), "share"),
    "min_adherence": Bound(Decimal("0.5"), Decimal("1"), "share"),
    "min_within_target_share": Bound(Decimal("0.5"), Decimal("1"), "share"),
    "progress_step": Bound(Decimal("0.05"), Decimal("0.25"), "share"),
    "progress_min_minutes": Bound(Decimal("0.5"), Decimal("2"), "minutes"),
    "regress_step": Bound(Decimal("0.1"), Decimal("0.5"), "share"),
    "regress_overshoot": Bound(1, 4, "points"),
    "regress_min_sessions": Bound(1, 5, "sessions"),
    "regress_over_target_share": Bound(Decimal("0.25"), Decimal("0.75"), "share"),
    "regress_over_target_min": Bound(1, 5, "sessions"),
    "merge_at_minutes": Bound(10, 30, "minutes"),
    # Never above 25 %: docs/clinical-rules.md §7 "no continuous bout ever grows by more
    # than 25 % in one week".
    "max_bout_growth": Bound(Decimal("0.1"), Decimal("0.25"), "share"),
    "min_bout_minutes": Bound(1, 5, "minutes"),
    "meaningful_pain_change": Bound(1, 3, "points"),
}

# Plain names for messages and forms.
LABELS: dict[str, str] = {
    "pain_rise_target": "The pain target (points of rise during a walk)",
    "recovery_margin": "The settling margin (points above the start after resting)",
    "severe_peak": "The highest peak pain that can be within target",
    "session_min_share": "The share of the session's minutes that makes a session count",
    "min_adherence": "The share of walking days needed to progress",
    "min_within_target_share": "The share of sessions within target needed to progress",
    "progress_step": "The weekly increase",
    "progress_min_minutes": "The smallest weekly increase",
    "regress_step": "The step back",
    "regress_overshoot": "The overshoot that steps back",
    "regress_min_sessions": "The number of sessions with that overshoot that steps back",
    "regress_over_target_share": "The share of sessions over target that steps back",
    "regress_over_target_min": "The number of sessions over target that steps back",
    "merge_at_minutes": "The walk length at which walks merge",
    "max_bout_growth": "The largest weekly growth of one walk",
    "min_bout_minutes": "The shortest walk",
    "meaningful_pain_change": "The meaningful change in pain",
}

_WHOLE = frozenset(
    {
        "pain_rise_target",
        "recovery_margin",
        "severe_peak",
        "regress_overshoot",
        "regress_min_sessions",
        "regress_over_target_min",
        "meaningful_pain_change",
    }
)


def bounds_text(name: str) -> str:
    """'from 1 to 4 points', 'from 50 % to 100 %': the allowed range in plain words."""
    low, high, unit = BOUNDS[name]
    if unit == "share":
        return f"from {_number_text(low * 100)} % to {_number_text(high * 100)} %"
    return f"from {_number_text(low)} to {_number_text(high)} {unit}"


def bounds_error(name: str, value: object) -> str | None:
    """None when `value` is a safe setting for `name`, else the reason in plain words."""
    if name not in BOUNDS:
        return f"{name!r} is not a walking-programme setting."
    label = LABELS[name]
    if not _is_number(value):
        return f"{label} must be a number; {value!r} was given."
    try:
        exact = as_fraction(value, name)
    except ValueError:
        return f"{label} must be a number; {value!r} was given."
    if name in _WHOLE and exact.denominator != 1:
        return f"{label} must be a whole number; {_number_text(value)} was given."
    low, high, unit = BOUNDS[name]
    if not Fraction(str(low)) <= exact <= Fraction(str(high)):
        shown = f"{_number_text(exact * 100)} %" if unit == "share" else _number_text(value)
        return f"{label} must be {bounds_text(name)}; {shown} was given."
    return None


# --- one walk ----------------------------------------------------------------------


def check_pain(value: object, name: str) -> int | None:
    """The pain score as an int, or None when missing; ValueError outside 0-10."""
    if value is None:
        return None
    if not _is_int(value) or not PAIN_MIN <= value <= PAIN_MAX:
        raise ValueError(
            f"{name} must be a whole number between {PAIN_MIN} and {PAIN_MAX}, got {value!r}."
        )
    return int(value)


def pain_rise(before: int | None, peak: int | None) -> int | None:
    """Peak pain minus pain before the walk; None when either is missing."""
    before = check_pain(before, "pain before")
    peak = check_pain(peak, "peak pain")
    if before is None or peak is None:
        return None
    return peak - before


def walk_outcome(
    before: int | None,
    peak: int | None,
    after: int | None,
    rules: ClinicalRules | None = None,
) -> str:
    """One walk against docs/clinical-rules.md §7: WITHIN, SEVERE (peak above severe_peak),
    OVER (rise above the target), NOT_SETTLED (pain stayed up after rest) or UNKNOWN."""
    rules = rules_or_default(rules)
    rise = pain_rise(before, peak)
    after = check_pain(after, "pain after resting")
    # docs/clinical-rules.md §7: "peak pain stays out of the severe band"; 8 -> 10 -> 8 has a
    # rise of 2 but is never within target. Known from the peak alone.
    if peak is not None and peak > rules.severe_peak:
        return SEVERE
    if rise is None:
        return UNKNOWN
    # docs/clinical-rules.md §7: "peak pain - pain before <= 2".
    if rise > rules.pain_rise_target:
        return OVER
    if after is None:
        return UNKNOWN
    # docs/clinical-rules.md §7: "pain after rest is back to within 1 point of before".
    if after - before > rules.recovery_margin:
        return NOT_SETTLED
    return WITHIN


def within_target(
    before: int | None,
    peak: int | None,
    after: int | None,
    rules: ClinicalRules | None = None,
) -> bool | None:
    """True or False by docs/clinical-rules.md §7; None when a pain value needed is missing."""
    outcome = walk_outcome(before, peak, after, rules)
    if outcome == UNKNOWN:
        return None
    return outcome == WITHIN


def over_target_on_pain(
    before: int | None, peak: int | None, rules: ClinicalRules | None = None
) -> bool | None:
    """docs/clinical-rules.md §7 regress rule: rise above the target or peak in the severe
    band. None when that cannot be told (no peak, or no pain before and a peak not severe)."""
    rules = rules_or_default(rules)
    rise = pain_rise(before, peak)
    if peak is not None and peak > rules.severe_peak:
        return True
    if rise is None:
        return None
    return rise > rules.pain_rise_target


# --- sessions that count toward adherence -------------------------------------------


def session_minutes_needed(
    bouts_per_session: int, bout_minutes: object, rules: ClinicalRules | None = None
) -> Decimal:
    """docs/clinical-rules.md §7: the walking minutes at which a session counts as done,
    80 % of bouts x minutes per bout (14.4 for 3 x 6)."""
    exact = _minutes_needed(bouts_per_session, bout_minutes, rules_or_default(rules))
    return Decimal(exact.numerator) / Decimal(exact.denominator)


def session_counts(
    minutes: object,
    bouts_per_session: int,
    bout_minutes: object,
    rules: ClinicalRules | None = None,
) -> bool:
    """docs/clinical-rules.md §7: True when the walk reached 80 % of the prescribed session.

    A one-minute log against 3 x 10 is logged, not done; no minutes (None) is never done.
    """
    walked = check_minutes(minutes)
    if walked is None:
        return False
    return walked >= _minutes_needed(bouts_per_session, bout_minutes, rules_or_default(rules))


def _minutes_needed(bouts_per_session: int, bout_minutes: object, rules: ClinicalRules) -> Fraction:
    share = as_fraction(rules.session_min_share, "session_min_share")
    return share * bouts_per_session * as_fraction(bout_minutes, "bout_minutes")


def sessions_done(
    walks: Iterable[tuple[date, object]],
    *,
    sessions_per_week: int,
    bouts_per_session: int,
    bout_minutes: object,
    rules: ClinicalRules | None = None,
) -> int:
    """docs/clinical-rules.md §7 adherence count from (local date, walking minutes) pairs:
    distinct days with a session that counts, capped at the prescribed sessions per week.

    Up to 7 sessions a week, one a day counts; a plan of more (twice a day) counts up to
    ceil(sessions_per_week / 7) a day (module docstring).
    """
    rules = rules_or_default(rules)
    per_day = max_sessions_a_day(sessions_per_week)
    needed = _minutes_needed(bouts_per_session, bout_minutes, rules)
    by_day: dict[date, int] = {}
    for day, minutes in walks:
        check_date(day)
        walked = check_minutes(minutes)
        if walked is not None and walked >= needed:
            by_day[day] = by_day.get(day, 0) + 1
    return min(sum(min(n, per_day) for n in by_day.values()), sessions_per_week)


def max_sessions_a_day(sessions_per_week: int) -> int:
    """1 for plans of up to 7 sessions a week; 2 for 8-14 (twice a day)."""
    return max(1, math.ceil(sessions_per_week / 7))


def check_minutes(minutes: object) -> Fraction | None:
    """Walking minutes as an exact fraction; None when missing; ValueError when not 0 or more."""
    if minutes is None:
        return None
    if not _is_number(minutes):
        raise ValueError(f"minutes must be a number of walking minutes, got {minutes!r}.")
    exact = as_fraction(minutes, "minutes")
    if exact < 0:
        raise ValueError(f"minutes must be 0 or more, got {minutes!r}.")
    return exact


def check_date(day: object) -> date:
    # A datetime is refused: the rule counts the patient's local dates, and turning a
    # moment into a date here would pick the server's time zone.
    if not isinstance(day, date) or hasattr(day, "hour"):
        raise ValueError(f"date must be the patient's local date of the walk, got {day!r}.")
    return day

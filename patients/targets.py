"""The "+2 pain" target for one walk. Pure functions over plain numbers: no ORM, no Django.

CLINICAL.md §7 [C]: a logged walk is "within target" when peak pain - pain before <= 2 and
pain after rest is back to within 1 point of before. The nudge itself (walk until pain rises
about 2 points, then rest) is the approach of §1. These are product defaults, not published
rules; programs/progression.py applies the same rule to a week of walks. patients sits
below programs, so the single-walk check lives here rather than being imported from there.

Choices where CLINICAL.md is silent (the same as programs/progression.py):
- a missing pain value means "cannot tell" (None), never "within";
- a peak below the starting pain is a negative rise, which is within target;
- ending lower than before counts as settled.
"""

from dataclasses import dataclass

PAIN_MIN = 0
PAIN_MAX = 10
PAIN_RISE_TARGET = 2  # CLINICAL.md §1 and §7: "nudge the pain" by about 2 points
RECOVERY_MARGIN = 1  # CLINICAL.md §7: back to within 1 point of before after resting

WITHIN = "within"
NOT_SETTLED = "not_settled"
OVER = "over"
UNKNOWN = "unknown"


def _check(value: int | None, name: str) -> None:
    if value is not None and not PAIN_MIN <= value <= PAIN_MAX:
        raise ValueError(f"{name} must be between {PAIN_MIN} and {PAIN_MAX}, got {value!r}.")


def pain_rise(before: int | None, peak: int | None) -> int | None:
    """Peak pain minus pain before the walk; None when either is missing."""
    _check(before, "pain before")
    _check(peak, "peak pain")
    if before is None or peak is None:
        return None
    return peak - before


def target_outcome(before: int | None, peak: int | None, after: int | None) -> str:
    """WITHIN, OVER (rose more than 2), NOT_SETTLED (rise fine, pain stayed up) or UNKNOWN."""
    _check(after, "pain after resting")
    rise = pain_rise(before, peak)
    if rise is None:
        return UNKNOWN
    if rise > PAIN_RISE_TARGET:
        return OVER
    if after is None:
        return UNKNOWN
    if after - before > RECOVERY_MARGIN:
        return NOT_SETTLED
    return WITHIN


def within_target(before: int | None, peak: int | None, after: int | None) -> bool | None:
    """True or False by CLINICAL.md §7; None when a pain value needed to decide is missing."""
    outcome = target_outcome(before, peak, after)
    if outcome == UNKNOWN:
        return None
    return outcome == WITHIN


@dataclass(frozen=True)
class TargetMessage:
    outcome: str
    headline: str
    detail: str


def target_message(
    before: int | None, peak: int | None, after: int | None, *, tingling: bool = False
) -> TargetMessage:
    """What the patient reads after saving a walk: honest about the target, and encouraging."""
    outcome = target_outcome(before, peak, after)
    rise = pain_rise(before, peak)
    points = "point" if rise in (1, -1) else "points"
    if outcome == WITHIN:
        headline = "Within your +2 target."
        if rise is not None and rise <= 0:
            detail = "Your pain did not rise during the walk and settled after resting."
        else:
            detail = (
                f"Your pain rose {rise} {points} and settled after resting. "
                "This is how walking tolerance grows: well done."
            )
    elif outcome == OVER:
        headline = "Above your +2 target this time."
        detail = (
            f"Your pain rose {rise} points. That is useful to know and not harm. Next time, "
            "take a break a little earlier, when pain is up 2 points: sit or bend forward, "
            "then walk again."
        )
    elif outcome == NOT_SETTLED:
        headline = "Pain stayed within +2, but did not settle after resting."
        detail = (
            f"After resting your pain was {after - before} points above where it started. "
            "Next time, try a slightly shorter walk or a longer rest bending forward."
        )
    else:
        headline = "Saved."
        detail = "Without pain after resting we cannot tell whether the walk stayed within +2."
    if tingling:
        # CLINICAL.md §1 "permission to tingle".
        detail += " Some tingling while walking is expected and is not harm."
    return TargetMessage(outcome=outcome, headline=headline, detail=detail)

"""The pain target for one walk, and what the patient reads about it. Pure: no ORM, no Django.

The rule itself (docs/clinical-rules.md §7: rise <= the target, settled back to within the
margin after rest, peak out of the severe band) is defined once, in clinic/clinical_rules.py;
this module keeps the names the patient pages have always used and words the result. Every
function takes the plan's or clinic's `rules` (None: the product defaults), so a clinic
that sets the pain target to 3 has every message say 3.

Choices where the clinical rules are silent are listed in clinic/clinical_rules.py: a
missing pain value means "cannot tell" (None), never "within"; a peak below the starting
pain is a negative rise, which is within target; ending lower than before counts as
settled; a peak in the severe band is never within target, even with no pain before.
"""

from dataclasses import dataclass

from clinic import clinical_rules
from clinic.clinical_rules import (
    DEFAULT_RULES,
    NOT_SETTLED,
    OVER,
    PAIN_MAX,
    PAIN_MIN,
    SEVERE,
    UNKNOWN,
    WITHIN,
    ClinicalRules,
    rules_or_default,
)

__all__ = [
    "NOT_SETTLED",
    "OVER",
    "PAIN_MAX",
    "PAIN_MIN",
    "PAIN_RISE_TARGET",
    "RECOVERY_MARGIN",
    "SEVERE",
    "SEVERE_PEAK",
    "UNKNOWN",
    "WITHIN",
    "TargetMessage",
    "pain_rise",
    "target_message",
    "target_outcome",
    "within_target",
]

# The product defaults, for callers that have no clinic at hand. Code that knows the clinic
# or plan passes its ClinicalRules instead (docs/clinical-rules.md §7: one definition).
PAIN_RISE_TARGET = DEFAULT_RULES.pain_rise_target
RECOVERY_MARGIN = DEFAULT_RULES.recovery_margin
SEVERE_PEAK = DEFAULT_RULES.severe_peak


def pain_rise(
    before: int | None, peak: int | None, *, rules: ClinicalRules | None = None
) -> int | None:
    """Peak pain minus pain before the walk; None when either is missing.

    `rules` is accepted for a uniform call; the rise does not depend on it.
    """
    return clinical_rules.pain_rise(before, peak)


def target_outcome(
    before: int | None,
    peak: int | None,
    after: int | None,
    *,
    rules: ClinicalRules | None = None,
) -> str:
    """WITHIN, SEVERE (peak in the severe band), OVER (rose more than the target),
    NOT_SETTLED (rise fine, pain stayed up) or UNKNOWN."""
    return clinical_rules.walk_outcome(before, peak, after, rules)


def within_target(
    before: int | None,
    peak: int | None,
    after: int | None,
    *,
    rules: ClinicalRules | None = None,
) -> bool | None:
    """True or False by docs/clinical-rules.md §7; None when a pain value needed is missing."""
    return clinical_rules.within_target(before, peak, after, rules)


@dataclass(frozen=True)
class TargetMessage:
    outcome: str
    headline: str
    detail: str


def target_message(
    before: int | None,
    peak: int | None,
    after: int | None,
    *,
    tingling: bool = False,
    rules: ClinicalRules | None = None,
) -> TargetMessage:
    """What the patient reads after saving a walk: honest about the target, and encouraging.

    Every number comes from `rules`, so the words match what the weekly rule counts.
    """
    rules = rules_or_default(rules)
    outcome = clinical_rules.walk_outcome(before, peak, after, rules)
    rise = clinical_rules.pain_rise(before, peak)
    target = rules.pain_rise_target
    plus = f"+{target}"
    if outcome == WITHIN:
        headline = f"Within your {plus} target."
        if rise is not None and rise <= 0:
            detail = "Your pain did not rise during the walk and settled after resting."
        else:
            detail = (
                f"Your pain rose {_points(rise)} and settled after resting. "
                "This is how walking tolerance grows: well done."
            )
    elif outcome == SEVERE:
        # docs/clinical-rules.md §7 severe band and §1 "strategic breaks: rest before the
        # symptoms get severe".
        headline = "Your pain reached the severe range this time."
        if before is not None and before > rules.severe_peak:
            detail = (
                f"Your pain was already {before} of 10 before you set off, and reached "
                f"{peak} of 10: that is in the severe range. On a day like this, a shorter "
                "walk with more rests bent forward is fine. If severe pain keeps coming "
                "back, tell your therapist."
            )
        else:
            detail = (
                f"Your pain reached {peak} of 10: that is in the severe range. Next time take "
                "your break earlier, before the pain gets severe: rest when it has gone up "
                f"{_points(target)}, and before it goes above {rules.severe_peak}. Sit or "
                "bend forward until it settles, then walk on. Mild pain is fine."
            )
    elif outcome == OVER:
        headline = f"Above your {plus} target this time."
        detail = (
            f"Your pain rose {_points(rise)}. That is useful to know and not harm. Next time, "
            f"take a break a little earlier, when pain is up {_points(target)}: sit or bend "
            "forward, then walk again."
        )
    elif outcome == NOT_SETTLED:
        headline = f"Pain stayed within {plus}, but did not settle after resting."
        detail = (
            f"After resting your pain was {_points(after - before)} above where it started. "
            "Next time, try a slightly shorter walk or a longer rest bending forward."
        )
    else:
        headline = "Saved."
        if before is None:
            missing = "pain before the walk"
        elif peak is None:
            missing = "peak pain"
        else:
            missing = "pain after resting"
        detail = f"Without {missing} we cannot tell whether the walk stayed within {plus}."
    if tingling:
        # docs/clinical-rules.md §1 "permission to tingle".
        detail += " Some tingling while walking is expected and is not harm."
    return TargetMessage(outcome=outcome, headline=headline, detail=detail)


def _points(count: int) -> str:
    return f"{count} point" if count in (1, -1) else f"{count} points"

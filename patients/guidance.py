"""Back or leg: what to do in each moment (docs/clinical-rules.md §1b). Pure: no ORM.

`guidance_for(areas)` picks the advice for where today's symptoms were; the one partial
templates/patients/partials/walk_guidance.html renders it on Today, the timer's break
screen, the walk result and the handout. `spreads()` is the non-urgent "spreading" flag: a
week's logs reaching further down the leg than the plan's first week.

Choices where §1b is silent [C]: no area ticked (or only codes we do not know) counts as "not
known", so both kinds of advice are shown; back and leg ticked together get both, leg first
(the leg is what stops a walk); the back is never "further down the leg", so a first week with
no symptoms flags a later buttock, thigh or calf, never a later back.
"""

from collections.abc import Iterable
from dataclasses import dataclass

LEG = "leg"
BACK = "back"
FURTHER = "further"

# docs/clinical-rules.md §1b: regions ordered back, buttock, thigh, calf or foot. The codes are
# WalkLog.SYMPTOM_AREAS (region_side); the side does not change how far down the leg it is.
REGION_RANK = {"back": 0, "buttock": 1, "thigh": 2, "calf": 3}
LEG_RANKS = frozenset({1, 2, 3})


@dataclass(frozen=True)
class Guidance:
    key: str
    heading: str
    text: str


GUIDANCE = {
    FURTHER: Guidance(
        FURTHER,
        "Further down the leg than usual",
        "Stop this walk and rest bent forward until it settles. Please note it on the log, "
        "so your therapist can see it.",
    ),
    LEG: Guidance(
        LEG,
        "Symptoms in your buttock or leg",
        "When heaviness, tingling or pain in your buttock, thigh, calf or foot rises toward "
        "your target, take the break now: bend forward standing, or sit and lean forward, "
        "until it settles, then carry on. Tingling is allowed, and a rise up to your target "
        "means the plan is working.",
    ),
    BACK: Guidance(
        BACK,
        "Symptoms in your back",
        "During the walk: slow down and take shorter steps, gently tighten your tummy and "
        "tilt your pelvis. Leaning on a cart, a walker or poles is fine. After the walk: "
        "knees to chest or the L stretch.",
    ),
}
ORDER = (FURTHER, LEG, BACK)


def region_rank(area: str) -> int | None:
    """0 for the back, 1 buttock, 2 thigh, 3 calf or foot; None for a code we do not know."""
    return REGION_RANK.get(str(area).split("_", 1)[0])


def lowest_rank(areas: Iterable[str] | None) -> int:
    """How far down the leg the symptoms reached: the highest rank named, 0 when none."""
    ranks = [r for r in (region_rank(a) for a in areas or ()) if r is not None]
    return max(ranks, default=0)


def guidance_for(areas: Iterable[str] | None, *, further: bool = False) -> list[Guidance]:
    """The advice for a walk whose symptoms were in `areas` (WalkLog.SYMPTOM_AREAS codes).

    `further`: the symptoms reached further down the leg than usual (the caller knows the
    patient's earlier walks). Not known (None or nothing recognised): leg and back.
    """
    ranks = {r for r in (region_rank(a) for a in areas or ()) if r is not None}
    keys = set()
    if not ranks:
        keys = {LEG, BACK}
    if ranks & LEG_RANKS:
        keys.add(LEG)
        if further:
            keys.add(FURTHER)
    if 0 in ranks:
        keys.add(BACK)
    return [GUIDANCE[key] for key in ORDER if key in keys]


def all_guidance() -> list[Guidance]:
    return [GUIDANCE[key] for key in ORDER]


def spreads(first_week: Iterable[Iterable[str]], week: Iterable[Iterable[str]]) -> bool:
    """docs/clinical-rules.md §1b: True when `week`'s logs (each a list of areas) name a leg
    region further down than any log of `first_week`. No first-week logs: nothing to compare
    with, so False."""
    first_week = list(first_week)
    if not first_week:
        return False
    baseline = max(lowest_rank(areas) for areas in first_week)
    reached = max((lowest_rank(areas) for areas in week), default=0)
    return reached in LEG_RANKS and reached > baseline

"""Walks that look unusual are checked with the person typing them (docs/clinical-rules.md §7.8).

Pure: no ORM. A walk form asks before it saves a walk whose longest stretch without a rest is
over two hours, or whose minutes are more than three times the longest walk logged so far;
the answer "Yes, that is right" saves it as entered. A slip of the finger (600 for 60) would
otherwise be praised and become the patient's "longest walk" on every chart and report.
"""

from decimal import Decimal

from .progress import longest_bout_minutes

# docs/clinical-rules.md §7.8 [C]: product defaults, fixed (neither clinic setting nor override).
LONGEST_STRETCH_MINUTES = Decimal(120)
TIMES_LONGEST_WALK = 3


def unusual_walk_question(minutes: Decimal, rests: int, longest: Decimal | None) -> str | None:
    """The question to ask about this walk, or None when it looks usual.

    `longest` is the most minutes of any earlier walk of the patient (None: no earlier walk,
    so there is nothing to compare with). The stretch rule uses the progress pages' own
    longest stretch (minutes / (rests + 1) for a form log), so a walk asked about here is one
    that would otherwise show as a stretch of over two hours.
    """
    said = _number(minutes)
    if longest_bout_minutes({"minutes": minutes, "rests": rests}) > LONGEST_STRETCH_MINUTES:
        if rests == 0:
            return f"You entered {said} minutes without a rest. Is that right?"
        return (
            f"You entered {said} minutes with {rests} rest{'' if rests == 1 else 's'}: "
            "a stretch of over 2 hours without a rest. Is that right?"
        )
    if longest is not None and minutes > TIMES_LONGEST_WALK * longest:
        return (
            f"You entered {said} minutes: more than three times the longest walk logged so far "
            f"({_number(longest)} minutes). Is that right?"
        )
    return None


def confirmation_key(minutes: Decimal, rests: int) -> str:
    """What "Yes, that is right" confirmed: these minutes with these rests, nothing else."""
    return f"{minutes.quantize(Decimal('0.1'))}/{rests}"


def _number(value: Decimal) -> str:
    """600 and 7.5, never 600.0."""
    text = f"{value.quantize(Decimal('0.1'))}"
    return text.removesuffix(".0")

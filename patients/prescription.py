"""Today's walking prescription, for the walk timer (docs/clinical-rules.md §1, §7).

Plans belong to programs, which sits above patients, so programs registers a provider here
(programs/apps.py), the same way it registers the rules (patients/rules.py). No provider, no
plan, or a plan that is not walking today (paused, not started yet): None, and the timer runs
an open-ended walk as it did before plans existed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

_providers: list[Callable] = []


@dataclass(frozen=True)
class WalkPrescription:
    """What the timer follows: `walks` walks of `walk_minutes` each, rests bent forward
    between them (§1), and the plan's before-and-after-walk exercises (the nerve glides)."""

    walks: int
    walk_minutes: Decimal
    text: str  # the plan's own words: "3 walks of 7 minutes, rest bent forward between them"
    glides: tuple[str, ...] = ()

    @property
    def walk_seconds(self) -> int:
        return int(Decimal(self.walk_minutes) * 60)


def register_prescription_provider(provider: Callable) -> None:
    """`provider(patient)` returns the patient's WalkPrescription for today, or None."""
    if provider not in _providers:
        _providers.append(provider)


def prescription_for_patient(patient) -> WalkPrescription | None:
    for provider in _providers:
        prescription = provider(patient)
        if prescription is not None:
            return prescription
    return None

"""Distances are stored in metres and shown in the clinic's unit (km or miles)."""

from decimal import ROUND_HALF_UP, Decimal

METRES_PER_UNIT = {"km": Decimal(1000), "mi": Decimal("1609.344")}
UNIT_WORDS = {"km": "kilometres", "mi": "miles"}
UNIT_SHORT = {"km": "km", "mi": "miles"}


def to_metres(value: Decimal, unit: str) -> int:
    return int((value * METRES_PER_UNIT[unit]).quantize(Decimal(1), ROUND_HALF_UP))


def from_metres(metres: int, unit: str) -> Decimal:
    return (Decimal(metres) / METRES_PER_UNIT[unit]).quantize(Decimal("0.01"), ROUND_HALF_UP)


def distance_text(metres: int | None, unit: str) -> str:
    if metres is None:
        return ""
    unit = unit if unit in METRES_PER_UNIT else "km"
    return f"{from_metres(metres, unit).normalize():f} {UNIT_SHORT[unit]}"

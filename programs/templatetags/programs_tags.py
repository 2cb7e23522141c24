"""Small display helpers for programs templates: words only, no queries."""

from django import template

from programs import schedule

register = template.Library()


@register.simple_tag
def default_dose_text(exercise) -> str:
    return schedule.describe_dose(**exercise.default_dose)


@register.filter
def minutes(value) -> str:
    """Decimal('7.0') -> '7', Decimal('6.5') -> '6.5'."""
    return schedule.minutes_text(value) if value is not None else ""


@register.filter
def rule_value(value, name) -> str:
    """A threshold in plain words: shares as percent ('80 %'), others with their unit."""
    from decimal import Decimal

    from clinic.clinical_rules import BOUNDS

    bound = BOUNDS.get(name)
    number = Decimal(str(value))
    if bound is not None and bound.unit == "share":
        return f"{(number * 100).normalize():f} %"
    unit = f" {bound.unit}" if bound is not None else ""
    return f"{number.normalize():f}{unit}"

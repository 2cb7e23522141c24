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
def mmss(seconds) -> str:
    return schedule.seconds_text(int(seconds)) if seconds is not None else ""

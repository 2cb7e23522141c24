from django import template

from ..forms import mmss as _mmss

register = template.Library()


@register.filter
def mmss(seconds):
    """Seconds as minutes:seconds ("4:05"); empty for None."""
    if seconds is None or seconds == "":
        return ""
    return _mmss(int(seconds))


@register.filter
def yes_no(value):
    return {True: "Yes", False: "No"}.get(value, "Not assessed")

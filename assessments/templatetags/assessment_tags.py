from decimal import ROUND_HALF_UP, Decimal

from django import template

from clinic import durations

from .. import registry, scoring

register = template.Library()


# Not a copy: clinic.durations.mmss under this library too, for templates/documents/pdf/report.html
# (another owner's), which loads assessment_tags for it. Pages load `durations` instead.
register.filter("mmss", durations.mmss)


@register.filter
def yes_no(value):
    return {True: "Yes", False: "No"}.get(value, "Not assessed")


@register.filter
def feet_inches(inches):
    """A height in inches as people say it, with centimetres: 64 -> "5 ft 4 in (162.6 cm)"."""
    if inches is None or inches == "":
        return ""
    value = Decimal(str(inches))
    feet, rest = divmod(value, 12)
    rest_text = f"{rest.normalize():f}" if rest != rest.to_integral() else f"{int(rest)}"
    cm = (value * Decimal("2.54")).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{int(feet)} ft {rest_text} in ({cm} cm)"


@register.filter
def odi_band(index):
    """The Fairbank band of an ODI index: for clinicians' pages and reports only."""
    return "" if index is None else scoring.odi_band(index)


@register.filter
def odi_band_plain(index):
    """The band of an ODI index in the plain words patients see (docs/clinical-rules.md §4)."""
    return "" if index is None else scoring.odi_band_plain(index)


@register.simple_tag
def walk_test_kinds():
    """The walk-test kinds (assessments.registry), e.g. for a row of "record" buttons."""
    return registry.WALK_TESTS

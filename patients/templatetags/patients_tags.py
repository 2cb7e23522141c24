from django import template

from .. import guidance, targets
from ..dates import local_today
from ..models import RED_FLAG_DESCRIPTIONS, RED_FLAG_SIGNS, Patient
from ..selectors import has_open_red_flag
from ..units import distance_text

register = template.Library()


@register.filter
def distance(metres, unit: str = "km") -> str:
    """1250 metres -> "1.25 km" (or miles, in the clinic's unit)."""
    if metres is None or metres == "":
        return ""
    return distance_text(int(metres), unit)


@register.filter
def within_target(log, rules):
    """{{ log|within_target:rules }}: True, False or None (cannot tell), by the patient's own
    rules (docs/clinical-rules.md §7.2), never the product default."""
    return targets.within_target(log.pain_before, log.pain_peak, log.pain_after, rules=rules)


@register.filter
def red_flag_description(value) -> str:
    """The §6 plain words of one sign, by its value (RedFlagReport.Sign)."""
    return RED_FLAG_DESCRIPTIONS.get(str(value), "")


@register.inclusion_tag("patients/partials/red_flag_signs.html")
def red_flag_signs(heading_id: str = ""):
    """docs/clinical-rules.md §6: the one list of red-flag signs, in the same words everywhere."""
    return {"signs": RED_FLAG_SIGNS, "heading_id": heading_id}


@register.inclusion_tag("patients/partials/walk_guidance.html", takes_context=True)
def walk_guidance(context, log=None):
    """docs/clinical-rules.md §1b before a walk: the advice for today's walk when one is
    logged today (its symptom areas), otherwise both the leg and the back advice."""
    patient = context.get("patient")
    areas = None
    if log is not None and patient is not None and log.date == local_today(patient.tz_name):
        areas = log.symptom_areas
    return {"guidance": guidance.guidance_for(areas)}


@register.inclusion_tag("patients/partials/walk_guidance.html")
def walk_guidance_all():
    """Both kinds of advice, for a page that cannot know where the symptoms are (the handout)."""
    return {"guidance": guidance.guidance_for(None)}


@register.inclusion_tag("patients/partials/red_flag_banner.html", takes_context=True)
def red_flag_banner(context, patient):
    """A banner on every staff page about a patient with an open red flag. Free when the page
    fetched the patient with selectors.get_patient_for_user (it carries the flag); one query
    otherwise."""
    user = context.get("user")
    if not isinstance(patient, Patient) or user is None or not user.is_clinic_staff:
        return {"flagged": False}
    flagged = getattr(patient, "has_open_red_flag", None)
    if flagged is None:
        flagged = has_open_red_flag(user, patient)
    return {"flagged": flagged, "patient": patient}

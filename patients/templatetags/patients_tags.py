from django import template

from ..models import Patient
from ..selectors import has_open_red_flag
from ..units import distance_text

register = template.Library()


@register.filter
def distance(metres, unit: str = "km") -> str:
    """1250 metres -> "1.25 km" (or miles, in the clinic's unit)."""
    if metres is None or metres == "":
        return ""
    return distance_text(int(metres), unit)


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

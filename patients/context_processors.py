"""`rules` in every template a patient sees: the clinical rules in force for them, so Today,
the walk form and result, the timer and the charts say the numbers the engine uses. Staff
pages about a patient pass that patient's `rules` themselves (the view's value wins)."""

from django.utils.functional import SimpleLazyObject

from clinic.models import Role

from .rules import rules_for_patient


def clinical_rules(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and user.role == Role.PATIENT):
        return {}

    def load():
        from .models import Patient

        patient = Patient.objects.select_related("clinic__clinical_settings").filter(user=user)
        patient = patient.first()
        if patient is None:
            from clinic.clinical_rules import DEFAULT_RULES

            return DEFAULT_RULES
        return rules_for_patient(patient)

    return {"rules": SimpleLazyObject(load)}

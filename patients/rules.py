"""The clinical rules in force for one patient (docs/clinical-rules.md §7.7).

The clinic's settings, unless a higher layer knows better: programs registers the rules of
the patient's open plan (the clinic's with the plan's overrides). patients sits below
programs and cannot import it, so the plan's rules arrive through this registration.
Pages, emails, PDFs and the engine all ask here: one definition, read everywhere.
"""

from collections.abc import Callable

from clinic.clinical_rules import ClinicalRules
from clinic.selectors import clinic_rules

_providers: list[Callable] = []


def register_rules_provider(provider: Callable) -> None:
    """`provider(patient)` returns the patient's ClinicalRules, or None to pass."""
    if provider not in _providers:
        _providers.append(provider)


def rules_for_patient(patient) -> ClinicalRules:
    for provider in _providers:
        rules = provider(patient)
        if rules is not None:
            return rules
    return clinic_rules(patient.clinic)

"""Checks several services share. Each raises ValidationError in plain words."""

from decimal import Decimal

from django.core.exceptions import ValidationError

from clinic.models import Clinic, ClinicalSettings, Role, User
from patients.models import Patient

from .. import rules
from ..doses import ExerciseDose
from ..models import Slot


def check_exercise_reachable(items: list[ExerciseDose], clinic_id: int) -> None:
    for item in items:
        if item.exercise.clinic_id not in (None, clinic_id):
            raise ValidationError("Choose exercises from your clinic's library.")


def check_items(items: list[ExerciseDose], *, weeks: int) -> None:
    errors = []
    for item in items:
        problems = {
            **rules.dose_errors(item.dose),
            **rules.week_range_errors(item.week_from, item.week_to, weeks=weeks),
        }
        if item.slot not in Slot.values:
            problems["slot"] = "Choose when the exercise is done."
        errors.extend(f"{item.exercise.name}: {message}" for message in problems.values())
    if errors:
        raise ValidationError(errors)


def check_therapist(patient: Patient, by: User) -> None:
    # Plans are clinical decisions: therapists of the patient's clinic make them.
    if by.role != Role.THERAPIST or by.clinic_id != patient.clinic_id:
        raise ValidationError("Only a therapist of this clinic can change a plan.")


def min_bout(clinic: Clinic) -> Decimal:
    row = ClinicalSettings.objects.filter(clinic=clinic).only("min_bout_minutes").first()
    return row.min_bout_minutes if row else ClinicalSettings().min_bout_minutes


def check_prescription(patient: Patient, **prescription) -> None:
    errors = rules.prescription_errors(**prescription, min_bout_minutes=min_bout(patient.clinic))
    if errors:
        raise ValidationError(errors)

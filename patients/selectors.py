"""Reads of patient records shared by views and tasks; all go through clinic.access."""

from django.db.models import QuerySet

from clinic.access import get_or_404, scope_patient_data

from .models import Patient


def patients_for_user(user) -> QuerySet[Patient]:
    return scope_patient_data(Patient.objects.all(), user, patient_path="")


def get_patient_for_user(user, pk) -> Patient:
    """The patient if `user` may see them, otherwise a 404."""
    return get_or_404(
        patients_for_user(user).select_related("primary_therapist", "user", "clinic"), pk=pk
    )


def patients_for_caseload(user, *, everyone: bool = False, query: str = "") -> QuerySet[Patient]:
    """The therapist's own active patients (or the whole clinic's), for the caseload page."""
    patients = patients_for_user(user).filter(status=Patient.Status.ACTIVE)
    if not everyone:
        patients = patients.filter(primary_therapist=user)
    if query:
        patients = patients.filter(full_name__icontains=query.strip())
    return patients.select_related("primary_therapist", "user")


def patient_for_account(user) -> Patient | None:
    """The patient record behind a patient's own login."""
    return patients_for_user(user).select_related("primary_therapist").first()

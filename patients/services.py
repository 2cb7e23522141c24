"""Writes of patient records: keyword-only, atomic, validated, audited."""

from django.core.exceptions import ValidationError
from django.db import transaction

from clinic.audit import Action, audit_record
from clinic.models import Clinic, Role, User
from clinic.services import invitation_create

from .models import Patient


def _check_therapist(clinic: Clinic, therapist: User) -> None:
    if therapist.clinic_id != clinic.pk or therapist.role != Role.THERAPIST:
        raise ValidationError({"primary_therapist": "Choose a therapist of this clinic."})


@transaction.atomic
def patient_create(*, clinic: Clinic, created_by: User, request=None, **fields) -> Patient:
    """A patient record without a login (entries are made by staff)."""
    _check_therapist(clinic, fields["primary_therapist"])
    patient = Patient(clinic=clinic, **fields)
    patient.full_clean()
    patient.save()
    audit_record(
        action=Action.CREATE, request=request, actor=created_by, patient_id=patient.pk, obj=patient
    )
    return patient


@transaction.atomic
def patient_invite(
    *, clinic: Clinic, email: str, invited_by: User, request=None, **fields
) -> Patient:
    """A patient record with an invitation to sign in."""
    _check_therapist(clinic, fields["primary_therapist"])
    invitation = invitation_create(
        clinic=clinic,
        email=email,
        full_name=fields["full_name"],
        role=Role.PATIENT,
        invited_by=invited_by,
        request=request,
    )
    patient = Patient(clinic=clinic, user=invitation.user, **fields)
    patient.full_clean()
    patient.save()
    audit_record(
        action=Action.CREATE, request=request, actor=invited_by, patient_id=patient.pk, obj=patient
    )
    return patient


@transaction.atomic
def patient_reassign(*, patient: Patient, therapist: User, by: User, request=None) -> Patient:
    """Move a patient to another therapist of the same clinic."""
    _check_therapist(patient.clinic, therapist)
    patient.primary_therapist = therapist
    patient.save(update_fields=["primary_therapist"])
    audit_record(
        action=Action.REASSIGN, request=request, actor=by, patient_id=patient.pk, obj=patient
    )
    return patient

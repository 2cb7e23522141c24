from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clinic.access import admin_required, staff_required
from clinic.audit import Action, audit_record
from clinic.forms import ReassignForm
from clinic.selectors import therapists_for_clinic

from . import services
from .forms import PatientForm
from .selectors import get_patient_for_user


@staff_required
def patient_create(request):
    therapists = therapists_for_clinic(request.user)
    initial = {"primary_therapist": request.user.pk} if request.user.role == "therapist" else {}
    form = PatientForm(request.POST or None, clinic_therapists=therapists, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "email"}
        email = form.cleaned_data["email"]
        try:
            if email:
                patient = services.patient_invite(
                    clinic=request.user.clinic,
                    email=email,
                    invited_by=request.user,
                    request=request,
                    **fields,
                )
            else:
                patient = services.patient_create(
                    clinic=request.user.clinic, created_by=request.user, request=request, **fields
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            sent = f" An invitation was sent to {email}." if email else ""
            messages.success(request, f"{patient.full_name} was added.{sent}")
            return redirect("patients:detail", pk=patient.pk)
    return render(request, "patients/patient_create.html", {"form": form})


@staff_required
def patient_detail(request, pk):
    patient = get_patient_for_user(request.user, pk)
    audit_record(action=Action.VIEW, request=request, patient_id=patient.pk, obj=patient)
    return render(request, "patients/patient_detail.html", {"patient": patient})


@admin_required
@require_POST
def patient_reassign(request, pk):
    patient = get_patient_for_user(request.user, pk)
    form = ReassignForm(request.POST, clinic_therapists=therapists_for_clinic(request.user))
    if not form.is_valid():
        messages.error(request, "Choose a therapist of this clinic.")
        return redirect("accounts")
    services.patient_reassign(
        patient=patient, therapist=form.cleaned_data["therapist"], by=request.user, request=request
    )
    messages.success(
        request, f"{patient.full_name} moved to {form.cleaned_data['therapist'].get_full_name()}."
    )
    return redirect("accounts")

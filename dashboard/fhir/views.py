"""The FHIR export of one patient, for staff of the patient's clinic."""

from django.http import JsonResponse
from django.utils import timezone

from clinic.access import staff_required
from clinic.audit import Action, audit_record
from patients.selectors import get_patient_for_user

from .bundle import patient_bundle
from .record import record_for_patient


@staff_required
def patient_fhir(request, pk):
    """The patient's record as a FHIR R4 Bundle, downloaded as a file: an audited export.

    Staff only: a patient's own download is patients:export-json."""
    patient = get_patient_for_user(request.user, pk)
    bundle = patient_bundle(record_for_patient(request.user, patient), now=timezone.now())
    audit_record(
        action=Action.EXPORT,
        request=request,
        patient_id=patient.pk,
        obj=patient,
        object_id=f"{patient.pk}.fhir",
    )
    response = JsonResponse(
        bundle, content_type="application/fhir+json", json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = (
        f'attachment; filename="stride-patient-{patient.pk}.fhir.json"'
    )
    return response

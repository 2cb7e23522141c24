"""Pages of notifications: the clinic admins' list of messages (failed ones first) and the
public one-click link that turns a patient's reminder emails off."""

from django.core.paginator import Paginator
from django.shortcuts import render

from clinic.access import admin_required
from clinic.audit import audit_view
from patients.models import Patient
from patients.services import reminder_unsubscribe

from . import selectors
from .models import Delivery
from .unsubscribe import patient_id_from_token


@admin_required
def delivery_list(request):
    """Every message of the clinic (reminders, digests, red-flag alerts, invitations),
    failed ones first to look at."""
    status = request.GET.get("status", "")
    if status not in Delivery.Status.values:
        status = ""
    deliveries = selectors.deliveries_for_admin(request.user, status=status)
    page = Paginator(deliveries, 100).get_page(request.GET.get("page"))
    # Who receives reminders tells who is in treatment: reading the list is audited.
    audit_view(request, patient_id=None, object_type="notifications.delivery")
    context = {"page": page, "status": status, "statuses": Delivery.Status.choices}
    return render(request, "notifications/delivery_list.html", context)


def reminders_off(request, token):
    """Public: the signed link in every reminder email turns reminders off in one click."""
    patient_id = patient_id_from_token(token)
    # The signed token is the authorisation here (no session): it names exactly one patient,
    # and the page shows nothing about them but their clinic's name.
    patient = Patient.objects.select_related("clinic").filter(pk=patient_id).first()
    if patient is None:
        return render(request, "notifications/reminders_off_invalid.html", status=404)
    reminder_unsubscribe(patient=patient, request=request)
    return render(request, "notifications/reminders_off.html", {"clinic": patient.clinic})

"""Pages of notifications: the clinic admins' list of messages (failed ones first) and the
public one-click link that turns a patient's reminder emails off."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

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


# No CSRF token: mail clients send the RFC 8058 one-click POST themselves, and the opaque,
# expiring token in the URL is the authorisation (no session).
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def reminders_off(request, token):
    """Public: the link in every reminder email. Opening it (GET, HEAD: mail scanners do)
    shows a confirmation; only the POST, from that page or the mail client's one-click
    unsubscribe, turns reminders off. The page shows nothing but the clinic's name."""
    patient_id = patient_id_from_token(token)
    patient = Patient.objects.select_related("clinic").filter(pk=patient_id).first()
    if patient is None:
        return render(request, "notifications/reminders_off_invalid.html", status=404)
    if request.method != "POST":
        return render(
            request, "notifications/reminders_off_confirm.html", {"clinic": patient.clinic}
        )
    reminder_unsubscribe(patient=patient, request=request)
    return render(request, "notifications/reminders_off.html", {"clinic": patient.clinic})

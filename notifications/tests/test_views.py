"""The admins' page of every message, failed first, and the reminders-off link."""

from django.urls import reverse
from django.utils import timezone

from notifications.models import Delivery
from notifications.unsubscribe import unsubscribe_token
from patients.models import ReminderPreference


def _row(user, clinic, status, kind="daily", error=""):
    return Delivery.objects.create(
        user=user,
        clinic=clinic,
        kind=kind,
        local_date=timezone.now().date(),
        status=status,
        last_error=error,
    )


def test_the_page_shows_failed_first_then_retrying_then_the_newest(
    clinic, admin_user, therapist, patient, other_patient, client_for
):
    failed = _row(patient.user, clinic, "failed", error="SMTPServerDisconnected")
    _row(other_patient.user, clinic, "sent")
    retrying = _row(therapist, clinic, "pending", kind="digest", error="TimeoutError")
    newest = _row(admin_user, clinic, "sent", kind="digest")
    response = client_for(admin_user).get(reverse("notifications:deliveries"))
    rows = list(response.context["page"].object_list)
    assert rows[:3] == [failed, retrying, newest]
    assert "Retrying" in response.content.decode()


def test_an_unknown_status_filter_shows_everything(clinic, admin_user, patient, client_for):
    _row(patient.user, clinic, "sent")
    response = client_for(admin_user).get(reverse("notifications:deliveries"), {"status": "x"})
    assert len(response.context["page"].object_list) == 1


def test_the_old_reminders_off_path_leads_to_the_confirmation(patient, client):
    token = unsubscribe_token(patient.pk)
    response = client.get(f"/patients/reminders/off/{token}/", follow=True)
    url = reverse("notifications:reminders-off", args=[token])
    assert response.redirect_chain == [(url, 301)]
    assert "Turn reminders off" in response.content.decode()
    client.post(url)
    assert not ReminderPreference.objects.get(patient=patient).email_enabled

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


def test_reminder_links_from_before_the_move_still_turn_reminders_off(patient, client):
    token = unsubscribe_token(patient.pk)
    response = client.get(f"/patients/reminders/off/{token}/", follow=True)
    assert response.redirect_chain == [(reverse("notifications:reminders-off", args=[token]), 301)]
    assert response.status_code == 200
    assert not ReminderPreference.objects.get(patient=patient).email_enabled

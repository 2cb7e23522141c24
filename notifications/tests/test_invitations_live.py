"""Invitation emails on a real worker and the real Redis broker."""

from django.urls import reverse

from clinic.models import Invitation, Role


def test_an_invitation_is_emailed_by_the_worker(live_worker, admin_user, client_for):
    response = client_for(admin_user).post(
        reverse("clinic:staff-invite"),
        {"full_name": "Wren Worker", "email": "wren@home.example", "role": Role.THERAPIST},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(user__email="wren@home.example")
    live_worker.wait_for(lambda: live_worker.sent_emails(), what="the invitation email")
    [message] = live_worker.sent_emails()
    assert message["To"] == "wren@home.example"
    assert invitation.token in message.as_string()
    live_worker.wait_for(
        lambda: Invitation.objects.get(pk=invitation.pk).sent_count == 1, what="sent_count"
    )

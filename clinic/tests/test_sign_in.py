from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEvent, Role
from clinic.tests.factories import TEST_PASSWORD, StaffFactory
from clinic.tests.helpers import sign_in


def test_staff_sign_in_asks_for_the_authenticator_code(client, therapist):
    response = client.post(
        "/accounts/login/", {"login": therapist.email, "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # Without the code there is no session: patient pages stay closed.
    assert client.get(reverse("dashboard:caseload"))["Location"].startswith(
        reverse("account_login")
    )


def test_staff_lands_on_caseload_and_admin_on_accounts(therapist, admin_user):
    for user, home in ((therapist, "dashboard:caseload"), (admin_user, "dashboard:accounts")):
        client = Client()
        sign_in(client, user)
        assert client.get("/")["Location"] == reverse(home)


def test_patient_signs_in_without_mfa_and_lands_on_today(client, patient):
    response = sign_in(client, patient.user)
    assert response.status_code == 302
    assert client.get("/")["Location"] == reverse("dashboard:today")
    assert client.get(reverse("dashboard:today")).status_code == 200


def test_staff_without_mfa_must_enrol_before_patient_pages(client, clinic, patient):
    newcomer = StaffFactory(clinic=clinic, totp=False)
    sign_in(client, newcomer)
    for url in (reverse("dashboard:caseload"), reverse("patients:detail", args=[patient.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password once more before showing the enrolment QR code.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": TEST_PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert "data:image/svg+xml" in response.content.decode()


def test_it_writes_login_and_failed_login_events(client, patient):
    client.post("/accounts/login/", {"login": patient.user.email, "password": "wrong password"})
    sign_in(client, patient.user)
    failed = AuditEvent.objects.get(action="login_failed")
    assert (failed.object_id, failed.clinic_id, failed.actor) == (
        str(patient.user.pk),
        patient.clinic_id,
        None,
    )
    assert failed.ip == "127.0.0.1" and failed.request_id
    assert AuditEvent.objects.filter(action="login", actor=patient.user).count() == 1


def test_it_rate_limits_after_five_failed_logins(client, patient):
    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"login": patient.user.email, "password": "wrong password"}
        )
        assert response.status_code == 200
    # The sixth attempt is refused even with the right password.
    response = client.post(
        "/accounts/login/", {"login": patient.user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert "too many" in response.content.decode().lower()


def test_django_admin_sign_in_goes_through_allauth(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "role, idle_minutes, signed_out",
    [
        (Role.THERAPIST, 14, False),
        (Role.THERAPIST, 16, True),
        (Role.PATIENT, 29, False),
        (Role.PATIENT, 31, True),
    ],
    ids=["staff-14min", "staff-16min", "patient-29min", "patient-31min"],
)
def test_idle_sessions_end_after_the_role_limit(
    role, idle_minutes, signed_out, client, therapist, patient
):
    user, page = (
        (therapist, "dashboard:caseload")
        if role == Role.THERAPIST
        else (patient.user, "dashboard:today")
    )
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, user)
        assert client.get(reverse(page)).status_code == 200
    with time_machine.travel(start + timedelta(minutes=idle_minutes), tick=False):
        response = client.get(reverse(page))
    if signed_out:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?timeout=1"
    else:
        assert response.status_code == 200


def test_activity_keeps_the_session_but_twelve_hours_is_the_limit(client, patient):
    start = timezone.now()
    for minutes in range(0, 12 * 60, 25):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            if minutes == 0:
                sign_in(client, patient.user)
            assert client.get(reverse("dashboard:today")).status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=5), tick=False):
        assert client.get(reverse("dashboard:today")).status_code == 302


def test_stay_signed_in_refreshes_the_idle_clock(client, therapist):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, therapist)
    with time_machine.travel(start + timedelta(minutes=13), tick=False):
        assert client.post(reverse("clinic:session-extend")).json()["idle_seconds"] == 15 * 60
    with time_machine.travel(start + timedelta(minutes=27), tick=False):
        assert client.get(reverse("dashboard:caseload")).status_code == 200


def test_pages_carry_the_idle_warning_settings(client, therapist):
    sign_in(client, therapist)
    html = client.get(reverse("dashboard:caseload")).content.decode()
    assert 'data-idle-seconds="900"' in html
    assert 'data-warning-seconds="120"' in html
    assert "Stay signed in" in html


def test_deactivation_ends_the_users_sessions_at_once(admin_user, therapist, client_for):
    therapist_client = Client()
    sign_in(therapist_client, therapist)
    assert therapist_client.get(reverse("dashboard:caseload")).status_code == 200

    response = client_for(admin_user).post(
        reverse("clinic:account-deactivate", args=[therapist.pk])
    )

    assert response.status_code == 302
    therapist.refresh_from_db()
    assert not therapist.is_active
    assert therapist_client.get(reverse("dashboard:caseload")).status_code == 302
    fresh = Client()
    sign_in(fresh, therapist)
    assert "_auth_user_id" not in fresh.session
    assert AuditEvent.objects.filter(action="deactivate", object_id=str(therapist.pk)).exists()


def test_reactivation_lets_the_user_sign_in_again(admin_user, therapist, client_for):
    admin = client_for(admin_user)
    admin.post(reverse("clinic:account-deactivate", args=[therapist.pk]))
    admin.post(reverse("clinic:account-reactivate", args=[therapist.pk]))
    client = Client()
    sign_in(client, therapist)
    assert client.get(reverse("dashboard:caseload")).status_code == 200


def test_admin_cannot_deactivate_themselves(admin_user, client_for):
    client_for(admin_user).post(reverse("clinic:account-deactivate", args=[admin_user.pk]))
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_mfa_reset_removes_the_authenticator_and_signs_out(admin_user, therapist, client_for):
    therapist_client = Client()
    sign_in(therapist_client, therapist)
    client_for(admin_user).post(reverse("clinic:account-mfa-reset", args=[therapist.pk]))
    assert not Authenticator.objects.filter(user=therapist).exists()
    assert therapist_client.get(reverse("dashboard:caseload")).status_code == 302
    client = Client()
    sign_in(client, therapist)
    assert client.get(reverse("dashboard:caseload"))["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db(transaction=True)
def test_password_reset_email_is_sent_through_the_task(client, patient):
    response = client.post("/accounts/password/reset/", {"email": patient.user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [patient.user.email]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body

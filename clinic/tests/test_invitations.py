from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEvent, Invitation, Role, User
from clinic.tests.helpers import link_in_last_email
from patients.models import Patient

NEW_PASSWORD = "a long walk to the shops"

# Real commits: invitation emails are queued with delay_on_commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client(admin_user, client_for):
    return client_for(admin_user)


def _invite_therapist(admin_client, email="new.therapist@home.example"):
    return admin_client.post(
        reverse("clinic:staff-invite"),
        {"full_name": "Nia New", "email": email, "role": Role.THERAPIST},
    )


def test_it_emails_a_single_use_link_that_sets_the_password(admin_client, client, clinic):
    response = _invite_therapist(admin_client)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.therapist@home.example"]
    assert "Home Clinic" in mail.outbox[0].subject
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    link = link_in_last_email("/invite/")
    invited = User.objects.get(email="new.therapist@home.example")
    assert (invited.is_active, invited.clinic, invited.role) == (False, clinic, Role.THERAPIST)

    response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.is_active and invited.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="invite_accept", actor=invited).exists()
    # The link is used up.
    client.logout()
    assert client.get(link).status_code == 404


def test_it_refuses_an_expired_link(admin_client, client):
    _invite_therapist(admin_client)
    link = link_in_last_email("/invite/")
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 404
    assert not User.objects.get(email="new.therapist@home.example").is_active


def test_it_refuses_a_revoked_link_and_resend_gives_a_fresh_one(admin_client, client):
    _invite_therapist(admin_client)
    old_link = link_in_last_email("/invite/")
    invitation = Invitation.objects.get()
    admin_client.post(reverse("clinic:invitation-revoke", args=[invitation.pk]))
    assert client.get(old_link).status_code == 404

    admin_client.post(reverse("clinic:invitation-resend", args=[invitation.pk]))

    new_link = link_in_last_email("/invite/")
    assert new_link != old_link
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


def test_it_keeps_everything_unchanged_when_passwords_differ(admin_client, client):
    _invite_therapist(admin_client)
    link = link_in_last_email("/invite/")
    response = client.post(link, {"password1": NEW_PASSWORD, "password2": "something else"})
    assert response.status_code == 200
    assert "not the same" in response.content.decode()
    assert not User.objects.get(email="new.therapist@home.example").is_active
    assert Invitation.objects.get().accepted_at is None


def test_it_rejects_a_weak_password(admin_client, client):
    _invite_therapist(admin_client)
    link = link_in_last_email("/invite/")
    response = client.post(link, {"password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert not User.objects.get(email="new.therapist@home.example").is_active


def test_it_refuses_to_invite_an_email_that_has_an_account(admin_client, therapist):
    response = _invite_therapist(admin_client, email=therapist.email.upper())
    assert response.status_code == 200
    assert "already has a Stride account" in response.content.decode()
    assert mail.outbox == []


def test_it_rejects_an_unknown_role(admin_client):
    response = admin_client.post(
        reverse("clinic:staff-invite"),
        {"full_name": "X", "email": "x@home.example", "role": "superuser"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="x@home.example").exists()


def test_therapist_invites_a_patient_with_a_record(therapist, client_for, client):
    response = client_for(therapist).post(
        reverse("patients:create"),
        {
            "full_name": "Ruth Reed",
            "email": "ruth@home.example",
            "primary_therapist": therapist.pk,
            "stenosis_type": "central",
        },
    )
    assert response.status_code == 302
    patient = Patient.objects.get(full_name="Ruth Reed")
    assert patient.user.email == "ruth@home.example" and patient.user.role == Role.PATIENT
    link = link_in_last_email("/invite/")
    client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert client.get(reverse("dashboard:today")).status_code == 200


def test_therapist_creates_a_paper_diary_patient_without_email(therapist, client_for):
    response = client_for(therapist).post(
        reverse("patients:create"),
        {"full_name": "Paula Paper", "primary_therapist": therapist.pk, "stenosis_type": "unknown"},
    )
    assert response.status_code == 302
    patient = Patient.objects.get(full_name="Paula Paper")
    assert patient.user is None
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="create", patient_id=patient.pk).exists()


def test_patient_form_rejects_a_therapist_of_another_clinic(therapist, other_therapist, client_for):
    response = client_for(therapist).post(
        reverse("patients:create"),
        {"full_name": "Wrong", "primary_therapist": other_therapist.pk, "stenosis_type": "unknown"},
    )
    assert response.status_code == 200
    assert not Patient.objects.filter(full_name="Wrong").exists()


def test_patient_form_rejects_a_birth_date_in_the_future(therapist, client_for):
    response = client_for(therapist).post(
        reverse("patients:create"),
        {
            "full_name": "Future",
            "primary_therapist": therapist.pk,
            "stenosis_type": "unknown",
            "date_of_birth": "2999-01-01",
        },
    )
    assert "between 1900 and today" in response.content.decode()
    assert not Patient.objects.filter(full_name="Future").exists()


def test_public_sign_up_is_closed(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "walk-in@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert not User.objects.filter(email="walk-in@example.org").exists()
    assert response.status_code == 200
    assert "closed" in response.content.decode().lower()


@pytest.mark.parametrize("verified", [True, False])
def test_an_address_claimed_by_another_account_blocks_nothing_with_a_500(
    admin_client, client, patient, verified
):
    # #16, point 2: another account had added the invitee's address (allauth's email page);
    # accepting the invitation answered HTTP 500 (IntegrityError on the address).
    from allauth.account.models import EmailAddress

    _invite_therapist(admin_client)
    EmailAddress.objects.create(
        user=patient.user, email="new.therapist@home.example", verified=verified, primary=False
    )
    link = link_in_last_email("/invite/")

    response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 200
    assert "already in use" in response.content.decode()
    invited = User.objects.get(email="new.therapist@home.example")
    assert not invited.is_active  # nothing changed
    assert AuditEvent.objects.filter(action="invite_conflict", actor=invited).exists()

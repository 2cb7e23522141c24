"""#16 point 1: the email page may not hand an account to another address.

Addresses in Stride are set by the clinic (invitation, patient record). A person may ask to
change theirs only after entering the password again, and only a verified address signs in
or receives a password-reset link."""

import importlib

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core import mail
from django.test import Client
from django.urls import reverse

from clinic.models import Invitation, Role, User
from clinic.tests.factories import TEST_PASSWORD, UserFactory
from clinic.tests.helpers import link_in_last_email, sign_in

NEW_ADDRESS = "pat.new@home.example"


def _reauthenticate(client):
    response = client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert response.status_code == 302, response.content.decode()


def _ask_for(client, email):
    return client.post(reverse("account_email"), {"action_add": "", "email": email})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_asking_for_a_new_address_needs_the_password_again(client_for, patient):
    client = client_for(patient.user)

    response = _ask_for(client, NEW_ADDRESS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email=NEW_ADDRESS).exists()


@pytest.mark.parametrize(
    "holder",
    ["other_clinic_patient", "pending_change", "pending_invitation", "same_clinic"],
)
def test_an_address_in_use_anywhere_is_refused_without_saying_by_whom(
    holder, client_for, patient, other_patient, other_clinic_patient, other_clinic
):
    taken = {
        "other_clinic_patient": other_clinic_patient.user.email,
        "same_clinic": other_patient.user.email,
        "pending_change": "someone.elses.new@example.org",
        "pending_invitation": "invited@other.example",
    }[holder]
    if holder == "pending_change":
        EmailAddress.objects.create(user=other_patient.user, email=taken, verified=False)
    if holder == "pending_invitation":
        invitee = UserFactory(clinic=other_clinic, role=Role.PATIENT, email=taken, is_active=False)
        Invitation.objects.create(
            user=invitee, clinic=other_clinic, token="t", expires_at="2099-01-01T00:00:00Z"
        )
    client = client_for(patient.user)
    _reauthenticate(client)

    response = _ask_for(client, taken.upper())

    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot be used" in page
    for secret in ("Other Clinic", "Far Away", "Olive Other", "patient@other.example"):
        assert secret not in page
    assert not EmailAddress.objects.filter(user=patient.user, email__iexact=taken).exists()


def test_an_unverified_address_does_not_sign_in(client, patient):
    # What the old email page left behind: an address added without any check.
    EmailAddress.objects.create(user=patient.user, email="thief@example.org", verified=False)

    client.post("/accounts/login/", {"login": "thief@example.org", "password": TEST_PASSWORD})

    assert not _signed_in(client)


@pytest.mark.django_db(transaction=True)
def test_an_unverified_address_gets_no_password_reset_link(client, patient):
    EmailAddress.objects.create(user=patient.user, email="thief@example.org", verified=False)

    response = client.post(reverse("account_reset_password"), {"email": "thief@example.org"})

    assert response.status_code == 302
    assert all("/accounts/password/reset/key/" not in m.body for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_a_verified_change_replaces_the_address_everywhere(client, patient):
    old = patient.user.email
    sign_in(client, patient.user)
    _reauthenticate(client)

    response = _ask_for(client, NEW_ADDRESS)

    assert response.status_code == 302
    assert mail.outbox[-1].to == [NEW_ADDRESS]
    assert "asked to use this email address" in mail.outbox[-1].body
    link = link_in_last_email("/accounts/confirm-email/")
    # Nothing changes until the new address is verified: the old one still signs in.
    patient.user.refresh_from_db()
    assert patient.user.email == old
    early = Client()
    early.post("/accounts/login/", {"login": NEW_ADDRESS, "password": TEST_PASSWORD})
    assert not _signed_in(early)

    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302

    patient.user.refresh_from_db()
    assert patient.user.email == NEW_ADDRESS
    rows = list(EmailAddress.objects.filter(user=patient.user).values_list("email", "verified"))
    assert rows == [(NEW_ADDRESS, True)]
    assert EmailAddress.objects.get(user=patient.user).primary
    # The old address is told, so an owner whose session was stolen learns of it.
    assert any(m.to == [old] for m in mail.outbox)
    fresh = Client()
    sign_in(fresh, patient.user)
    assert _signed_in(fresh)


@pytest.mark.django_db(transaction=True)
def test_a_change_to_an_address_taken_meanwhile_is_not_verified(client, patient, clinic):
    sign_in(client, patient.user)
    _reauthenticate(client)
    _ask_for(client, NEW_ADDRESS)
    link = link_in_last_email("/accounts/confirm-email/")
    # Before the link is clicked, the clinic invites someone at that address.
    UserFactory(clinic=clinic, email=NEW_ADDRESS, is_active=False, verified_address=False)

    response = client.post(link)

    assert response.status_code in (200, 302)
    patient.user.refresh_from_db()
    assert patient.user.email == "patient@home.example"
    assert not EmailAddress.objects.filter(email=NEW_ADDRESS, verified=True).exists()


@pytest.mark.django_db(transaction=True)
def test_an_invited_account_signs_in_with_its_address(client, admin_user, client_for):
    client_for(admin_user).post(
        reverse("clinic:staff-invite"),
        {"full_name": "Nia New", "email": "Nia@Home.example", "role": Role.THERAPIST},
    )
    link = link_in_last_email("/invite/")
    Client().post(link, {"password1": "a long walk home", "password2": "a long walk home"})

    client.post("/accounts/login/", {"login": "nia@home.example", "password": "a long walk home"})

    assert client.session.get("_auth_user_id") or client.session.get("account_authentication")
    row = EmailAddress.objects.get(email="nia@home.example")
    assert (row.verified, row.primary) == (True, True)


def _migration():
    return importlib.import_module("clinic.migrations.0007_verified_clinic_addresses")


def test_the_migration_leaves_each_account_its_clinic_address_verified(patient, other_patient):
    account = patient.user
    EmailAddress.objects.filter(user=account).delete()
    # Left by the old email page: an extra address, verified by its holder, and another
    # account's claim on this account's address.
    EmailAddress.objects.create(user=account, email="thief@example.org", verified=True)
    EmailAddress.objects.create(user=other_patient.user, email=account.email, verified=False)
    never_accepted = UserFactory(
        clinic=patient.clinic, email="pending@home.example", is_active=False
    )
    never_accepted.set_unusable_password()
    never_accepted.save()
    EmailAddress.objects.filter(user=never_accepted).delete()

    _migration().verify_clinic_addresses(apps, None)

    rows = list(
        EmailAddress.objects.filter(user=account).values_list("email", "verified", "primary")
    )
    assert rows == [(account.email, True, True)]
    assert list(
        EmailAddress.objects.filter(user=other_patient.user).values_list("email", flat=True)
    ) == [other_patient.user.email]
    assert not EmailAddress.objects.filter(user=never_accepted).exists()
    assert User.objects.get(pk=account.pk).email == account.email

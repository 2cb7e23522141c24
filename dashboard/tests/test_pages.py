"""Pages that compose several apps: Today, the caseload and the accounts page."""

import pytest
from django.urls import reverse

from clinic.tests.factories import UserFactory
from patients.tests.factories import PatientFactory


def test_caseload_shows_own_patients_and_the_clinic_on_request(world, client_for):
    from clinic.tests.factories import StaffFactory

    colleague = StaffFactory(clinic=world.clinic)
    theirs = PatientFactory(clinic=world.clinic, primary_therapist=colleague)
    client = client_for(world.therapist)
    own = list(client.get(reverse("dashboard:caseload")).context["page"])
    assert theirs not in own and world.patient in own
    everyone = list(client.get(reverse("dashboard:caseload"), {"show": "all"}).context["page"])
    assert theirs in everyone and world.other_clinic_patient not in everyone


def test_every_page_shows_the_clinic_phone_and_accessible_landmarks(world, client_for):
    html = client_for(world.patient.user).get(reverse("dashboard:today")).content.decode()
    assert '<html lang="en">' in html
    assert 'href="#main"' in html and '<main id="main"' in html
    assert html.count("tel:+1 555 0100") == 2  # header and footer
    assert "patient-view" in html  # 18 px base text on patient pages


def test_pages_have_no_inline_scripts(world, client_for):
    html = client_for(world.admin).get(reverse("dashboard:accounts")).content.decode()
    assert "<script>" not in html and " onclick=" not in html


@pytest.mark.parametrize("patients", [1, 40])
def test_caseload_uses_a_fixed_number_of_queries(
    world, client_for, django_assert_num_queries, patients
):
    PatientFactory.create_batch(patients, clinic=world.clinic, primary_therapist=world.therapist)
    client = client_for(world.therapist)
    client.get(reverse("dashboard:caseload"))  # the first request starts the session clock
    # session, user, MFA check, clinic (header), count, page of patients with therapist + login,
    # progression suggestions waiting (programs), re-tests due of the page's patients
    with django_assert_num_queries(8):
        client.get(reverse("dashboard:caseload"))


@pytest.mark.parametrize("accounts", [1, 30])
def test_accounts_page_uses_a_fixed_number_of_queries(
    world, client_for, django_assert_num_queries, accounts
):
    for _ in range(accounts):
        user = UserFactory(clinic=world.clinic)
        PatientFactory(clinic=world.clinic, primary_therapist=world.therapist, user=user)
    client = client_for(world.admin)
    client.get(reverse("dashboard:accounts"))  # the first request starts the session clock
    # session, user, MFA check, clinic (header), therapists, accounts, their invitations,
    # their authenticators, patients with therapist + login
    with django_assert_num_queries(9):
        client.get(reverse("dashboard:accounts"))

"""Pages that compose several apps: Today and the accounts page (the caseload: test_caseload)."""

import pytest
from django.urls import reverse

from clinic.tests.factories import UserFactory
from patients.tests.factories import PatientFactory


def test_every_page_shows_the_clinic_phone_and_accessible_landmarks(world, client_for):
    html = client_for(world.patient.user).get(reverse("dashboard:today")).content.decode()
    assert '<html lang="en">' in html
    assert 'href="#main"' in html and '<main id="main"' in html
    # Header, footer and the red-flag box; dialled without the spaces.
    assert html.count('href="tel:+15550100">+1 555 0100</a>') == 3
    assert "patient-view" in html  # 18 px base text on patient pages


def test_pages_have_no_inline_scripts(world, client_for):
    html = client_for(world.admin).get(reverse("dashboard:accounts")).content.decode()
    assert "<script>" not in html and " onclick=" not in html


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
    # their authenticators, patients with therapist + login, the view event
    with django_assert_num_queries(10):
        client.get(reverse("dashboard:accounts"))

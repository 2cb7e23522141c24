"""Sign-in without dead ends: a new account goes straight on from setting its password,
the authenticator secret and recovery codes are usable, the sign-in page leads to the public
quiz, and the clinic's numbers are tap-to-call wherever patients see them."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import hotp_value
from django.template import Context, Template
from django.urls import reverse

from clinic import services
from clinic.models import Role
from clinic.tests.helpers import link_in_last_email

NEW_PASSWORD = "a long walk to the shops"
OUT_OF_HOURS = "Out of hours: call the on-call physio on (020) 7946-0018, or NHS 111."

# Real commits for invitations: their emails are queued with delay_on_commit, as in
# production.
invitation_commits = pytest.mark.django_db(transaction=True)


def _accept_invitation(client, clinic, admin_user, role):
    services.invitation_create(
        clinic=clinic,
        email=f"new.{role}@home.example",
        full_name="Nia New",
        role=role,
        invited_by=admin_user,
    )
    link = link_in_last_email("/invite/")
    return client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


@invitation_commits
def test_new_therapist_goes_from_password_to_authenticator_without_typing_it_again(
    client, clinic, admin_user
):
    response = _accept_invitation(client, clinic, admin_user, Role.THERAPIST)
    # Signed in, and the MFA rule sends staff to enrol an authenticator next...
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    # ...which allauth guards with a fresh password: the one just chosen counts.
    assert response.status_code == 200
    assert b'name="code"' in response.content
    # Enrolment still comes before any patient page.
    assert client.get(reverse("dashboard:caseload"))["Location"] == reverse("mfa_activate_totp")


@invitation_commits
def test_new_patient_lands_on_today_signed_in(client, clinic, admin_user):
    response = _accept_invitation(client, clinic, admin_user, Role.PATIENT)
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard:today")
    assert response.status_code == 200


def _secret_on_page(response) -> str:
    match = re.search(rb'id="totp-secret" data-copy-source>([A-Z2-7]+)</p>', response.content)
    assert match, response.content.decode()
    return match.group(1).decode()


@invitation_commits
def test_authenticator_secret_is_shown_whole_with_a_copy_button_then_codes_continue(
    client, clinic, admin_user
):
    _accept_invitation(client, clinic, admin_user, Role.THERAPIST)
    response = client.get(reverse("mfa_activate_totp"))
    secret = _secret_on_page(response)
    assert len(secret) == 32
    assert b'data-copy-target="totp-secret"' in response.content
    assert b">Copy the secret</button>" in response.content
    assert b'src="data:image/svg+xml;base64,' in response.content
    if 30 - time.time() % 30 < 2:  # a code typed in its last moment may arrive stale
        time.sleep(30 - time.time() % 30 + 0.1)
    code = f"{hotp_value(secret, int(time.time()) // 30):06d}"
    response = client.post(reverse("mfa_activate_totp"), {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    page = response.content.decode()
    assert re.search(r'<a class="btn[^"]*" href="/">Continue</a>', page)
    assert f'href="{reverse("mfa_download_recovery_codes")}">Download the codes</a>' in page
    assert page.count("<li>") >= 10
    # Continue lands on the therapist's caseload: enrolment is done.
    assert client.get("/")["Location"] == reverse("dashboard:caseload")


def test_sign_in_page_links_the_quiz_with_the_only_clinic(client, clinic):
    response = client.get(reverse("account_login"))
    quiz = f"{reverse('stenosis-quiz')}?clinic={clinic.public_key}"
    assert f'href="{quiz}">Take the stenosis quiz</a>' in response.content.decode()
    assert client.get(quiz).status_code == 200


def test_sign_in_page_links_the_quiz_without_a_clinic_when_there_are_several(
    client, clinic, other_clinic
):
    page = client.get(reverse("account_login")).content.decode()
    assert f'href="{reverse("stenosis-quiz")}">Take the stenosis quiz</a>' in page
    assert clinic.public_key not in page and other_clinic.public_key not in page


@pytest.fixture
def out_of_hours(clinic):
    clinic.urgent_contact_text = OUT_OF_HOURS
    clinic.save(update_fields=["urgent_contact_text"])
    return clinic


def _assert_tap_to_call(page: str):
    assert '<a href="tel:02079460018">(020) 7946-0018</a>' in page
    assert 'href="tel:+15550100">+1 555 0100</a>' in page
    assert "tel:+1 555" not in page  # no spaces in a dialled number


def test_urgent_page_numbers_are_tap_to_call(out_of_hours, patient, client_for):
    page = client_for(patient.user).get(reverse("patients:urgent")).content.decode()
    _assert_tap_to_call(page)


def test_today_red_flag_box_has_tap_to_call_numbers(out_of_hours, patient, client_for):
    page = client_for(patient.user).get(reverse("dashboard:today")).content.decode()
    box = page[page.index('id="warning-signs-heading"') :]
    box = box[: box.index("</section>")]
    _assert_tap_to_call(box)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Call 0800 123 4567 (24 h).", 'Call <a href="tel:08001234567">0800 123 4567</a> (24 h).'),
        ("Ring +44 (0)20 7946 0018", 'Ring <a href="tel:+442079460018">+44 (0)20 7946 0018</a>'),
        ("Open 9-17, room 12, closed 2026-12-24", "Open 9-17, room 12, closed 2026-12-24"),
        (
            "<script>alert(1)</script> 555 0199 000",
            '&lt;script&gt;alert(1)&lt;/script&gt; <a href="tel:5550199000">555 0199 000</a>',
        ),
    ],
)
def test_tel_links_link_numbers_and_escape_everything_else(text, expected):
    rendered = Template("{% load phones %}{{ text|tel_links }}").render(Context({"text": text}))
    assert rendered == expected


def test_a_second_clinic_keeps_its_own_number(client_for, other_clinic_patient):
    page = client_for(other_clinic_patient.user).get(reverse("patients:urgent")).content.decode()
    assert 'href="tel:+15550199">+1 555 0199</a>' in page

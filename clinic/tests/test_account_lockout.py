"""#16 point 7: a lockout keeps guessers out without shutting the owner out.

Five failed sign-ins (or five wrong codes) lock the account for a while; the owner unlocks it
by an emailed link that works once, or a clinic admin unlocks it from the accounts page."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEvent
from clinic.tests.factories import TEST_PASSWORD
from clinic.tests.helpers import link_in_last_email, sign_in, totp_code

WRONG = "not the password"


def _fail_five_times(client, email):
    for _ in range(5):
        client.post("/accounts/login/", {"login": email, "password": WRONG})


def _try(client, email, password=TEST_PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_lockout_says_for_how_long_and_whom_to_call(client, patient):
    _fail_five_times(client, patient.user.email)

    response = _try(client, patient.user.email)

    assert not _signed_in(client)
    page = response.content.decode()
    assert "too many failed sign-ins" in page.lower()
    assert "15 minutes" in page
    # Only one clinic on this installation: its number gives nothing away.
    assert "+1 555 0100" in page


def test_with_several_clinics_the_screen_names_none(client, patient, other_clinic):
    # The screen must not tell a stranger which clinic an address belongs to; the owner
    # finds the number in the unlock email.
    _fail_five_times(client, patient.user.email)
    page = _try(client, patient.user.email).content.decode()
    assert "15 minutes" in page
    assert "+1 555 0100" not in page and "Home Clinic" not in page


def test_an_unknown_address_is_locked_with_the_same_words(client, patient, other_clinic):
    _fail_five_times(client, patient.user.email)
    known = _try(client, patient.user.email).content.decode()
    _fail_five_times(client, "nobody@nowhere.example")
    unknown = _try(client, "nobody@nowhere.example").content.decode()

    def message(page):
        return page[page.index("Too many") : page.index("Too many") + 300]

    assert message(known).replace(patient.user.email, "") == message(unknown).replace(
        "nobody@nowhere.example", ""
    )


def test_the_lock_lifts_by_itself(client, patient):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail_five_times(client, patient.user.email)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert "5 minutes" in _try(client, patient.user.email).content.decode()
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        _try(client, patient.user.email)
    assert _signed_in(client)


@pytest.mark.django_db(transaction=True)
def test_the_owner_unlocks_with_the_emailed_link_once(client, patient, other_clinic):
    _fail_five_times(client, patient.user.email)
    page = _try(client, patient.user.email).content.decode()
    assert "emailed" in page
    assert mail.outbox[-1].to == [patient.user.email]
    assert "+1 555 0100" in mail.outbox[-1].body  # the owner is told whom to call
    link = link_in_last_email("/accounts/unlock/")
    # An attacker hammering the account sends the owner one email, not one per attempt.
    _try(client, patient.user.email)
    assert len(mail.outbox) == 1

    owner = Client()
    assert owner.get(link).status_code == 200  # a mail scanner's GET unlocks nothing
    assert not _signed_in(_sign_in_attempt(patient))
    response = owner.post(link)

    assert response.status_code == 302
    assert _signed_in(_sign_in_attempt(patient))
    assert owner.get(link).status_code == 404
    assert owner.post(link).status_code == 404
    assert AuditEvent.objects.filter(action="unlock", object_id=str(patient.user_id)).exists()


def _sign_in_attempt(patient) -> Client:
    client = Client()
    _try(client, patient.user.email)
    return client


@pytest.mark.django_db(transaction=True)
def test_the_unlock_link_expires(client, patient):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail_five_times(client, patient.user.email)
        _try(client, patient.user.email)
        link = link_in_last_email("/accounts/unlock/")
    with time_machine.travel(start + timedelta(hours=1, minutes=1), tick=False):
        assert Client().post(link).status_code == 404


def test_a_made_up_unlock_link_is_404(client):
    assert client.get("/accounts/unlock/made-up-token/").status_code == 404
    assert client.post("/accounts/unlock/made-up-token/").status_code == 404


def test_a_clinic_admin_unlocks_from_the_accounts_page(client, patient, admin_user, client_for):
    _fail_five_times(client, patient.user.email)
    admin = client_for(admin_user)
    page = admin.get(reverse("dashboard:accounts")).content.decode()
    unlock_url = reverse("clinic:account-unlock", args=[patient.user_id])
    assert unlock_url in page
    assert "Locked" in page

    response = admin.post(unlock_url)

    assert response.status_code == 302
    assert unlock_url not in admin.get(reverse("dashboard:accounts")).content.decode()
    _try(client, patient.user.email)
    assert _signed_in(client)
    event = AuditEvent.objects.get(action="unlock")
    assert (event.actor, event.object_id) == (admin_user, str(patient.user_id))


def test_another_clinics_admin_cannot_unlock(patient, other_therapist, client_for, client):
    _fail_five_times(client, patient.user.email)
    response = client_for(other_therapist).post(
        reverse("clinic:account-unlock", args=[patient.user_id])
    )
    assert response.status_code == 404
    _try(client, patient.user.email)
    assert not _signed_in(client)


def _to_code_step(client, user):
    response = _try(client, user.email)
    assert response["Location"] == "/accounts/2fa/authenticate/"


def test_five_wrong_codes_lock_the_code_step_until_unlocked(
    client, therapist, admin_user, client_for
):
    _to_code_step(client, therapist)
    for _ in range(5):
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(therapist)})

    assert not _signed_in(client)
    page = response.content.decode()
    assert "too many" in page.lower() and "15 minutes" in page
    client_for(admin_user).post(reverse("clinic:account-unlock", args=[therapist.pk]))
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(therapist)})
    assert _signed_in(client)


def test_a_deactivated_account_says_whom_to_call(client, therapist, admin_user, client_for):
    client_for(admin_user).post(reverse("clinic:account-deactivate", args=[therapist.pk]))

    response = client.post(
        "/accounts/login/", {"login": therapist.email, "password": TEST_PASSWORD}, follow=True
    )

    assert not _signed_in(client)
    page = response.content.decode()
    assert "deactivated" in page.lower()
    assert "Home Clinic" in page and "+1 555 0100" in page


def test_signing_in_still_works_for_everyone_else_during_a_lockout(client, patient, therapist):
    _fail_five_times(client, patient.user.email)
    sign_in(client, therapist)
    assert _signed_in(client)


@pytest.fixture
def redis_cache(settings):
    """The production cache (Redis) for one test, under a prefix of its own."""
    from tests.live_worker import redis_url

    if not redis_url():
        pytest.skip("REDIS_URL is not set: the lock counters are tested on Redis only with it")
    import redis

    prefix = f"stride-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url(),
            "KEY_PREFIX": prefix,
        }
    }
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == "RedisCache"
    yield
    client = redis.Redis.from_url(redis_url())
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.mark.django_db(transaction=True)
def test_on_redis_the_lock_tells_its_time_and_the_link_works_once(redis_cache, client, patient):
    _fail_five_times(client, patient.user.email)
    assert "15 minutes" in _try(client, patient.user.email).content.decode()
    link = link_in_last_email("/accounts/unlock/")

    assert Client().post(link).status_code == 302
    assert Client().post(link).status_code == 404
    _try(client, patient.user.email)
    assert _signed_in(client)

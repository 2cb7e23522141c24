"""#15 point 4: rate limits keyed so that a clinic behind one address can work.

A clinic's staff share one public address (a NAT), and behind a proxy every request comes
from the proxy unless the proxy count is set. Address limits count failures, not successes;
the per-account failed-login limit stays (test_sign_in, test_account_lockout)."""

import time_machine
from django.test import Client
from django.utils import timezone

from clinic.models import AuditEvent, Role
from clinic.tests.factories import TEST_PASSWORD, UserFactory

WRONG = "not the password"


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _try(email, password=TEST_PASSWORD, **headers) -> Client:
    client = Client(headers=headers)
    client.post("/accounts/login/", {"login": email, "password": password})
    return client


def test_a_hundred_people_sign_in_from_one_address_within_a_minute(clinic):
    people = UserFactory.create_batch(100, clinic=clinic, role=Role.PATIENT)
    with time_machine.travel(timezone.now(), tick=False):
        refused = [p.email for p in people if not _signed_in(_try(p.email))]
    assert refused == []


def test_typos_across_a_clinic_do_not_shut_out_the_next_person(clinic):
    people = UserFactory.create_batch(21, clinic=clinic, role=Role.PATIENT)
    with time_machine.travel(timezone.now(), tick=False):
        for person in people[:20]:  # two typos each: 40 failures from the clinic's address
            _try(person.email, WRONG)
            _try(person.email, WRONG)
        assert _signed_in(_try(people[20].email))


def test_behind_a_trusted_proxy_each_client_address_counts_apart(settings, clinic):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    people = UserFactory.create_batch(26, clinic=clinic, role=Role.PATIENT)
    for person in people[:25]:  # 50 failures from one client behind the proxy
        _try(person.email, WRONG, x_forwarded_for="203.0.113.7")
        _try(person.email, WRONG, x_forwarded_for="203.0.113.7")

    assert not _signed_in(_try(people[25].email, x_forwarded_for="203.0.113.7"))
    assert _signed_in(_try(people[25].email, x_forwarded_for="198.51.100.2"))
    # The audit trail records the client's address too, not the proxy's.
    assert AuditEvent.objects.filter(action="login_failed", ip="203.0.113.7").count() == 50


def test_an_address_with_too_many_failures_is_told_for_how_long(clinic):
    people = UserFactory.create_batch(26, clinic=clinic, role=Role.PATIENT)
    for person in people[:25]:
        _try(person.email, WRONG)
        _try(person.email, WRONG)

    client = Client()
    response = client.post("/accounts/login/", {"login": people[25].email, "password": WRONG})

    page = response.content.decode()
    assert "too many failed sign-ins from this network" in page.lower()
    assert "15 minutes" in page

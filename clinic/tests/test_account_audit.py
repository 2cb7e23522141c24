"""#14/#11: failed sign-ins, lockouts and wrong codes are in the audit trail, with the
account when it is known, never the typed password or code."""

from clinic.models import AuditEvent
from clinic.tests.factories import TEST_PASSWORD
from clinic.tests.helpers import totp_code

WRONG = "not the password"


def _fields(event) -> str:
    # The free-text columns of an event (the rest are ids, times and addresses).
    return f"{event.object_type} {event.object_id} {event.request_id}"


def test_a_refused_sign_in_of_a_locked_account_is_recorded_as_a_lockout(client, patient):
    # Once per lock: a guesser hammering a locked account does not flood the trail.
    for _ in range(9):
        client.post("/accounts/login/", {"login": patient.user.email, "password": WRONG})

    assert AuditEvent.objects.filter(action="login_failed").count() == 5
    lockout = AuditEvent.objects.get(action="lockout")
    assert (lockout.object_type, lockout.object_id, lockout.clinic_id, lockout.actor) == (
        "clinic.user",
        str(patient.user_id),
        patient.clinic_id,
        None,
    )
    assert lockout.ip == "127.0.0.1" and lockout.request_id
    for event in AuditEvent.objects.all():
        assert WRONG not in _fields(event)


def test_a_lockout_of_an_unknown_address_names_no_account(client, patient):
    for _ in range(6):
        client.post("/accounts/login/", {"login": "nobody@nowhere.example", "password": WRONG})
    lockout = AuditEvent.objects.get(action="lockout")
    assert (lockout.object_id, lockout.clinic_id) == ("", None)
    assert "nobody" not in _fields(lockout)


def test_wrong_codes_are_recorded_against_the_account(client, therapist):
    client.post("/accounts/login/", {"login": therapist.email, "password": TEST_PASSWORD})
    right = totp_code(therapist)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(6):
        client.post("/accounts/2fa/authenticate/", {"code": wrong})

    failed = AuditEvent.objects.filter(action="mfa_failed")
    assert failed.count() == 5
    assert {(e.object_id, e.clinic_id) for e in failed} == {
        (str(therapist.pk), therapist.clinic_id)
    }
    lockout = AuditEvent.objects.get(action="lockout")
    assert lockout.object_id == str(therapist.pk)
    for event in AuditEvent.objects.all():
        assert wrong not in _fields(event)

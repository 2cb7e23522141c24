import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clinic.models import Clinic, Role, User
from patients.models import Patient

LOGIN_LINE = re.compile(
    r"^demo-login: (admin|therapist|patient) (\S+@\S+) (\S+)( totp-secret=[A-Z2-7]+)?$"
)


def _seed(settings) -> list[str]:
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return [line for line in out.getvalue().splitlines() if line.startswith("demo-login:")]


def test_it_prints_one_login_per_line_in_the_tool_format(db, settings):
    lines = _seed(settings)
    parsed = [LOGIN_LINE.match(line) for line in lines]
    assert all(parsed), lines
    roles = [m.group(1) for m in parsed]
    assert roles.count("admin") >= 1 and roles.count("therapist") >= 2
    assert roles.count("patient") >= 7
    # Staff lines carry their TOTP secret, patient lines do not.
    assert all(bool(m.group(4)) == (m.group(1) != "patient") for m in parsed)


def test_the_printed_logins_work(db, settings, client):
    line = next(line for line in _seed(settings) if " patient " in line)
    _, _, email, password = line.split()
    assert client.login(email=email, password=password)


def test_it_loads_a_clinic_with_staff_and_eight_patients_one_on_paper(db, settings):
    _seed(settings)
    clinic = Clinic.objects.get()
    assert User.objects.filter(clinic=clinic, role=Role.ADMIN).count() >= 1
    assert User.objects.filter(clinic=clinic, role=Role.THERAPIST).count() >= 2
    assert Patient.objects.filter(clinic=clinic).count() >= 8
    assert Patient.objects.filter(clinic=clinic, user__isnull=True).exists()


def test_running_it_twice_duplicates_nothing(db, settings):
    _seed(settings)
    counts = (Clinic.objects.count(), User.objects.count(), Patient.objects.count())
    _seed(settings)
    assert (Clinic.objects.count(), User.objects.count(), Patient.objects.count()) == counts


def test_it_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not Clinic.objects.exists()


def test_demo_passwords_do_not_open_an_installation_with_debug_off(db, settings, client):
    line = next(line for line in _seed(settings) if " patient " in line)
    _, _, email, password = line.split()
    settings.DEBUG = False
    response = client.post("/accounts/login/", {"login": email, "password": password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session

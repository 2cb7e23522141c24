"""Authorization matrix: every URL of the project, every role.

URLs come from the resolver, so a new view is covered without editing this file. Each app
declares who may open its URLs in `<app>/tests/url_access.py`; a project URL that no app
declares fails `test_every_url_is_classified`. Third-party URLs (allauth, Django admin)
follow the rules at the bottom.
"""

import importlib

import pytest
from django.conf import settings
from django.urls import URLResolver, get_resolver, reverse

from clinic.models import Invitation, Role
from clinic.tests.factories import UserFactory
from tests.url_matrix import ROLES, Access

PROJECT_APPS = (
    "clinic",
    "patients",
    "assessments",
    "programs",
    "documents",
    "notifications",
    "dashboard",
)
AUTH_PREFIXES = ("account_", "mfa_", "usersessions_")
# Public allauth pages a signed-out person may open (sign-in, password reset...).
DUMMY_KWARGS = {
    "key": "not-a-key",
    "uidb36": "1",
    "object_id": "1",
    "id": "1",
    "app_label": "clinic",
    "content_type_id": "1",
    "url": "nothing",
}


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            ns = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            yield from _walk(pattern.url_patterns, ns)
        elif pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, pattern


ALL_URLS = dict(_walk(get_resolver().url_patterns))


def _registry() -> dict[str, Access]:
    registry: dict[str, Access] = {}
    for app in PROJECT_APPS:
        if app not in settings.INSTALLED_APPS:
            continue
        try:
            module = importlib.import_module(f"{app}.tests.url_access")
        except ModuleNotFoundError:
            continue
        registry.update(module.URL_ACCESS)
    return registry


REGISTRY = _registry()


def _is_third_party(name: str) -> bool:
    return name.startswith(AUTH_PREFIXES) or name.startswith("admin:")


@pytest.fixture
def matrix_world(world):
    world.invitation = Invitation.objects.create(
        user=UserFactory(clinic=world.clinic, role=Role.PATIENT, is_active=False),
        clinic=world.clinic,
        token="home-token",
        expires_at="2099-01-01T00:00:00Z",
    )
    world.other_invitation = Invitation.objects.create(
        user=UserFactory(clinic=world.other_clinic, role=Role.PATIENT, is_active=False),
        clinic=world.other_clinic,
        token="other-token",
        expires_at="2099-01-01T00:00:00Z",
    )
    world.users = {
        "anonymous": None,
        "patient": world.patient.user,
        "therapist": world.therapist,
        "admin": world.admin,
        "other_therapist": world.other_therapist,
    }
    return world


def test_every_url_is_classified():
    unclassified = sorted(n for n in ALL_URLS if not _is_third_party(n) and n not in REGISTRY)
    assert unclassified == [], f"add these to an app's tests/url_access.py: {unclassified}"
    stale = sorted(set(REGISTRY) - set(ALL_URLS))
    assert stale == [], f"url_access entries for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_each_role_gets_what_the_access_rules_say(name, role, matrix_world, client_for):
    spec = REGISTRY[name]
    url = reverse(name, kwargs=spec.own(matrix_world) if spec.own else {})
    response = getattr(client_for(matrix_world.users[role]), spec.method)(url)
    if role == "anonymous" and not spec.public:
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    else:
        assert response.status_code == spec.expect[role], (url, role)


FOREIGN = sorted(name for name, spec in REGISTRY.items() if spec.foreign)


@pytest.mark.parametrize("role", ROLES[:3])
@pytest.mark.parametrize("name", FOREIGN)
def test_another_clinics_object_is_404_for_every_role(name, role, matrix_world, client_for):
    spec = REGISTRY[name]
    url = reverse(name, kwargs=spec.foreign(matrix_world))
    response = getattr(client_for(matrix_world.users[role]), spec.method)(url)
    assert response.status_code == 404, (url, role)


def _third_party_url(name: str) -> str:
    pattern = ALL_URLS[name].pattern
    wanted = set(pattern.regex.groupindex)
    return reverse(name, kwargs={k: v for k, v in DUMMY_KWARGS.items() if k in wanted})


THIRD_PARTY = sorted(n for n in ALL_URLS if _is_third_party(n))


@pytest.mark.parametrize("role", ["anonymous", "patient", "therapist"])
@pytest.mark.parametrize("name", [n for n in THIRD_PARTY if not n.startswith("admin:")])
def test_sign_in_pages_answer_without_error(name, role, matrix_world, client_for):
    response = client_for(matrix_world.users[role]).get(_third_party_url(name))
    assert response.status_code in (200, 302, 404, 405), (name, role, response.status_code)


@pytest.mark.parametrize("role", ["anonymous", "patient", "therapist", "admin"])
@pytest.mark.parametrize("name", [n for n in THIRD_PARTY if n.startswith("admin:")])
def test_django_admin_is_closed_to_clinic_users(name, role, matrix_world, client_for):
    response = client_for(matrix_world.users[role]).get(_third_party_url(name))
    if role == "anonymous":
        assert response.status_code == 302
    else:
        # allauth's secure_admin_login refuses signed-in users who are not platform staff.
        assert response.status_code in (302, 403), (name, role, response.status_code)
        assert response.status_code != 200

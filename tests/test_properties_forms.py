"""Bad input, as tests: every URL of the matrix, sent what hypothesis makes of its own forms.

The forms are read from the pages themselves (tests/url_access.py lists every URL with the
roles that may open it), so a new form is fuzzed as soon as its URL is in the matrix. A URL
with no form on any page is sent random query or form fields under the names forms use.

Every example must leave true: no server error, no added or changed row that fails its model's
`full_clean()`, and no HTML payload echoed back raw (nor on the page a success redirects to).
"""

import pytest
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve, reverse
from django.urls.converters import StringConverter
from hypothesis import example, given, settings
from hypothesis import strategies as st

from notifications.unsubscribe import unsubscribe_token
from tests.properties import (
    PROPERTY_SETTINGS,
    Field,
    Form,
    every_field_examples,
    form_data,
    forms_on,
    hostile_text,
    invalid_rows,
    isolated,
    snapshot,
    unescaped_payloads,
    with_examples,
)
from tests.test_url_matrix import ALL_URLS, REGISTRY, matrix_world  # noqa: F401 (the fixture)
from tests.url_matrix import ROLES, Access

# The public URLs open a form only with a real token; the matrix gives them a made-up one.
REAL_KWARGS = {
    "clinic:invitation-accept": lambda w: {"token": w.invitation.token},
    "notifications:reminders-off": lambda w: {"token": unsubscribe_token(w.patient.pk)},
}
# allauth's own forms that people fill in: sign-in, password reset and change.
ALLAUTH = {
    "account_login": Access(public=True, expect={"anonymous": 200}),
    "account_reset_password": Access(public=True, expect={"anonymous": 200}),
    "account_change_password": Access(expect={"patient": 200}),
}
SPECS = {**REGISTRY, **ALLAUTH}
# Signing out from the fuzzer would sign every later example out.
NOT_FUZZED = {"account_logout"}
# Names that forms without a page of their own post (a note, a reason, a yes/no), and
# fewer examples for them: a page with no form has less to get wrong.
GENERIC_FIELDS = ("note", "reason", "done", "page")
GENERIC_EXAMPLES = 6
# Random examples per form, on top of its explicit ones (every_field_examples); fewer for a
# form of formsets (a plan's or a template's fifteen exercise rows): each of its pages takes
# a third of a second to draw.
FORM_EXAMPLES = 20
FORMSET_EXAMPLES = 10
FORMSET_FIELDS = 100


def _examples(form: Form) -> int:
    own = set(form.fields) - {"csrfmiddlewaretoken"}
    if not own or own == set(GENERIC_FIELDS):
        return GENERIC_EXAMPLES  # a button, or a URL no page holds a form for
    return FORMSET_EXAMPLES if len(own) > FORMSET_FIELDS else FORM_EXAMPLES


def _kwargs(name, world):
    """The URL's kwargs in this world, its object made once (some factories are unique)."""
    made = world.__dict__.setdefault("_fuzz_kwargs", {})
    if name not in made:
        make = REAL_KWARGS.get(name) or SPECS[name].own
        made[name] = make(world) if make else {}
    return made[name]


def _page_url(name, world) -> str | None:
    """The page's URL, or None when its object cannot exist beside those already made (two
    URLs of the matrix may want the same one-per-patient questionnaire assignment)."""
    try:
        with transaction.atomic():
            return reverse(name, kwargs=_kwargs(name, world))
    except IntegrityError:
        return None


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _roles(spec: Access) -> list[str]:
    """Who reaches the URL (a page, a redirect or a refusal that is not a 404)."""
    roles = [r for r in ("anonymous", *ROLES) if spec.expect.get(r, 404) != 404]
    if spec.public and "anonymous" not in roles:
        roles.append("anonymous")
    return [r for r in roles if r != "other_therapist"] or roles


_INVENTORY: dict[str, list[tuple[str, str]]] = {}


def _inventory(world, client_for) -> dict[str, list[tuple[str, str]]]:
    """For each URL name, the (page, role) pairs whose page holds a form sent to it.

    Built once per run, in a world where every URL's own object exists (a red flag to
    acknowledge, a suggestion to approve), and rolled back afterwards."""
    if _INVENTORY:
        return _INVENTORY
    # The crawl's objects are rolled back: so must be what the matrix helpers cached on the
    # world (its plan, its suggestion), or this test would use rows that no longer exist.
    saved = dict(world.__dict__)
    world.__dict__.pop("_fuzz_kwargs", None)
    with isolated():
        for name in SPECS:
            _page_url(name, world)
        for page, spec in SPECS.items():
            url = _page_url(page, world)
            if spec.method != "get" or url is None:
                continue
            for role in _roles(spec):
                response = client_for(world.users[role]).get(url)
                if response.status_code != 200 or "html" not in response["Content-Type"]:
                    continue
                for form in forms_on(response.content.decode(), response.request["PATH_INFO"]):
                    target = _url_name(form.action)
                    if target in SPECS and (page, role) not in _INVENTORY.get(target, []):
                        _INVENTORY.setdefault(target, []).append((page, role))
    world.__dict__.clear()
    world.__dict__.update(saved)
    return _INVENTORY


def _fuzz_target(name, world, client_for):
    """(client, method, url, form) for `name`: the largest form sent to it as its pages draw
    it, or a form of generic fields when no page holds one."""
    found = []
    for page, role in _inventory(world, client_for).get(name, []):
        page_url = _page_url(page, world)
        if page_url is None:
            continue
        client = client_for(world.users[role])
        response = client.get(page_url)
        for form in forms_on(response.content.decode(), response.request["PATH_INFO"]):
            if _url_name(form.action) == name:
                found.append((len(form.fields), client, form))
    if found:
        _, client, form = max(found, key=lambda item: item[0])
        return client, form.method, form.action, form
    spec = SPECS[name]
    client = client_for(world.users[_roles(spec)[0]])
    url = reverse(name, kwargs=_kwargs(name, world))
    fields = {n: Field(n, "text") for n in GENERIC_FIELDS}
    return client, spec.method, url, Form(action=url, method=spec.method, fields=fields)


def _send(client, method, url, data):
    if method == "post":
        return client.post(url, data)
    return client.get(url, data)


def _assert_sound(client, response, before, sent):
    assert response.status_code < 500, (response.status_code, sent)
    assert unescaped_payloads(response) == [], sent
    assert invalid_rows(before) == [], sent
    location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
    if location.startswith("/") and not location.startswith("/accounts/"):
        landing = client.get(location)
        assert landing.status_code < 500, (location, sent)
        assert unescaped_payloads(landing) == [], (location, sent)


FUZZED = sorted(n for n in SPECS if n not in NOT_FUZZED)


@pytest.fixture
def fuzz_world(db, request):
    """The URL matrix's world (tests/test_url_matrix.py): every persona, an invitation each.

    `db` is named, not only reached through getfixturevalue: pytest-django orders tests by
    the fixtures it can see, and one it took for database-free would run after the
    transactional tests, whose flush removes the bundled questionnaires."""
    return request.getfixturevalue("matrix_world")


@pytest.mark.parametrize("name", FUZZED)
def test_hostile_input_never_errors_saves_a_bad_row_or_comes_back_raw(name, fuzz_world, client_for):
    client, method, url, form = _fuzz_target(name, fuzz_world, client_for)
    before = snapshot()

    @given(data=form_data(form))
    def fuzz(data):
        with isolated():
            _assert_sound(client, _send(client, method, url, data), before, data)

    fuzz = with_examples(fuzz, "data", every_field_examples(form))
    settings(PROPERTY_SETTINGS, max_examples=_examples(form))(fuzz)()


def _takes_a_string(name: str) -> bool:
    converters = ALL_URLS[name].pattern.converters.values()
    return any(isinstance(c, StringConverter) for c in converters)


# Every URL whose route takes free text (the tokens of emailed links), found from the resolver.
TOKEN_URLS = sorted(n for n in REGISTRY if _takes_a_string(n))


@pytest.mark.parametrize("name", TOKEN_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_hostile_token_in_a_link_is_refused_without_an_error(
    name, method, fuzz_world, client_for
):
    before = snapshot()
    client = client_for(fuzz_world.users[_roles(REGISTRY[name])[0]])

    @PROPERTY_SETTINGS
    @example(token="\x00")
    @example(token="a" * 10_240)
    @given(token=hostile_text.filter(lambda t: t and "/" not in t))
    def fuzz(token):
        with isolated():
            response = getattr(client, method)(reverse(name, kwargs={"token": token}))
            assert response.status_code in (404, 405), token
            _assert_sound(client, response, before, token)

    fuzz()


def test_every_link_with_a_token_is_fuzzed():
    assert {"clinic:invitation-accept", "notifications:reminders-off"} <= set(TOKEN_URLS)


@pytest.mark.parametrize("name", ["patients:walklog-create", "patients:create"])
def test_a_form_body_of_the_wrong_kind_is_refused_without_an_error(name, fuzz_world, client_for):
    client, _, url, _ = _fuzz_target(name, fuzz_world, client_for)
    before = snapshot()
    kinds = st.sampled_from(["application/json", "text/plain", "application/xml", "multipart/x"])

    @PROPERTY_SETTINGS
    @given(body=st.one_of(hostile_text, st.binary(max_size=200)), content_type=kinds)
    def fuzz(body, content_type):
        with isolated():
            response = client.post(url, body, content_type=content_type)
            _assert_sound(client, response, before, (body, content_type))

    fuzz()

"""Every read of patient data is audited: the URL matrix, walked for the audit trail.

For each GET of tests/test_url_matrix.py that answers 200 to a role allowed to open it, the
page "shows patient data" when its body carries a patient's name or sign-in address (looked
up after the page's objects are made, so a new page cannot forget to declare itself), or
when it is declared below because what it shows cannot be found by name. Every such
request must write at least one read event (view, export or PDF); where one patient is
concerned, the event names that patient.
"""

import pytest
from django.urls import reverse

from clinic.models import AuditEvent, Role, User
from patients.models import Patient
from programs.tests.url_access import _plan
from tests.test_url_matrix import REGISTRY, matrix_world  # noqa: F401 (the fixture, used below)
from tests.url_matrix import ROLES

READS = (AuditEvent.Action.VIEW, AuditEvent.Action.EXPORT, AuditEvent.Action.PDF)

# Query strings that change what a page reads: each is walked as a page of its own.
VARIANTS = {
    "dashboard:caseload": [{}, {"show": "all"}, {"q": "Pat"}],
    "clinic:audit-log": [{}, {"patient": lambda w: w.patient.pk}],
}

# Pages that show a patient's data where no name or address appears, so the body cannot
# tell: the patient reading their own walks, plan or answers, a form holding a saved log,
# a document's status poll, the audit trail of one patient (patients by number).
# (name, role) -> the patient the page is about.
SHOWS_PATIENT_DATA = {
    ("patients:walklog-detail", "patient"): "patient",
    ("patients:walklog-edit", "patient"): "patient",
    ("patients:walklog-delete", "patient"): "patient",
    ("patients:my-walklogs", "patient"): "patient",
    ("patients:my-progress", "patient"): "patient",
    ("patients:preferences", "patient"): "patient",
    ("patients:export-csv", "patient"): "patient",
    ("patients:export-json", "patient"): "patient",
    ("assessments:my-history", "patient"): "patient",
    ("assessments:my-answer", "patient"): "patient",
    ("assessments:my-result", "patient"): "patient",
    ("programs:my-plan", "patient"): "patient",
    ("dashboard:today", "patient"): "patient",
    ("documents:status", "therapist"): "patient",
    ("documents:status", "admin"): "patient",
    ("documents:download", "therapist"): "patient",
    ("documents:download", "admin"): "patient",
    ("clinic:audit-log?patient", "admin"): "patient",
}

# Pages listing many patients: one event for the list, naming no single patient.
LIST_PAGES = {
    "dashboard:caseload",
    "dashboard:accounts",
    "clinic:audit-log",
    "clinic:audit-export",
}


@pytest.fixture
def lived_in_world(db, request, client_for):
    """The matrix's world where the patient has a plan and has signed in, so that Today, My
    plan and the audit log have something of theirs to show."""
    world = request.getfixturevalue("matrix_world")
    _plan(world)
    client_for(world.patient.user)  # the sign-in is on the trail, under their address
    return world


def _pages():
    for name, spec in sorted(REGISTRY.items()):
        if spec.method != "get":
            continue
        for query in VARIANTS.get(name, [{}]):
            for role in ROLES:
                if spec.expect.get(role) == 200:
                    yield pytest.param(name, query, role, id=f"{_label(name, query)}-{role}")


def _label(name, query) -> str:
    return "&".join([name, *sorted(query)]).replace("&", "?", 1)


def _markers() -> dict[str, Patient | None]:
    """Every text that identifies a patient of the test's world: their name and sign-in
    address (None for an invited patient account not yet linked to a record)."""
    markers: dict[str, Patient | None] = dict.fromkeys(
        User.objects.filter(role=Role.PATIENT).values_list("email", flat=True)
    )
    for patient in Patient.objects.select_related("user"):
        markers[patient.full_name] = patient
        if patient.user is not None:
            markers[patient.user.email] = patient
    return markers


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


@pytest.mark.parametrize(("name", "query", "role"), list(_pages()))
def test_a_page_showing_patient_data_writes_a_read_event(
    name, query, role, lived_in_world, client_for
):
    world = lived_in_world
    spec = REGISTRY[name]
    url = reverse(name, kwargs=spec.own(world) if spec.own else {})
    params = {k: v(world) if callable(v) else v for k, v in query.items()}
    client = client_for(world.users[role])
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    response = client.get(url, params)

    assert response.status_code == 200, (url, params, role)
    body = _body(response)
    shown = {text: patient for text, patient in _markers().items() if text in body}
    declared = SHOWS_PATIENT_DATA.get((_label(name, query), role))
    if not shown and declared is None:
        return  # no patient data on this page
    events = list(
        AuditEvent.objects.filter(id__gt=last_event, action__in=READS).values_list(
            "actor_id", "patient_id"
        )
    )
    page = _label(name, query)
    assert events, f"{page} shows {sorted(shown) or declared} to {role} and writes no read event"
    assert {actor for actor, _ in events} == {world.users[role].pk}, page
    if name in LIST_PAGES and declared is None:
        return  # one event for the list, naming no single patient
    records = {patient for patient in shown.values() if patient is not None}
    if declared:
        records = {getattr(world, declared)}
    if len(records) == 1:
        (concerned,) = records
        assert concerned.pk in {patient_id for _, patient_id in events}, (
            f"{page}: the event does not name {concerned.full_name}"
        )


def test_the_declarations_name_pages_of_the_matrix():
    """A declaration left behind by a renamed or removed page would vouch for nothing."""
    walked = {(_label(name, query), role) for name, query, role in (p.values for p in _pages())}
    assert sorted(set(SHOWS_PATIENT_DATA) - walked) == []
    assert sorted((set(LIST_PAGES) | set(VARIANTS)) - set(REGISTRY)) == []

"""The FHIR export of one patient (issue #11): a Bundle that fhir.resources accepts as FHIR
R4 (its R4B models: the package's default is R5, and R4B is R4 for every resource used
here), with references that resolve inside it, audited as an export, for the patient's
clinic only."""

import json
from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from assessments import services as assessment_services
from assessments.tests.factories import (
    AdministrationFactory,
    SelfPacedWalkTestFactory,
    ShoppingCartTestFactory,
    TreadmillTestFactory,
    synthetic_odi,
)
from clinic.models import AuditEvent, Role
from clinic.tests.factories import StaffFactory
from dashboard.fhir.bundle import LOINC, OBSERVATION_CODES
from patients.dates import patient_today
from patients.tests.factories import WalkLogFactory
from programs.models import Plan
from programs.tests.factories import assign_plan

PAIN_SEVERITY = "72514-3"


def _url(patient) -> str:
    return reverse("dashboard:patient-fhir", kwargs={"pk": patient.pk})


def _walks(patient, count: int) -> list:
    today = patient_today(patient)
    return [
        WalkLogFactory(patient=patient, date=today - timedelta(days=1 + n % 20))
        for n in range(count)
    ]


@pytest.fixture
def record(patient, therapist, clinic):
    """The home patient, in Chicago, with walks, one test of each kind (the treadmill test
    done by a colleague and corrected once), an NPRS, an ODI and an open plan."""
    patient.timezone = "America/Chicago"
    patient.save()
    today = patient_today(patient)
    WalkLogFactory(
        patient=patient,
        date=today - timedelta(days=2),
        start_time=time(9, 30),
        minutes="12.5",
        distance_m=800,
        steps=1200,
        rests=2,
        pain_before=2,
        pain_peak=5,
        pain_after=3,
        symptom_areas=["buttock_left", "calf_left"],
        tingling=True,
        support="cart",
        note="Felt steadier with the trolley.",
    )
    _walks(patient, 2)
    colleague = StaffFactory(clinic=clinic, full_name="Cole League")
    treadmill = TreadmillTestFactory(patient=patient, tester=colleague)
    assessment_services.walk_test_correct(
        test=treadmill, corrected_by=therapist, correction_note="Typo", level_pain_end=5
    )
    ShoppingCartTestFactory(patient=patient, patient_height="160", height_unit="cm")
    SelfPacedWalkTestFactory(patient=patient)
    AdministrationFactory(patient=patient)
    odi, _ = assessment_services.instrument_load(definition=synthetic_odi(), clinic=clinic)
    assessment_services.administration_create(
        patient=patient,
        instrument=odi,
        given_by=therapist,
        answers={f"s{n}": 2 for n in range(1, 11)},
    )
    assign_plan(patient, weeks_ago=1)
    return patient


def _export(client, patient) -> dict:
    response = client.get(_url(patient))
    assert response.status_code == 200
    return json.loads(response.content)


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _references(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference":
                yield inner
            else:
                yield from _references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _references(inner)


def _codes(concept: dict) -> set[tuple[str, str]]:
    return {(coding["system"], coding["code"]) for coding in concept["coding"]}


def test_it_validates_as_a_fhir_r4_bundle(record, therapist, client_for):
    data = _export(client_for(therapist), record)
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection"
    for entry in data["entry"]:  # each resource by its own model, whatever Bundle.entry allows
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_it_holds_the_clinic_its_clinicians_the_patient_their_results_and_the_plan(
    record, therapist, client_for
):
    data = _export(client_for(therapist), record)
    counts = {}
    for entry in data["entry"]:
        kind = entry["resource"]["resourceType"]
        counts[kind] = counts.get(kind, 0) + 1
    # 3 walks + 3 walk tests (the corrected treadmill test once) + NPRS + ODI
    assert counts == {
        "Organization": 1,
        "Practitioner": 2,
        "Patient": 1,
        "Observation": 8,
        "CarePlan": 1,
    }
    (patient,) = _resources(data, "Patient")
    assert patient["name"] == [{"text": "Pat Patient"}]
    assert patient["birthDate"] == "1950-01-01"
    assert patient["identifier"] == [
        {"system": f"urn:stride:clinic:{record.clinic_id}:patient", "value": str(record.pk)}
    ]
    assert "gender" not in patient  # Stride does not record it
    names = sorted(p.get("name", [{}])[0].get("text") for p in _resources(data, "Practitioner"))
    assert names == ["Cole League", "Tess Therapist"]
    assert all("telecom" not in p for p in _resources(data, "Practitioner"))  # no email


def test_every_reference_resolves_inside_the_bundle(record, therapist, client_for):
    data = _export(client_for(therapist), record)
    full_urls = [entry["fullUrl"] for entry in data["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    assert all(url.startswith("urn:uuid:") for url in full_urls)
    references = list(_references(data["entry"]))
    assert len(references) > 10
    assert set(references) <= set(full_urls)
    (organization,) = _resources(data, "Organization")
    (patient,) = _resources(data, "Patient")
    assert patient["managingOrganization"]["reference"] == f"urn:uuid:{organization['id']}"


def test_walk_pain_carries_loinc_pain_severity_and_the_duration_is_in_ucum_minutes(
    record, therapist, client_for
):
    data = _export(client_for(therapist), record)
    walks = [
        o
        for o in _resources(data, "Observation")
        if (OBSERVATION_CODES, "walk-log") in _codes(o["code"])
    ]
    assert len(walks) == 3
    walk = next(w for w in walks if "note" in w)
    by_code = {
        code: component
        for component in walk["component"]
        for system, code in _codes(component["code"])
        if system == OBSERVATION_CODES
    }
    pains = {name: by_code[name] for name in ("pain-before-walk", "pain-peak-walk")}
    pains["pain-after-rest"] = by_code["pain-after-rest"]
    for component in pains.values():
        assert (LOINC, PAIN_SEVERITY) in _codes(component["code"])
    assert [c["valueInteger"] for c in pains.values()] == [2, 5, 3]
    assert by_code["walk-minutes"]["valueQuantity"] == {
        "value": 12.5,
        "unit": "min",
        "system": "http://unitsofmeasure.org",
        "code": "min",
    }
    assert by_code["walk-rests"]["valueInteger"] == 2
    assert walk["note"] == [{"text": "Felt steadier with the trolley."}]
    # A walk with a start time is at that local time in the patient's zone; issued carries
    # the offset too.
    assert walk["effectiveDateTime"].startswith(f"{walk['effectiveDateTime'][:10]}T09:30:00-0")
    assert walk["issued"][-6:] in ("-05:00", "-06:00")


def test_walk_tests_and_questionnaires_are_observations_with_their_scores(
    record, therapist, client_for
):
    data = _export(client_for(therapist), record)
    observations = _resources(data, "Observation")

    def one(code):
        (found,) = [o for o in observations if (OBSERVATION_CODES, code) in _codes(o["code"])]
        return found

    treadmill = one("treadmill-test")
    assert treadmill["status"] == "corrected"
    stage_pains = [c for c in treadmill["component"] if (LOINC, PAIN_SEVERITY) in _codes(c["code"])]
    assert [c["valueInteger"] for c in stage_pains] == [2, 5, 2, 4]
    assert treadmill["interpretation"][0]["text"]
    assert one("cart-test")["status"] == "final"
    assert one("self-paced-walk-test")["category"][0]["coding"][0]["code"] == "exam"
    nprs = one("questionnaire-nprs")
    assert [
        (c["code"]["coding"][-1]["code"], c["valueInteger"], c["code"]["coding"][0]["code"])
        for c in nprs["component"]
    ] == [("nprs-back", 4, PAIN_SEVERITY), ("nprs-leg", 6, PAIN_SEVERITY)]
    odi = one("questionnaire-odi")
    index = next(
        c for c in odi["component"] if (OBSERVATION_CODES, "odi-index") in _codes(c["code"])
    )
    assert index["valueQuantity"]["value"] == 40.0 and index["valueQuantity"]["code"] == "%"


def test_the_plan_is_a_care_plan_with_the_walking_schedule_and_exercises(
    record, therapist, client_for
):
    data = _export(client_for(therapist), record)
    (care_plan,) = _resources(data, "CarePlan")
    plan = Plan.objects.get(patient=record)
    assert care_plan["status"] == "active" and care_plan["intent"] == "plan"
    assert care_plan["period"]["start"] == plan.start_date.isoformat()
    walking, *exercises = care_plan["activity"]
    assert walking["detail"]["description"].startswith("5 days a week: 3 walks of 6 minutes")
    assert walking["detail"]["scheduledTiming"]["repeat"]["frequency"] == 5
    assert len(exercises) == plan.exercises.count() > 0
    assert all(a["detail"]["code"]["text"] for a in exercises)


def test_a_patient_with_nothing_recorded_yet_is_still_a_valid_bundle(
    paper_patient, therapist, client_for
):
    data = _export(client_for(therapist), paper_patient)
    Bundle.model_validate(data)
    kinds = [entry["resource"]["resourceType"] for entry in data["entry"]]
    assert kinds == ["Organization", "Practitioner", "Patient"]


def test_a_score_too_incomplete_to_count_is_marked_absent(patient, therapist, clinic, client_for):
    odi, _ = assessment_services.instrument_load(definition=synthetic_odi(), clinic=clinic)
    answers = {f"s{n}": 1 for n in range(1, 8)}  # three sections blank: no index (§4)
    assessment_services.administration_create(
        patient=patient, instrument=odi, given_by=therapist, answers=answers
    )
    data = _export(client_for(therapist), patient)
    Bundle.model_validate(data)
    (odi_observation,) = _resources(data, "Observation")
    index = next(
        c
        for c in odi_observation["component"]
        if (OBSERVATION_CODES, "odi-index") in _codes(c["code"])
    )
    assert "valueQuantity" not in index
    assert index["dataAbsentReason"]["coding"][0]["code"] == "unknown"


def test_it_leaves_out_deleted_walks(record, therapist, client_for):
    deleted = WalkLogFactory(patient=record, deleted_at=timezone.now())
    data = _export(client_for(therapist), record)
    values = {
        identifier["value"]
        for o in _resources(data, "Observation")
        for identifier in o["identifier"]
        if identifier["system"].endswith(":walk-log")
    }
    assert str(deleted.pk) not in values and len(values) == 3


def test_the_same_record_exported_twice_keeps_its_ids(record, therapist, client_for):
    client = client_for(therapist)
    first, second = _export(client, record), _export(client, record)
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]


def test_it_is_a_download_and_an_audited_export(record, therapist, client_for):
    response = client_for(therapist).get(_url(record))
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Content-Disposition"].startswith("attachment;")
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, patient_id=record.pk)
    assert event.actor == therapist
    assert event.object_type == "patients.patient"
    assert event.object_id == f"{record.pk}.fhir"


def test_the_clinic_admin_may_export_too(record, admin_user, client_for):
    assert client_for(admin_user).get(_url(record)).status_code == 200


def test_another_clinics_therapist_gets_a_404_and_nothing_is_audited(
    record, other_therapist, client_for
):
    assert client_for(other_therapist).get(_url(record)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_another_clinics_patient_is_a_404_for_staff(world, client_for):
    url = _url(world.other_clinic_patient)
    assert client_for(world.therapist).get(url).status_code == 404
    assert client_for(world.admin).get(url).status_code == 404


def test_the_patient_themself_gets_a_404_their_own_download_is_another_page(record, client_for):
    assert record.user.role == Role.PATIENT
    assert client_for(record.user).get(_url(record)).status_code == 404


def test_anonymous_is_sent_to_sign_in(record, client_for):
    response = client_for(None).get(_url(record))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_patient_page_links_to_the_export(record, therapist, client_for):
    html = client_for(therapist).get(reverse("patients:detail", kwargs={"pk": record.pk}))
    assert f'href="{_url(record)}"' in html.content.decode()
    assert "Download FHIR record (JSON)" in html.content.decode()


@pytest.mark.parametrize("walks", [1, 30])
def test_it_uses_a_fixed_number_of_queries(
    walks, record, therapist, client_for, django_assert_num_queries
):
    _walks(record, walks)
    client = client_for(therapist)
    client.get(_url(record))  # the first request starts the session clock
    # session, user, MFA check, the patient, questionnaires, one per walk-test kind (3), the
    # open plan, its exercises, the walks, the export event
    with django_assert_num_queries(12):
        client.get(_url(record))

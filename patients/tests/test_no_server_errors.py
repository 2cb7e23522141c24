"""No request a user can make returns a 500: odd values in every field of every form."""

import json

import pytest
from django.urls import reverse

from patients.tests.factories import RedFlagReportFactory, WalkLogFactory

ODD_VALUES = ["", " ", "-1", "1e309", "NaN", "9" * 40, "０", "<script>", "\x00", "2026-02-30"]
WALK_FIELDS = [
    "date",
    "minutes",
    "distance",
    "steps",
    "rests",
    "pain_before",
    "pain_peak",
    "pain_after",
    "symptom_areas",
    "support",
    "terrain",
    "red_flags",
    "note",
]


def _valid_walk():
    return {
        "date": "2026-01-05",
        "minutes": "10",
        "rests": "1",
        "pain_before": "2",
        "pain_peak": "3",
        "pain_after": "2",
        "support": "none",
        "terrain": "flat",
        "no_red_flags": "on",
    }


@pytest.mark.parametrize("field", WALK_FIELDS)
def test_the_walk_forms_answer_odd_values_without_a_server_error(world, client_for, field):
    patient_client = client_for(world.patient.user)
    staff_client = client_for(world.therapist)
    log = WalkLogFactory(patient=world.patient)
    targets = [
        (patient_client, reverse("patients:walklog-create")),
        (patient_client, reverse("patients:walklog-edit", args=[log.pk])),
        (staff_client, reverse("patients:walklog-enter", args=[world.paper_patient.pk])),
    ]
    for client, url in targets:
        for value in ODD_VALUES:
            data = {**_valid_walk(), field: value}
            response = client.post(url, data)
            assert response.status_code < 500, (url, field, value)


@pytest.mark.parametrize("value", ODD_VALUES)
def test_other_forms_and_filters_answer_odd_values_without_a_server_error(world, client_for, value):
    patient_client = client_for(world.patient.user)
    staff_client = client_for(world.therapist)
    report = RedFlagReportFactory(patient=world.patient)
    for data in ({"remind_at": value, "weekdays": value, "timezone_name": value},):
        assert patient_client.post(reverse("patients:preferences"), data).status_code < 500
    assert (
        patient_client.post(reverse("patients:redflag-report"), {"signs": value}).status_code < 500
    )
    ack = reverse("patients:redflag-acknowledge", args=[report.pk])
    assert staff_client.post(ack, {"note": value}).status_code < 500
    walks = reverse("patients:walklogs", args=[world.patient.pk])
    params = {"date_from": value, "date_to": value, "target": value, "support": value}
    assert staff_client.get(walks, {**params, "page": value}).status_code < 500
    assert patient_client.get(reverse("patients:my-walklogs"), {"page": value}).status_code < 500
    timer = reverse("patients:walk-timer-save")
    body = json.dumps({"client_id": value, "started_at": value, "bouts": [{"walked_s": value}]})
    response = patient_client.post(timer, body, content_type="application/json")
    assert response.status_code == 400

"""The walk timer's upload: one log with its bouts, stored once however often it is sent."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from clinic.models import AuditEvent
from patients.models import RedFlagReport, WalkLog

SAVE = reverse("patients:walk-timer-save")


def now_ms() -> int:
    return int(time.time() * 1000)


def upload(**overrides):
    payload = {
        "client_id": "3f1c2a9e-7b7d-4d6e-9a53-0c1f5e8b2d11",
        "started_at": now_ms() - 15 * 60 * 1000,
        "pain_before": 2,
        "pain_after": 3,
        "bouts": [
            {"walked_s": 300, "rested_s": 90, "peak_pain": 4},
            {"walked_s": 240, "rested_s": 0, "peak_pain": 5},
        ],
        "support": "poles",
        "terrain": "flat",
        "glides_before": True,
        "glides_after": False,
        "red_flags": [],
        "no_red_flags": True,
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def post(patient, client_for):
    client = client_for(patient.user)

    def send(payload, **extra):
        body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
        return client.post(SAVE, body, content_type="application/json", **extra)

    return send


def test_it_saves_one_log_with_its_bouts(patient, post):
    response = post(upload())
    assert response.status_code == 201
    log = WalkLog.objects.get()
    assert response.json() == {
        "id": log.pk,
        "created": True,
        "url": reverse("patients:walklog-detail", args=[log.pk]),
    }
    assert log.source == "timer" and log.created_by == patient.user
    assert (log.minutes, log.rests) == (9, 1)  # 540 s walked, in two stretches
    assert (log.pain_before, log.pain_peak, log.pain_after) == (2, 5, 3)
    assert log.bouts[0] == {"walked_s": 300, "rested_s": 90, "peak_pain": 4}
    assert (log.support, log.glides_before, log.glides_after) == ("poles", True, False)
    assert AuditEvent.objects.filter(action="create", object_id=str(log.pk)).exists()


def test_a_replay_returns_the_stored_log_and_saves_nothing_twice(post):
    first = post(upload())
    again = post(upload(pain_after=9))
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["created"] is False
    assert WalkLog.objects.count() == 1 and WalkLog.objects.get().pain_after == 3


def test_the_date_and_time_are_the_patients_local_ones(patient, post):
    patient.timezone = "America/Los_Angeles"
    patient.save()
    started = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)  # 19:30 on 1 March in Los Angeles
    with time_machine.travel(started + timedelta(minutes=20), tick=False):
        post(upload(started_at=int(started.timestamp() * 1000)))
    log = WalkLog.objects.get()
    assert (log.date.isoformat(), log.start_time.isoformat()) == ("2026-03-01", "19:30:00")


def test_the_peak_is_never_below_the_pain_at_the_start(post):
    post(upload(pain_before=6, bouts=[{"walked_s": 120, "rested_s": 0, "peak_pain": None}]))
    assert WalkLog.objects.get().pain_peak == 6


def test_a_red_flag_from_the_timer_opens_a_report_and_points_to_the_urgent_page(post):
    response = post(upload(red_flags=["both_legs"], no_red_flags=False))
    assert response.json()["url"] == reverse("patients:urgent") + "?saved=walk"
    report = RedFlagReport.objects.get()
    assert report.signs == ["both_legs"] and report.source_log == WalkLog.objects.get()
    # The replay of the same walk neither opens a second report nor hides the urgent page.
    again = post(upload(red_flags=["both_legs"], no_red_flags=False))
    assert again.json()["url"].startswith(reverse("patients:urgent"))
    assert RedFlagReport.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("not json", "JSON object"),
        ("[1, 2]", "JSON object"),
        (b"\xff\xfe", "JSON object"),
        (upload(client_id="short"), "walk id"),
        (upload(client_id="bad id with spaces!"), "walk id"),
        (upload(started_at=now_ms() + 3_600_000), "in the future"),
        (upload(started_at=now_ms() - 40 * 86_400_000), "30 days old"),
        (upload(started_at=10**20), "not valid"),
        (upload(started_at="soon"), "whole number"),
        (upload(pain_before=11), "from 0"),
        (upload(pain_after=None), "from 0"),
        (upload(bouts=[]), "no timed stretches"),
        (upload(bouts="lots"), "no timed stretches"),
        (upload(bouts=[{"walked_s": -5, "rested_s": 0}]), "impossible length"),
        (upload(bouts=[{"walked_s": "5", "rested_s": 0}]), "impossible length"),
        (upload(bouts=[{"walked_s": True, "rested_s": 0}]), "impossible length"),
        (upload(bouts=[{"walked_s": 60, "rested_s": 0, "peak_pain": 12}]), "from 0 to 10"),
        (upload(bouts=[{"walked_s": 2, "rested_s": 0}]), "too short"),
        (upload(bouts=[{"walked_s": 36000, "rested_s": 0}] * 2), "more than 10 hours"),
        (upload(bouts=[{"walked_s": 60, "rested_s": 0}] * 51), "at most 50"),
        (upload(bouts=[5]), "not valid"),
        (upload(no_red_flags=False), "safety question"),
        (upload(red_flags=["sneezing"], no_red_flags=False), "Choose from the list."),
        (upload(support="hoverboard"), "Choose from the list."),
    ],
)
def test_bad_uploads_are_refused_with_a_reason_and_nothing_saved(post, payload, message):
    response = post(payload)
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"])
    assert not WalkLog.objects.exists() and not RedFlagReport.objects.exists()


def test_the_upload_is_for_the_signed_in_patient_only(
    patient, other_patient, client_for, therapist
):
    # There is no patient id to forge: the log always belongs to the signed-in patient.
    response = client_for(other_patient.user).post(
        SAVE, json.dumps(upload()), content_type="application/json"
    )
    assert WalkLog.objects.get().patient == other_patient and response.status_code == 201
    staff = client_for(therapist).post(SAVE, json.dumps(upload()), content_type="application/json")
    assert staff.status_code == 404


def test_the_same_client_id_from_two_patients_makes_two_logs(patient, other_patient, client_for):
    for who in (patient, other_patient):
        client_for(who.user).post(SAVE, json.dumps(upload()), content_type="application/json")
    assert WalkLog.objects.count() == 2


def test_the_timer_page_has_no_inline_script_and_pre_ticks_nothing(patient, client_for):
    from patients.tests.factories import WalkLogFactory

    WalkLogFactory(patient=patient, support="walker")
    response = client_for(patient.user).get(reverse("patients:walk-timer"))
    html = response.content.decode()
    assert "<script>" not in html and " onclick=" not in html and " style=" not in html
    assert "js/walk-timer.js" in html
    # docs/clinical-rules.md §1b: nothing the patient reports is copied from the last walk.
    assert response.context["form"].initial == {}

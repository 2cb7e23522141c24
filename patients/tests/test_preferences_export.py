"""Reminder preferences, larger text, the export of one's own data, and remote monitoring."""

import csv
import io
import json
from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from clinic.models import AuditEvent
from patients.models import ReminderPreference, WalkLog
from patients.selectors import monitoring_days
from patients.tests.factories import PatientFactory, RedFlagReportFactory, WalkLogFactory

SETTINGS = reverse("patients:preferences")


def prefs(**overrides):
    data = {
        "remind_at": "18:30",
        "weekdays": ["1", "3", "5"],
        "email_enabled": "on",
        "timezone_name": "America/Chicago",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_patient_without_preferences_sees_the_defaults(patient, client_for):
    form = client_for(patient.user).get(SETTINGS).context["form"]
    assert form.initial["remind_at"] == time(10, 0)
    assert form.initial["weekdays"] == list("1234567")
    assert form.initial["email_enabled"] is True and form.initial["large_text"] is False


def test_saving_reminders_time_zone_and_larger_text(patient, client_for):
    client = client_for(patient.user)
    response = client.post(SETTINGS, prefs(large_text="on"))
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(patient=patient)
    assert (preference.remind_at, preference.weekdays) == (time(18, 30), "135")
    assert preference.email_enabled and preference.large_text
    patient.refresh_from_db()
    assert patient.timezone == "America/Chicago"
    assert client.session["large_text"] is True
    assert "large-text" in client.get(reverse("dashboard:today")).content.decode()
    assert AuditEvent.objects.filter(action="update", object_type="patients.reminderpreference")

    client.post(SETTINGS, prefs(email_enabled=None, timezone_name=""))
    preference.refresh_from_db()
    patient.refresh_from_db()
    assert not preference.email_enabled and not preference.large_text
    assert patient.timezone == "" and patient.tz_name == patient.clinic.timezone
    assert client.session["large_text"] is False
    assert ReminderPreference.objects.count() == 1


def test_larger_text_follows_the_patient_to_the_next_sign_in(patient, client):
    from clinic.tests.helpers import sign_in

    ReminderPreference.objects.create(patient=patient, large_text=True)
    sign_in(client, patient.user)
    assert client.session["large_text"] is True


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"weekdays": None}, "Choose at least one day."),
        ({"weekdays": ["8"]}, "Choose a day."),
        ({"remind_at": "25:00"}, "Enter a time."),
        ({"remind_at": ""}, "Enter a time, for example 10:00."),
        ({"timezone_name": "Mars/Olympus"}, "Choose a time zone."),
    ],
)
def test_bad_preferences_change_nothing(patient, client_for, overrides, message):
    response = client_for(patient.user).post(SETTINGS, prefs(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReminderPreference.objects.exists()
    patient.refresh_from_db()
    assert patient.timezone == ""


def test_the_csv_export_has_every_walk_including_deleted_ones(patient, other_patient, client_for):
    WalkLogFactory(patient=patient, note="Park, with a cart")
    WalkLogFactory(patient=patient, deleted_at="2026-01-02T10:00:00Z")
    WalkLogFactory(patient=other_patient, note="not mine")
    response = client_for(patient.user).get(reverse("patients:export-csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 2
    assert {r["note"] for r in rows} == {"Park, with a cart", ""}
    assert sum(bool(r["deleted_at"]) for r in rows) == 1
    assert AuditEvent.objects.filter(action="export", patient_id=patient.pk).count() == 1


def test_the_json_export_holds_the_record_preferences_logs_and_reports(patient, client_for):
    WalkLogFactory(patient=patient, bouts=[{"walked_s": 60, "rested_s": 0, "peak_pain": 3}])
    RedFlagReportFactory(patient=patient)
    response = client_for(patient.user).get(reverse("patients:export-json"))
    document = json.loads(response.content)
    assert document["patient"]["full_name"] == "Pat Patient"
    assert document["reminder_preferences"]["weekdays"] == list("1234567")
    assert document["walk_logs"][0]["bouts"][0]["walked_s"] == 60
    assert document["walk_logs"][0]["minutes"] == "8.0"
    assert document["red_flag_reports"][0]["signs"] == ["saddle"]
    assert AuditEvent.objects.filter(action="export", object_id=f"{patient.pk}.json").exists()


def test_staff_and_strangers_cannot_export_a_patients_data(world, client_for):
    for user in (world.therapist, world.other_therapist):
        assert client_for(user).get(reverse("patients:export-json")).status_code == 404


# --- Remote monitoring days ----------------------------------------------------------------


def test_monitoring_counts_distinct_days_of_patient_reported_walks_in_30_days(patient):
    today = date(2026, 3, 31)
    for days_ago in (0, 0, 1, 29):  # two walks on one day count once
        WalkLogFactory(patient=patient, date=today - timedelta(days=days_ago))
    WalkLogFactory(patient=patient, date=today - timedelta(days=30))  # outside the window
    WalkLogFactory(patient=patient, date=today - timedelta(days=2), source=WalkLog.Source.CLINIC)
    WalkLogFactory(patient=patient, date=today - timedelta(days=3), deleted_at="2026-03-29T10:00Z")
    WalkLogFactory(patient=patient, date=today - timedelta(days=4), source=WalkLog.Source.TIMER)
    assert monitoring_days(patient, today=today) == 4


def test_the_caseload_shows_monitoring_days_and_the_16_day_mark(world, client_for):
    busy = PatientFactory(clinic=world.clinic, primary_therapist=world.therapist, full_name="Busy")
    for n in range(16):
        WalkLogFactory(patient=busy, date=date.today() - timedelta(days=n))
    WalkLogFactory(patient=world.patient, date=date.today() - timedelta(days=1))
    RedFlagReportFactory(patient=world.patient)
    response = client_for(world.therapist).get(reverse("dashboard:caseload"))
    rows = {p.full_name: p for p in response.context["page"]}
    assert rows["Busy"].monitoring_days == 16 and not rows["Busy"].has_open_red_flag
    assert rows["Pat Patient"].monitoring_days == 1 and rows["Pat Patient"].has_open_red_flag
    html = response.content.decode()
    assert "16+ reached" in html and html.count("Open red flag") == 1


def test_the_patient_page_shows_monitoring_days(patient, client_for):
    for n in range(3):
        WalkLogFactory(patient=patient, date=date.today() - timedelta(days=n + 1))
    html = client_for(patient.primary_therapist).get(reverse("patients:detail", args=[patient.pk]))
    assert "3 of the last 30 days" in html.content.decode()

"""Logging a walk on the form, correcting it for 24 hours, and the clinic's view of the logs."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEvent, Clinic
from patients.dates import local_today
from patients.models import RedFlagReport, WalkLog, WalkLogRevision
from patients.tests.factories import WalkLogFactory

CREATE = reverse("patients:walklog-create")


def walk(**overrides):
    data = {
        "date": date.today().isoformat(),
        "minutes": "12",
        "rests": "2",
        "pain_before": "2",
        "pain_peak": "4",
        "pain_after": "2",
        "support": "none",
        "terrain": "flat",
        "no_red_flags": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_it_saves_a_walk_and_says_it_stayed_within_the_target(patient, patient_client):
    response = patient_client.post(CREATE, walk(symptom_areas=["calf_left"], tingling="on"))
    log = WalkLog.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:walklog-detail", args=[log.pk])
    assert (log.source, log.created_by, log.minutes, log.rests) == ("form", patient.user, 12, 2)
    assert log.symptom_areas == ["calf_left"] and log.tingling
    page = patient_client.get(response["Location"]).content.decode()
    assert "Within your +2 target." in page
    assert "tingling while walking is expected" in page
    assert AuditEvent.objects.filter(action="create", object_id=str(log.pk)).exists()


def test_a_walk_over_the_target_gets_an_honest_encouraging_message(patient_client):
    patient_client.post(CREATE, walk(pain_before="2", pain_peak="6", pain_after="3"))
    log = WalkLog.objects.get()
    page = patient_client.get(reverse("patients:walklog-detail", args=[log.pk])).content.decode()
    assert "Above your +2 target this time." in page
    assert "not harm" in page


def test_the_form_offers_today_and_nothing_from_the_last_walk(patient, patient_client):
    WalkLogFactory(patient=patient, minutes=Decimal("9.5"), support="cart", terrain="uphill")
    form = patient_client.get(CREATE).context["form"]
    # docs/clinical-rules.md §1b: everything the patient reports is asked afresh.
    assert form.initial == {"date": local_today(patient.tz_name)}


def test_pain_is_asked_with_big_buttons_in_fieldsets_not_sliders(patient_client):
    html = patient_client.get(CREATE).content.decode()
    assert 'type="range"' not in html
    assert html.count('class="btn-check"') >= 33  # three 0-10 scales
    assert "<legend" in html and "Pain before the walk" in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"minutes": ""}, "minutes", "Enter how many minutes you walked"),
        ({"minutes": "0"}, "minutes", "Minutes must be more than 0."),
        ({"minutes": "-4"}, "minutes", "Minutes must be more than 0."),
        ({"minutes": "601"}, "minutes", "Enter at most 600 minutes"),
        ({"minutes": "abc"}, "minutes", "Enter the minutes as a number"),
        ({"minutes": "7.25"}, "minutes", "one decimal place"),
        ({"pain_before": "11"}, "pain_before", "Choose a number from 0"),
        ({"pain_peak": None}, "pain_peak", "Choose a number from 0"),
        ({"pain_peak": "1"}, "pain_peak", "cannot be lower than the pain before"),
        ({"date": "2099-01-01"}, "date", "That date is in the future."),
        ({"date": "1999-01-01"}, "date", "within the last year"),
        ({"date": "31/31/2024"}, "date", "Enter a date."),
        ({"distance": "-1"}, "distance", "cannot be below 0"),
        ({"steps": "1.5"}, "steps", "whole number"),
        ({"support": "skateboard"}, "support", "Choose from the list."),
        ({"symptom_areas": ["elbow"]}, "symptom_areas", "Choose from the list."),
        ({"no_red_flags": None}, "red_flags", "Please answer the safety question"),
        ({"red_flags": ["saddle"]}, "red_flags", "also “None of these”"),
        ({"note": "x" * 1001}, "note", "under 1,000 characters"),
    ],
)
def test_bad_input_gets_a_plain_message_and_saves_nothing(
    patient_client, overrides, field, message
):
    response = patient_client.post(CREATE, walk(**overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors
    assert not WalkLog.objects.exists() and not RedFlagReport.objects.exists()


def test_the_future_is_judged_in_the_patients_time_zone(patient, patient_client):
    patient.timezone = "Pacific/Auckland"  # UTC+13 in November
    patient.save()
    # 20:00 UTC on 1 March is already 2 March in Auckland.
    with time_machine.travel(datetime(2026, 3, 1, 20, 0, tzinfo=UTC), tick=False):
        ok = patient_client.post(CREATE, walk(date="2026-03-02"))
        future = patient_client.post(CREATE, walk(date="2026-03-03"))
    assert ok.status_code == 302
    assert "That date is in the future." in str(future.context["form"].errors)
    assert WalkLog.objects.get().date == date(2026, 3, 2)


def test_distance_in_miles_is_stored_in_metres(patient, patient_client):
    patient.clinic.distance_unit = Clinic.DistanceUnit.MI
    patient.clinic.save()
    patient_client.post(CREATE, walk(distance="1.5", steps="3100"))
    log = WalkLog.objects.get()
    assert (log.distance_m, log.steps) == (2414, 3100)
    page = patient_client.get(reverse("patients:walklog-detail", args=[log.pk]))
    assert "1.5 miles" in page.content.decode()


def test_a_red_flag_on_a_log_shows_the_urgent_page_first(patient, patient_client, mailoutbox):
    response = patient_client.post(CREATE, walk(no_red_flags=None, red_flags=["bladder", "saddle"]))
    assert response["Location"] == reverse("patients:urgent") + "?saved=walk"
    report = RedFlagReport.objects.get()
    assert report.signs == ["saddle", "bladder"] and report.source_log == WalkLog.objects.get()
    page = patient_client.get(response["Location"]).content.decode()
    assert page.index("Go to an emergency department now") < page.index("Your walk log was saved")


# --- Correcting for 24 hours -------------------------------------------------------------


def test_the_patient_corrects_a_log_and_the_before_state_is_kept(patient, patient_client):
    log = WalkLogFactory(patient=patient, minutes=Decimal("8"))
    url = reverse("patients:walklog-edit", args=[log.pk])
    assert patient_client.get(url).context["form"].initial["minutes"] == Decimal("8")
    response = patient_client.post(url, walk(minutes="10", no_red_flags=None))
    assert response.status_code == 302
    log.refresh_from_db()
    assert log.minutes == 10
    revision = WalkLogRevision.objects.get()
    assert (revision.action, revision.before["minutes"], revision.changed_by) == (
        "edit",
        "8.0",
        patient.user,
    )
    assert AuditEvent.objects.filter(action="update", object_id=str(log.pk)).exists()


def test_deleting_is_soft_and_clinicians_still_see_it(patient, patient_client, client_for):
    log = WalkLogFactory(patient=patient)
    response = patient_client.post(reverse("patients:walklog-delete", args=[log.pk]))
    assert response["Location"] == reverse("patients:my-walklogs")
    log.refresh_from_db()
    assert log.deleted_at is not None
    assert WalkLogRevision.objects.get().action == "delete"
    assert patient_client.get(reverse("patients:walklog-detail", args=[log.pk])).status_code == 404
    staff = client_for(patient.primary_therapist)
    listing = staff.get(reverse("patients:walklogs", args=[patient.pk]), {"deleted": "on"})
    assert log in list(listing.context["page"])
    assert (
        "Deleted" in staff.get(reverse("patients:walklog-detail", args=[log.pk])).content.decode()
    )
    assert log not in list(
        staff.get(reverse("patients:walklogs", args=[patient.pk])).context["page"]
    )


def test_after_24_hours_the_log_is_locked(patient, patient_client):
    saved = timezone.now() - timedelta(hours=24, minutes=1)
    log = WalkLogFactory(patient=patient, minutes=Decimal("8"), created_at=saved)
    edit = patient_client.post(reverse("patients:walklog-edit", args=[log.pk]), walk())
    delete = patient_client.post(reverse("patients:walklog-delete", args=[log.pk]))
    page = patient_client.get(reverse("patients:walklog-detail", args=[log.pk]))
    assert edit.status_code == delete.status_code == 302
    log.refresh_from_db()
    assert log.minutes == 8 and log.deleted_at is None
    assert not WalkLogRevision.objects.exists()
    assert not page.context["can_change"]
    assert reverse("patients:walklog-edit", args=[log.pk]) not in page.content.decode()


def test_staff_cannot_change_what_a_patient_logged(patient, client_for):
    log = WalkLogFactory(patient=patient, minutes=Decimal("8"))
    staff = client_for(patient.primary_therapist)
    staff.post(reverse("patients:walklog-edit", args=[log.pk]), walk(minutes="30"))
    staff.post(reverse("patients:walklog-delete", args=[log.pk]))
    log.refresh_from_db()
    assert log.minutes == 8 and log.deleted_at is None


# --- Outsiders -------------------------------------------------------------------------


def test_a_patient_cannot_reach_another_patients_logs(patient, other_patient, client_for):
    theirs = WalkLogFactory(patient=other_patient)
    client = client_for(patient.user)
    for name in ("walklog-detail", "walklog-edit", "walklog-delete"):
        assert client.get(reverse(f"patients:{name}", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("patients:walklog-edit", args=[theirs.pk]), walk(minutes="1"))
    assert response.status_code == 404
    # Posting a log "for" another patient's id: the staff URL is closed to patients.
    enter = reverse("patients:walklog-enter", args=[other_patient.pk])
    assert client.post(enter, walk()).status_code == 404
    assert client.get(reverse("patients:progress", args=[other_patient.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.minutes == 8 and WalkLog.objects.count() == 1


def test_another_clinics_therapist_cannot_see_or_enter_logs(world, client_for):
    log = WalkLogFactory(patient=world.patient)
    client = client_for(world.other_therapist)
    assert client.get(reverse("patients:walklog-detail", args=[log.pk])).status_code == 404
    assert client.get(reverse("patients:walklogs", args=[world.patient.pk])).status_code == 404
    enter = reverse("patients:walklog-enter", args=[world.paper_patient.pk])
    assert client.post(enter, walk()).status_code == 404
    assert WalkLog.objects.count() == 1


# --- Staff entry for a paper diary --------------------------------------------------------


def test_staff_enter_a_paper_diary_walk_as_a_clinic_entry(paper_patient, client_for):
    staff = client_for(paper_patient.primary_therapist)
    url = reverse("patients:walklog-enter", args=[paper_patient.pk])
    response = staff.post(url, walk(pain_after=None))
    assert response.status_code == 302
    log = WalkLog.objects.get()
    assert (log.source, log.created_by, log.pain_after) == (
        "clinic",
        paper_patient.primary_therapist,
        None,
    )
    page = staff.get(response["Location"]).content.decode()
    assert "cannot tell whether the walk stayed within +2" in page


def test_staff_do_not_enter_walks_for_a_patient_with_an_account(patient, client_for):
    staff = client_for(patient.primary_therapist)
    response = staff.post(reverse("patients:walklog-enter", args=[patient.pk]), walk())
    assert response.status_code == 302
    assert not WalkLog.objects.exists()


def test_a_red_flag_entered_by_staff_opens_a_report_and_returns_to_the_patient(
    paper_patient, client_for
):
    staff = client_for(paper_patient.primary_therapist)
    url = reverse("patients:walklog-enter", args=[paper_patient.pk])
    response = staff.post(url, walk(no_red_flags=None, red_flags=["weakness"]))
    assert response["Location"] == reverse("patients:detail", args=[paper_patient.pk])
    assert RedFlagReport.objects.get().reported_by == paper_patient.primary_therapist


# --- The clinic's list -----------------------------------------------------------------------


def test_staff_filter_logs_by_date_target_and_support(patient, client_for):
    today = timezone.localdate()
    within = WalkLogFactory(patient=patient, date=today - timedelta(days=1))
    over = WalkLogFactory(patient=patient, date=today - timedelta(days=2), pain_peak=7)
    cart = WalkLogFactory(patient=patient, date=today - timedelta(days=20), support="cart")
    client = client_for(patient.primary_therapist)
    url = reverse("patients:walklogs", args=[patient.pk])

    def shown(**params):
        return set(client.get(url, params).context["page"])

    assert shown() == {within, over, cart}
    assert shown(target="yes") == {within, cart}
    assert shown(target="no") == {over}
    assert shown(support="cart") == {cart}
    assert shown(date_from=(today - timedelta(days=7)).isoformat()) == {within, over}
    assert shown(date_to=(today - timedelta(days=10)).isoformat()) == {cart}
    assert shown(date_from="not-a-date") == {within, over, cart}  # ignored, not a 500


def test_reading_logs_is_audited(patient, client_for):
    log = WalkLogFactory(patient=patient)
    client_for(patient.primary_therapist).get(reverse("patients:walklogs", args=[patient.pk]))
    client_for(patient.user).get(reverse("patients:walklog-detail", args=[log.pk]))
    client_for(patient.user).get(reverse("patients:my-walklogs"))
    views = AuditEvent.objects.filter(action="view", patient_id=patient.pk)
    assert views.count() == 3
    assert {e.actor for e in views} == {patient.user, patient.primary_therapist}


@pytest.mark.parametrize("logs", [1, 200])
def test_the_staff_log_list_uses_a_fixed_number_of_queries(
    patient, client_for, django_assert_num_queries, logs
):
    WalkLogFactory.create_batch(logs, patient=patient)
    client = client_for(patient.primary_therapist)
    url = reverse("patients:walklogs", args=[patient.pk])
    client.get(url)  # the first request starts the session clock
    # session, user, MFA check, patient (+therapist, login, clinic, clinic settings, open red
    # flag), open plan (rules), count, page of logs (+author, change count), audit insert,
    # clinic (header)
    with django_assert_num_queries(9):
        client.get(url)


@pytest.mark.parametrize("logs", [1, 200])
def test_the_patients_log_list_uses_a_fixed_number_of_queries(
    patient, client_for, django_assert_num_queries, logs
):
    WalkLogFactory.create_batch(logs, patient=patient)
    client = client_for(patient.user)
    url = reverse("patients:my-walklogs")
    client.get(url)
    # session, user, own patient (+therapist, clinic, clinic settings), open plan (rules),
    # count, page of logs, audit insert, clinic (header)
    with django_assert_num_queries(8):
        client.get(url)


def test_the_forms_no_longer_read_the_last_walk(patient, patient_client):
    # They used to show its habits (and audited that read); nothing of it is shown now.
    last = WalkLogFactory(patient=patient)
    patient_client.get(CREATE)
    patient_client.get(reverse("patients:walk-timer"))
    assert not AuditEvent.objects.filter(action="view", object_id=str(last.pk)).exists()


# --- The submit's cost (issue #13) --------------------------------------------------------


def test_the_patients_submit_uses_a_fixed_number_of_queries(
    patient, patient_client, django_assert_num_queries
):
    WalkLogFactory.create_batch(3, patient=patient)
    patient_client.get(CREATE)  # the first request starts the session clock
    # session, user, own patient (+therapist, clinic, clinic settings); the longest walk so
    # far (one MAX over the patient's walks), which the form compares the new walk with before
    # saving it (docs/clinical-rules.md §7.8; a confirmed walk skips it, test_walk_plausibility);
    # the service's transaction (a SAVEPOINT and a RELEASE here: the test's own transaction
    # is outside), the walk, its audit event. No outer transaction for a walk without
    # red-flag signs, and the walk's CHECK constraints are the database's: no query each.
    with django_assert_num_queries(8):
        response = patient_client.post(CREATE, walk())
    assert response.status_code == 302 and WalkLog.objects.count() == 4


def test_a_therapists_paper_diary_entry_uses_a_fixed_number_of_queries(
    paper_patient, client_for, django_assert_num_queries
):
    client = client_for(paper_patient.primary_therapist)
    url = reverse("patients:walklog-enter", args=[paper_patient.pk])
    client.get(url)
    # session, user, MFA check, patient (+therapist, clinic, clinic settings, open red flag);
    # the service's transaction, the walk, its audit event; the longest walk so far
    # (docs/clinical-rules.md §7.8, as on the patient's submit).
    with django_assert_num_queries(9):
        response = client.post(url, walk())
    assert response.status_code == 302
    assert WalkLog.objects.get().source == WalkLog.Source.CLINIC

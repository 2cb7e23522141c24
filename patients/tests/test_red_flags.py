"""Red flags (docs/clinical-rules.md §6): urgent page first, the plan paused, the team alerted
by email, and a clinician's acknowledgement kept in the history. How the alerts are sent (retries,
the sweep, the broker down) is in notifications/tests/test_alerts.py."""

import pytest
from django.core import mail
from django.urls import reverse

from clinic.models import AuditEvent, Role
from clinic.tests.factories import StaffFactory
from patients import services
from patients.models import RedFlagReport
from patients.signals import red_flag_raised
from patients.tests.factories import RedFlagReportFactory, WalkLogFactory

REPORT = reverse("patients:redflag-report")


@pytest.fixture
def raised():
    """The red_flag_raised signals sent during the test (programs pauses the plan on it)."""
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    red_flag_raised.connect(receiver, dispatch_uid="test-receiver")
    yield received
    red_flag_raised.disconnect(dispatch_uid="test-receiver")


def _ack(client, report, note="Called the patient; advised the emergency department."):
    return client.post(reverse("patients:redflag-acknowledge", args=[report.pk]), {"note": note})


def test_report_urgent_page_signal_email_banner_acknowledge(
    world, client_for, raised, django_capture_on_commit_callbacks
):
    patient = world.patient
    patient.clinic.urgent_contact_text = "Out of hours: call the on-call physio on 555 0199."
    patient.clinic.save()
    inactive_admin = StaffFactory(clinic=world.clinic, role=Role.ADMIN, is_active=False)
    client = client_for(patient.user)

    # The patient reports from the button on every page; the urgent page comes first.
    assert REPORT in client.get(reverse("dashboard:today")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REPORT, {"signs": ["weakness", "saddle"]})
    assert response["Location"] == reverse("patients:urgent")
    urgent = client.get(response["Location"]).content.decode()
    assert "Go to an emergency department now" in urgent
    assert "Do not drive yourself." in urgent
    assert 'call the on-call physio on <a href="tel:5550199">555 0199</a>' in urgent
    assert 'href="tel:+15550100">+1 555 0100</a>' in urgent

    report = RedFlagReport.objects.get()
    assert report.signs == ["saddle", "weakness"] and report.status == "open"
    # The plan is paused by the programs app's receiver of this signal.
    assert [(r["patient"], r["report"]) for r in raised] == [(patient, report)]
    assert AuditEvent.objects.filter(action="create", object_id=str(report.pk)).exists()

    # One email each to the therapist and the active admins, with a link and no health
    # details.
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        [world.therapist.email, world.admin.email]
    )
    assert all(len(email.to) == 1 for email in mail.outbox)
    detail = reverse("patients:detail", args=[patient.pk])
    for email in mail.outbox:
        assert inactive_admin.email not in email.to
        assert detail in email.body and "needs attention" in email.body
        for secret in ("saddle", "bladder", "weakness", "Pat Patient", "numb", "leg"):
            assert secret.lower() not in (email.subject + email.body).lower(), secret
    report.refresh_from_db()
    assert report.alert_sent_at is not None

    # A banner on every staff page of that patient.
    staff = client_for(world.therapist)
    for url in (
        detail,
        reverse("patients:walklogs", args=[patient.pk]),
        reverse("patients:progress", args=[patient.pk]),
    ):
        assert "Open red flag for Pat Patient" in staff.get(url).content.decode(), url
    assert "Open red flag" in staff.get(reverse("dashboard:caseload")).content.decode()
    other = staff.get(reverse("patients:detail", args=[world.other_patient.pk]))
    assert "Open red flag for" not in other.content.decode()

    # Acknowledged with a note: audited, still in the history, the banner gone.
    response = _ack(staff, report)
    assert response["Location"] == detail + "#red-flags"
    report.refresh_from_db()
    assert (report.status, report.acknowledged_by) == ("acknowledged", world.therapist)
    assert report.note.startswith("Called the patient")
    assert AuditEvent.objects.filter(action="alert_ack", object_id=str(report.pk)).exists()
    page = staff.get(detail).content.decode()
    assert "Open red flag for" not in page
    assert "Acknowledged by Tess Therapist" in page and "Called the patient" in page


def test_acknowledging_needs_a_note_and_happens_once(patient, client_for, therapist, admin_user):
    report = RedFlagReportFactory(patient=patient)
    assert _ack(client_for(therapist), report, note="  ").status_code == 302
    report.refresh_from_db()
    assert report.status == "open"
    _ack(client_for(therapist), report)
    _ack(client_for(admin_user), report, note="Second note")
    report.refresh_from_db()
    assert report.acknowledged_by == therapist and report.note != "Second note"
    assert AuditEvent.objects.filter(action="alert_ack").count() == 1


def test_outsiders_cannot_acknowledge(world, client_for):
    report = RedFlagReportFactory(patient=world.patient)
    assert _ack(client_for(world.other_therapist), report).status_code == 404
    assert _ack(client_for(world.patient.user), report).status_code == 404
    report.refresh_from_db()
    assert report.status == "open"


def test_reporting_needs_a_sign_and_saves_nothing_otherwise(patient, client_for):
    client = client_for(patient.user)
    empty = client.post(REPORT, {})
    assert "Tick the signs you have had" in empty.content.decode()
    unknown = client.post(REPORT, {"signs": ["headache"]})
    assert "Choose from the list." in unknown.content.decode()
    assert not RedFlagReport.objects.exists()


def test_the_report_button_is_on_patient_pages_only(patient, therapist, client_for):
    assert REPORT in client_for(patient.user).get(reverse("patients:my-progress")).content.decode()
    assert REPORT not in client_for(therapist).get(reverse("dashboard:caseload")).content.decode()


def test_a_failing_plan_receiver_does_not_stop_the_report_or_the_alert(
    patient, django_capture_on_commit_callbacks
):
    def broken(sender, **kwargs):
        raise RuntimeError("plan service down")

    red_flag_raised.connect(broken, dispatch_uid="broken")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = services.redflag_report(
                patient=patient, signs=["bowel"], reported_by=patient.user
            )
    finally:
        red_flag_raised.disconnect(dispatch_uid="broken")
    assert RedFlagReport.objects.filter(pk=report.pk).exists()
    assert len(mail.outbox) == 1


def test_the_service_refuses_empty_unknown_or_foreign_input(patient, other_patient):
    from django.core.exceptions import ValidationError

    for signs in ([], ["sneezing"]):
        with pytest.raises(ValidationError):
            services.redflag_report(patient=patient, signs=signs, reported_by=patient.user)
    with pytest.raises(ValidationError):
        services.redflag_report(
            patient=patient,
            signs=["bowel"],
            reported_by=patient.user,
            source_log=WalkLogFactory(patient=other_patient),
        )
    assert not RedFlagReport.objects.exists()

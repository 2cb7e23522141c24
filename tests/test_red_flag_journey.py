"""A red flag end to end, across apps: the patient's walk log says yes to a red-flag sign ->
the urgent-care page first -> the active plan is paused (programs) -> the therapist and the
clinic admin each get one email -> the therapist acknowledges -> the plan can be resumed."""

from django.core import mail
from django.urls import reverse

from clinic.models import AuditEvent
from patients.models import RedFlagReport
from programs import services as programs
from programs.models import Plan
from programs.tests.factories import assign_plan


def test_a_red_flag_on_a_walk_log_pauses_the_plan_alerts_and_is_acknowledged(
    world, client_for, django_capture_on_commit_callbacks
):
    plan = assign_plan(world.patient)
    assert plan.status == Plan.Status.ACTIVE
    patient_client = client_for(world.patient.user)
    walk = {
        "date": "2026-01-05",
        "minutes": "10",
        "rests": "1",
        "pain_before": "3",
        "pain_peak": "5",
        "pain_after": "3",
        "support": "none",
        "terrain": "flat",
        "red_flags": ["saddle"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = patient_client.post(reverse("patients:walklog-create"), walk)

    assert response["Location"].startswith(reverse("patients:urgent"))
    assert (
        "Go to an emergency department now"
        in patient_client.get(response["Location"]).content.decode()
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PAUSED
    # One email each, never one shared: a recipient's mail trouble delays nobody else's.
    assert sorted(m.to for m in mail.outbox) == sorted(
        [[world.therapist.email], [world.admin.email]]
    )

    report = RedFlagReport.objects.get()
    staff = client_for(world.therapist)
    staff.post(
        reverse("patients:redflag-acknowledge", args=[report.pk]),
        {"note": "Phoned: seen in the emergency department, no cauda equina."},
    )
    report.refresh_from_db()
    assert report.status == RedFlagReport.Status.ACKNOWLEDGED
    assert AuditEvent.objects.filter(action="alert_ack", object_id=str(report.pk)).exists()
    programs.plan_resume(plan=plan, by=world.therapist, reason="Cleared by the hospital.")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE

"""Red-flag alerts: one email per recipient at once, never twice, retried until sent, and
the sweep makes and sends whatever the moment of the report could not (broker down, a
failed receiver, a worker killed mid-send)."""

import smtplib
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clinic.celery import app
from clinic.models import Role
from clinic.tests.factories import StaffFactory
from notifications import alerts, channels, delivery, kinds, tasks
from notifications.channels.email import EmailTransport
from notifications.models import Delivery
from patients import services
from patients.models import RedFlagReport
from patients.tests.factories import RedFlagReportFactory
from programs.models import Plan
from programs.tests.factories import assign_plan

REPORT = reverse("patients:redflag-report")


def sweep() -> int:
    return tasks.red_flag_alert_sweep()


def _report(patient, django_capture_on_commit_callbacks, signs=("bowel",)):
    with django_capture_on_commit_callbacks(execute=True):
        return services.redflag_report(patient=patient, signs=signs, reported_by=patient.user)


def _down(self, prepared, *, connection):
    raise smtplib.SMTPServerDisconnected("mail server gone")


# --- At the moment of the report ---------------------------------------------------------


def test_the_report_makes_one_alert_per_recipient_and_sends_each_once(
    world, django_capture_on_commit_callbacks
):
    report = _report(world.patient, django_capture_on_commit_callbacks)
    rows = Delivery.objects.filter(red_flag_report=report).order_by("user__email")
    assert [(d.user, d.kind, d.status) for d in rows] == [
        (world.admin, "red_flag", "sent"),
        (world.therapist, "red_flag", "sent"),
    ]
    assert all(d.patient == world.patient and d.clinic == world.clinic for d in rows)
    assert sorted(m.to for m in mail.outbox) == [[world.admin.email], [world.therapist.email]]
    report.refresh_from_db()
    assert report.alert_sent_at is not None
    # Replays and sweeps send nothing more.
    for row in rows:
        assert delivery.delivery_send(row.pk) == "not pending"
    assert sweep() == 0
    assert len(mail.outbox) == 2


def test_the_alert_rows_are_part_of_the_reporting_transaction(patient):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.redflag_report(patient=patient, signs=["bowel"], reported_by=patient.user)
        assert Delivery.objects.filter(kind="red_flag").count() == 1
        raise RuntimeError("the request failed later")
    assert not Delivery.objects.exists() and not RedFlagReport.objects.exists()


def test_a_recipient_has_at_most_one_alert_per_report(patient, therapist):
    report = RedFlagReportFactory(patient=patient)
    sweep()
    duplicate = Delivery(
        user=therapist,
        clinic=patient.clinic,
        kind="red_flag",
        red_flag_report=report,
        local_date=timezone.now().date(),
    )
    with pytest.raises(Exception, match="(?i)unique"), transaction.atomic():
        duplicate.save()


def test_a_failing_alert_receiver_leaves_the_report_and_the_pause_and_the_sweep_alerts(
    patient, monkeypatch, django_capture_on_commit_callbacks
):
    plan = assign_plan(patient)

    def broken(**kwargs):
        raise RuntimeError("notifications down")

    monkeypatch.setattr(alerts, "alerts_create", broken)
    report = _report(patient, django_capture_on_commit_callbacks)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PAUSED  # programs' receiver kept its work
    assert RedFlagReport.objects.filter(pk=report.pk).exists()
    assert mail.outbox == [] and not Delivery.objects.exists()
    monkeypatch.undo()
    assert sweep() == 1
    assert [m.to for m in mail.outbox] == [[patient.primary_therapist.email]]


# --- Sending: safe to run twice, retried on transient errors ------------------------------


def test_sending_twice_sends_once(patient):
    report = RedFlagReportFactory(patient=patient)  # no service: no alert rows yet
    assert sweep() == 1
    [row] = Delivery.objects.filter(red_flag_report=report)
    assert tasks.delivery_send(row.pk) == "not pending"
    assert sweep() == 0
    assert len(mail.outbox) == 1


def test_an_acknowledged_report_is_not_alerted_late(patient, therapist):
    report = RedFlagReportFactory(patient=patient, status="acknowledged", acknowledged_by=therapist)
    assert sweep() == 0
    # An alert made before the acknowledgement but not sent yet is skipped.
    row = Delivery.objects.create(
        user=therapist,
        patient=patient,
        clinic=patient.clinic,
        kind="red_flag",
        red_flag_report=report,
        local_date=timezone.now().date(),
    )
    assert tasks.delivery_send(row.pk) == "skipped: report acknowledged"
    assert mail.outbox == []


def test_an_inactive_therapist_is_not_emailed_but_admins_are(patient, therapist, admin_user):
    therapist.is_active = False
    therapist.save()
    RedFlagReportFactory(patient=patient)
    sweep()
    assert [m.to for m in mail.outbox] == [[admin_user.email]]


def test_the_alert_task_retries_transient_smtp_errors_many_times():
    assert smtplib.SMTPException in channels.transient_errors()
    policy = kinds.retry_policy("red_flag")
    assert policy.max_retries >= 100 and policy.until_sent
    assert 0 <= policy.countdown(50) <= 600  # capped backoff
    assert tasks.delivery_send.max_retries is None  # the policy decides, not the task


def test_an_alert_whose_task_gave_up_stays_pending_and_the_sweep_sends_it(patient, monkeypatch):
    report = RedFlagReportFactory(patient=patient)
    monkeypatch.setattr(EmailTransport, "send", _down)
    sweep()
    [row] = Delivery.objects.filter(red_flag_report=report)
    result = tasks.delivery_send.apply(args=[row.pk], retries=kinds.ALERT_RETRY.max_retries)
    assert result.get() == "pending: left for the sweep"
    row.refresh_from_db()
    assert row.status == "pending" and "mail server gone" in row.last_error
    monkeypatch.undo()
    assert sweep() == 1
    row.refresh_from_db()
    assert row.status == "sent" and len(mail.outbox) == 1


def test_a_failed_send_leaves_the_report_unsent_for_the_sweep(patient, monkeypatch):
    report = RedFlagReportFactory(patient=patient)
    monkeypatch.setattr(EmailTransport, "send", _down)
    sweep()  # still down: logged, kept for the next sweep
    [row] = Delivery.objects.filter(red_flag_report=report)
    with pytest.raises(smtplib.SMTPException):
        delivery.delivery_send(row.pk)
    report.refresh_from_db()
    row.refresh_from_db()
    assert report.alert_sent_at is None
    assert (row.status, row.attempts) == ("pending", 2)
    monkeypatch.undo()
    assert sweep() == 1
    assert len(mail.outbox) == 1
    report.refresh_from_db()
    assert report.alert_sent_at is not None


def test_an_alert_a_dead_worker_left_sending_is_sent_again_by_the_sweep(patient):
    report = RedFlagReportFactory(patient=patient)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        Delivery.objects.bulk_create(alerts._alert_rows(report, timezone.now()))
        row = Delivery.objects.get()
        Delivery.objects.filter(pk=row.pk).update(status="sending", claimed_at=timezone.now())
        assert sweep() == 0  # it may still be on its way
        traveller.shift(kinds.ALERT_RETRY.interrupted_after + timedelta(seconds=1))
        assert sweep() == 1
    row.refresh_from_db()
    assert row.status == "sent" and "may arrive twice" not in row.last_error
    assert len(mail.outbox) == 1


def test_a_report_alerted_before_notifications_existed_is_not_alerted_again(patient):
    RedFlagReportFactory(patient=patient, alert_sent_at=timezone.now())
    assert sweep() == 0
    assert mail.outbox == [] and not Delivery.objects.exists()


def test_the_first_alert_sent_is_the_time_the_pages_show(world, django_capture_on_commit_callbacks):
    report = _report(world.patient, django_capture_on_commit_callbacks)
    first = Delivery.objects.filter(red_flag_report=report).order_by("sent_at").first()
    report.refresh_from_db()
    assert report.alert_sent_at == first.sent_at


def test_the_sweep_runs_every_minute_or_so(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-red-flag-alert-sweep"]
    assert entry["task"] == "notifications.tasks.red_flag_alert_sweep"
    assert entry["schedule"] <= 120


def test_admins_see_an_alert_that_is_still_being_retried_first(
    patient, admin_user, client_for, monkeypatch
):
    RedFlagReportFactory(patient=patient)
    monkeypatch.setattr(EmailTransport, "send", _down)
    sweep()
    StaffFactory(clinic=patient.clinic, role=Role.THERAPIST)  # noise: not on the page
    page = client_for(admin_user).get(reverse("notifications:deliveries")).content.decode()
    assert "Red-flag alert" in page and "Retrying" in page and "mail server gone" in page


# --- The broker is down at the moment of the report ------------------------------------------


@contextmanager
def broker_down():
    """Celery not eager, its broker a closed port, no connection retries: queueing fails."""
    conf = app.conf
    keys = (
        "task_always_eager",
        "broker_url",
        "broker_connection_retry",
        "broker_connection_max_retries",
        "broker_transport_options",
        "task_publish_retry",
    )
    saved = {key: conf[key] for key in keys}
    conf.update(
        task_always_eager=False,
        broker_url="redis://127.0.0.1:1/0",
        broker_connection_retry=False,
        broker_connection_max_retries=0,
        broker_transport_options={"socket_connect_timeout": 1, "max_retries": 0},
        task_publish_retry=False,
    )
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_broker_down_the_report_is_saved_and_the_sweep_sends_the_alert(world, client_for):
    client = client_for(world.patient.user)
    with broker_down():
        response = client.post(REPORT, {"signs": ["bladder"]})
        urgent = client.get(response["Location"])
    assert response.status_code == 302 and urgent.status_code == 200
    assert "Go to an emergency department now" in urgent.content.decode()
    report = RedFlagReport.objects.get()
    assert report.alert_sent_at is None and mail.outbox == []
    assert Delivery.objects.filter(red_flag_report=report, status="pending").count() == 2

    # Later, the beat's sweep (the broker is back) sends what is unsent: once each.
    assert tasks.red_flag_alert_sweep.delay().get() == 2
    assert sorted(m.to for m in mail.outbox) == sorted(
        [[world.therapist.email], [world.admin.email]]
    )
    report.refresh_from_db()
    assert report.alert_sent_at is not None
    assert tasks.red_flag_alert_sweep.delay().get() == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_broker_down_a_walk_with_a_red_flag_is_saved_too(world, client_for):
    from patients.models import WalkLog

    client = client_for(world.patient.user)
    data = {
        "date": "2026-01-05",
        "minutes": "10",
        "rests": "0",
        "pain_before": "3",
        "pain_peak": "5",
        "pain_after": "3",
        "support": "none",
        "terrain": "flat",
        "red_flags": ["both_legs"],
    }
    with broker_down():
        response = client.post(reverse("patients:walklog-create"), data)
    assert response["Location"].startswith(reverse("patients:urgent"))
    assert WalkLog.objects.count() == 1
    assert RedFlagReport.objects.get().alert_sent_at is None
    tasks.red_flag_alert_sweep()
    assert len(mail.outbox) == 2

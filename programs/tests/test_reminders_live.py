"""Reminders on a real Celery worker and the real Redis broker."""

from collections import Counter
from datetime import time, timedelta

from django.utils import timezone

from patients.models import ReminderPreference
from programs import reminders
from programs.models import EmailDelivery
from programs.tests.reminder_helpers import patients_on_plans

BATCH = 200


def _due_now(clinic, therapist):
    patients = patients_on_plans(clinic, therapist, BATCH)
    ReminderPreference.objects.bulk_create(
        ReminderPreference(patient=p, remind_at=time(0, 0)) for p in patients
    )
    return {p.user.email for p in patients}


def _sent():
    return EmailDelivery.objects.filter(status=EmailDelivery.Status.SENT).count()


def test_the_pass_run_twice_for_200_due_patients_sends_200_emails(live_worker, clinic, therapist):
    recipients = _due_now(clinic, therapist)
    now = timezone.now()
    assert len(reminders.reminders_dispatch(now)) == BATCH
    reminders.reminders_dispatch(now + timedelta(seconds=1))  # a second beat, at once
    live_worker.wait_for(lambda: _sent() == BATCH, what="200 sent deliveries")
    # Even a pass that re-queues rows still pending sends nothing more.
    reminders.reminders_dispatch(now + timedelta(minutes=11))
    live_worker.wait_for(lambda: len(live_worker.sent_emails()) >= BATCH, what="200 emails")
    emails = Counter(m["To"] for m in live_worker.sent_emails())
    assert set(emails) == recipients
    assert max(emails.values()) == 1


def test_a_worker_killed_mid_batch_still_sends_every_reminder_exactly_once(
    live_worker, clinic, therapist, tmp_path
):
    from tests.live_worker import LiveWorker

    recipients = _due_now(clinic, therapist)
    now = timezone.now()
    reminders.reminders_dispatch(now)
    live_worker.wait_for(lambda: _sent() >= 40, what="a first part of the batch")
    live_worker.kill()  # SIGKILL, main process and children: nothing is acknowledged
    assert _sent() < BATCH, "the worker finished before it could be killed"

    replacement = LiveWorker(live_worker.mail_dir, tmp_path / "worker2.log").start()
    try:
        # The replacement drains the queue. What the dead worker had taken (its 2 running and
        # 2 prefetched tasks) is lost with it; rows it had not claimed are still pending, and
        # the next beat pass after the re-queue delay queues them again.
        replacement.wait_for(
            lambda: EmailDelivery.objects.filter(status="pending").count() <= 4,
            what="the queued rest of the batch",
        )
        reminders.reminders_dispatch(now + reminders.REQUEUE_AFTER + timedelta(minutes=1))
        replacement.wait_for(
            lambda: len({m["To"] for m in live_worker.sent_emails()}) == BATCH,
            what="an email for every patient",
        )
    finally:
        replacement.stop()
    emails = Counter(m["To"] for m in live_worker.sent_emails())
    assert set(emails) == recipients
    assert max(emails.values()) == 1, [e for e, n in emails.items() if n > 1]
    # A row the dead worker had claimed may still say "sending" (its email went out; the
    # worker died before marking it): never sent again, and marked failed by a later pass.
    unfinished = EmailDelivery.objects.exclude(status="sent")
    assert unfinished.count() <= 2 and set(unfinished.values_list("status", flat=True)) <= {
        "sending"
    }

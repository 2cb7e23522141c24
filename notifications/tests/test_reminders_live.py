"""Reminders on a real Celery worker and the real Redis broker."""

from collections import Counter
from datetime import time, timedelta

from django.utils import timezone

from notifications import reminders
from notifications.models import Delivery
from notifications.tests.reminder_helpers import patients_on_plans
from patients.models import ReminderPreference

BATCH = 200


def _due_now(clinic, therapist):
    patients = patients_on_plans(clinic, therapist, BATCH)
    ReminderPreference.objects.bulk_create(
        ReminderPreference(patient=p, remind_at=time(0, 0)) for p in patients
    )
    return {p.user.email for p in patients}


def _sent():
    return Delivery.objects.filter(status=Delivery.Status.SENT).count()


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


def test_a_worker_killed_mid_batch_never_sends_twice_and_flags_what_it_held(
    live_worker, clinic, therapist, tmp_path
):
    """SIGKILL in the middle of 200 sends, then a new worker and the next beat pass.

    Exactly-once delivery over SMTP cannot survive a kill at every instant: between the
    durable claim and the mail server's "accepted" there is always a moment where the
    outcome is unknown. Stride takes the issue's hard rule, never the same reminder twice,
    so a row the dead worker had claimed is not sent again; it is marked failed ("may not
    have been delivered") for the admins. Everything else is sent, once.
    """
    from tests.live_worker import LiveWorker

    recipients = _due_now(clinic, therapist)
    now = timezone.now()
    reminders.reminders_dispatch(now)
    live_worker.wait_for(lambda: _sent() >= 40, what="a first part of the batch")
    live_worker.kill()  # SIGKILL, main process and children: nothing is acknowledged
    killed_at = timezone.now()
    assert _sent() < BATCH, "the worker finished before it could be killed"

    replacement = LiveWorker(live_worker.mail_dir, tmp_path / "worker2.log").start()
    try:
        # The replacement drains the queue. What the dead worker had taken (its 2 running and
        # 2 prefetched tasks) is lost with it; rows it had not claimed are still pending.
        replacement.wait_for(
            lambda: (
                Delivery.objects.filter(status="pending").count() <= 4
                and not Delivery.objects.filter(status="sending", claimed_at__gt=killed_at)
            ),
            what="the queued rest of the batch",
        )
        # The next beat pass after the re-queue delay queues the pending rows again.
        reminders.reminders_dispatch(now + reminders.REQUEUE_AFTER + timedelta(minutes=1))
        replacement.wait_for(
            lambda: not Delivery.objects.filter(status__in=["pending", "sending"]),
            what="every row sent or flagged",
        )
    finally:
        replacement.stop()

    emails = Counter(m["To"] for m in live_worker.sent_emails())
    assert max(emails.values()) == 1, [e for e, n in emails.items() if n > 1]  # never twice
    flagged = Delivery.objects.exclude(status="sent")
    # Only what the dead worker had claimed (its concurrency: 2) may be in doubt, and it is
    # shown to the admins as such.
    assert flagged.count() <= 2
    assert all("may not have been delivered" in d.last_error for d in flagged)
    sent = set(Delivery.objects.filter(status="sent").values_list("user__email", flat=True))
    assert sent <= set(emails) and len(sent) == BATCH - flagged.count()
    assert set(emails) <= recipients

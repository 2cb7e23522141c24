"""Background jobs of programs. Thin: one service call each, safe to run twice."""

from celery import shared_task
from django.db import OperationalError


@shared_task(
    acks_late=True,
    # A lost database connection is worth another try; anything else is a bug to look at.
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
    soft_time_limit=600,
    time_limit=660,
)
def progression_weekly() -> int:
    """One progression suggestion per active plan for its latest completed plan week.

    Idempotent (a unique row per plan week), so a replay after a crash changes nothing.
    """
    from .services import progression_run

    return progression_run()


# --- Reminders, nudges and the therapist digest (programs.reminders) ---------------------


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def reminders_dispatch() -> int:
    """The beat pass: insert due delivery rows and queue their sends. Safe to run twice."""
    from .reminders import reminders_dispatch as dispatch

    return len(dispatch())


EMAIL_MAX_RETRIES = 6


@shared_task(
    bind=True,
    acks_late=True,
    # A worker killed mid-send gives the task back to the broker: the row decides.
    reject_on_worker_lost=True,
    soft_time_limit=50,
    time_limit=60,
    max_retries=EMAIL_MAX_RETRIES,
)
def email_delivery_send(self, delivery_id: int) -> str:
    """Send one reminder, nudge or digest; SMTP trouble is retried with backoff, then the
    row is marked failed for the clinic admins to see."""
    from clinic.tasks import TRANSIENT_EMAIL_ERRORS

    from .reminders import delivery_mark_failed, delivery_send

    try:
        return delivery_send(delivery_id)
    except TRANSIENT_EMAIL_ERRORS as error:
        if self.request.retries >= EMAIL_MAX_RETRIES:
            delivery_mark_failed(delivery_id, reason=f"{type(error).__name__}: {error}")
            return "failed"
        raise self.retry(exc=error, countdown=min(900, 30 * 2**self.request.retries)) from None

"""Background jobs of notifications. Thin: ids in, one call; the rows make them safe to run
twice."""

from celery import shared_task

from . import channels, delivery


@shared_task(
    bind=True,
    acks_late=True,
    # A worker killed mid-send gives the task back to the broker: the row decides.
    reject_on_worker_lost=True,
    soft_time_limit=50,
    time_limit=60,
    # The kind's retry policy decides (notifications.delivery), not a task-wide number.
    max_retries=None,
)
def delivery_send(self, delivery_id: int, retry: bool = True) -> str:
    """Send one delivery of any kind. The channel's transient errors are retried with the
    kind's backoff; then the row is failed for the clinic admins (a red-flag alert stays
    pending for the sweep). `retry=False`: one try, the sweep that queued it comes back."""
    try:
        return delivery.delivery_send(delivery_id)
    except channels.transient_errors() as error:
        retry_in = delivery.delivery_retry_in(
            delivery_id, retries=self.request.retries, error=error, retry=retry
        )
        if retry_in is None:
            return delivery.delivery_give_up(delivery_id, error=error)
        raise self.retry(exc=error, countdown=retry_in) from None


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def reminders_dispatch() -> int:
    """The beat pass: insert due reminder, nudge and digest rows and queue their sends."""
    from .reminders import reminders_dispatch as dispatch

    return len(dispatch())


@shared_task
def red_flag_alert_sweep() -> int:
    """Beat, every minute: alert rows for reports that have none, every pending alert
    queued again. Returns how many sends were queued."""
    from .alerts import red_flag_alert_sweep as sweep

    return sweep()

"""Background jobs of notifications. Thin: ids in, one call; the rows make them safe to run
twice."""

from celery import shared_task

from . import channels, delivery, kinds


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


# Rows per task when a hand-out is split: several workers share the publishing of a large
# pass, and each queues its part in well under a second.
SEND_CHUNK = 500


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=50, time_limit=60)
def deliveries_queue(delivery_ids: list[int]) -> int:
    """Queue one `delivery_send` per row the reminder pass handed out in one message (one
    publish for the beat), split first into tasks of SEND_CHUNK rows. Each row keeps its own
    send task (its retries, its claim), so a worker killed mid-send strands only what it
    held, as before. Queued twice (a redelivery), a row is still sent once: the row
    decides. Lost, or the broker gone, its rows stay pending and the next pass queues them
    again (reminders.REQUEUE_AFTER)."""
    if len(delivery_ids) <= SEND_CHUNK:
        kinds.queue_sends(delivery_ids)
        return len(delivery_ids)
    with deliveries_queue.app.producer_or_acquire() as producer:
        for start in range(0, len(delivery_ids), SEND_CHUNK):
            chunk = delivery_ids[start : start + SEND_CHUNK]
            deliveries_queue.apply_async((chunk,), producer=producer)
    return len(delivery_ids)


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

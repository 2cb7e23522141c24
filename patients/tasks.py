"""Red-flag alert tasks. Ids in, one service call, safe to run twice."""

import logging

from celery import shared_task

from clinic.tasks import TRANSIENT_EMAIL_ERRORS

from . import selectors, services

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=TRANSIENT_EMAIL_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    # "Retried until sent": about a week of attempts at the 10-minute cap. The sweep also
    # sends anything still unsent, so an alert outlives even this task giving up.
    retry_kwargs={"max_retries": 1000},
    acks_late=True,
)
def red_flag_alert_send(report_id: int) -> str:
    """Email the therapist and clinic admins about one red-flag report."""
    return services.redflag_alert_send(report_id=report_id)


@shared_task
def red_flag_alert_sweep() -> int:
    """Send the alerts of open reports that are still unsent (the broker was down when the
    report was made, or the task gave up). Returns how many were sent now."""
    sent = 0
    for report_id in selectors.red_flags_awaiting_alert():
        try:
            result = services.redflag_alert_send(report_id=report_id)
        except TRANSIENT_EMAIL_ERRORS:
            logger.warning("Red-flag alert %s not sent; next sweep retries.", report_id)
            continue
        sent += result == "sent"
    return sent

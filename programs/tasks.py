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

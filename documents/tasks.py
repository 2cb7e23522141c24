"""Background jobs of documents. Thin: one service call each, safe to run twice."""

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    acks_late=True,
    # A PDF worker killed mid-render (out of memory, a deploy) gives the task back to the
    # broker; the document row's status makes the replay safe.
    reject_on_worker_lost=True,
    # Only a lost database connection is retried; a render error marks the document failed.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=120,
    retry_kwargs={"max_retries": 5},
    soft_time_limit=100,
    time_limit=120,
)
def document_render(document_id: int) -> str:
    """Make one handout or progress report PDF (runs on the PDF queue: PDF_TASK_NAMES).

    Safe to run twice: a ready document is left alone, a failed one is tried again."""
    from .services import document_render_now

    return document_render_now(document_id)


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def documents_stale_sweep() -> int:
    """The beat's sweep of documents left pending (broker down, worker killed). Safe to run
    twice: a document rendered meanwhile is left alone by the render task."""
    from django.db import transaction

    from .services import documents_stale_requeue

    with transaction.atomic():
        return documents_stale_requeue()

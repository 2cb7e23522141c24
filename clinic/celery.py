"""Celery application. Settings come from Django settings under the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings.local")

app = Celery("stride")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def route_task(name, args, kwargs, options, task=None, **kw):
    """PDF rendering runs on its own queue (prefetch 1, recycled worker processes)."""
    from django.conf import settings

    if name in settings.PDF_TASK_NAMES:
        return {"queue": settings.PDF_QUEUE}
    return None


def enqueue_on_commit(task_name: str, *args) -> None:
    """Queue the task `task_name` with `args` once the current transaction commits.

    By name, so a service never imports its own tasks module (tasks call services, not the
    other way round). A broker that cannot be reached is logged and never raised: the row the
    task works on stays the truth and its sweep picks it up, so no response depends on the
    broker being up. Eager mode (demo, tests) runs the task in process, as .delay would.
    """
    import logging

    from django.db import transaction
    from kombu.exceptions import KombuError

    # A task that is not registered is a programming error, not a broker outage: say so now
    # (the app's AppConfig.ready imports its tasks module).
    task = app.tasks[task_name]

    def publish():
        try:
            task.apply_async(args)
        except (KombuError, OSError):
            logging.getLogger(__name__).exception(
                "Could not queue %s%r: the sweep will pick it up.", task_name, args
            )

    transaction.on_commit(publish)

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

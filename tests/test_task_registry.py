"""Services queue tasks by name (clinic.celery.enqueue_on_commit, notifications.kinds): every
such task is registered in a web process too, where nothing else imports the tasks modules
(in eager mode an unregistered name would go to the broker and never run)."""

from clinic.celery import app

QUEUED_BY_NAME = (
    "documents.tasks.document_render",
    "notifications.tasks.delivery_send",
    "notifications.tasks.deliveries_queue",
)


def test_tasks_queued_by_name_are_registered_once_django_is_ready():
    for name in QUEUED_BY_NAME:
        assert name in app.tasks, name

"""Email tasks of the floor. Every message Stride itself sends goes through notifications;
this one is allauth's (password reset), rendered by allauth with a request in its context."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

# The mail server's trouble, worth another try later (notifications.channels.email too).
TRANSIENT_EMAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(
    autoretry_for=TRANSIENT_EMAIL_ERRORS,
    retry_backoff=True,
    retry_kwargs={"max_retries": 8},
)
def send_rendered_email(*, subject: str, body: str, html: str, to: list[str]) -> None:
    """Send an email that allauth rendered (password reset): its context holds a request,
    which cannot cross the broker, so the text travels instead of ids."""
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()

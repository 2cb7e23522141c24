"""Email tasks. Ids in where there is a row to read; retried only on transient errors."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

TRANSIENT_EMAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)


def build_templated_email(
    *, template: str, to: list[str], context: dict, headers: dict | None = None
) -> EmailMultiAlternatives:
    """Render `emails/<template>_{subject,body}.txt` and `_body.html` into one message."""
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    text = render_to_string(f"emails/{template}_body.txt", context)
    html = render_to_string(f"emails/{template}_body.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, to, headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


def send_templated_email(
    *, template: str, to: list[str], context: dict, headers: dict | None = None
) -> None:
    build_templated_email(template=template, to=to, context=context, headers=headers).send()


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@shared_task(
    autoretry_for=TRANSIENT_EMAIL_ERRORS,
    retry_backoff=True,
    retry_kwargs={"max_retries": 8},
    acks_late=True,
)
def invitation_send(invitation_id: int) -> str:
    """Email the invitation link. Skips invitations that no longer wait for an answer."""
    from .models import Invitation

    invitation = (
        Invitation.objects.select_related("user", "clinic", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        return "skipped"
    send_templated_email(
        template="invitation",
        to=[invitation.user.email],
        context={
            "invitation": invitation,
            "clinic": invitation.clinic,
            "accept_url": absolute_url(
                reverse("clinic:invitation-accept", args=[invitation.token])
            ),
        },
    )
    type(invitation).objects.filter(pk=invitation.pk).update(sent_count=invitation.sent_count + 1)
    return "sent"


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

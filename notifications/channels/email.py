"""Email: the templates emails/<name>_subject.txt, _body.txt and _body.html, one message per
recipient, through Django's email backend (SMTP in production, the console in the demo)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template import Context
from django.template.loader import get_template, render_to_string

# One definition for the floor's own email task (allauth's password reset) and this one.
from clinic.tasks import TRANSIENT_EMAIL_ERRORS


def render_text(template_name: str, context) -> str:
    """A plain-text template (subject, text body) rendered without HTML escaping: "Spine &
    Walking" stays "Spine & Walking". Only the HTML part is escaped."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def build_templated_email(
    *, template: str, to: list[str], context: dict, headers: dict | None = None
) -> EmailMultiAlternatives:
    """Render `emails/<template>_{subject,body}.txt` and `_body.html` into one message."""
    subject = " ".join(render_text(f"emails/{template}_subject.txt", context).split())
    text = render_text(f"emails/{template}_body.txt", context)
    html = render_to_string(f"emails/{template}_body.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, to, headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


class EmailTransport:
    transient_errors = TRANSIENT_EMAIL_ERRORS

    def prepare(self, delivery, message) -> EmailMultiAlternatives:
        # One-click unsubscribe for mail clients that offer it (reminders only).
        # RFC 8058: the client POSTs "List-Unsubscribe=One-Click" to the URL, no page opened.
        headers = (
            {
                "List-Unsubscribe": f"<{message.unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
            if message.unsubscribe_url
            else {}
        )
        return build_templated_email(
            template=message.template,
            to=[delivery.user.email],
            context=message.context,
            headers=headers,
        )

    def connection(self):
        # Django's backends open on __enter__ and close on __exit__.
        return get_connection()

    def send(self, prepared: EmailMultiAlternatives, *, connection) -> None:
        connection.send_messages([prepared])

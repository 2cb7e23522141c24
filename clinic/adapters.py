from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

# seed_demo's accounts live under this reserved domain; their published passwords must never
# open a real installation.
DEMO_EMAIL_DOMAIN = "demo.stride"


def is_demo_account(email: str) -> bool:
    return email.lower().endswith(f"@{DEMO_EMAIL_DOMAIN}")


class AccountAdapter(DefaultAccountAdapter):
    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and is_demo_account(user.email) and not settings.DEBUG:
            return None
        return user

    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by invitation only.
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render now (the context holds request objects), send through the email task."""
        from .tasks import send_rendered_email

        request = context.get("request") or self.request
        ctx = {"email": email, "request": request, **context}
        msg = self.render_mail(template_prefix, email, ctx)
        html = next(
            (body for body, mime in getattr(msg, "alternatives", []) if mime == "text/html"), ""
        )
        send_rendered_email.delay_on_commit(
            subject=msg.subject, body=msg.body, html=html, to=list(msg.to)
        )

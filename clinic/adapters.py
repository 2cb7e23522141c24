from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse

from . import lockout
from .audit import Action, audit_record

# seed_demo's accounts live under this reserved domain; their published passwords must never
# open a real installation.
DEMO_EMAIL_DOMAIN = "demo.stride"

ADDRESS_UNAVAILABLE = (
    "This email address cannot be used for your Stride account. If it is yours, ask your "
    "clinic to change the address they have for you."
)


def is_demo_account(email: str) -> bool:
    return email.lower().endswith(f"@{DEMO_EMAIL_DOMAIN}")


def email_address_in_use(email: str, *, user=None) -> bool:
    """Whether an address belongs to anyone but `user`: another account (a pending invitation
    is an account waiting for its owner), or any account's address row, verified or asked for.
    Callers refuse without saying whose it is."""
    from allauth.account.models import EmailAddress

    from .models import User

    others = User.objects.filter(email__iexact=email)
    rows = EmailAddress.objects.filter(email__iexact=email)
    if user is not None:
        others, rows = others.exclude(pk=user.pk), rows.exclude(user_id=user.pk)
    return others.exists() or rows.exists()


def _account_for_login(login: str):
    from .models import User

    return User.objects.filter(email__iexact=login.strip()).first() if login else None


class AccountAdapter(DefaultAccountAdapter):
    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and is_demo_account(user.email) and not settings.DEBUG:
            return None
        return user

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys an account's failures by the request's host and the typed address;
        # Stride keys by the address alone, so that an admin's unlock (clinic.lockout) lifts
        # the lock whichever host name the person signs in through.
        return lockout.login_key(credentials.get("email", credentials.get("username", "")))

    def pre_authenticate(self, request, **credentials) -> None:
        """Refuse a locked account (or a client address with too many failures) with words
        that say for how long, before the password is even checked: a lock that answered
        differently for the right password would let guessing go on."""
        login = credentials.get("email", credentials.get("username", ""))
        seconds = lockout.account_locked_seconds(login)
        if seconds:
            self._refuse_locked_account(request, login, seconds)
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            seconds = lockout.network_locked_seconds(request)
            if not seconds:  # the account's own limit filled up meanwhile
                self._refuse_locked_account(request, login, lockout.account_locked_seconds(login))
            self.refuse_locked_network(request, _account_for_login(login), seconds)

    def _refuse_locked_account(self, request, login: str, seconds: int) -> None:
        if lockout.first_refusal(lockout.login_key(login), seconds):
            account = _account_for_login(login)
            self.record_lockout(request, account)
            if account is not None:
                self.send_unlock_link(request, account, seconds)
        raise ValidationError(lockout.account_locked_message(seconds))

    def refuse_locked_network(self, request, account, seconds: int) -> None:
        if lockout.first_refusal(f"ip:{self.get_client_ip(request)}", seconds):
            self.record_lockout(request, account)
        raise ValidationError(lockout.network_locked_message(seconds))

    @staticmethod
    def record_lockout(request, account) -> None:
        # The account when the typed address has one; never the typed text itself.
        audit_record(
            action=Action.LOCKOUT,
            request=request,
            actor=None,
            clinic_id=account.clinic_id if account else None,
            obj=account,
        )

    def send_unlock_link(self, request, account, seconds: int) -> None:
        """Email the owner a single-use link that unlocks the account, to the account's own
        (verified) address; an inactive account gets none."""
        if not account.is_active:
            return
        token = lockout.unlock_link_issue(account)
        # SITE_URL, as every Stride email: never a host taken from the request's headers.
        url = settings.SITE_URL.rstrip("/") + reverse("clinic:account-unlock-link", args=[token])
        context = {
            "user": account,
            "unlock_url": url,
            "lock_for": lockout.minutes_phrase(seconds),
            "link_for": lockout.minutes_phrase(lockout.UNLOCK_LINK_SECONDS),
            "clinic": account.clinic,
        }
        self.send_mail("account/email/unlock", account.email, context)

    def respond_user_inactive(self, request, user):
        # Only the right password reaches this page, so it may say whom to call.
        return render(request, "account/account_inactive.html", {"clinic": user.clinic})

    def confirm_email(self, request, email_address) -> bool:
        """Verify an asked-for address only while no one else has it: a pending invitation
        made after the request, say (User.email is unique: it was a 500)."""
        if email_address_in_use(email_address.email, user=email_address.user):
            self.add_message(request, messages.ERROR, message=ADDRESS_UNAVAILABLE)
            return False
        return super().confirm_email(request, email_address)

    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by invitation only.
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render now (the context holds request objects), send through the email task."""
        from .tasks import send_rendered_email

        request = context.get("request") or self.request
        ctx = {"email": email, "request": request, **context}
        if request is not None:
            ctx.setdefault("current_site", get_current_site(request))
        msg = self.render_mail(template_prefix, email, ctx)
        html = next(
            (body for body, mime in getattr(msg, "alternatives", []) if mime == "text/html"), ""
        )
        send_rendered_email.delay_on_commit(
            subject=msg.subject, body=msg.body, html=html, to=list(msg.to)
        )

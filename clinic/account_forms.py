"""allauth's forms where Stride's rules differ (ACCOUNT_FORMS, MFA_FORMS in settings).

- Asking for a new address: refused when anyone else has it (#16).
- Password reset: only to a verified address (#16).
- Sign-in code: a locked code step says for how long and emails the unlock link (#16)."""

from allauth.account import forms as account_forms
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.models import EmailAddress
from allauth.core import context
from allauth.mfa.base import forms as mfa_forms
from django.core.exceptions import ValidationError

from . import lockout
from .adapters import ADDRESS_UNAVAILABLE, email_address_in_use


class AddEmailForm(account_forms.AddEmailForm):
    """The address a person asks to change to (verified by a link before it counts)."""

    def clean_email(self) -> str:
        email = super().clean_email()
        # allauth lets an address of another account through (so as not to say it exists)
        # and the change then fails at verification; a clinic's patient must be told now.
        if email_address_in_use(email, user=self.user):
            raise ValidationError(ADDRESS_UNAVAILABLE)
        return email


class ResetPasswordForm(account_forms.ResetPasswordForm):
    """Reset links go to verified addresses only: an address someone added and never
    verified must not receive the account's key."""

    def clean_email(self) -> str:
        email = super().clean_email()
        verified = set(
            EmailAddress.objects.filter(
                email__iexact=email, verified=True, user__in=self.users
            ).values_list("user_id", flat=True)
        )
        self.users = [user for user in self.users if user.pk in verified]
        return email


class AuthenticateForm(mfa_forms.AuthenticateForm):
    """The code step of sign-in. Five wrong codes lock it (allauth); the right code is then
    refused too, so the person is told for how long and sent the unlock link."""

    def clean_code(self) -> str:
        request = context.request
        adapter = get_account_adapter(request)
        seconds = lockout.code_locked_seconds(self.user)
        if seconds:
            if lockout.first_refusal(lockout.code_key(self.user), seconds):
                adapter.record_lockout(request, self.user)
                adapter.send_unlock_link(request, self.user, seconds)
            raise ValidationError(lockout.account_locked_message(seconds))
        try:
            return super().clean_code()
        except ValidationError as error:
            seconds = lockout.network_locked_seconds(request)
            if error.code != "too_many_login_attempts" or not seconds:
                raise
            adapter.refuse_locked_network(request, self.user, seconds)

"""Domain signals of the floor, and the audit of sign-ins (receivers only record; they hold
no business rules)."""

import django.dispatch
from allauth.mfa.signals import authentication_failed as code_failed
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import Action, audit_record

# Sent inside the transaction that creates an invitation or resends it (a fresh link), with
# `invitation=`. notifications connects the receiver that makes the email's delivery row and
# queues it on commit; clinic never imports notifications (it sits below every app). A
# receiver that fails fails the invitation too: an invitation nobody is told about is no use.
invitation_issued = django.dispatch.Signal()


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(action=Action.LOGIN, request=request, actor=user, obj=user)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=Action.LOGOUT, request=request, actor=user, obj=user)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # Record the account that was tried when it exists; never the typed password or email text.
    email = (credentials or {}).get("email") or (credentials or {}).get("username") or ""
    user = get_user_model().objects.filter(email__iexact=email).only("id", "clinic_id").first()
    audit_record(
        action=Action.LOGIN_FAILED,
        request=request,
        actor=None,
        clinic_id=user.clinic_id if user else None,
        object_type="clinic.user" if user else "",
        object_id=str(user.pk) if user else "",
    )


@receiver(code_failed)
def audit_code_failed(sender, request, user, **kwargs):
    # A wrong sign-in (or re-authentication) code: the account, never the code typed.
    audit_record(
        action=Action.MFA_FAILED, request=request, actor=None, clinic_id=user.clinic_id, obj=user
    )

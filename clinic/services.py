"""Every write to clinic accounts goes through here: keyword-only, atomic, audited."""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .audit import Action, audit_record
from .models import Clinic, Invitation, Role, User
from .signals import invitation_issued


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


@transaction.atomic
def invitation_create(
    *, clinic: Clinic, email: str, full_name: str, role: str, invited_by: User, request=None
) -> Invitation:
    """Create an inactive account and a single-use invitation; the email goes on commit
    (notifications receives `signals.invitation_issued`)."""
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": "This email address already has a Stride account or invitation."}
        )
    user = User.objects.create_user(
        email=email, full_name=full_name.strip(), role=role, clinic=clinic, is_active=False
    )
    invitation = Invitation.objects.create(
        user=user, clinic=clinic, token=_new_token(), invited_by=invited_by, expires_at=_expiry()
    )
    audit_record(action=Action.INVITE, request=request, actor=invited_by, obj=user)
    invitation_issued.send(sender=Invitation, invitation=invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User, request=None) -> Invitation:
    """A fresh link with a fresh expiry; any older link for this invitation stops working."""
    if invitation.accepted_at:
        raise ValidationError("This invitation was already accepted.")
    invitation.token = _new_token()
    invitation.expires_at = _expiry()
    invitation.revoked_at = None
    invitation.save(update_fields=["token", "expires_at", "revoked_at"])
    audit_record(action=Action.INVITE, request=request, actor=by, obj=invitation.user)
    invitation_issued.send(sender=Invitation, invitation=invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User, request=None) -> Invitation:
    if invitation.accepted_at:
        raise ValidationError("This invitation was already accepted.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(action=Action.INVITE_REVOKE, request=request, actor=by, obj=invitation.user)
    return invitation


def invitation_pending_by_token(token: str) -> Invitation | None:
    """The invitation behind a link, if the link still works (pending, not expired)."""
    # No token has a NUL, and PostgreSQL refuses one in a query (a 500 for a mangled link).
    invitation = (
        Invitation.objects.select_related("user", "clinic").filter(token=token).first()
        if token and "\x00" not in token
        else None
    )
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        return None
    return invitation


ADDRESS_IN_USE = (
    "This email address is already in use by another Stride account, so the invitation "
    "cannot be accepted yet. Please call your clinic."
)


def invitation_accept(*, invitation: Invitation, password: str, request=None) -> User:
    """Set the password, activate the account, and use up the link.

    The clinic set the invitee's address; another account claiming it (allauth's email
    page) must neither break the acceptance (a unique constraint: it was a 500) nor share
    the address. Refused in plain words without saying who holds it, and audited outside
    the refused transaction so the event stays; the clinic admin sorts it out."""
    user = invitation.user
    if EmailAddress.objects.filter(email__iexact=user.email).exclude(user=user).exists():
        audit_record(action=Action.INVITE_CONFLICT, request=request, actor=user, obj=user)
        raise ValidationError(ADDRESS_IN_USE)
    return _invitation_accept(invitation=invitation, password=password, request=request)


@transaction.atomic
def _invitation_accept(*, invitation: Invitation, password: str, request=None) -> User:
    # Lock the row: two clicks on the same link must not both succeed.
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError("This invitation link has expired or was already used.")
    user = invitation.user
    validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    # The link arrived by email, so the address is verified.
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    audit_record(action=Action.INVITE_ACCEPT, request=request, actor=user, obj=user)
    return user


def _end_sessions(user: User) -> None:
    for session in UserSession.objects.filter(user=user):
        session.end()


@transaction.atomic
def user_deactivate(*, user: User, by: User, request=None) -> User:
    """Deactivate and sign the user out everywhere at once."""
    if user.pk == by.pk:
        raise ValidationError("You cannot deactivate your own account.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    _end_sessions(user)
    audit_record(action=Action.DEACTIVATE, request=request, actor=by, obj=user)
    return user


@transaction.atomic
def user_reactivate(*, user: User, by: User, request=None) -> User:
    if not user.has_usable_password():
        raise ValidationError("This person has not accepted their invitation yet: resend it.")
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(action=Action.REACTIVATE, request=request, actor=by, obj=user)
    return user


@transaction.atomic
def user_mfa_reset(*, user: User, by: User, request=None) -> User:
    """Remove the user's authenticators; staff must enrol again at their next sign-in."""
    Authenticator.objects.filter(user=user).delete()
    _end_sessions(user)
    audit_record(action=Action.MFA_RESET, request=request, actor=by, obj=user)
    return user

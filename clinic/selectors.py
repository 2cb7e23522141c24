"""Clinic-level reads for the admin pages: accounts, invitations, audit trail."""

from datetime import datetime, time

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .access import scope_clinic
from .clinical_rules import DEFAULT_RULES, ClinicalRules
from .models import AuditEvent, ClinicalSettings, Invitation, Role, User


def accounts_for_admin(admin: User) -> QuerySet[User]:
    """Every account of the admin's clinic with its latest invitation and MFA state."""
    from allauth.mfa.models import Authenticator

    return (
        scope_clinic(User.objects.all(), admin)
        .order_by("role", "full_name", "email")
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=Invitation.objects.order_by("-created_at"),
                to_attr="invites",
            ),
            Prefetch(
                "authenticator_set",
                queryset=Authenticator.objects.filter(type=Authenticator.Type.TOTP),
                to_attr="totps",
            ),
        )
    )


def therapists_for_clinic(user: User) -> QuerySet[User]:
    return scope_clinic(User.objects.filter(role=Role.THERAPIST, is_active=True), user).order_by(
        "full_name", "email"
    )


def get_account_for_admin(admin: User, pk) -> User:
    from .access import get_or_404

    return get_or_404(scope_clinic(User.objects.all(), admin), pk=pk)


def get_invitation_for_user(user: User, pk) -> Invitation:
    """Admins reach every invitation of their clinic, therapists the ones they sent to patients."""
    from .access import get_or_404

    invitations = scope_clinic(Invitation.objects.select_related("user"), user)
    if user.role == Role.THERAPIST:
        invitations = invitations.filter(user__role=Role.PATIENT)
    return get_or_404(invitations, pk=pk)


def audit_events_for_admin(
    admin: User, *, patient=None, user=None, action="", date_from=None, date_to=None
) -> QuerySet[AuditEvent]:
    events = scope_clinic(AuditEvent.objects.select_related("actor"), admin)
    if patient:
        events = events.filter(patient_id=patient)
    if user:
        events = events.filter(actor=user)
    if action:
        events = events.filter(action=action)
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(
            at__gte=timezone.make_aware(datetime.combine(date_from, time.min), tz)
        )
    if date_to:
        events = events.filter(at__lte=timezone.make_aware(datetime.combine(date_to, time.max), tz))
    return events


def clinic_users(user: User) -> QuerySet[User]:
    return scope_clinic(User.objects.all(), user).order_by("full_name", "email")


def clinic_rules(clinic) -> ClinicalRules:
    """The clinic's clinical rules (docs/clinical-rules.md §7): its saved settings, or the
    defaults when it never changed them. Uses `clinic.clinical_settings` when a caller
    select_related it (no query then)."""
    try:
        row = clinic.clinical_settings
    except ClinicalSettings.DoesNotExist:
        return DEFAULT_RULES
    return row.rules()

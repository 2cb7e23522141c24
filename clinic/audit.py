"""Writing the audit trail. Events carry who, where and which record: never health details."""

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models

from .models import AuditEvent

Action = AuditEvent.Action


def client_ip(request) -> str | None:
    """The client's address as the sign-in limits see it (allauth: REMOTE_ADDR, or behind
    ALLAUTH_TRUSTED_PROXY_COUNT proxies the address they saw; a client-supplied
    X-Forwarded-For is never trusted beyond that count)."""
    if request is None:
        return None
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        # No address, or a proxy count the request does not match: the trail keeps the
        # peer's address rather than failing the page.
        return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    request=None,
    actor=None,
    clinic_id: int | None = None,
    patient_id: int | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """Append one event. The actor and clinic default to the request's signed-in user."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if clinic_id is None and actor is not None:
        clinic_id = actor.clinic_id
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        clinic_id=clinic_id,
        patient_id=patient_id,
        object_type=object_type,
        object_id=object_id,
        ip=client_ip(request),
        request_id=getattr(request, "request_id", "") if request is not None else "",
    )


def audit_view(request, *, patient_id: int | None, obj: models.Model | None = None, **extra):
    """A page or fragment showed patient data to the signed-in user: one VIEW event."""
    return audit_record(
        action=Action.VIEW, request=request, patient_id=patient_id, obj=obj, **extra
    )


def audit_list_view(request, *, object_type: str, **filters) -> AuditEvent:
    """A list of patients was shown: one VIEW event for the list, not one per row.

    `filters` say how the list was narrowed and go into object_id as `key=value` pairs. Pass
    the kind of filter, never what was typed: a search is usually a patient's name, and the
    trail carries no patient data in free text.
    """
    described = ";".join(f"{key}={value}" for key, value in sorted(filters.items()) if value)
    return audit_view(request, patient_id=None, object_type=object_type, object_id=described[:64])

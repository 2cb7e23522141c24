"""The one way views and selectors reach patient data.

Deny by default: every query for patient data is scoped first by the user's clinic, then by
role (a patient sees only self; a therapist or clinic admin sees their own clinic). Anything
outside scope is a 404, never a 403 that would confirm it exists.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404

from .models import STAFF_ROLES, Role


def _is_usable(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.clinic_id)


def scope_patient_data(queryset: QuerySet, user, *, patient_path: str = "patient") -> QuerySet:
    """Restrict `queryset` to rows `user` may see.

    `patient_path` is the lookup from the model to its Patient ("patient" for a WalkLog,
    "" for Patient itself, "log__patient" for a row two hops away).
    """
    if not _is_usable(user):
        return queryset.none()
    prefix = f"{patient_path}__" if patient_path else ""
    scoped = queryset.filter(**{f"{prefix}clinic_id": user.clinic_id})
    if user.role == Role.PATIENT:
        return scoped.filter(**{f"{prefix}user_id": user.pk})
    if user.role in STAFF_ROLES:
        return scoped
    return queryset.none()


def scope_clinic(queryset: QuerySet, user, *, clinic_path: str = "clinic") -> QuerySet:
    """Restrict clinic-level rows (accounts, invitations, audit) to the user's own clinic."""
    if not _is_usable(user):
        return queryset.none()
    return queryset.filter(**{f"{clinic_path}_id": user.clinic_id})


def get_or_404(queryset: QuerySet, **lookup):
    """Like get_object_or_404, for a queryset that has already been scoped."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def role_required(*roles: str) -> Callable:
    """Anonymous users go to the login page; signed-in users of another role get a 404."""

    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not _is_usable(user) or user.role not in allowed:
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed
        return wrapper

    return decorator


staff_required = role_required(Role.ADMIN, Role.THERAPIST)
admin_required = role_required(Role.ADMIN)
patient_required = role_required(Role.PATIENT)
therapist_required = role_required(Role.THERAPIST)
any_role_required = role_required(Role.PATIENT, Role.THERAPIST, Role.ADMIN)

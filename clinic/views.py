"""Pages of the floor: invitations, account actions (unlock links among them), the audit
log, health and session.

Role homes, Today, the caseload and the accounts page compose several apps: dashboard/."""

from allauth.account.internal.flows.login import record_authentication
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import lockout, selectors, services
from .access import admin_required, any_role_required, staff_required
from .audit import Action, audit_record, audit_view
from .csvsafe import safe_writer
from .forms import AuditFilterForm, InvitationAcceptForm, StaffInvitationForm, add_form_errors
from .models import Role


def healthz(request):
    """Liveness for the load balancer: database and broker state, no patient data."""
    state = {"database": "ok", "broker": "not configured"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any driver error means "down" here
        state["database"] = "error"
    from django.conf import settings

    if settings.REDIS_URL:
        from .celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            state["broker"] = "ok"
        except Exception:  # broker unreachable or refusing
            state["broker"] = "error"
    return JsonResponse(state, status=200 if state["database"] == "ok" else 503)


@any_role_required
@require_POST
def session_extend(request):
    """The "Stay signed in" button: any authenticated request already refreshed the session."""
    return JsonResponse({"signed_in": True, "idle_seconds": request.session_idle_seconds})


def invitation_accept(request, token):
    invitation = services.invitation_pending_by_token(token)
    if invitation is None:
        return render(request, "clinic/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation, password=form.cleaned_data["password1"], request=request
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            _sign_in_with_new_password(request, user)
            messages.success(request, "Welcome to Stride. Your password is set.")
            return redirect("dashboard:home")
    return render(
        request, "clinic/invitation_accept.html", {"form": form, "invitation": invitation}
    )


def _sign_in_with_new_password(request, user) -> None:
    """Sign in the person who has just chosen a password, and count it as typed now.

    Staff go straight on to enrol an authenticator (StaffMFARequiredMiddleware), which
    allauth guards with a fresh-password check; without this record it would ask for the
    password typed seconds ago. The record is allauth's own (an internal function, pinned by
    clinic/tests/test_sign_in_pages.py), with its usual time limit."""
    login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
    record_authentication(request, user, method="password", reauthenticated=True)


@admin_required
def staff_invite(request):
    form = StaffInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                clinic=request.user.clinic,
                invited_by=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("dashboard:accounts")
    return render(request, "clinic/staff_invite.html", {"form": form})


def _after_account_action(request):
    return redirect(
        "dashboard:accounts" if request.user.role == Role.ADMIN else "dashboard:caseload"
    )


def _run_action(request, service, success: str, **kwargs):
    try:
        service(request=request, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return _after_account_action(request)


@staff_required
@require_POST
def invitation_resend(request, pk):
    invitation = selectors.get_invitation_for_user(request.user, pk)
    return _run_action(
        request,
        services.invitation_resend,
        f"Invitation sent again to {invitation.user.email}.",
        invitation=invitation,
        by=request.user,
    )


@staff_required
@require_POST
def invitation_revoke(request, pk):
    invitation = selectors.get_invitation_for_user(request.user, pk)
    return _run_action(
        request,
        services.invitation_revoke,
        f"Invitation for {invitation.user.email} revoked.",
        invitation=invitation,
        by=request.user,
    )


@admin_required
@require_POST
def account_deactivate(request, pk):
    user = selectors.get_account_for_admin(request.user, pk)
    return _run_action(
        request,
        services.user_deactivate,
        f"{user} is deactivated and signed out.",
        user=user,
        by=request.user,
    )


@admin_required
@require_POST
def account_reactivate(request, pk):
    user = selectors.get_account_for_admin(request.user, pk)
    return _run_action(
        request, services.user_reactivate, f"{user} can sign in again.", user=user, by=request.user
    )


@admin_required
@require_POST
def account_mfa_reset(request, pk):
    user = selectors.get_account_for_admin(request.user, pk)
    return _run_action(
        request,
        services.user_mfa_reset,
        f"Two-step verification reset for {user}; they set it up again at next sign-in.",
        user=user,
        by=request.user,
    )


@admin_required
@require_POST
def account_unlock(request, pk):
    user = selectors.get_account_for_admin(request.user, pk)
    return _run_action(
        request,
        lockout.account_unlock,
        f"{user} can sign in again now: the lock after failed sign-ins is lifted.",
        user=user,
        by=request.user,
    )


def _unlock_link_invalid(request):
    return render(
        request, "account/unlock_invalid.html", lockout.link_invalid_context(), status=404
    )


def account_unlock_by_link(request, token):
    """The link in the unlock email. Opening it only asks (mail scanners open links); the
    button unlocks and uses the link up."""
    account = lockout.unlock_link_account(token)
    if account is None:
        return _unlock_link_invalid(request)
    if request.method == "POST":
        if lockout.unlock_by_link(token=token, request=request) is None:
            return _unlock_link_invalid(request)
        messages.success(request, "Your account is unlocked. You can sign in now.")
        return redirect("account_login")
    return render(request, "account/unlock.html", {"account": account})


def _audit_filter(request):
    form = AuditFilterForm(request.GET or None, clinic_users=selectors.clinic_users(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events_for_admin(request.user, **filters)
    return form, events


@admin_required
def audit_log(request):
    form, events = _audit_filter(request)
    # The trail names patients (by number, and by address where they acted): reading it is a
    # read of patient data, of one patient's when filtered by them. Written before the page
    # is counted, so that the count and the rows agree.
    patient_id = form.cleaned_data.get("patient") if form.is_valid() else None
    audit_view(request, patient_id=patient_id, object_type="clinic.auditevent")
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "clinic/audit_log.html", {"form": form, "page": page, "query": query.urlencode()}
    )


class _Echo:
    def write(self, value):
        return value


@admin_required
def audit_export(request):
    form, events = _audit_filter(request)
    audit_record(action=Action.EXPORT, request=request, object_type="clinic.auditevent")
    writer = safe_writer(_Echo())
    header = [
        "when_utc",
        "actor",
        "action",
        "patient_id",
        "object_type",
        "object_id",
        "ip",
        "request_id",
    ]

    def rows():
        yield writer.writerow(header)
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    event.at.isoformat(),
                    event.actor.email if event.actor else "",
                    event.action,
                    event.patient_id or "",
                    event.object_type,
                    event.object_id,
                    event.ip or "",
                    event.request_id,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="stride-audit.csv"'
    return response

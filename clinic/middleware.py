import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control

from .models import STAFF_ROLES

_REQUEST_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (kept from a proxy's X-Request-ID when well formed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


def idle_seconds_for(user) -> int:
    if user.role in STAFF_ROLES or user.is_superuser:
        return settings.SESSION_IDLE_SECONDS_STAFF
    return settings.SESSION_IDLE_SECONDS_PATIENT


SESSION_STARTED = "stride.started"
SESSION_LAST_SEEN = "stride.last_seen"
# Background polls (htmx "every 2s" progress checks) must not count as activity.
PASSIVE_HEADER = "X-Stride-Passive"
# Refresh the idle clock at most this often: a session write on every request costs a query,
# and half a minute is nothing against a 15-minute limit.
TOUCH_EVERY_SECONDS = 30


class SessionTimeoutMiddleware:
    """Ends a session after the role's idle limit or the absolute lifetime, whichever is first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(SESSION_STARTED, now)
            last_seen = session.get(SESSION_LAST_SEEN, now)
            idle_limit = idle_seconds_for(user)
            if now - last_seen > idle_limit or now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(f"{reverse('account_login')}?timeout=1")
            if not request.headers.get(PASSIVE_HEADER) and (
                SESSION_LAST_SEEN not in session or now - last_seen >= TOUCH_EVERY_SECONDS
            ):
                session[SESSION_LAST_SEEN] = now
            request.session_idle_seconds = idle_limit
        return self.get_response(request)


# Paths a staff member without MFA may still open: sign-in pages (MFA enrolment lives
# under /accounts/), sign-out, static files, health check and the session keep-alive.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/session/")


class StaffMFARequiredMiddleware:
    """Staff must enrol TOTP before any page with patient data opens."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (user.role in STAFF_ROLES or user.is_superuser)
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and not _has_totp(user)
        ):
            messages.warning(
                request,
                "Staff accounts need two-step verification. "
                "Set up an authenticator app to continue.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class NoStoreForSignedInMiddleware:
    """Every response to a signed-in person is `private, no-store`: pages and exports show
    patient data, and a shared clinic computer's back button must not bring them back after
    sign-out. Anonymous pages (sign-in, the public quiz) keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class DatabaseUnavailableMiddleware:
    """A database that is briefly away (a restart, a failover) answers 503 with Retry-After
    and a page that says nothing was saved, instead of a 500. Rendered without the database:
    no user, no clinic, no context processors."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except DATABASE_ERRORS as error:
            return _database_unavailable(request, error)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return _database_unavailable(request, exception)
        return None


DATABASE_ERRORS = (OperationalError, InterfaceError)


def _database_unavailable(request, error) -> HttpResponse:
    logging.getLogger(__name__).error("Database unavailable for %s: %s", request.path, error)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "10"
    return response

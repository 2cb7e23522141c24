from django.conf import settings


def stride(request):
    user = getattr(request, "user", None)
    clinic = getattr(user, "clinic", None) if user is not None and user.is_authenticated else None
    return {
        "current_clinic": clinic,
        "session_idle_seconds": getattr(request, "session_idle_seconds", 0),
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }

"""Receivers of framework signals. They hold no domain rules."""

from .models import ReminderPreference


def remember_large_text(sender, request, user, **kwargs):
    """Carry the patient's "larger text" choice into the new session (base.html reads it)."""
    if getattr(user, "role", "") != "patient" or not hasattr(request, "session"):
        return
    large = ReminderPreference.objects.filter(patient__user=user, large_text=True).exists()
    request.session["large_text"] = large

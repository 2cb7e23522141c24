"""Helpers for the public stenosis quiz: who to book with, and the rate limit.

The quiz stores nothing about the person taking it. The rate limit needs a counter per
address; the cache key is a keyed hash of the address, so not even the address is kept, and
the counter expires with its window.
"""

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from clinic.audit import client_ip
from clinic.models import Clinic

from .selectors import assessment_settings_for

# 20 submissions per address per 10 minutes: far above a person retaking the quiz, far
# below a script hammering it. A clinic's waiting-room tablet shares one address.
SUBMISSIONS_PER_WINDOW = 20
WINDOW_SECONDS = 10 * 60


def _key(request) -> str:
    address = client_ip(request) or "unknown"
    digest = salted_hmac("assessments.public-quiz", address).hexdigest()
    return f"assessments:quiz:{digest}"


def allow_submission(request) -> bool:
    """Count one submission; False once this address is over the limit for the window."""
    key = _key(request)
    # add() starts the window only if no counter exists; incr() is atomic on Redis.
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the counter expired between add() and incr()
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= SUBMISSIONS_PER_WINDOW


def clinic_from_query(value: str | None) -> Clinic | None:
    """The clinic a website link names with ?clinic=<its public key> (never its number, so
    counting cannot list clinics); anything else is ignored."""
    if not value or len(value) > 32:
        return None
    return Clinic.objects.filter(public_key=value).first()


def booking_for(clinic: Clinic | None) -> dict | None:
    if clinic is None:
        return None
    return {
        "name": clinic.name,
        "phone": clinic.phone,
        "text": assessment_settings_for(clinic).booking_text,
    }

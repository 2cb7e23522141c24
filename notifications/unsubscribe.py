"""The reminders-off link in reminder emails (docs: #16 point 6, RFC 8058).

The token is opaque and expires: the patient's id encrypted and timestamped with Fernet
(the `cryptography` package Stride already ships), keyed from SECRET_KEY. Nothing in it
can be read or changed without the key, and it stops working after TOKEN_DAYS.
"""

import base64
import hashlib
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

SALT = b"stride.reminders.unsubscribe.v2"
# Long enough for a link in an email read weeks later; a stale link says where the setting
# is instead (sign in, Settings).
TOKEN_DAYS = 90


def _fernet() -> Fernet:
    key = hashlib.sha256(SALT + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def unsubscribe_token(patient_id: int) -> str:
    return _fernet().encrypt(str(int(patient_id)).encode()).decode().rstrip("=")


def patient_id_from_token(token: str) -> int | None:
    """The patient of a valid, unexpired token; None for anything else."""
    try:
        padded = token + "=" * (-len(token) % 4)
        ttl = int(timedelta(days=TOKEN_DAYS).total_seconds())
        return int(_fernet().decrypt(padded.encode(), ttl=ttl))
    except (InvalidToken, ValueError, TypeError):
        return None

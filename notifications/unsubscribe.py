"""Signed one-click links that turn a patient's email reminders off without signing in."""

from django.core import signing

SALT = "stride.reminders.unsubscribe"


def unsubscribe_token(patient_id: int) -> str:
    return signing.dumps({"patient": patient_id}, salt=SALT)


def patient_id_from_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=SALT)["patient"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None

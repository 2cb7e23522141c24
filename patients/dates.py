"""A patient's local dates: walks are dated in the patient's time zone, not the server's."""

import zoneinfo
from datetime import date, datetime

from django.utils import timezone


def local_now(tz_name: str) -> datetime:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(tz_name))


def local_today(tz_name: str) -> date:
    return local_now(tz_name).date()


def patient_today(patient, now: datetime | None = None) -> date:
    """The patient's local date (their time zone, else the clinic's): walks, plan weeks and
    "Done" ticks follow the patient's clock. `now` for jobs that decide as of a moment."""
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(patient.tz_name)).date()

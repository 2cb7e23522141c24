"""A patient's local dates: walks are dated in the patient's time zone, not the server's."""

import zoneinfo
from datetime import date, datetime

from django.utils import timezone


def local_now(tz_name: str) -> datetime:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(tz_name))


def local_today(tz_name: str) -> date:
    return local_now(tz_name).date()

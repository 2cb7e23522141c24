"""The pass decides who is due in SQL (reminders._DUE); notifications.schedule says the same
rule in Python. Both must give every patient the same reminder, whatever the time zone,
reminder time, weekdays, logs, earlier nudges and the clinic's nudge days."""

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from clinic.models import ClinicalSettings
from notifications import reminders
from notifications.models import Delivery
from notifications.schedule import (
    DEFAULT_NUDGE_DAYS,
    DEFAULT_REMIND_AT,
    DEFAULT_WEEKDAYS,
    daily_reminder_date,
    missed_logging_date,
)
from notifications.tests.reminder_helpers import patients_on_plans
from patients.models import ReminderPreference
from patients.tests.factories import WalkLogFactory
from programs.models import Plan

BASE = date(2026, 11, 27)  # a Friday
MOMENTS = [
    datetime(2026, 11, 27, 12, 0, tzinfo=UTC),
    # 10:00 in Kolkata (UTC+5:30) is 04:30 UTC: a second before and at it.
    datetime(2026, 11, 27, 4, 29, 59, tzinfo=UTC),
    datetime(2026, 11, 27, 4, 30, tzinfo=UTC),
    # Friday 22:00 UTC is Saturday 11:00 in Auckland, Friday 14:00 in Los Angeles.
    datetime(2026, 11, 27, 22, 0, tzinfo=UTC),
    # Daylight saving: London moves to UTC+1 at 01:00 UTC on 29 March 2026, New York goes
    # back to UTC-5 at 06:00 UTC on 1 November 2026.
    datetime(2026, 3, 29, 9, 30, tzinfo=UTC),
    datetime(2026, 11, 1, 14, 30, tzinfo=UTC),
    datetime(2026, 11, 28, 23, 59, 59, tzinfo=UTC),
]
ZONES = ["", "UTC", "America/New_York", "Pacific/Auckland", "Asia/Kolkata", "Europe/London"]
TIMES = [None, time(0, 0), time(9, 59, 59), time(10, 0), time(10, 0, 1), time(23, 30)]
WEEKDAYS = ["1234567", "5", "6", "67", "12"]
LOG_DAYS_AGO = [None, 0, 1, 2, 3, 5, -1]  # -1: a log dated tomorrow
NUDGE_DAYS_AGO = [None, 0, 1, 3, 5]
STARTED_DAYS_AGO = [0, 2, 3, 10]
PATIENTS = 150

pytestmark = pytest.mark.django_db


def _profile(rng: random.Random) -> dict:
    return {
        "timezone": rng.choice(ZONES),
        "remind_at": rng.choice(TIMES),
        "weekdays": rng.choice(WEEKDAYS),
        "log_days_ago": rng.choice(LOG_DAYS_AGO),
        "nudge_days_ago": rng.choice(NUDGE_DAYS_AGO),
        "started_days_ago": rng.choice(STARTED_DAYS_AGO),
    }


def _seed(clinic, other_clinic, therapist, other_therapist) -> list[dict]:
    """PATIENTS patients over two clinics (one with nudge days of its own, in Los Angeles
    time), each with a random profile; returned with what the Python rule reads."""
    ClinicalSettings.objects.create(clinic=clinic, missed_log_nudge_days=5)
    other_clinic.timezone = "America/Los_Angeles"
    other_clinic.save()
    rng = random.Random(13)
    half = PATIENTS // 2
    patients = patients_on_plans(clinic, therapist, half) + patients_on_plans(
        other_clinic, other_therapist, PATIENTS - half
    )
    seeded = []
    for patient in patients:
        profile = _profile(rng)
        patient.timezone = profile["timezone"]
        patient.save(update_fields=["timezone"])
        start = BASE - timedelta(days=profile["started_days_ago"])
        Plan.objects.filter(patient=patient).update(start_date=start)
        if profile["remind_at"] is not None:
            ReminderPreference.objects.create(
                patient=patient, remind_at=profile["remind_at"], weekdays=profile["weekdays"]
            )
        last_log = last_nudge = None
        if profile["log_days_ago"] is not None:
            last_log = BASE - timedelta(days=profile["log_days_ago"])
            WalkLogFactory(patient=patient, date=last_log - timedelta(days=4))
            WalkLogFactory(patient=patient, date=last_log)
        if profile["nudge_days_ago"] is not None:
            last_nudge = BASE - timedelta(days=profile["nudge_days_ago"])
            Delivery.objects.create(
                user=patient.user,
                patient=patient,
                clinic=patient.clinic,
                kind=Delivery.Kind.MISSED,
                local_date=last_nudge,
                status=Delivery.Status.SENT,
            )
        seeded.append(
            {
                "patient_id": patient.pk,
                "tz": patient.timezone or patient.clinic.timezone,
                "remind_at": profile["remind_at"] or DEFAULT_REMIND_AT,
                "weekdays": DEFAULT_WEEKDAYS
                if profile["remind_at"] is None
                else profile["weekdays"],
                "last_log": last_log,
                "last_nudge": last_nudge,
                "start": start,
                "nudge_days": 5 if patient.clinic_id == clinic.pk else DEFAULT_NUDGE_DAYS,
            }
        )
    return seeded


def _python_rule(now: datetime, p: dict) -> tuple[str, date] | None:
    """The pass as it was decided in Python, patient by patient, with notifications.schedule."""
    nudge_on = missed_logging_date(
        now, p["tz"], p["remind_at"], p["last_log"], p["start"], p["nudge_days"], p["last_nudge"]
    )
    if nudge_on:
        return ("missed", nudge_on)
    remind_on = daily_reminder_date(now, p["tz"], p["remind_at"], p["weekdays"])
    if remind_on and remind_on not in (p["last_log"], p["last_nudge"]):
        return ("daily", remind_on)
    return None


def test_the_sql_rule_gives_every_patient_what_the_schedule_rule_gives(
    clinic, other_clinic, therapist, other_therapist
):
    seeded = _seed(clinic, other_clinic, therapist, other_therapist)
    kinds_seen = set()
    for now in MOMENTS:
        expected = {
            p["patient_id"]: due for p in seeded if (due := _python_rule(now, p)) is not None
        }
        got = {row.patient_id: (row.kind, row.local_date) for row in reminders._patient_rows(now)}
        assert got == expected, now
        kinds_seen |= {kind for kind, _ in got.values()}
    # The cases reach both kinds, and some patients are due nothing.
    assert kinds_seen == {"daily", "missed"}

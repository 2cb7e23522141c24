from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from patients.models import WalkLog


def _log(patient, **overrides):
    fields = {
        "patient": patient,
        "date": date.today(),
        "minutes": 6,
        "pain_before": 2,
        "pain_peak": 4,
        "pain_after": 2,
        "created_by": patient.user,
    }
    fields.update(overrides)
    return WalkLog(**fields)


@pytest.mark.parametrize(
    "overrides",
    [
        {"pain_before": 11},
        {"pain_peak": 11},
        {"pain_after": 11},
        {"minutes": 0},
        {"minutes": -3},
        {"minutes": 600.5},
        {"date": timezone.now().date() + timedelta(days=2)},
    ],
    ids=["before-11", "peak-11", "after-11", "zero-min", "negative-min", "over-600", "future"],
)
def test_the_database_refuses_impossible_walks(patient, overrides):
    with pytest.raises(IntegrityError), transaction.atomic():
        _log(patient, **overrides).save()
    assert not WalkLog.objects.exists()


def test_the_database_keeps_a_possible_walk(patient):
    _log(patient, minutes=600, pain_after=None).save()
    assert WalkLog.objects.count() == 1


def test_the_same_timer_log_is_stored_once(patient):
    _log(patient, client_id="abc-123").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _log(patient, client_id="abc-123").save()
    _log(patient).save()
    _log(patient).save()  # logs without a client id never collide
    assert WalkLog.objects.count() == 3

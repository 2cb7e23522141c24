from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from clinic.models import AuditEvent
from patients import services
from patients.models import WalkLog, WalkLogRevision


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


# --- The services leave these checks to the database and say what it refused (issue #13) ---


def _walk(**overrides):
    fields = {
        "date": date.today(),
        "minutes": Decimal("6"),
        "pain_before": 2,
        "pain_peak": 4,
        "pain_after": 2,
    }
    fields.update(overrides)
    return fields


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"pain_before": 11}, "pain_before", "Choose a number from 0 (no pain) to 10"),
        ({"pain_peak": 11}, "pain_peak", "Choose a number from 0 (no pain) to 10"),
        ({"pain_after": 11}, "pain_after", "Choose a number from 0 (no pain) to 10"),
        ({"minutes": Decimal("600.5")}, "minutes", "at most 600 minutes"),
        ({"minutes": Decimal("0")}, "minutes", "more than 0"),
    ],
    ids=["before-11", "peak-11", "after-11", "over-600", "zero-min"],
)
def test_a_walk_the_database_refuses_is_a_message_on_its_field(patient, overrides, field, message):
    with pytest.raises(ValidationError) as refused:
        services.walklog_create(
            patient=patient, created_by=patient.user, source="form", **_walk(**overrides)
        )
    assert message in " ".join(refused.value.message_dict[field])
    assert not WalkLog.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exists()
    # The refusal rolled back to the service's savepoint: the transaction goes on.
    services.walklog_create(patient=patient, created_by=patient.user, source="form", **_walk())
    assert WalkLog.objects.count() == 1


def test_a_correction_the_database_refuses_is_a_message_and_changes_nothing(patient):
    log = services.walklog_create(
        patient=patient, created_by=patient.user, source="form", **_walk()
    )
    with pytest.raises(ValidationError) as refused:
        services.walklog_update(log=log, by=patient.user, pain_peak=12)
    assert "Choose a number from 0" in " ".join(refused.value.message_dict["pain_peak"])
    log.refresh_from_db()
    assert log.pain_peak == 4 and not WalkLogRevision.objects.exists()


def test_every_check_constraint_of_a_walk_has_its_field_and_message():
    checks = {c.name for c in WalkLog._meta.constraints if isinstance(c, models.CheckConstraint)}
    assert set(WalkLog.CONSTRAINT_ERRORS) == checks
    fields = {f.name for f in WalkLog._meta.fields}
    assert all(field in fields for field, _ in WalkLog.CONSTRAINT_ERRORS.values())


def test_a_timer_walk_the_database_refuses_is_a_message_not_an_error(patient):
    # It used to re-raise the IntegrityError (a 500) when no stored log had the client id.
    with pytest.raises(ValidationError) as refused:
        services.walklog_from_timer(
            patient=patient,
            created_by=patient.user,
            client_id="walk-12345678",
            **_walk(pain_peak=11, bouts=[{"walked_s": 360, "rested_s": 0, "peak_pain": None}]),
        )
    assert "Choose a number from 0" in " ".join(refused.value.message_dict["pain_peak"])
    assert not WalkLog.objects.exists()

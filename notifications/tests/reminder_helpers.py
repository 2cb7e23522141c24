"""Patients on active plans in bulk, for reminder tests at scale (setup data only)."""

from datetime import timedelta
from decimal import Decimal

from clinic.models import Role
from clinic.tests.factories import UserFactory
from patients.models import Patient
from programs.models import Plan


def patients_on_plans(clinic, therapist, count: int, *, started_days_ago: int = 1, **patient):
    users = [
        UserFactory.build(clinic=clinic, role=Role.PATIENT, email=f"bulk{i}-{clinic.pk}@ex.org")
        for i in range(count)
    ]
    type(users[0]).objects.bulk_create(users)
    users = list(type(users[0]).objects.filter(email__startswith="bulk", clinic=clinic))
    patients = Patient.objects.bulk_create(
        Patient(
            clinic=clinic, user=user, primary_therapist=therapist, full_name=user.email, **patient
        )
        for user in users
    )
    from django.utils import timezone

    start = timezone.now().date() - timedelta(days=started_days_ago)
    Plan.objects.bulk_create(
        Plan(
            patient=p,
            name="Walking",
            start_date=start,
            baseline_minutes=Decimal("6"),
            sessions_per_week=5,
            bouts_per_session=3,
            bout_minutes=Decimal("6"),
            created_by=therapist,
        )
        for p in patients
    )
    return patients

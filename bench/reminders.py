"""The reminder pass for 10,000 patients on active plans, all due now.

Target (DESIGN.md): under 5 s and a bounded number of queries. The send tasks are queued
on an in-memory broker and not run: this measures the pass that decides and inserts.
"""

import time as clock
from datetime import time, timedelta
from decimal import Decimal

from common import count_queries, report, setup

PATIENTS = 10_000


def seed():
    from clinic.models import Clinic, Role, User
    from patients.models import Patient, ReminderPreference
    from programs.models import Plan

    clinic, _ = Clinic.objects.get_or_create(name="Bench Reminders", defaults={"phone": "1"})
    therapist, _ = User.objects.get_or_create(
        email="bench.reminders@example.org",
        defaults={"role": Role.THERAPIST, "clinic": clinic},
    )
    have = Patient.objects.filter(clinic=clinic).count()
    if have < PATIENTS:
        users = User.objects.bulk_create(
            User(email=f"bench.r{i}@example.org", role=Role.PATIENT, clinic=clinic)
            for i in range(have, PATIENTS)
        )
        patients = Patient.objects.bulk_create(
            Patient(clinic=clinic, user=u, primary_therapist=therapist, full_name=u.email)
            for u in users
        )
        from django.utils import timezone

        start = timezone.now().date() - timedelta(days=1)
        Plan.objects.bulk_create(
            Plan(
                patient=p,
                name="Walking",
                start_date=start,
                baseline_minutes=Decimal(6),
                sessions_per_week=5,
                bouts_per_session=3,
                bout_minutes=Decimal(6),
                created_by=therapist,
            )
            for p in patients
        )
        ReminderPreference.objects.bulk_create(
            ReminderPreference(patient=p, remind_at=time(0, 0)) for p in patients
        )
    return clinic


def main():
    setup()
    from django.utils import timezone

    from clinic.celery import app
    from notifications import reminders
    from notifications.models import Delivery

    clinic = seed()
    app.conf.update(task_always_eager=False, broker_url="memory://")
    runs = []
    for _ in range(3):
        Delivery.objects.filter(clinic=clinic).delete()
        now = timezone.now()
        with count_queries() as queries:
            start = clock.perf_counter()
            queued = reminders.reminders_dispatch(now)
            runs.append((clock.perf_counter() - start) * 1000)
        query_count = len(queries)
    report(
        f"reminder pass, {PATIENTS:,} due patients",
        {
            "best_ms": round(min(runs)),
            "worst_ms": round(max(runs)),
            "queued": len(queued),
            "queries": query_count,
        },
        target="under 5,000 ms, bounded queries",
    )
    Delivery.objects.filter(clinic=clinic).delete()


if __name__ == "__main__":
    main()

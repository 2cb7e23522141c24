"""Caseload page for a therapist with 2,000 patients and 180 days of logs each.

Target (DESIGN.md): under 150 ms server time on PostgreSQL, a fixed number of queries.
Server time is measured in process through Django's test client (the whole middleware and
view stack, no network).
"""

import random
from datetime import date, timedelta

from common import count_queries, report, setup, timed

PATIENTS = 2000
DAYS = 180


def seed():
    from clinic.models import Clinic, Role, User
    from patients.models import Patient, WalkLog

    clinic, _ = Clinic.objects.get_or_create(name="Bench Clinic", defaults={"phone": "1"})
    therapist, created = User.objects.get_or_create(
        email="bench.therapist@example.org",
        defaults={"role": Role.THERAPIST, "clinic": clinic, "full_name": "Bench Therapist"},
    )
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=therapist).exists():
        TOTP.activate(therapist, generate_totp_secret())
    have = Patient.objects.filter(clinic=clinic).count()
    if have < PATIENTS:
        Patient.objects.bulk_create(
            Patient(clinic=clinic, primary_therapist=therapist, full_name=f"Bench Patient {i:04d}")
            for i in range(have, PATIENTS)
        )
    patients = list(Patient.objects.filter(clinic=clinic).order_by("id")[:PATIENTS])
    if not WalkLog.objects.filter(patient__clinic=clinic).exists():
        rng = random.Random(7)
        today = date.today()
        batch = []
        for patient in patients:
            for day in range(DAYS):
                if rng.random() < 0.6:
                    before = rng.randint(0, 4)
                    batch.append(
                        WalkLog(
                            patient=patient,
                            date=today - timedelta(days=day),
                            minutes=rng.randint(3, 30),
                            pain_before=before,
                            pain_peak=min(10, before + rng.randint(0, 4)),
                            pain_after=before,
                            created_by=therapist,
                            source=WalkLog.Source.CLINIC,
                        )
                    )
            if len(batch) > 20000:
                WalkLog.objects.bulk_create(batch)
                batch = []
        WalkLog.objects.bulk_create(batch)
    return therapist


def main():
    setup()
    from django.test import Client
    from django.urls import reverse

    from patients.models import WalkLog

    therapist = seed()
    print(f"data: {PATIENTS} patients, {WalkLog.objects.count()} walk logs")
    client = Client()
    client.force_login(therapist)
    url = reverse("dashboard:caseload")
    assert client.get(url).status_code == 200
    with count_queries() as queries:
        client.get(url)
    query_count = len(queries)  # read now: later requests reset the query log
    figures = timed(lambda: client.get(url))
    figures["queries"] = query_count
    report("caseload page (50 per page of 2,000)", figures, target="median < 150 ms")


if __name__ == "__main__":
    main()

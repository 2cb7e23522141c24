"""patients_for_caseload and caseload_page: the caseload's rows, read cheaply."""

from datetime import date, timedelta

import pytest
from django.db import connection

from patients.models import Patient, WalkLog
from patients.selectors import caseload_page, patients_for_caseload
from patients.tests.factories import PatientFactory, RedFlagReportFactory, WalkLogFactory


def test_the_figures_count_patient_reported_days_up_to_the_given_day(patient, therapist):
    today = date(2026, 3, 31)
    for n in (0, 0, 1, 29):  # two walks on one day count as one day
        WalkLogFactory(patient=patient, date=today - timedelta(days=n))
    WalkLogFactory(patient=patient, date=today - timedelta(days=30))  # outside the 30 days
    WalkLogFactory(patient=patient, date=today - timedelta(days=2), source=WalkLog.Source.CLINIC)
    WalkLogFactory(patient=patient, date=today - timedelta(days=3), deleted_at="2026-03-29T10:00Z")
    RedFlagReportFactory(patient=patient, status="acknowledged")

    (row,) = caseload_page(therapist, per_page=50, today=today)

    assert (row.monitoring_days, row.has_open_red_flag) == (3, False)


def test_the_patients_carry_nothing_but_the_filter(world):
    found = patients_for_caseload(world.therapist, query="pat")

    assert list(found) == [world.patient]
    assert "patients_walklog" not in str(found.query)
    assert "clinic_user" not in str(found.query)


def test_a_page_of_nobody_is_an_empty_first_page(therapist):
    page = caseload_page(therapist, query="nobody", per_page=50, number="3")

    assert (page.number, list(page), page.paginator.count) == (1, [], 0)


@pytest.mark.django_db
def test_the_name_search_has_a_trigram_index_on_postgresql_only():
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "patients_patient")
    if connection.vendor != "postgresql":
        # Migration 0004 is a no-op on SQLite (the demo and the tests).
        assert "patient_name_trgm" not in indexes
        return
    assert indexes["patient_name_trgm"]["type"] == "gin"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is a PostgreSQL index")
def test_the_search_uses_the_trigram_index(therapist):
    Patient.objects.bulk_create(
        Patient(clinic=therapist.clinic, primary_therapist=therapist, full_name=f"Walker {n:04d}")
        for n in range(2000)
    )
    PatientFactory(clinic=therapist.clinic, primary_therapist=therapist, full_name="Ida Okafor")
    found = patients_for_caseload(therapist, query="okaf").values_list("pk", flat=True)
    sql, params = found.query.sql_with_params()
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk insert: moves the new rows from the GIN index's
        # pending list into the index proper (the planner prices a long pending list high),
        # and refreshes the statistics.
        cursor.execute("SELECT gin_clean_pending_list('patient_name_trgm')")
        cursor.execute("ANALYZE patients_patient")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "patient_name_trgm" in plan, plan

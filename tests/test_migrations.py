"""The restructure moved three models between apps and kept their tables and every row:
Document (programs -> documents), EmailDelivery (programs -> notifications.Delivery) and
ProgramSettings (programs -> clinic.ClinicalSettings). Migrate back to the schema before
any of it, write rows through the historical models, migrate forward to the latest, find
them. Runs on SQLite and on PostgreSQL (DATABASE_URL) alike."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

# Before the restructure: Document, EmailDelivery and ProgramSettings all in programs.
OLD = [("programs", "0004_emaildelivery_claim"), ("clinic", "0002_auditevent_append_only")]


def _migrate_back():
    """To the OLD nodes; returns the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate([*OLD, ("documents", None), ("notifications", None)])
    return executor.loader.project_state(OLD).apps


def _migrate_forward():
    executor = MigrationExecutor(connection)  # a fresh loader: it knows what is applied now
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_rows(apps):
    Clinic = apps.get_model("clinic", "Clinic")
    User = apps.get_model("clinic", "User")
    Patient = apps.get_model("patients", "Patient")
    EmailDelivery = apps.get_model("programs", "EmailDelivery")
    Document = apps.get_model("programs", "Document")
    ProgramSettings = apps.get_model("programs", "ProgramSettings")

    clinic = Clinic.objects.create(name="Old Clinic", timezone="Europe/London")
    therapist = User.objects.create(email="t@old.example", role="therapist", clinic=clinic)
    user = User.objects.create(email="p@old.example", role="patient", clinic=clinic)
    patient = Patient.objects.create(
        clinic=clinic, user=user, primary_therapist=therapist, full_name="Old Patient"
    )
    common = {"user": user, "patient": patient, "clinic": clinic}
    sent = EmailDelivery.objects.create(
        kind="daily", local_date=date(2026, 11, 27), status="sent", attempts=1, **common
    )
    failed = EmailDelivery.objects.create(
        kind="missed",
        local_date=date(2026, 11, 28),
        status="failed",
        attempts=7,
        last_error="SMTPServerDisconnected: gone",
        **common,
    )
    digest = EmailDelivery.objects.create(
        user=therapist, clinic=clinic, kind="digest", local_date=date(2026, 11, 27)
    )
    document = Document.objects.create(
        patient=patient,
        kind="report",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 27),
        status="ready",
    )
    settings_row = ProgramSettings.objects.create(
        clinic=clinic, pain_rise_target=3, min_adherence_pct=70, missed_log_nudge_days=5
    )
    return {
        "sent": sent.pk,
        "failed": failed.pk,
        "digest": digest.pk,
        "document": document.pk,
        "settings": settings_row.pk,
    }


def test_deliveries_documents_and_settings_of_the_programs_era_survive_the_move(
    transactional_db,
):
    try:
        ids = _old_rows(_migrate_back())
    finally:
        _migrate_forward()  # and, whatever happened, the latest schema for the other tests
    # At the latest migration the models of the code are the models of the database.
    from documents.models import Document
    from notifications.models import Delivery

    assert Delivery._meta.db_table == "programs_emaildelivery"

    rows = {d.pk: d for d in Delivery.objects.select_related("user")}
    assert set(rows) == {ids["sent"], ids["failed"], ids["digest"]}
    sent, failed, digest = rows[ids["sent"]], rows[ids["failed"]], rows[ids["digest"]]
    assert (sent.kind, sent.status, sent.attempts, sent.user.email) == (
        "daily",
        "sent",
        1,
        "p@old.example",
    )
    assert (failed.status, failed.last_error) == ("failed", "SMTPServerDisconnected: gone")
    assert (digest.kind, digest.user.email, digest.patient_id) == ("digest", "t@old.example", None)
    assert {d.channel for d in rows.values()} == {"email"}
    assert all(d.red_flag_report_id is None and d.invitation_id is None for d in rows.values())
    assert Document.objects.get(pk=ids["document"]).status == "ready"
    from clinic.models import ClinicalSettings

    settings_row = ClinicalSettings.objects.get(pk=ids["settings"])
    rules = settings_row.rules()
    assert (rules.pain_rise_target, rules.min_adherence, settings_row.missed_log_nudge_days) == (
        3,
        Decimal("0.7"),
        5,
    )
    # The section-7 fields added after the move take their defaults on the old row.
    assert (rules.severe_peak, rules.max_bout_growth) == (6, Decimal("0.25"))

    # The rules of the new schema hold on the old rows: still once a day for reminders...
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            user=sent.user, clinic=sent.clinic, kind="daily", local_date=sent.local_date
        )
    # ...and an alert needs its report.
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            user=sent.user, clinic=sent.clinic, kind="red_flag", local_date=sent.local_date
        )

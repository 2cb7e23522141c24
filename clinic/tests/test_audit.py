import csv
import io

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError, InternalError
from django.urls import reverse

from clinic.audit import audit_record
from clinic.models import AuditEvent


@pytest.fixture
def event(patient, therapist):
    return audit_record(action="view", actor=therapist, patient_id=patient.pk, obj=patient)


def test_an_event_cannot_be_changed_or_deleted_through_the_app(event):
    event.action = "delete"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="export")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL only"
)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE clinic_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM clinic_auditevent WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_postgresql_refuses_changes_to_events(event, sql):
    with (
        pytest.raises((InternalError, DatabaseError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


def test_viewing_a_patient_writes_one_event_without_health_details(patient, therapist, client_for):
    client_for(therapist).get(
        reverse("patients:detail", args=[patient.pk]), HTTP_X_REQUEST_ID="req-12345678"
    )
    event = AuditEvent.objects.get(action="view")
    assert (event.actor, event.clinic_id, event.patient_id) == (
        therapist,
        patient.clinic_id,
        patient.pk,
    )
    assert (event.object_type, event.object_id) == ("patients.patient", str(patient.pk))
    assert event.request_id == "req-12345678"
    assert event.ip == "127.0.0.1"
    fields = {f.name for f in AuditEvent._meta.get_fields()}
    assert fields == {
        "id",
        "at",
        "actor",
        "clinic",
        "patient_id",
        "action",
        "object_type",
        "object_id",
        "ip",
        "request_id",
    }


def test_the_patient_opening_today_is_audited(patient, client_for):
    client_for(patient.user).get(reverse("dashboard:today"))
    assert AuditEvent.objects.filter(
        action="view", actor=patient.user, patient_id=patient.pk
    ).exists()


@pytest.fixture
def trail(world):
    audit_record(action="view", actor=world.therapist, patient_id=world.patient.pk)
    audit_record(action="view", actor=world.admin, patient_id=world.other_patient.pk)
    audit_record(action="export", actor=world.therapist, patient_id=world.patient.pk)
    audit_record(
        action="view", actor=world.other_therapist, patient_id=world.other_clinic_patient.pk
    )
    return world


def test_admin_filters_the_log_by_patient_user_and_action(trail, client_for):
    client = client_for(trail.admin)
    page = client.get(reverse("clinic:audit-log"), {"patient": trail.patient.pk}).context["page"]
    assert {e.patient_id for e in page} == {trail.patient.pk}
    page = client.get(reverse("clinic:audit-log"), {"user": trail.admin.pk}).context["page"]
    assert {e.actor for e in page} == {trail.admin}
    assert trail.other_patient.pk in {e.patient_id for e in page}
    page = client.get(reverse("clinic:audit-log"), {"action": "export"}).context["page"]
    assert [e.action for e in page] == ["export"]


def test_admin_never_sees_another_clinics_events(trail, client_for):
    page = client_for(trail.admin).get(reverse("clinic:audit-log")).context["page"]
    assert trail.other_therapist not in {e.actor for e in page}


def test_an_inverted_date_range_is_a_plain_error_and_shows_everything(trail, client_for):
    response = client_for(trail.admin).get(
        reverse("clinic:audit-log"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()


@pytest.mark.parametrize("bad", [{"patient": "abc"}, {"user": "999999"}, {"date_from": "soon"}])
def test_bad_filter_values_never_fail_the_page(trail, client_for, bad):
    assert client_for(trail.admin).get(reverse("clinic:audit-log"), bad).status_code == 200


def test_csv_export_has_the_filtered_rows_and_is_itself_audited(trail, client_for):
    response = client_for(trail.admin).get(reverse("clinic:audit-export"), {"action": "export"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["when_utc", "actor", "action"]
    assert {r[2] for r in rows[1:]} == {"export"}
    assert trail.therapist.email in {r[1] for r in rows[1:]}
    # The download itself is on the trail.
    assert AuditEvent.objects.filter(action="export", actor=trail.admin).exists()


@pytest.mark.parametrize("extra_events", [1, 60])
def test_audit_log_page_uses_a_fixed_number_of_queries(
    trail, client_for, django_assert_num_queries, extra_events
):
    for _ in range(extra_events):
        audit_record(action="view", actor=trail.therapist, patient_id=trail.patient.pk)
    client = client_for(trail.admin)
    client.get(reverse("clinic:audit-log"))  # the first request starts the session clock
    # session, user, MFA check, clinic (header), users for the filter, the view event, count,
    # page of events
    with django_assert_num_queries(8):
        client.get(reverse("clinic:audit-log"))

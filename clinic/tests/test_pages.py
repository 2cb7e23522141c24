from django.urls import reverse

from clinic.models import AuditEvent


def test_healthz_reports_the_database_and_no_patient_data(client, patient):
    response = client.get(reverse("clinic:healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert set(body) == {"database", "broker"}
    assert patient.full_name not in response.content.decode()


def test_admin_moves_a_patient_to_another_therapist(world, client_for):
    from clinic.tests.factories import StaffFactory

    colleague = StaffFactory(clinic=world.clinic)
    response = client_for(world.admin).post(
        reverse("patients:reassign", args=[world.patient.pk]), {"therapist": colleague.pk}
    )
    assert response.status_code == 302
    world.patient.refresh_from_db()
    assert world.patient.primary_therapist == colleague
    assert AuditEvent.objects.filter(action="reassign", patient_id=world.patient.pk).exists()


def test_moving_to_another_clinics_therapist_changes_nothing(world, client_for):
    client_for(world.admin).post(
        reverse("patients:reassign", args=[world.patient.pk]),
        {"therapist": world.other_therapist.pk},
    )
    world.patient.refresh_from_db()
    assert world.patient.primary_therapist == world.therapist

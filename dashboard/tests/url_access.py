"""Who may open each dashboard URL. Read by tests/test_url_matrix.py."""

from tests.url_matrix import Access, only

URL_ACCESS = {
    "dashboard:home": Access(public=True, expect={"anonymous": 302, **only(302, 302, 302, 302)}),
    "dashboard:today": Access(expect=only(patient=200)),
    "dashboard:caseload": Access(expect=only(therapist=200, admin=200, other_therapist=200)),
    "dashboard:accounts": Access(expect=only(admin=200)),
    "dashboard:patient-fhir": Access(
        own=lambda w: {"pk": w.patient.pk},
        foreign=lambda w: {"pk": w.other_clinic_patient.pk},
        expect=only(therapist=200, admin=200),
    ),
}

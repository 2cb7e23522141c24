"""Who may open each patients URL. Read by tests/test_url_matrix.py."""

from tests.url_matrix import Access, only

URL_ACCESS = {
    "patients:create": Access(expect=only(therapist=200, admin=200, other_therapist=200)),
    "patients:detail": Access(
        own=lambda w: {"pk": w.patient.pk},
        foreign=lambda w: {"pk": w.other_clinic_patient.pk},
        expect=only(therapist=200, admin=200),
    ),
    "patients:reassign": Access(
        method="post",
        own=lambda w: {"pk": w.patient.pk},
        foreign=lambda w: {"pk": w.other_clinic_patient.pk},
        expect=only(admin=302),
    ),
}

"""Who may open each documents URL. Read by tests/test_url_matrix.py."""

from programs.tests.url_access import _plan
from tests.url_matrix import Access, only


def _document(w, patient_attr="patient"):
    """A ready progress report with a (tiny) stored file."""
    from documents.tests.factories import ready_document

    key = f"_document_{patient_attr}"
    if not hasattr(w, key):
        setattr(w, key, ready_document(getattr(w, patient_attr)))
    return getattr(w, key)


STAFF = only(therapist=200, admin=200)

URL_ACCESS = {
    "documents:handout-request": Access(
        method="post",
        own=lambda w: {"pk": _plan(w).pk},
        foreign=lambda w: {"pk": _plan(w, "other_clinic_patient").pk},
        expect=only(therapist=302),
    ),
    "documents:report-create": Access(
        own=lambda w: {"patient_pk": w.patient.pk},
        foreign=lambda w: {"patient_pk": w.other_clinic_patient.pk},
        expect=only(therapist=200),
    ),
    "documents:status": Access(
        own=lambda w: {"pk": _document(w).pk},
        foreign=lambda w: {"pk": _document(w, "other_clinic_patient").pk},
        expect=STAFF,
    ),
    "documents:download": Access(
        own=lambda w: {"pk": _document(w).pk},
        foreign=lambda w: {"pk": _document(w, "other_clinic_patient").pk},
        expect=STAFF,
    ),
    # No ready handout in this world: the patient is sent back to their plan with a message.
    "documents:my-handout": Access(expect=only(patient=302)),
}

"""Who may open each assessments URL. Read by tests/test_url_matrix.py.

Therapists record and correct; clinic staff (therapists and admins) read; patients reach
their own questionnaires and charts; the stenosis quiz is public.
"""

from assessments.tests.factories import (
    AdministrationFactory,
    AssignmentFactory,
    SelfPacedWalkTestFactory,
    ShoppingCartTestFactory,
    TreadmillTestFactory,
    bundled,
)
from tests.url_matrix import Access, only


def _patient(w):
    return {"pk": w.patient.pk}


def _foreign_patient(w):
    return {"pk": w.other_clinic_patient.pk}


def _made(factory, attr):
    return lambda w: {"pk": factory(patient=getattr(w, attr)).pk}


STAFF_READ = only(therapist=200, admin=200)
THERAPIST_ONLY = only(therapist=200)

URL_ACCESS = {
    "assessments:patient-history": Access(
        own=_patient, foreign=_foreign_patient, expect=STAFF_READ
    ),
    "assessments:patient-summary": Access(
        own=_patient, foreign=_foreign_patient, expect=STAFF_READ
    ),
    "assessments:chart": Access(
        own=lambda w: {"pk": w.patient.pk, "measure": "nprs-leg"},
        foreign=lambda w: {"pk": w.other_clinic_patient.pk, "measure": "nprs-leg"},
        expect=only(patient=200, therapist=200, admin=200),
    ),
    "assessments:treadmill-create": Access(
        own=_patient, foreign=_foreign_patient, expect=THERAPIST_ONLY
    ),
    "assessments:cart-create": Access(
        own=_patient, foreign=_foreign_patient, expect=THERAPIST_ONLY
    ),
    "assessments:walk-create": Access(
        own=_patient, foreign=_foreign_patient, expect=THERAPIST_ONLY
    ),
    "assessments:administer": Access(
        own=lambda w: {"pk": w.patient.pk, "instrument_pk": bundled("nprs").pk},
        foreign=lambda w: {"pk": w.other_clinic_patient.pk, "instrument_pk": bundled("nprs").pk},
        expect=THERAPIST_ONLY,
    ),
    "assessments:assign": Access(own=_patient, foreign=_foreign_patient, expect=THERAPIST_ONLY),
    "assessments:treadmill-detail": Access(
        own=_made(TreadmillTestFactory, "patient"),
        foreign=_made(TreadmillTestFactory, "other_clinic_patient"),
        expect=STAFF_READ,
    ),
    "assessments:treadmill-correct": Access(
        own=_made(TreadmillTestFactory, "patient"),
        foreign=_made(TreadmillTestFactory, "other_clinic_patient"),
        expect=THERAPIST_ONLY,
    ),
    "assessments:cart-detail": Access(
        own=_made(ShoppingCartTestFactory, "patient"),
        foreign=_made(ShoppingCartTestFactory, "other_clinic_patient"),
        expect=STAFF_READ,
    ),
    "assessments:cart-correct": Access(
        own=_made(ShoppingCartTestFactory, "patient"),
        foreign=_made(ShoppingCartTestFactory, "other_clinic_patient"),
        expect=THERAPIST_ONLY,
    ),
    "assessments:walk-detail": Access(
        own=_made(SelfPacedWalkTestFactory, "patient"),
        foreign=_made(SelfPacedWalkTestFactory, "other_clinic_patient"),
        expect=STAFF_READ,
    ),
    "assessments:walk-correct": Access(
        own=_made(SelfPacedWalkTestFactory, "patient"),
        foreign=_made(SelfPacedWalkTestFactory, "other_clinic_patient"),
        expect=THERAPIST_ONLY,
    ),
    "assessments:administration-detail": Access(
        own=_made(AdministrationFactory, "patient"),
        foreign=_made(AdministrationFactory, "other_clinic_patient"),
        expect=STAFF_READ,
    ),
    "assessments:administration-correct": Access(
        own=_made(AdministrationFactory, "patient"),
        foreign=_made(AdministrationFactory, "other_clinic_patient"),
        expect=THERAPIST_ONLY,
    ),
    "assessments:assignment-stop": Access(
        method="post",
        own=_made(AssignmentFactory, "patient"),
        foreign=_made(AssignmentFactory, "other_clinic_patient"),
        expect=only(therapist=302),
    ),
    "assessments:settings": Access(expect=only(admin=200)),
    "assessments:my-history": Access(expect=only(patient=200)),
    "assessments:my-answer": Access(
        own=_made(AssignmentFactory, "patient"),
        foreign=_made(AssignmentFactory, "other_clinic_patient"),
        expect=only(patient=200),
    ),
    "assessments:my-result": Access(
        own=_made(AdministrationFactory, "patient"),
        foreign=_made(AdministrationFactory, "other_clinic_patient"),
        expect=only(patient=200),
    ),
    "assessments:my-quiz": Access(expect=only(patient=200)),
    "stenosis-quiz": Access(public=True, expect={"anonymous": 200, **only(200, 200, 200, 200)}),
}

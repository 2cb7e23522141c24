"""Who may open each assessments URL. Read by tests/test_url_matrix.py.

Therapists record and correct; clinic staff (therapists and admins) read; patients reach
their own questionnaires and charts; the stenosis quiz is public.
"""

from assessments.registry import KINDS, WALK_TESTS
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

# One factory per walk-test kind in assessments.registry (a new kind fails here until it
# has one).
WALK_TEST_FACTORIES = {
    "treadmill": TreadmillTestFactory,
    "cart": ShoppingCartTestFactory,
    "self-paced-walk": SelfPacedWalkTestFactory,
}
assert set(WALK_TEST_FACTORIES) == set(KINDS), "every walk-test kind needs a factory here"


def _walk_test_access(kind) -> dict[str, Access]:
    factory = WALK_TEST_FACTORIES[kind.slug]
    made = {
        "own": _made(factory, "patient"),
        "foreign": _made(factory, "other_clinic_patient"),
    }
    return {
        kind.create_url_name: Access(own=_patient, foreign=_foreign_patient, expect=THERAPIST_ONLY),
        kind.detail_url_name: Access(**made, expect=STAFF_READ),
        kind.correct_url_name: Access(**made, expect=THERAPIST_ONLY),
    }


URL_ACCESS = {
    **{name: access for kind in WALK_TESTS for name, access in _walk_test_access(kind).items()},
    "assessments:patient-history": Access(
        own=_patient, foreign=_foreign_patient, expect=STAFF_READ
    ),
    "assessments:patient-summary": Access(
        own=_patient, foreign=_foreign_patient, expect=STAFF_READ
    ),
    "assessments:administer": Access(
        own=lambda w: {"pk": w.patient.pk, "instrument_pk": bundled("nprs").pk},
        foreign=lambda w: {"pk": w.other_clinic_patient.pk, "instrument_pk": bundled("nprs").pk},
        expect=THERAPIST_ONLY,
    ),
    "assessments:assign": Access(own=_patient, foreign=_foreign_patient, expect=THERAPIST_ONLY),
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

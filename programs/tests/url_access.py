"""Who may open each programs URL. Read by tests/test_url_matrix.py.

Objects are made on first use: `own` ones belong to the home clinic (the patient's plan, a
clinic exercise and template), `foreign` ones to the other clinic.
"""

from tests.url_matrix import Access, only


def _plan(w, patient_attr="patient"):
    from programs.tests.factories import assign_plan

    key = f"_plan_{patient_attr}"
    if not hasattr(w, key):
        patient = getattr(w, patient_attr)
        setattr(w, key, assign_plan(patient, by=patient.primary_therapist, weeks_ago=1))
    return getattr(w, key)


def _suggestion(w, patient_attr="patient"):
    from programs.tests.factories import suggestion_for

    key = f"_suggestion_{patient_attr}"
    if not hasattr(w, key):
        setattr(w, key, suggestion_for(_plan(w, patient_attr), week=1))
    return getattr(w, key)


def _exercise(w, clinic_attr="clinic"):
    from programs.models import Exercise

    exercise, _ = Exercise.objects.get_or_create(
        clinic=getattr(w, clinic_attr),
        slug="clinic-walk",
        defaults={
            "name": "Clinic walk",
            "category": "walking",
            "summary": "A walk round the clinic garden.",
            "steps": "Stand up.\nWalk.\nSit down.",
            "precautions": "Stop if pain keeps rising.",
            "default_minutes": 5,
        },
    )
    return exercise


def _template(w, therapist_attr="therapist"):
    from programs import services
    from programs.tests.factories import bundled_template

    key = f"_template_{therapist_attr}"
    if not hasattr(w, key):
        by = getattr(w, therapist_attr)
        setattr(w, key, services.template_clone(template=bundled_template(), by=by))
    return getattr(w, key)


def _plan_exercise(w):
    return _plan(w).exercises.first().exercise_id


FOREIGN_PLAN = {"foreign": lambda w: {"pk": _plan(w, "other_clinic_patient").pk}}
STAFF = only(therapist=200, admin=200)

URL_ACCESS = {
    "programs:exercise-list": Access(expect=only(therapist=200, admin=200, other_therapist=200)),
    "programs:exercise-create": Access(expect=only(therapist=200, other_therapist=200)),
    "programs:exercise-detail": Access(
        own=lambda w: {"pk": _exercise(w).pk},
        foreign=lambda w: {"pk": _exercise(w, "other_clinic").pk},
        expect=STAFF,
    ),
    "programs:exercise-edit": Access(
        own=lambda w: {"pk": _exercise(w).pk},
        foreign=lambda w: {"pk": _exercise(w, "other_clinic").pk},
        expect=only(therapist=200),
    ),
    "programs:template-list": Access(expect=only(therapist=200, admin=200, other_therapist=200)),
    "programs:template-detail": Access(
        own=lambda w: {"pk": _template(w).pk},
        foreign=lambda w: {"pk": _template(w, "other_therapist").pk},
        expect=STAFF,
    ),
    "programs:template-clone": Access(
        method="post",
        own=lambda w: {"pk": _template(w).pk},
        foreign=lambda w: {"pk": _template(w, "other_therapist").pk},
        expect=only(therapist=302),
    ),
    "programs:template-edit": Access(
        own=lambda w: {"pk": _template(w).pk},
        foreign=lambda w: {"pk": _template(w, "other_therapist").pk},
        expect=only(therapist=200),
    ),
    "programs:patient-panel": Access(
        own=lambda w: {"patient_pk": _plan(w).patient_id},
        foreign=lambda w: {"patient_pk": w.other_clinic_patient.pk},
        expect=STAFF,
    ),
    "programs:plan-assign": Access(
        own=lambda w: {"patient_pk": w.paper_patient.pk},
        foreign=lambda w: {"patient_pk": w.other_clinic_patient.pk},
        expect=only(therapist=200),
    ),
    "programs:plan-detail": Access(own=lambda w: {"pk": _plan(w).pk}, **FOREIGN_PLAN, expect=STAFF),
    "programs:plan-adjust": Access(
        own=lambda w: {"pk": _plan(w).pk}, **FOREIGN_PLAN, expect=only(therapist=200)
    ),
    "programs:retest-dismiss": Access(
        method="post",
        own=lambda w: {"pk": _plan(w).retest.pk},
        foreign=lambda w: {"pk": _plan(w, "other_clinic_patient").retest.pk},
        expect=only(therapist=302),
    ),
    "programs:plan-rules": Access(
        own=lambda w: {"pk": _plan(w).pk}, **FOREIGN_PLAN, expect=only(therapist=200)
    ),
    "programs:plan-pause": Access(
        method="post",
        own=lambda w: {"pk": _plan(w).pk},
        **FOREIGN_PLAN,
        expect=only(therapist=302),
    ),
    "programs:plan-resume": Access(
        method="post",
        own=lambda w: {"pk": _plan(w).pk},
        **FOREIGN_PLAN,
        expect=only(therapist=302),
    ),
    "programs:plan-end": Access(
        method="post",
        own=lambda w: {"pk": _plan(w).pk},
        **FOREIGN_PLAN,
        expect=only(therapist=302),
    ),
    "programs:suggestion-approve": Access(
        method="post",
        own=lambda w: {"pk": _suggestion(w).pk},
        foreign=lambda w: {"pk": _suggestion(w, "other_clinic_patient").pk},
        expect=only(therapist=302),
    ),
    "programs:suggestion-edit": Access(
        own=lambda w: {"pk": _suggestion(w).pk},
        foreign=lambda w: {"pk": _suggestion(w, "other_clinic_patient").pk},
        expect=only(therapist=200),
    ),
    "programs:suggestion-reject": Access(
        method="post",
        own=lambda w: {"pk": _suggestion(w).pk},
        foreign=lambda w: {"pk": _suggestion(w, "other_clinic_patient").pk},
        expect=only(therapist=302),
    ),
    "programs:settings": Access(expect=only(admin=200)),
    "programs:my-plan": Access(expect=only(patient=200)),
    "programs:exercise-done": Access(
        method="post",
        own=lambda w: {"exercise_pk": _plan_exercise(w)},
        foreign=lambda w: {"exercise_pk": _exercise(w, "other_clinic").pk},
        expect=only(patient=302),
    ),
}

"""Who may open each patients URL. Read by tests/test_url_matrix.py."""

from tests.url_matrix import Access, only


def _log(patient):
    from patients.tests.factories import WalkLogFactory

    return WalkLogFactory(patient=patient)


def _report(patient):
    from patients.tests.factories import RedFlagReportFactory

    return RedFlagReportFactory(patient=patient)


_own_patient = {
    "own": lambda w: {"pk": w.patient.pk},
    "foreign": lambda w: {"pk": w.other_clinic_patient.pk},
}
# A walk the patient logged an hour ago: its patient may change it, staff may read it.
_own_log = {
    "own": lambda w: {"pk": _log(w.patient).pk},
    "foreign": lambda w: {"pk": _log(w.other_clinic_patient).pk},
}
PATIENT_ONLY = only(patient=200)

URL_ACCESS = {
    "patients:create": Access(expect=only(therapist=200, admin=200, other_therapist=200)),
    "patients:detail": Access(**_own_patient, expect=only(therapist=200, admin=200)),
    "patients:reassign": Access(method="post", **_own_patient, expect=only(admin=302)),
    "patients:walklogs": Access(**_own_patient, expect=only(therapist=200, admin=200)),
    "patients:walklog-enter": Access(
        own=lambda w: {"pk": w.paper_patient.pk},
        foreign=lambda w: {"pk": w.other_clinic_patient.pk},
        expect=only(therapist=200, admin=200),
    ),
    "patients:progress": Access(**_own_patient, expect=only(therapist=200, admin=200)),
    # Without a note the acknowledgement is refused with a message and a redirect.
    "patients:redflag-acknowledge": Access(
        method="post",
        own=lambda w: {"pk": _report(w.patient).pk},
        foreign=lambda w: {"pk": _report(w.other_clinic_patient).pk},
        expect=only(therapist=302, admin=302),
    ),
    "patients:walklog-detail": Access(
        **_own_log, expect=only(patient=200, therapist=200, admin=200)
    ),
    # Staff may read a patient's own log but not change it: a redirect to the log, saying so.
    "patients:walklog-edit": Access(**_own_log, expect=only(patient=200, therapist=302, admin=302)),
    "patients:walklog-delete": Access(
        **_own_log, expect=only(patient=200, therapist=302, admin=302)
    ),
    "patients:my-walklogs": Access(expect=PATIENT_ONLY),
    "patients:walklog-create": Access(expect=PATIENT_ONLY),
    "patients:walk-timer": Access(expect=PATIENT_ONLY),
    # An empty upload is a 400 with the reason in JSON.
    "patients:walk-timer-save": Access(method="post", expect=only(patient=400)),
    "patients:my-progress": Access(expect=PATIENT_ONLY),
    "patients:redflag-report": Access(expect=PATIENT_ONLY),
    "patients:urgent": Access(expect=PATIENT_ONLY),
    "patients:preferences": Access(expect=PATIENT_ONLY),
    "patients:export-csv": Access(expect=PATIENT_ONLY),
    "patients:export-json": Access(expect=PATIENT_ONLY),
}

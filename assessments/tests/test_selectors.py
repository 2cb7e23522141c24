import datetime

from assessments import selectors, services
from assessments.models import Instrument
from assessments.tests.factories import (
    AdministrationFactory,
    AssignmentFactory,
    TreadmillTestFactory,
    synthetic_odi,
)


def test_the_level_onset_of_the_latest_treadmill_test(patient, therapist):
    assert selectors.latest_treadmill_level_onset_s(patient) is None
    TreadmillTestFactory(patient=patient, performed_on=datetime.date(2026, 1, 5), level_onset_s=90)
    latest = TreadmillTestFactory(
        patient=patient, performed_on=datetime.date(2026, 3, 2), level_onset_s=150
    )
    assert selectors.latest_treadmill_level_onset_s(patient) == 150
    services.treadmill_test_correct(
        test=latest, corrected_by=therapist, correction_note="typo", level_onset_s=140
    )
    assert selectors.latest_treadmill_level_onset_s(patient) == 140


def test_the_whole_level_walk_counts_when_no_symptoms_came(patient):
    TreadmillTestFactory(
        patient=patient,
        level_onset_s=None,
        level_total_s=600,
        level_stop_reason="time_limit",
        level_recovery_s=None,
    )
    assert selectors.latest_treadmill_level_onset_s(patient) == 600


def test_results_are_scoped_to_the_users_clinic_and_to_the_patient_themselves(world):
    own = TreadmillTestFactory(patient=world.patient)
    theirs = TreadmillTestFactory(patient=world.other_patient)
    far = TreadmillTestFactory(patient=world.other_clinic_patient)
    assert set(selectors.treadmill_tests_for_user(world.therapist)) == {own, theirs}
    assert set(selectors.treadmill_tests_for_user(world.patient.user)) == {own}
    assert set(selectors.treadmill_tests_for_user(world.other_therapist)) == {far}


def test_questionnaires_due_lists_only_active_assignments_due_by_today(world):
    today = selectors.patient_today(world.patient)
    due = AssignmentFactory(patient=world.patient, next_due=today)
    AssignmentFactory(
        patient=world.patient,
        instrument=Instrument.objects.get(code="psfs"),
        next_due=today + datetime.timedelta(days=3),
    )
    AssignmentFactory(
        patient=world.patient,
        instrument=Instrument.objects.get(code="sshq"),
        next_due=today,
        status="stopped",
    )
    AssignmentFactory(patient=world.other_patient, next_due=today)
    assert selectors.questionnaires_due(world.patient.user, world.patient) == [due]
    assert selectors.questionnaires_due(world.other_therapist, world.patient) == []
    assert selectors.questionnaires_due(world.patient.user, None) == []


def test_licensed_instruments_are_seen_only_by_their_clinic(world):
    odi, _ = services.instrument_load(definition=synthetic_odi(), clinic=world.clinic)
    assert odi in selectors.instruments_for_user(world.therapist)
    assert odi not in selectors.instruments_for_user(world.other_therapist)
    assert {i.code for i in selectors.instruments_for_user(world.other_therapist)} == {
        "nprs",
        "psfs",
        "sshq",
    }


def test_a_clinic_without_settings_gets_the_product_defaults(clinic):
    defaults = selectors.assessment_settings_for(clinic)
    assert (str(defaults.treadmill_speed), defaults.treadmill_speed_unit) == ("1.2", "mph")
    assert (str(defaults.treadmill_incline), defaults.treadmill_incline_unit) == ("15.0", "percent")
    assert defaults.pk is None  # reading never writes


def test_all_versions_of_a_result_load_oldest_first(patient, therapist):
    first = AdministrationFactory(patient=patient)
    second = services.administration_correct(
        administration=first,
        corrected_by=therapist,
        correction_note="a",
        answers={"back": 1, "leg": 6},
    )
    third = services.administration_correct(
        administration=second,
        corrected_by=therapist,
        correction_note="b",
        answers={"back": 2, "leg": 6},
    )
    assert selectors.result_versions(second) == [first, second, third]

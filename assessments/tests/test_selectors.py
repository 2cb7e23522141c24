import datetime

import pytest

from assessments import charts, selectors, services
from assessments.models import Instrument
from assessments.registry import KINDS
from assessments.tests.factories import (
    AdministrationFactory,
    AssignmentFactory,
    SelfPacedWalkTestFactory,
    ShoppingCartTestFactory,
    TreadmillTestFactory,
    synthetic_odi,
)
from patients.dates import patient_today


def test_the_level_onset_of_the_latest_treadmill_test(patient, therapist):
    assert selectors.latest_treadmill_level_onset_s(patient) is None
    TreadmillTestFactory(patient=patient, performed_on=datetime.date(2026, 1, 5), level_onset_s=90)
    latest = TreadmillTestFactory(
        patient=patient, performed_on=datetime.date(2026, 3, 2), level_onset_s=150
    )
    assert selectors.latest_treadmill_level_onset_s(patient) == 150
    services.walk_test_correct(
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
    assert set(selectors.walk_tests_for_user(world.therapist, "treadmill")) == {own, theirs}
    assert set(selectors.walk_tests_for_user(world.patient.user, "treadmill")) == {own}
    assert set(selectors.walk_tests_for_user(world.other_therapist, "treadmill")) == {far}


def test_questionnaires_due_lists_only_active_assignments_due_by_today(world):
    today = patient_today(world.patient)
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


def test_the_history_holds_every_kind_and_loads_only_the_sources_asked_for(world):
    TreadmillTestFactory(patient=world.patient)
    ShoppingCartTestFactory(patient=world.patient)
    full = selectors.history_for_patient(world.therapist, world.patient)
    assert set(full.walk_tests) == set(KINDS)
    assert [section.kind.slug for section in full.sections] == ["treadmill", "cart"]
    chart_only = selectors.history_for_patient(
        world.therapist, world.patient, sources=["treadmill"]
    )
    assert set(chart_only.walk_tests) == {"treadmill"} and chart_only.administrations == []


def test_the_history_of_a_cart_test_reads_the_clinic_settings_without_a_query(
    world, django_assert_num_queries
):
    services.assessment_settings_update(clinic=world.clinic, by=world.admin, cart_strong_pct=60)
    ShoppingCartTestFactory(
        patient=world.patient, without_walk_s=100, with_walk_s=170, with_onset_s=None
    )
    history = selectors.history_for_patient(world.therapist, world.patient, sources=["cart"])
    with django_assert_num_queries(0):
        (cart,) = history.walk_tests["cart"]
        assert cart.interpretation.strong is True and cart.interpretation.strong_pct == 60


@pytest.mark.parametrize("results", [1, 10])
def test_report_results_load_in_a_fixed_number_of_queries(
    patient, django_assert_num_queries, results
):
    start = datetime.date(2026, 1, 5)
    for n in range(results):
        on = start + datetime.timedelta(days=n)
        TreadmillTestFactory(patient=patient, performed_on=on)
        ShoppingCartTestFactory(patient=patient, performed_on=on)
        SelfPacedWalkTestFactory(patient=patient, performed_on=on)
        AdministrationFactory(patient=patient, performed_on=on)
    SelfPacedWalkTestFactory(patient=patient, performed_on=datetime.date(2026, 3, 1))
    with django_assert_num_queries(len(KINDS) + 1):
        report = selectors.results_for_report(patient, until=datetime.date(2026, 2, 1))
        [cart.interpretation for cart in report.walk_tests["cart"]]
    assert {slug: len(rows) for slug, rows in report.walk_tests.items()} == {
        "treadmill": results,
        "cart": results,
        "self-paced-walk": results,
    }
    assert len(report.administrations) == results
    later = report.in_period(start + datetime.timedelta(days=1))
    assert len(later["treadmill"]) == results - 1 and len(later["administration"]) == results - 1
    assert [m.code for m, _ in charts.series_for(report.by_source)] == [
        "nprs-back",
        "nprs-leg",
        "treadmill-level",
        "spwt",
    ]

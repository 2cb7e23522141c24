import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from assessments import services
from assessments.models import (
    Administration,
    AssessmentSettings,
    Instrument,
    QuestionnaireAssignment,
    TreadmillTest,
)
from assessments.tests.factories import (
    AssignmentFactory,
    TreadmillTestFactory,
    bundled,
    synthetic_odi,
)
from clinic.models import AuditEvent

TODAY = datetime.date(2026, 3, 16)


def treadmill_fields(**overrides) -> dict:
    fields = {
        "performed_on": TODAY,
        "level_speed": Decimal("1.2"),
        "level_speed_unit": "mph",
        "level_incline": Decimal("0"),
        "level_incline_unit": "percent",
        "level_onset_s": 120,
        "level_total_s": 300,
        "level_stop_reason": "symptoms",
        "level_pain_start": 2,
        "level_pain_end": 6,
        "level_recovery_s": 240,
        "level_symptom_location": "left calf",
        "incline_speed": Decimal("1.2"),
        "incline_speed_unit": "mph",
        "incline_incline": Decimal("15"),
        "incline_incline_unit": "percent",
        "incline_onset_s": None,
        "incline_total_s": 600,
        "incline_stop_reason": "time_limit",
        "incline_pain_start": 2,
        "incline_pain_end": 2,
        "incline_recovery_s": None,
        "incline_symptom_location": "",
    }
    fields.update(overrides)
    return fields


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 12, 0, tzinfo=datetime.UTC)):
        yield


def test_it_records_a_treadmill_test_with_an_audit_event(patient, therapist):
    test = services.walk_test_create(
        kind="treadmill", patient=patient, tester=therapist, **treadmill_fields()
    )

    assert test.interpretation.positive is True
    event = AuditEvent.objects.get(action="create", object_type="assessments.treadmilltest")
    assert (event.patient_id, event.actor, event.object_id) == (patient.pk, therapist, str(test.pk))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"level_onset_s": 400}, "level_onset_s"),  # after the total time
        ({"incline_total_s": 601, "incline_stop_reason": "other"}, "incline_total_s"),
        ({"level_stop_reason": "time_limit"}, "level_total_s"),  # stopped at limit but 5 min
        ({"level_onset_s": None}, "level_onset_s"),  # stopped for symptoms that never came
        ({"incline_recovery_s": 60}, "incline_recovery_s"),  # recovery without symptoms
        ({"level_pain_end": 11}, "level_pain_end"),
        ({"performed_on": TODAY + datetime.timedelta(days=1)}, "performed_on"),
    ],
)
def test_it_refuses_an_impossible_treadmill_test_and_saves_nothing(
    patient, therapist, overrides, field
):
    with pytest.raises(ValidationError) as error:
        services.walk_test_create(
            kind="treadmill", patient=patient, tester=therapist, **treadmill_fields(**overrides)
        )
    assert field in error.value.message_dict
    assert not TreadmillTest.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exists()


def test_another_clinics_therapist_cannot_be_the_tester(patient, other_therapist):
    with pytest.raises(ValidationError):
        services.walk_test_create(
            kind="treadmill", patient=patient, tester=other_therapist, **treadmill_fields()
        )
    assert not TreadmillTest.objects.exists()


def test_a_correction_is_a_new_version_and_the_old_one_is_kept(patient, therapist):
    original = services.walk_test_create(
        kind="treadmill", patient=patient, tester=therapist, **treadmill_fields()
    )
    corrected = services.walk_test_correct(
        test=original,
        corrected_by=therapist,
        correction_note="Level time typed wrongly",
        level_total_s=330,
    )

    original.refresh_from_db()
    assert original.level_total_s == 300  # never edited
    assert corrected.level_total_s == 330 and corrected.level_onset_s == 120
    assert corrected.supersedes == original and corrected.original == original
    assert list(TreadmillTest.objects.current()) == [corrected]
    event = AuditEvent.objects.get(action="update")
    assert event.object_id == str(corrected.pk) and event.patient_id == patient.pk


def test_a_second_correction_points_at_the_first_version(patient, therapist):
    first = TreadmillTestFactory(patient=patient)
    second = services.walk_test_correct(
        test=first, corrected_by=therapist, correction_note="a", level_pain_end=5
    )
    third = services.walk_test_correct(
        test=second, corrected_by=therapist, correction_note="b", level_pain_end=4
    )
    assert third.original_id == first.pk and third.supersedes_id == second.pk


def test_an_old_version_cannot_be_corrected_again(patient, therapist):
    first = TreadmillTestFactory(patient=patient)
    services.walk_test_correct(
        test=first, corrected_by=therapist, correction_note="a", level_pain_end=5
    )
    with pytest.raises(ValidationError, match="already corrected"):
        services.walk_test_correct(
            test=first, corrected_by=therapist, correction_note="b", level_pain_end=4
        )
    assert TreadmillTest.objects.count() == 2


def test_a_correction_needs_a_reason_and_a_change(patient, therapist):
    test = TreadmillTestFactory(patient=patient)
    with pytest.raises(ValidationError, match="why"):
        services.walk_test_correct(
            test=test, corrected_by=therapist, correction_note=" ", level_pain_end=5
        )
    with pytest.raises(ValidationError, match="Nothing was changed"):
        services.walk_test_correct(
            test=test, corrected_by=therapist, correction_note="x", level_pain_end=6
        )
    assert TreadmillTest.objects.count() == 1


def test_an_impossible_correction_saves_nothing(patient, therapist):
    test = TreadmillTestFactory(patient=patient)
    with pytest.raises(ValidationError):
        services.walk_test_correct(
            test=test, corrected_by=therapist, correction_note="x", level_onset_s=999
        )
    assert TreadmillTest.objects.count() == 1


def test_cart_and_walk_tests_are_validated(patient, therapist):
    with pytest.raises(ValidationError) as error:
        services.walk_test_create(
            kind="cart",
            patient=patient,
            tester=therapist,
            performed_on=TODAY,
            without_walk_s=0,
            with_walk_s=120,
        )
    assert "without_walk_s" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.walk_test_create(
            kind="self-paced-walk",
            patient=patient,
            tester=therapist,
            performed_on=TODAY,
            distance=Decimal("300"),
            total_s=1801,
            stop_reason="other",
        )
    assert "total_s" in error.value.message_dict


def test_it_scores_a_questionnaire_given_in_clinic(patient, therapist):
    administration = services.administration_create(
        patient=patient,
        instrument=bundled("nprs"),
        given_by=therapist,
        answers={"back": 3, "leg": 8},
    )
    assert administration.scores == {"back": 3, "leg": 8}
    assert administration.source == "clinic" and administration.performed_on == TODAY
    assert AuditEvent.objects.filter(action="create", patient_id=patient.pk).count() == 1


def test_it_refuses_answers_that_are_not_options(patient, therapist):
    with pytest.raises(ValidationError) as error:
        services.administration_create(
            patient=patient,
            instrument=bundled("nprs"),
            given_by=therapist,
            answers={"back": 3, "leg": 12},
        )
    assert error.value.message_dict == {"leg": ["Choose one of the answers shown."]}
    assert not Administration.objects.exists()


def test_odi_scoring_uses_the_clinics_missing_sections_setting(patient, therapist, clinic):
    odi, _ = services.instrument_load(definition=synthetic_odi(), clinic=clinic)
    answers = {f"s{n}": 2 for n in range(1, 9)}  # two sections blank
    first = services.administration_create(
        patient=patient, instrument=odi, given_by=therapist, answers=answers
    )
    assert first.scores["index"] is None
    AssessmentSettings.objects.create(clinic=clinic, odi_max_missing=2)
    second = services.administration_create(
        patient=patient, instrument=odi, given_by=therapist, answers=answers
    )
    assert second.scores["index"] == 40.0


def test_another_clinics_licensed_instrument_cannot_be_used(patient, therapist, other_clinic):
    odi, _ = services.instrument_load(definition=synthetic_odi(), clinic=other_clinic)
    with pytest.raises(ValidationError):
        services.administration_create(
            patient=patient, instrument=odi, given_by=therapist, answers={"s1": 1}
        )


def test_a_patient_answers_only_their_own_questionnaire(patient, other_patient):
    with pytest.raises(ValidationError):
        services.administration_create(
            patient=other_patient,
            instrument=bundled("nprs"),
            given_by=patient.user,
            answers={"back": 3, "leg": 3},
        )
    administration = services.administration_create(
        patient=patient,
        instrument=bundled("nprs"),
        given_by=patient.user,
        answers={"back": 3, "leg": 3},
    )
    assert administration.source == "patient"


def test_answering_a_repeating_assignment_moves_it_to_the_next_due_date(patient):
    assignment = AssignmentFactory(patient=patient, every_weeks=2, next_due=TODAY)
    services.administration_create(
        patient=patient,
        instrument=assignment.instrument,
        given_by=patient.user,
        answers={"back": 3, "leg": 3},
        assignment=assignment,
    )
    assignment.refresh_from_db()
    assert assignment.next_due == TODAY + datetime.timedelta(weeks=2)
    assert assignment.status == "active"


def test_answering_late_starts_a_fresh_interval(patient):
    assignment = AssignmentFactory(
        patient=patient, every_weeks=1, next_due=TODAY - datetime.timedelta(days=20)
    )
    services.administration_create(
        patient=patient,
        instrument=assignment.instrument,
        given_by=patient.user,
        answers={"back": 3, "leg": 3},
        assignment=assignment,
    )
    assignment.refresh_from_db()
    assert assignment.next_due == TODAY + datetime.timedelta(days=1)


def test_answering_a_once_assignment_closes_it_and_a_second_answer_is_refused(patient):
    assignment = AssignmentFactory(patient=patient, every_weeks=None)
    kwargs = {
        "patient": patient,
        "instrument": assignment.instrument,
        "given_by": patient.user,
        "answers": {"back": 3, "leg": 3},
        "assignment": assignment,
    }
    services.administration_create(**kwargs)
    assignment.refresh_from_db()
    assert assignment.status == "done"
    with pytest.raises(ValidationError, match="no longer waiting"):
        services.administration_create(**kwargs)
    assert Administration.objects.count() == 1


def test_correcting_answers_rescores_and_keeps_the_old_answers(patient, therapist):
    first = services.administration_create(
        patient=patient,
        instrument=bundled("nprs"),
        given_by=therapist,
        answers={"back": 3, "leg": 8},
    )
    second = services.administration_correct(
        administration=first,
        corrected_by=therapist,
        correction_note="Patient meant leg 6",
        answers={"back": 3, "leg": 6},
    )
    first.refresh_from_db()
    assert first.scores == {"back": 3, "leg": 8}
    assert second.scores == {"back": 3, "leg": 6} and second.supersedes == first
    assert list(Administration.objects.current()) == [second]


def test_it_assigns_a_questionnaire_once_per_patient(patient, therapist):
    nprs = bundled("nprs")
    assignment = services.assignment_create(
        patient=patient, instrument=nprs, assigned_by=therapist, every_weeks=2
    )
    assert assignment.next_due == TODAY
    with pytest.raises(ValidationError, match="already assigned"):
        services.assignment_create(
            patient=patient, instrument=nprs, assigned_by=therapist, every_weeks=None
        )
    assert QuestionnaireAssignment.objects.count() == 1


def test_a_patient_without_a_login_cannot_be_assigned_home_questionnaires(paper_patient, therapist):
    with pytest.raises(ValidationError, match="no login"):
        services.assignment_create(
            patient=paper_patient, instrument=bundled("nprs"), assigned_by=therapist, every_weeks=2
        )


def test_an_assignment_cannot_start_in_the_past(patient, therapist):
    with pytest.raises(ValidationError):
        services.assignment_create(
            patient=patient,
            instrument=bundled("nprs"),
            assigned_by=therapist,
            every_weeks=2,
            first_due=TODAY - datetime.timedelta(days=1),
        )


def test_stopping_an_assignment_keeps_it_and_allows_a_new_one(patient, therapist):
    assignment = AssignmentFactory(patient=patient)
    services.assignment_stop(assignment=assignment, stopped_by=therapist)
    assignment.refresh_from_db()
    assert assignment.status == "stopped" and assignment.stopped_by == therapist
    services.assignment_create(
        patient=patient, instrument=assignment.instrument, assigned_by=therapist, every_weeks=4
    )
    with pytest.raises(ValidationError):
        services.assignment_stop(assignment=assignment, stopped_by=therapist)


def test_only_the_clinics_admin_changes_its_settings(clinic, admin_user, therapist):
    settings = services.assessment_settings_update(
        clinic=clinic, by=admin_user, treadmill_speed=Decimal("1.9"), treadmill_speed_unit="kmh"
    )
    assert settings.treadmill_speed == Decimal("1.9")
    assert AuditEvent.objects.filter(action="update", actor=admin_user).exists()
    with pytest.raises(ValidationError):
        services.assessment_settings_update(
            clinic=clinic, by=therapist, treadmill_speed=Decimal("2.0")
        )


def test_loading_the_same_instrument_twice_changes_nothing(clinic):
    first, created = services.instrument_load(definition=synthetic_odi(), clinic=clinic)
    again, created_again = services.instrument_load(definition=synthetic_odi(), clinic=clinic)
    assert created and not created_again and first == again
    assert Instrument.objects.filter(clinic=clinic).count() == 1


def test_a_changed_text_under_a_loaded_version_is_refused(clinic):
    services.instrument_load(definition=synthetic_odi(), clinic=clinic)
    changed = synthetic_odi(title="Another title")
    with pytest.raises(ValidationError, match="new version"):
        services.instrument_load(definition=changed, clinic=clinic)
    assert Instrument.objects.get(clinic=clinic).title == "Synthetic disability index"


def test_loading_the_bundled_instruments_again_changes_nothing(db):
    before = list(
        Instrument.objects.filter(bundled=True).order_by("code").values_list("pk", "code")
    )
    services.bundled_instruments_load()
    after = list(Instrument.objects.filter(bundled=True).order_by("code").values_list("pk", "code"))
    assert before == after and [code for _, code in after] == ["nprs", "psfs", "sshq"]


def test_the_bundled_instruments_come_back_after_the_table_is_emptied(db):
    Instrument.objects.all().delete()
    assert {i.code for i in services.bundled_instruments_load()} == {"nprs", "psfs", "sshq"}


def _sshq_answers(**yes):
    answers = {f"q{n}": False for n in range(1, 11)}
    answers.update(
        {f"red_flag_{s}": False for s in ("saddle", "bladder", "bowel", "weakness", "both_legs")}
    )
    answers.update(yes)
    return answers


def test_a_red_flag_answer_opens_a_red_flag_report(patient):
    from patients.models import RedFlagReport

    services.administration_create(
        patient=patient,
        instrument=bundled("sshq"),
        given_by=patient.user,
        answers=_sshq_answers(red_flag_bladder=True, red_flag_weakness=True),
    )
    report = RedFlagReport.objects.get()
    assert report.patient == patient and report.status == "open"
    assert report.signs == ["bladder", "weakness"] and report.reported_by == patient.user


def test_the_bladder_item_alone_opens_no_report(patient):
    from patients.models import RedFlagReport

    services.administration_create(
        patient=patient,
        instrument=bundled("sshq"),
        given_by=patient.user,
        answers=_sshq_answers(q10=True),
    )
    assert not RedFlagReport.objects.exists()


def test_a_correction_that_adds_a_red_flag_opens_a_report_for_the_new_sign(patient, therapist):
    from patients.models import RedFlagReport

    first = services.administration_create(
        patient=patient,
        instrument=bundled("sshq"),
        given_by=therapist,
        answers=_sshq_answers(red_flag_saddle=True),
    )
    services.administration_correct(
        administration=first,
        corrected_by=therapist,
        correction_note="Also said both legs",
        answers=_sshq_answers(red_flag_saddle=True, red_flag_both_legs=True),
    )
    assert [r.signs for r in RedFlagReport.objects.order_by("id")] == [["saddle"], ["both_legs"]]

"""Every rejection a form makes, in the words the user sees. Nothing here touches a service."""

import datetime

import pytest

from assessments import engine
from assessments.forms import (
    AssignmentForm,
    MinutesSecondsField,
    QuestionnaireForm,
    SelfPacedWalkTestForm,
    ShoppingCartTestForm,
    TreadmillCorrectionForm,
    TreadmillTestForm,
)
from assessments.models import Instrument
from assessments.tests.factories import bundled, synthetic_odi
from assessments.tests.test_views import treadmill_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [("4:30", 270), ("0:00", 0), ("10:00", 600), (" 04:05 ", 245), ("0:59", 59)],
)
def test_times_are_typed_as_minutes_and_seconds(typed, seconds):
    assert MinutesSecondsField(max_seconds=600).clean(typed) == seconds


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1:00", "Times cannot be negative."),
        ("-30", "Times cannot be negative."),
        ("270", "Enter the time as minutes:seconds"),
        ("four", "Enter the time as minutes:seconds"),
        ("4:75", "The seconds part must be from 00 to 59"),
        ("10:01", "cannot be more than 10 minutes (10:00)"),
        ("1" * 20, "Enter the time as minutes:seconds"),
    ],
)
def test_impossible_times_are_refused_in_plain_words(typed, message):
    field = MinutesSecondsField(max_seconds=600)
    with pytest.raises(Exception) as error:
        field.clean(typed)
    assert message in " ".join(error.value.messages)


def _treadmill_errors(**overrides) -> dict:
    form = TreadmillTestForm(treadmill_post(**overrides))
    assert not form.is_valid()
    return {name: " ".join(errors) for name, errors in form.errors.items()}


def test_a_complete_treadmill_form_is_valid():
    form = TreadmillTestForm(treadmill_post())
    assert form.is_valid(), form.errors
    assert form.service_fields()["incline_onset_s"] is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"level_onset_s": "7:30"},
            "level_onset_s",
            "Symptoms cannot start after the walk ended",
        ),
        (
            {"level_total_s": "10:30"},
            "level_total_s",
            "cannot be more than 10 minutes (10:00)",
        ),
        ({"level_onset_s": "11:00"}, "level_onset_s", "cannot start after the 10-minute limit"),
        ({"level_recovery_s": "-2:00"}, "level_recovery_s", "Times cannot be negative."),
        ({"level_recovery_s": "61:00"}, "level_recovery_s", "more than an hour"),
        ({"level_pain_end": "11"}, "level_pain_end", "Pain is a whole number from 0"),
        ({"level_pain_start": "-1"}, "level_pain_start", "Pain is a whole number from 0"),
        ({"level_pain_start": "five"}, "level_pain_start", "Pain is a whole number from 0"),
        (
            {"level_onset_s": "", "level_stop_reason": "other"},
            "level_onset_s",
            "or tick 'No symptoms on this stage'",
        ),
        (
            {"incline_onset_s": "3:00"},
            "incline_no_symptoms",
            "untick 'No symptoms'",
        ),
        (
            {"incline_stop_reason": "symptoms", "incline_no_symptoms": None},
            "incline_onset_s",
            "or tick 'No symptoms on this stage'",
        ),
        (
            {"incline_recovery_s": "1:00"},
            "incline_recovery_s",
            "no symptoms on this stage, so there was nothing to recover",
        ),
        (
            {"level_stop_reason": "time_limit"},
            "level_total_s",
            "stopped at the time limit, so the walking time is 10:00",
        ),
        ({"level_speed": "0"}, "level_speed", "Enter a number from 0.1 to 20."),
        ({"incline_incline": "45"}, "incline_incline", "Enter a number from 0 to 40."),
        ({"incline_incline_unit": "radians"}, "incline_incline_unit", "not one of"),
        ({"level_stop_reason": ""}, "level_stop_reason", "Choose why the walk stopped."),
        ({"performed_on": "next tuesday"}, "performed_on", "Enter a date such as"),
    ],
)
def test_the_treadmill_form_rejects_impossible_values(overrides, field, message):
    errors = _treadmill_errors(**overrides)
    assert message in errors.get(field, ""), errors


def test_a_treadmill_correction_needs_a_reason():
    form = TreadmillCorrectionForm(treadmill_post())
    assert not form.is_valid()
    assert form.errors["correction_note"] == ["Say why the result is being corrected."]


def _cart(**overrides):
    data = {
        "performed_on": datetime.date.today().isoformat(),
        "support": "cart",
        "height_unit": "cm",
        "distance_unit": "m",
        "without_walk_s": "2:00",
        "with_walk_s": "7:00",
        "stoop_test": "not_done",
    }
    data.update(overrides)
    form = ShoppingCartTestForm(data)
    return form, {name: " ".join(errors) for name, errors in form.errors.items()}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"without_walk_s": "0:00"}, "without_walk_s", "must last more than 0 seconds"),
        ({"with_onset_s": "8:00"}, "with_onset_s", "Symptoms cannot start after the walk"),
        ({"with_walk_s": "31:00"}, "with_walk_s", "more than 30 minutes"),
        ({"without_pain_peak": "12"}, "without_pain_peak", "Pain is a whole number"),
        ({"patient_height": "400"}, "patient_height", "Enter a number from 1 to 300."),
        ({"patient_height": "30"}, "patient_height", "Enter a height from 100 to 230 cm."),
        (
            {"handle_height": "80", "height_unit": "in"},
            "handle_height",
            "Enter a height from 20 to 59 inches.",
        ),
        ({"without_distance": "-5"}, "without_distance", "Enter a number from 0"),
        ({"support": "wheelbarrow"}, "support", "not one of"),
    ],
)
def test_the_cart_form_rejects_impossible_values(overrides, field, message):
    form, errors = _cart(**overrides)
    assert not form.is_valid()
    assert message in errors.get(field, ""), errors


def test_a_complete_cart_form_is_valid():
    form, errors = _cart(patient_height="170", without_onset_s="1:00", with_pain_peak="2")
    assert form.is_valid(), errors


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"total_s": "30:01"}, "total_s", "cannot be more than 30:00"),
        ({"total_s": "0:00"}, "total_s", "must be more than 0 seconds"),
        ({"onset_s": "9:00"}, "onset_s", "Symptoms cannot start after the walk"),
        ({"distance": "0"}, "distance", "Enter a number from 0.01"),
        ({"stop_reason": "time_limit"}, "total_s", "so the walking time is 30:00"),
        ({"onset_s": "", "stop_reason": "symptoms"}, "onset_s", "enter when they first started"),
    ],
)
def test_the_self_paced_walk_form_rejects_impossible_values(overrides, field, message):
    data = {
        "performed_on": datetime.date.today().isoformat(),
        "distance": "400",
        "distance_unit": "m",
        "total_s": "8:00",
        "onset_s": "3:00",
        "stop_reason": "symptoms",
    }
    data.update(overrides)
    form = SelfPacedWalkTestForm(data)
    assert not form.is_valid()
    assert message in " ".join(form.errors.get(field, [])), form.errors


def _questionnaire(instrument: Instrument, data: dict) -> QuestionnaireForm:
    return QuestionnaireForm(data, definition=instrument.definition)


def test_a_questionnaire_answer_must_be_one_of_the_options():
    form = _questionnaire(bundled("nprs"), {"back": "3", "leg": "11"})
    assert not form.is_valid()
    assert form.errors["leg"] == ["Choose one of the answers shown."]


def test_every_required_question_must_be_answered():
    form = _questionnaire(bundled("nprs"), {"back": "3"})
    assert not form.is_valid()
    assert form.errors["leg"] == ["Please answer this question."]


def test_yes_no_questions_take_only_yes_or_no():
    sshq = bundled("sshq")
    data = {item["key"]: "false" for item in sshq.items}
    data["q3"] = "1"
    form = _questionnaire(sshq, data)
    assert not form.is_valid()
    assert form.errors["q3"] == ["Choose one of the answers shown."]


def test_the_form_turns_answers_back_into_values():
    sshq = bundled("sshq")
    data = {item["key"]: "false" for item in sshq.items}
    data["q10"] = "true"
    form = _questionnaire(sshq, data)
    assert form.is_valid(), form.errors
    assert form.answers["q10"] is True and form.answers["q1"] is False


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "activity_1__activity", "Name at least one activity and rate it."),
        ({"activity_1__rating": "4"}, "activity_1__activity", "Name the activity you rated."),
        (
            {"activity_1__activity": "Gardening"},
            "activity_1__activity",
            "Rate this activity from 0 to 10.",
        ),
        (
            {"activity_1__activity": "Gardening", "activity_1__rating": "12"},
            "activity_1__rating",
            "Choose one of the numbers shown.",
        ),
    ],
)
def test_psfs_activities_need_a_name_and_a_rating(data, field, message):
    form = _questionnaire(bundled("psfs"), data)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_odi_sections_may_be_left_blank_on_the_form(clinic):
    from assessments import services

    odi, _ = services.instrument_load(definition=synthetic_odi(), clinic=clinic)
    form = _questionnaire(odi, {f"s{n}": "2" for n in range(1, 10)})
    assert form.is_valid(), form.errors
    assert form.answers["s10"] is None
    assert [entry["layout"] for entry in form.items()][0] == "list"
    assert engine.score(odi.definition, form.answers)["index"] == 40.0


def test_an_assignment_needs_a_listed_questionnaire_and_schedule(clinic, therapist):
    instruments = Instrument.objects.filter(clinic__isnull=True)
    form = AssignmentForm({"instrument": "999999", "every_weeks": "3"}, instruments=instruments)
    assert not form.is_valid()
    assert form.errors["instrument"] == ["Choose one of the questionnaires listed."]
    assert form.errors["every_weeks"] == ["Choose one of the schedules listed."]

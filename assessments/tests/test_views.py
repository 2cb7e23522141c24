import datetime
import re
from xml.etree import ElementTree

import pytest
from django.urls import NoReverseMatch, reverse

from assessments import services
from assessments.models import (
    Administration,
    AssessmentSettings,
    QuestionnaireAssignment,
    SelfPacedWalkTest,
    ShoppingCartTest,
    TreadmillTest,
)
from assessments.registry import WALK_TESTS
from assessments.tests.factories import (
    AdministrationFactory,
    AssignmentFactory,
    SelfPacedWalkTestFactory,
    ShoppingCartTestFactory,
    TreadmillTestFactory,
    bundled,
    synthetic_odi,
)
from clinic.models import AuditEvent

SVG = "{http://www.w3.org/2000/svg}"


def treadmill_post(**overrides) -> dict:
    data = {
        "performed_on": datetime.date.today().isoformat(),
        "note": "",
    }
    stages = {
        "level": {
            "speed": "1.2",
            "speed_unit": "mph",
            "incline": "0",
            "incline_unit": "percent",
            "onset_s": "2:30",
            "total_s": "7:00",
            "stop_reason": "symptoms",
            "pain_start": "2",
            "pain_end": "6",
            "recovery_s": "5:00",
            "symptom_location": "left buttock to calf",
        },
        "incline": {
            "speed": "1.2",
            "speed_unit": "mph",
            "incline": "15",
            "incline_unit": "percent",
            "no_symptoms": "on",
            "total_s": "10:00",
            "stop_reason": "time_limit",
            "pain_start": "2",
            "pain_end": "2",
            "symptom_location": "",
        },
    }
    for stage, values in stages.items():
        data.update({f"{stage}_{name}": value for name, value in values.items()})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- Outsiders --------------------------------------------------------------

# Each view with the object it is about: another clinic's therapist and a patient who is not
# the one concerned both get a 404 (never a 403 that would confirm it exists).
STAFF_VIEWS = [
    ("assessments:patient-history", lambda w: [w.patient.pk]),
    ("assessments:patient-summary", lambda w: [w.patient.pk]),
    ("assessments:treadmill-create", lambda w: [w.patient.pk]),
    ("assessments:cart-create", lambda w: [w.patient.pk]),
    ("assessments:self-paced-walk-create", lambda w: [w.patient.pk]),
    ("assessments:assign", lambda w: [w.patient.pk]),
    ("assessments:administer", lambda w: [w.patient.pk, bundled("nprs").pk]),
    ("assessments:treadmill-detail", lambda w: [TreadmillTestFactory(patient=w.patient).pk]),
    ("assessments:treadmill-correct", lambda w: [TreadmillTestFactory(patient=w.patient).pk]),
    ("assessments:cart-detail", lambda w: [ShoppingCartTestFactory(patient=w.patient).pk]),
    ("assessments:cart-correct", lambda w: [ShoppingCartTestFactory(patient=w.patient).pk]),
    (
        "assessments:self-paced-walk-detail",
        lambda w: [SelfPacedWalkTestFactory(patient=w.patient).pk],
    ),
    (
        "assessments:self-paced-walk-correct",
        lambda w: [SelfPacedWalkTestFactory(patient=w.patient).pk],
    ),
    (
        "assessments:administration-detail",
        lambda w: [AdministrationFactory(patient=w.patient).pk],
    ),
    (
        "assessments:administration-correct",
        lambda w: [AdministrationFactory(patient=w.patient).pk],
    ),
]


@pytest.mark.parametrize(("name", "args"), STAFF_VIEWS, ids=[n for n, _ in STAFF_VIEWS])
@pytest.mark.parametrize("outsider", ["other_therapist", "patient"])
def test_outsiders_get_404_from_every_staff_view(world, client_for, name, args, outsider):
    user = world.other_therapist if outsider == "other_therapist" else world.patient.user
    response = client_for(user).get(reverse(name, args=args(world)))
    assert response.status_code == 404


def test_outsiders_cannot_stop_an_assignment(world, client_for):
    assignment = AssignmentFactory(patient=world.patient)
    for user in (world.other_therapist, world.patient.user):
        response = client_for(user).post(
            reverse("assessments:assignment-stop", args=[assignment.pk])
        )
        assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == "active"


PATIENT_VIEWS = [
    ("assessments:my-answer", lambda w: [AssignmentFactory(patient=w.patient).pk]),
    ("assessments:my-result", lambda w: [AdministrationFactory(patient=w.patient).pk]),
]


@pytest.mark.parametrize(("name", "args"), PATIENT_VIEWS, ids=[n for n, _ in PATIENT_VIEWS])
@pytest.mark.parametrize("outsider", ["other_therapist", "other_patient"])
def test_outsiders_get_404_from_a_patients_own_pages(world, client_for, name, args, outsider):
    user = getattr(world, outsider)
    user = getattr(user, "user", user)
    response = client_for(user).get(reverse(name, args=args(world)))
    assert response.status_code == 404


def test_another_clinics_licensed_questionnaire_is_404(world, client_for):
    odi, _ = services.instrument_load(definition=synthetic_odi(), clinic=world.other_clinic)
    url = reverse("assessments:administer", args=[world.patient.pk, odi.pk])
    assert client_for(world.therapist).get(url).status_code == 404


def test_bad_url_input_is_a_404_not_an_error(world, client_for):
    client = client_for(world.therapist)
    assert (
        client.get(f"/assessments/patients/{world.patient.pk}/charts/nope.svg").status_code == 404
    )
    assert client.get("/assessments/treadmill/99999999999999999999/").status_code == 404
    assert client.get("/assessments/patients/abc/").status_code == 404


# --- Treadmill --------------------------------------------------------------


def test_the_treadmill_form_starts_from_the_clinic_defaults(world, client_for):
    services.assessment_settings_update(
        clinic=world.clinic, by=world.admin, treadmill_speed="1.9", treadmill_speed_unit="kmh"
    )
    response = client_for(world.therapist).get(
        reverse("assessments:treadmill-create", args=[world.patient.pk])
    )
    form = response.context["form"]
    assert form["level_speed"].value() == form["incline_speed"].value()
    assert str(form["incline_speed"].value()) == "1.9"
    assert form["incline_speed_unit"].value() == "kmh"
    assert str(form["incline_incline"].value()) == "15.0"
    html = response.content.decode()
    assert "data-stopwatch" in html and "assessments-stopwatch.js" in html


def test_recording_a_treadmill_test_shows_the_interpretation(world, client_for):
    client = client_for(world.therapist)
    response = client.post(
        reverse("assessments:treadmill-create", args=[world.patient.pk]), treadmill_post()
    )
    test = TreadmillTest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:treadmill-detail", args=[test.pk])
    assert (test.level_onset_s, test.level_total_s, test.incline_onset_s) == (150, 420, None)
    html = client.get(response["Location"]).content.decode()
    assert "consistent with lumbar spinal stenosis" in html
    assert "Symptoms started earlier on level walking than on the incline." in html
    assert "diagnostic of" not in html


def test_an_impossible_treadmill_test_is_shown_again_with_errors(world, client_for):
    response = client_for(world.therapist).post(
        reverse("assessments:treadmill-create", args=[world.patient.pk]),
        treadmill_post(level_onset_s="8:00"),
    )
    assert response.status_code == 200
    assert "Symptoms cannot start after the walk ended" in response.content.decode()
    assert not TreadmillTest.objects.exists()


def test_a_detail_view_writes_an_audit_event(world, client_for):
    test = TreadmillTestFactory(patient=world.patient)
    client_for(world.admin).get(reverse("assessments:treadmill-detail", args=[test.pk]))
    event = AuditEvent.objects.get(action="view")
    assert (event.patient_id, event.object_id, event.actor) == (
        world.patient.pk,
        str(test.pk),
        world.admin,
    )


def test_correcting_a_treadmill_test_keeps_the_history(world, client_for):
    test = TreadmillTestFactory(patient=world.patient)
    client = client_for(world.therapist)
    url = reverse("assessments:treadmill-correct", args=[test.pk])
    page = client.get(url)
    assert page.context["form"]["level_total_s"].value() == "7:00"
    assert AuditEvent.objects.filter(action="view", object_id=str(test.pk)).exists()
    data = treadmill_post(correction_note="Level total typed wrongly", level_total_s="7:30")
    data["incline_onset_s"] = "6:40"
    data.pop("incline_no_symptoms")
    data["incline_recovery_s"] = "2:00"
    data["incline_symptom_location"] = "calf"
    response = client.post(url, data)
    assert response.status_code == 302
    corrected = TreadmillTest.objects.current().get()
    assert corrected.supersedes == test and corrected.level_total_s == 450
    old_page = client.get(reverse("assessments:treadmill-detail", args=[test.pk])).content.decode()
    assert "This version was corrected" in old_page
    assert "Level total typed wrongly" in old_page
    assert AuditEvent.objects.filter(action="update", object_id=str(corrected.pk)).exists()


def test_a_correction_without_a_reason_is_refused(world, client_for):
    test = TreadmillTestFactory(patient=world.patient)
    response = client_for(world.therapist).post(
        reverse("assessments:treadmill-correct", args=[test.pk]), treadmill_post()
    )
    assert response.status_code == 200
    assert "Say why the result is being corrected." in response.content.decode()
    assert TreadmillTest.objects.count() == 1


def test_opening_the_correction_of_an_old_version_leads_to_the_current_one(world, client_for):
    test = TreadmillTestFactory(patient=world.patient)
    newer = services.walk_test_correct(
        test=test, corrected_by=world.therapist, correction_note="x", level_pain_end=5
    )
    response = client_for(world.therapist).get(
        reverse("assessments:treadmill-correct", args=[test.pk])
    )
    assert response["Location"] == reverse("assessments:treadmill-correct", args=[newer.pk])


def test_admins_read_results_but_do_not_record_them(world, client_for):
    client = client_for(world.admin)
    assert (
        client.get(reverse("assessments:patient-history", args=[world.patient.pk])).status_code
        == 200
    )
    url = reverse("assessments:treadmill-create", args=[world.patient.pk])
    assert client.post(url, treadmill_post()).status_code == 404
    assert not TreadmillTest.objects.exists()


# --- Cart and self-paced walk -----------------------------------------------


def test_recording_a_cart_test_shows_the_improvement(world, client_for):
    client = client_for(world.therapist)
    response = client.post(
        reverse("assessments:cart-create", args=[world.patient.pk]),
        {
            "performed_on": datetime.date.today().isoformat(),
            "support": "cart",
            "patient_height": "158",
            "height_unit": "cm",
            "distance_unit": "m",
            "without_walk_s": "2:00",
            "without_onset_s": "1:10",
            "without_pain_peak": "6",
            "with_walk_s": "7:00",
            "with_pain_peak": "2",
            "stoop_test": "positive",
        },
    )
    test = ShoppingCartTest.objects.get()
    assert response["Location"] == reverse("assessments:cart-detail", args=[test.pk])
    html = client.get(response["Location"]).content.decode()
    assert "walked 250.0 % longer" in html
    assert "strongly consistent with neurogenic claudication" in html
    assert "shorter than 5 ft 4 in" in html


def test_recording_a_self_paced_walk(world, client_for):
    response = client_for(world.therapist).post(
        reverse("assessments:self-paced-walk-create", args=[world.patient.pk]),
        {
            "performed_on": datetime.date.today().isoformat(),
            "distance": "450",
            "distance_unit": "m",
            "total_s": "8:00",
            "onset_s": "3:20",
            "stop_reason": "symptoms",
        },
    )
    test = SelfPacedWalkTest.objects.get()
    assert response["Location"] == reverse("assessments:self-paced-walk-detail", args=[test.pk])
    assert (test.total_s, test.onset_s) == (480, 200)


# --- Questionnaires ---------------------------------------------------------


def test_a_therapist_gives_a_questionnaire_in_clinic(world, client_for):
    client = client_for(world.therapist)
    url = reverse("assessments:administer", args=[world.patient.pk, bundled("nprs").pk])
    page = client.get(url).content.decode()
    assert 'type="radio"' in page and 'type="range"' not in page
    response = client.post(
        url, {"performed_on": datetime.date.today().isoformat(), "back": "3", "leg": "7"}
    )
    administration = Administration.objects.get()
    assert administration.scores == {"back": 3, "leg": 7}
    html = client.get(response["Location"]).content.decode()
    assert "Leg pain: 7 out of 10" in html


def test_a_questionnaire_answer_that_is_not_an_option_is_refused(world, client_for):
    url = reverse("assessments:administer", args=[world.patient.pk, bundled("nprs").pk])
    response = client_for(world.therapist).post(
        url, {"performed_on": datetime.date.today().isoformat(), "back": "3", "leg": "11"}
    )
    assert response.status_code == 200
    assert "Choose one of the answers shown." in response.content.decode()
    assert not Administration.objects.exists()


def test_psfs_follow_ups_start_from_the_activities_named_before(world, client_for):
    psfs = bundled("psfs")
    AdministrationFactory(
        patient=world.patient,
        instrument=psfs,
        answers={"activity_1": {"activity": "Walking the dog", "rating": 3}},
        scores={"mean": 3.0, "count": 1},
    )
    url = reverse("assessments:administer", args=[world.patient.pk, psfs.pk])
    assert "Walking the dog" in client_for(world.therapist).get(url).content.decode()


def test_correcting_answers_keeps_the_earlier_ones(world, client_for):
    administration = AdministrationFactory(patient=world.patient)
    client = client_for(world.therapist)
    url = reverse("assessments:administration-correct", args=[administration.pk])
    assert client.get(url).context["form"]["leg"].value() == "6"
    response = client.post(
        url,
        {
            "performed_on": administration.performed_on.isoformat(),
            "back": "4",
            "leg": "5",
            "correction-correction_note": "Patient meant 5",
        },
    )
    assert response.status_code == 302
    current = Administration.objects.current().get()
    assert current.scores == {"back": 4, "leg": 5} and current.supersedes == administration


def test_a_therapist_assigns_a_questionnaire_and_the_patient_answers_it(world, client_for):
    therapist = client_for(world.therapist)
    response = therapist.post(
        reverse("assessments:assign", args=[world.patient.pk]),
        {"instrument": bundled("nprs").pk, "every_weeks": "2"},
    )
    assert response.status_code == 302
    assignment = QuestionnaireAssignment.objects.get()

    patient = client_for(world.patient.user)
    today = patient.get(reverse("dashboard:today")).content.decode()
    answer_url = reverse("assessments:my-answer", args=[assignment.pk])
    assert answer_url in today
    response = patient.post(answer_url, {"back": "2", "leg": "4"})
    administration = Administration.objects.get()
    assert response["Location"] == reverse("assessments:my-result", args=[administration.pk])
    assert administration.source == "patient" and administration.assignment == assignment
    result = patient.get(response["Location"]).content.decode()
    assert "Leg pain: 4 out of 10" in result
    assignment.refresh_from_db()
    assert assignment.next_due > datetime.date.today()
    assert answer_url not in patient.get(reverse("dashboard:today")).content.decode()


def test_answering_a_finished_assignment_again_changes_nothing(world, client_for):
    assignment = AssignmentFactory(patient=world.patient, status="done")
    response = client_for(world.patient.user).post(
        reverse("assessments:my-answer", args=[assignment.pk]), {"back": "2", "leg": "4"}
    )
    assert response["Location"] == reverse("assessments:my-history")
    assert not Administration.objects.exists()


def test_the_patient_answer_page_uses_big_buttons_not_sliders(world, client_for):
    assignment = AssignmentFactory(patient=world.patient)
    html = (
        client_for(world.patient.user)
        .get(reverse("assessments:my-answer", args=[assignment.pk]))
        .content.decode()
    )
    assert html.count('class="btn-check"') == 22  # 0-10 for back and for leg
    assert 'type="range"' not in html
    assert "answers-scale" in html


def test_a_patient_stops_being_asked(world, client_for):
    assignment = AssignmentFactory(patient=world.patient)
    response = client_for(world.therapist).post(
        reverse("assessments:assignment-stop", args=[assignment.pk])
    )
    assert response["Location"] == reverse("assessments:patient-history", args=[world.patient.pk])
    assignment.refresh_from_db()
    assert assignment.status == "stopped"


def test_the_patients_own_quiz_is_stored_with_red_flag_guidance(world, client_for):
    client = client_for(world.patient.user)
    answers = {f"q{n}": "false" for n in range(1, 11)}
    answers["q10"] = "true"
    answers.update(
        {f"red_flag_{s}": "false" for s in ("saddle", "bladder", "bowel", "weakness", "both_legs")}
    )
    response = client.post(reverse("assessments:my-quiz"), answers)
    administration = Administration.objects.get()
    assert administration.instrument.code == "sshq" and administration.source == "patient"
    html = client.get(response["Location"]).content.decode()
    assert "Go to an emergency department now (do not drive yourself)" in html
    assert "Talk to your clinician" in html


# --- History, charts, summary -----------------------------------------------


def test_the_history_page_shows_results_charts_and_tables(world, client_for):
    TreadmillTestFactory(patient=world.patient)
    for weeks_ago, leg in ((8, 7), (4, 5), (0, 3)):
        AdministrationFactory(
            patient=world.patient,
            performed_on=datetime.date.today() - datetime.timedelta(weeks=weeks_ago),
            answers={"back": 4, "leg": leg},
            scores={"back": 4, "leg": leg},
        )
    response = client_for(world.therapist).get(
        reverse("assessments:patient-history", args=[world.patient.pk])
    )
    html = response.content.decode()
    leg = next(c for c in page_charts(html) if c.find(f"{SVG}title").text == "Leg pain")
    assert leg.get("role") == "img"
    assert leg.get("aria-describedby") == leg.find(f"{SVG}desc").get("id")
    assert leg.find(f"{SVG}desc").text.startswith("Leg pain (pain, 0 to 10): 7 on")
    assert "The dotted line marks a meaningful improvement" in html
    assert "<script>" not in html
    # One request, one read on the trail: the charts are drawn from the same history.
    event = AuditEvent.objects.get(action="view")
    assert event.patient_id == world.patient.pk and event.object_type == "assessments.history"


def page_charts(html: str) -> list[ElementTree.Element]:
    """The SVG charts drawn into a page, parsed (they are well-formed XML)."""
    return [ElementTree.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", html, re.S)]


def _history_with(patient, count):
    for n in range(count):
        on = datetime.date.today() - datetime.timedelta(days=n)
        TreadmillTestFactory(patient=patient, performed_on=on)
        ShoppingCartTestFactory(patient=patient, performed_on=on)
        SelfPacedWalkTestFactory(patient=patient, performed_on=on)
        AdministrationFactory(patient=patient, performed_on=on)
        AdministrationFactory(
            patient=patient,
            performed_on=on,
            instrument=bundled("psfs"),
            answers={"activity_1": {"activity": "Walking", "rating": 4}},
            scores={"mean": 4.0, "count": 1},
        )
    AssignmentFactory(patient=patient)


@pytest.mark.parametrize("results", [1, 25])
def test_the_history_page_uses_a_fixed_number_of_queries(
    world, client_for, django_assert_num_queries, results
):
    _history_with(world.patient, results)
    client = client_for(world.therapist)
    url = reverse("assessments:patient-history", args=[world.patient.pk])
    client.get(url)  # the first request starts the session clock
    # session, user, MFA check, patient (+therapist, login, clinic), administrations,
    # treadmill tests, cart tests, walk tests, audit insert, assignments, instruments,
    # clinic (header)
    with django_assert_num_queries(12):
        client.get(url)


@pytest.mark.parametrize("results", [1, 25])
def test_the_patients_own_history_uses_a_fixed_number_of_queries(
    world, client_for, django_assert_num_queries, results
):
    _history_with(world.patient, results)
    client = client_for(world.patient.user)
    url = reverse("assessments:my-history")
    client.get(url)
    # session, user, own patient, administrations, clinic, audit insert, assignments,
    # clinic (header)
    with django_assert_num_queries(8):
        client.get(url)


def test_the_charts_in_the_page_carry_no_script_style_or_link(world, client_for):
    # The page's policy (style-src 'self') would block them: the look is static/css/charts.css.
    AdministrationFactory(patient=world.patient)
    response = client_for(world.therapist).get(
        reverse("assessments:patient-history", args=[world.patient.pk])
    )
    svgs = re.findall(r"<svg\b.*?</svg>", response.content.decode(), re.S)
    assert svgs
    for svg in svgs:
        assert "<style" not in svg and "style=" not in svg and "<script" not in svg
        assert "href=" not in svg and "<!--" not in svg
    assert "/static/css/charts.css" in response.content.decode()


def test_a_patient_sees_own_questionnaire_charts_but_not_clinic_test_charts(world, client_for):
    AdministrationFactory(patient=world.patient)
    TreadmillTestFactory(patient=world.patient)
    html = client_for(world.patient.user).get(reverse("assessments:my-history")).content.decode()
    titles = [chart.find(f"{SVG}title").text for chart in page_charts(html)]
    assert "Leg pain" in titles
    assert "Level treadmill walking before first symptoms" not in titles
    assert AuditEvent.objects.filter(action="view", patient_id=world.patient.pk).count() == 1


def test_the_patient_page_loads_an_audited_summary(world, client_for):
    TreadmillTestFactory(patient=world.patient)
    client = client_for(world.therapist)
    page = client.get(reverse("patients:detail", args=[world.patient.pk])).content.decode()
    summary_url = reverse("assessments:patient-summary", args=[world.patient.pk])
    assert f'hx-get="{summary_url}"' in page
    summary = client.get(summary_url, headers={"HX-Request": "true"}).content.decode()
    assert "consistent with stenosis" in summary
    assert AuditEvent.objects.filter(
        action="view", object_type="assessments.summary", patient_id=world.patient.pk
    ).exists()


def test_an_admin_changes_the_treadmill_defaults(world, client_for):
    client = client_for(world.admin)
    response = client.post(
        reverse("assessments:settings"),
        {
            "treadmill_speed": "2.0",
            "treadmill_speed_unit": "kmh",
            "treadmill_incline": "8.5",
            "treadmill_incline_unit": "degrees",
            "odi_max_missing": "1",
            "zcq_max_missing": "1",
            "cart_strong_pct": "75",
            "cart_min_height_in": "64",
            "walker_min_height_in": "62",
            "booking_text": "Book online at example.org/book.",
        },
    )
    assert response.status_code == 302
    world.clinic.assessment_settings.refresh_from_db()
    assert world.clinic.assessment_settings.treadmill_incline_unit == "degrees"


def test_settings_reject_an_impossible_speed(world, client_for):
    response = client_for(world.admin).post(
        reverse("assessments:settings"),
        {
            "treadmill_speed": "-1",
            "treadmill_speed_unit": "mph",
            "treadmill_incline": "15",
            "treadmill_incline_unit": "percent",
            "odi_max_missing": "1",
            "zcq_max_missing": "1",
        },
    )
    assert response.status_code == 200
    assert "Enter a number from 0.1 to 20." in response.content.decode()


def test_a_red_flag_in_the_patients_own_quiz_alerts_the_clinic(world, client_for):
    from patients.models import RedFlagReport

    client = client_for(world.patient.user)
    answers = {f"q{n}": "false" for n in range(1, 11)}
    answers.update(
        {f"red_flag_{s}": "false" for s in ("saddle", "bladder", "bowel", "weakness", "both_legs")}
    )
    answers["red_flag_saddle"] = "true"
    response = client.post(reverse("assessments:my-quiz"), answers)
    html = client.get(response["Location"]).content.decode()
    urgent = '<h2 id="red-flag-heading" class="h3">Go to an emergency department now'
    assert urgent in html and html.index(urgent) < html.index("Your stenosis quiz result")
    report = RedFlagReport.objects.get()
    assert report.signs == ["saddle"] and report.status == "open"


# --- Clinical rules on the pages (docs/clinical-rules.md §2 to §4) ---------------------


def test_defect_a_level_stage_stopped_for_another_reason_reads_inconclusive(world, client_for):
    client = client_for(world.therapist)
    data = treadmill_post(
        level_onset_s=None,
        level_no_symptoms="on",
        level_total_s="3:20",
        level_stop_reason="other",
        level_recovery_s=None,
        note="Phone call at 3:20",
    )
    response = client.post(reverse("assessments:treadmill-create", args=[world.patient.pk]), data)
    test = TreadmillTest.objects.get()
    assert test.level_stop_reason == "other" and test.level_total_s == 200
    html = client.get(response["Location"]).content.decode()
    assert "consistent with lumbar spinal stenosis" not in html
    assert "Inconclusive: repeat the test" in html
    assert "the level stage stopped for another reason" in html
    history = client.get(
        reverse("assessments:patient-history", args=[world.patient.pk])
    ).content.decode()
    assert "Inconclusive: repeat the test" in history
    summary = client.get(
        reverse("assessments:patient-summary", args=[world.patient.pk])
    ).content.decode()
    assert "inconclusive: repeat the test" in summary
    assert "consistent with stenosis" not in summary


def test_a_mixed_treadmill_result_shows_both_directions(world, client_for):
    test = TreadmillTestFactory(
        patient=world.patient,
        level_onset_s=300,
        level_total_s=600,
        level_stop_reason="time_limit",
        level_recovery_s=120,
        incline_onset_s=120,
        incline_total_s=400,
        incline_stop_reason="symptoms",
        incline_recovery_s=60,
    )
    html = (
        client_for(world.therapist)
        .get(reverse("assessments:treadmill-detail", args=[test.pk]))
        .content.decode()
    )
    assert "Mixed: recovery points towards stenosis, the incline points away" in html
    assert "Positive:" not in html
    assert "Against: symptoms started earlier on the incline" in html
    assert "Against: total walking time was shorter on the incline" in html
    assert "Criteria met:\n" in html or "Criteria met:" in html
    assert "diagnostic of" not in html


def test_the_treadmill_page_shows_which_criteria_were_met(world, client_for):
    test = TreadmillTestFactory(patient=world.patient)  # a and b and c
    html = (
        client_for(world.therapist)
        .get(reverse("assessments:treadmill-detail", args=[test.pk]))
        .content.decode()
    )
    assert "Positive: consistent with lumbar spinal stenosis" in html
    assert "Criteria met: a, b, c" in " ".join(html.split())


def _cart_page(client, test) -> str:
    html = client.get(reverse("assessments:cart-detail", args=[test.pk])).content.decode()
    return " ".join(html.split())


def test_defect_same_time_with_2_points_less_pain_shows_relief(world, client_for):
    test = ShoppingCartTestFactory(
        patient=world.patient,
        without_walk_s=300,
        without_onset_s=None,
        without_pain_peak=6,
        with_walk_s=290,
        with_onset_s=None,
        with_pain_peak=4,
    )
    html = _cart_page(client_for(world.therapist), test)
    assert "Relief with support: about the same walking time (-3.3 %), worst pain 2 points" in html
    assert "No relief with support" not in html


def test_defect_a_walker_test_uses_the_walkers_height_cut_off(world, client_for):
    client = client_for(world.therapist)
    walker = ShoppingCartTestFactory(
        patient=world.patient, support="walker", patient_height=160, height_unit="cm"
    )
    cart = ShoppingCartTestFactory(
        patient=world.patient, support="cart", patient_height=160, height_unit="cm"
    )
    walker_html = _cart_page(client, walker)
    assert "the patient is shorter than" not in walker_html
    assert "height cut-off for a wheeled walker 5 ft 2 in (157.5 cm)" in walker_html
    cart_html = _cart_page(client, cart)
    assert "the patient is shorter than 5 ft 4 in (162.6 cm)" in cart_html


def test_the_cart_result_is_read_with_the_clinics_settings_and_shows_them(world, client_for):
    test = ShoppingCartTestFactory(
        patient=world.patient,
        without_walk_s=100,
        without_onset_s=60,
        with_walk_s=180,
        with_onset_s=None,
    )
    client = client_for(world.therapist)
    before = _cart_page(client, test)
    assert "More than 75 % improvement: strongly consistent" in before
    assert "strong above 75 %" in before
    services.assessment_settings_update(
        clinic=world.clinic,
        by=world.admin,
        cart_strong_pct=100,
        cart_min_height_in=66,
        walker_min_height_in=60,
    )
    after = _cart_page(client, test)
    assert "strongly consistent" not in after
    assert "Some improvement, but not more than 100 %" in after
    assert "strong above 100 %" in after and "5 ft 6 in (167.6 cm)" in after


def test_an_admin_changes_the_cart_settings(world, client_for):
    data = {
        "treadmill_speed": "1.2",
        "treadmill_speed_unit": "mph",
        "treadmill_incline": "15",
        "treadmill_incline_unit": "percent",
        "odi_max_missing": "1",
        "zcq_max_missing": "1",
        "cart_strong_pct": "80",
        "cart_min_height_in": "65",
        "walker_min_height_in": "61",
    }
    client = client_for(world.admin)
    page = client.get(reverse("assessments:settings")).content.decode()
    assert 'name="cart_strong_pct"' in page and 'value="75"' in page
    assert client.post(reverse("assessments:settings"), data).status_code == 302
    saved = world.clinic.assessment_settings
    saved.refresh_from_db()
    assert (saved.cart_strong_pct, saved.cart_min_height_in, saved.walker_min_height_in) == (
        80,
        65,
        61,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cart_strong_pct", "49", "Enter a whole number from 50 to 200."),
        ("cart_strong_pct", "201", "Enter a whole number from 50 to 200."),
        ("cart_strong_pct", "", "Enter a whole number from 50 to 200."),
        ("cart_min_height_in", "47", "Enter a whole number from 48 to 78."),
        ("walker_min_height_in", "79", "Enter a whole number from 48 to 78."),
        ("walker_min_height_in", "five foot", "Enter a whole number from 48 to 78."),
    ],
)
def test_cart_settings_out_of_bounds_are_refused(world, client_for, field, value, message):
    data = {
        "treadmill_speed": "1.2",
        "treadmill_speed_unit": "mph",
        "treadmill_incline": "15",
        "treadmill_incline_unit": "percent",
        "odi_max_missing": "1",
        "zcq_max_missing": "1",
        "cart_strong_pct": "75",
        "cart_min_height_in": "64",
        "walker_min_height_in": "62",
        field: value,
    }
    response = client_for(world.admin).post(reverse("assessments:settings"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AssessmentSettings.objects.exists()


FAIRBANK_NAMES = ("crippled", "bed-bound", "exaggerat")


def _odi_result(patient, clinic, index):
    odi, _ = services.instrument_load(definition=synthetic_odi(), clinic=clinic)
    total = round(index / 2)  # all 10 sections answered: index = sum x 2
    answers = {f"s{n}": min(5, max(0, total - 5 * (n - 1))) for n in range(1, 11)}
    return services.administration_create(
        patient=patient, instrument=odi, given_by=patient.user, answers=answers
    )


@pytest.mark.parametrize(("index", "plain"), [(62.0, "very severe"), (90.0, "extreme")])
def test_defect_patients_never_see_the_fairbank_odi_band_names(world, client_for, index, plain):
    administration = _odi_result(world.patient, world.clinic, index)
    assert administration.scores["index"] == index
    client = client_for(world.patient.user)
    pages = {
        "result": client.get(reverse("assessments:my-result", args=[administration.pk])),
        "history": client.get(reverse("assessments:my-history")),
        "today": client.get(reverse("dashboard:today")),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = response.content.decode().lower()
        assert not [n for n in FAIRBANK_NAMES if n in text], name
    assert f"({plain})" in pages["result"].content.decode()
    assert f"{index} % ({plain})" in " ".join(pages["history"].content.decode().split())


def test_clinicians_still_read_the_fairbank_band(world, client_for):
    administration = _odi_result(world.patient, world.clinic, 62.0)
    client = client_for(world.therapist)
    detail = client.get(reverse("assessments:administration-detail", args=[administration.pk]))
    assert "62.0 % (crippled, Fairbank band)" in detail.content.decode()
    history = client.get(reverse("assessments:patient-history", args=[world.patient.pk]))
    assert "62.0 % (crippled)" in " ".join(history.content.decode().split())


def test_the_odi_chart_marks_10_points_or_30pct_of_the_baseline(world, client_for):
    first = _odi_result(world.patient, world.clinic, 20.0)
    first.performed_on = datetime.date.today() - datetime.timedelta(weeks=4)
    Administration.objects.filter(pk=first.pk).update(performed_on=first.performed_on)
    _odi_result(world.patient, world.clinic, 14.0)
    html = (
        client_for(world.therapist)
        .get(reverse("assessments:patient-history", args=[world.patient.pk]))
        .content.decode()
    )
    assert "or of 30 % of the first score if that is less" in html
    assert "Disability (ODI) (index %): 20.0 on" in html
    assert "14.0 on" in html and "; a meaningful improvement." in html


# --- The renamed self-paced walking test -------------------------------------------


def test_the_self_paced_walk_lives_at_an_unambiguous_address(world, client_for):
    test = SelfPacedWalkTestFactory(patient=world.patient)
    assert reverse("assessments:self-paced-walk-detail", args=[test.pk]) == (
        f"/assessments/self-paced-walk/{test.pk}/"
    )
    assert reverse("assessments:self-paced-walk-create", args=[world.patient.pk]) == (
        f"/assessments/patients/{world.patient.pk}/self-paced-walk/new/"
    )
    client = client_for(world.therapist)
    assert client.get(f"/assessments/walk/{test.pk}/").status_code == 404
    page = client.get(reverse("assessments:self-paced-walk-correct", args=[test.pk]))
    assert page.status_code == 200 and page.context["form"]["total_s"].value() == "8:00"
    with pytest.raises(NoReverseMatch):
        reverse("assessments:walk-detail", args=[test.pk])


def test_every_kind_is_offered_on_the_history_and_patient_pages(world, client_for):
    client = client_for(world.therapist)
    history = client.get(
        reverse("assessments:patient-history", args=[world.patient.pk])
    ).content.decode()
    patient_page = client.get(reverse("patients:detail", args=[world.patient.pk])).content.decode()
    for kind in WALK_TESTS:
        url = reverse(kind.create_url_name, args=[world.patient.pk])
        assert f'href="{url}"' in history
        assert f'href="{url}"' in patient_page


def test_the_history_page_has_a_section_per_kind_with_results(world, client_for):
    TreadmillTestFactory(patient=world.patient)
    SelfPacedWalkTestFactory(patient=world.patient)
    html = (
        client_for(world.therapist)
        .get(reverse("assessments:patient-history", args=[world.patient.pk]))
        .content.decode()
    )
    assert "Two-Stage Treadmill Tests" in html and "Self-Paced Walking Tests" in html
    assert "Shopping Cart Tests" not in html

"""The patient's side: Today with the plan, the Done buttons, the whole plan week by week."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from clinic.models import AuditEvent
from patients.dates import patient_today
from patients.models import Patient
from patients.tests.factories import WalkLogFactory
from programs import services
from programs.doses import ExerciseDose
from programs.models import Exercise, ExerciseCompletion
from programs.selectors import today_for_patient
from programs.tests.factories import assign_plan, bundled_template, suggestion_for, template_doses

pytestmark = pytest.mark.django_db


def test_today_without_a_plan_says_so(patient, client_for):
    html = client_for(patient.user).get(reverse("dashboard:today")).content.decode()

    assert "No plan is assigned yet" in html
    assert "Tess Therapist" in html


def test_today_shows_the_walk_the_nudge_rule_and_the_exercises(patient, client_for):
    plan = assign_plan(patient)
    WalkLogFactory(patient=patient, date=patient_today(patient))

    html = client_for(patient.user).get(reverse("dashboard:today")).content.decode()

    assert "3 walks of 6 minutes, rest bent forward between them" in html
    assert "Week 1 of 8" in html and "Foundation" in html
    assert "walk until your pain rises about 2 points above where it started" in html
    assert "rest bent forward" in html
    assert "some tingling while you walk is expected. It is not harm." in html
    assert "Before and after each walk: nerve glides" in html
    assert "Nerve glide: slider (seated)" in html
    assert "10 times, before and after" in html
    assert "Standing L stretch" in html
    assert "Curl-up" not in html  # from week 3
    assert "1 of 5</strong> walking days logged" in html
    assert (
        f'action="{reverse("programs:exercise-done", args=[plan.exercises.first().exercise_id])}"'
        in html
    )
    assert "See your whole plan" in html
    assert "No plan is assigned yet" not in html


def test_today_links_to_the_walk_log_when_that_page_exists(patient, client_for):
    assign_plan(patient)
    html = client_for(patient.user).get(reverse("dashboard:today")).content.decode()

    assert f'href="{reverse("patients:walklog-create")}"' in html


def test_today_shows_each_exercises_steps_and_drawing(patient, client_for):
    assign_plan(patient)
    html = client_for(patient.user).get(reverse("dashboard:today")).content.decode()

    assert "<details>" in html
    assert "Walk your feet back until your arms are straight." in html
    assert "programs/exercises/standing-l-stretch.svg" in html
    assert "Stop if" in html


def test_today_with_a_paused_plan_asks_the_patient_not_to_progress(patient, therapist, client_for):
    plan = assign_plan(patient)
    services.plan_pause(plan=plan, by=therapist, reason="Red flag")

    html = client_for(patient.user).get(reverse("dashboard:today")).content.decode()

    assert "Your plan is paused." in html
    assert "go to an emergency department now" in html
    assert "Done<span" not in html


def test_today_before_the_start_date_shows_what_is_coming(patient, client_for):
    assign_plan(patient, start=patient_today(patient) + timedelta(days=3))

    html = client_for(patient.user).get(reverse("dashboard:today")).content.decode()

    assert "Your plan starts on" in html


def test_today_after_the_programme_keeps_the_last_week(patient, client_for):
    assign_plan(patient, start=patient_today(patient) - timedelta(days=13), template=None)
    plan = patient.plans.get()
    plan.start_date = patient_today(patient) - timedelta(weeks=9)
    plan.save()

    html = client_for(patient.user).get(reverse("dashboard:today")).content.decode()

    assert "Week 10: you have finished the 8-week programme" in html
    assert "Walk your real route" in html  # week 8's routine carries on


@pytest.mark.parametrize("extra", [0, 10])
def test_todays_plan_uses_a_fixed_number_of_queries(
    patient, therapist, client_for, django_assert_num_queries, extra
):
    template = bundled_template()
    doses = template_doses(template)
    for n in range(extra):
        exercise = Exercise.objects.create(
            clinic=patient.clinic,
            slug=f"own-{n}",
            name=f"Own {n}",
            category="core",
            summary="x",
            steps="a",
            precautions="b",
            default_reps=5,
        )
        doses.append(ExerciseDose(exercise=exercise, reps=5))
    plan = services.plan_assign(
        patient=patient,
        by=therapist,
        template=template,
        start_date=patient_today(patient),
        sessions_per_week=5,
        bouts_per_session=3,
        bout_minutes=Decimal("6"),
        baseline_minutes=Decimal("6"),
        exercises=doses,
    )
    for item in plan.exercises.all()[:3]:
        services.exercise_done_set(plan=plan, exercise=item.exercise, by=patient.user, done=True)
    patient = Patient.objects.get(pk=patient.pk)  # as the Today view loads it: no clinic yet
    # Today shows other apps' sections too, so the plan part is pinned at its selector:
    # clinic (time zone), plan + its exercises, walks this week, ticks this week.
    with django_assert_num_queries(5):
        today = today_for_patient(patient)
    assert sum(entry.done_today for group in today.groups.values() for entry in group) == 3
    html = client_for(patient.user).get(reverse("dashboard:today")).content.decode()
    assert html.count("Done today:") == 3


def test_done_by_htmx_stores_the_tick_and_returns_the_button(patient, client_for):
    plan = assign_plan(patient)
    exercise = plan.exercises.get(exercise__slug="standing-l-stretch").exercise
    client = client_for(patient.user)
    url = reverse("programs:exercise-done", args=[exercise.pk])

    response = client.post(url, {"done": "1"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Done today: Standing L stretch" in html and "Undo" in html
    assert "<html" not in html
    completion = ExerciseCompletion.objects.get()
    assert (completion.patient, completion.date) == (patient, patient_today(patient))
    assert AuditEvent.objects.filter(
        action="create", object_type="programs.exercisecompletion", patient_id=patient.pk
    ).exists()

    client.post(url, {"done": "1"}, headers={"HX-Request": "true"})
    assert ExerciseCompletion.objects.count() == 1

    undo = client.post(url, {"done": "0"}, headers={"HX-Request": "true"})
    assert 'name="done" value="1"' in undo.content.decode()
    assert not ExerciseCompletion.objects.exists()


def test_done_without_javascript_goes_back_to_today(patient, client_for):
    plan = assign_plan(patient)
    exercise = plan.exercises.first().exercise

    response = client_for(patient.user).post(
        reverse("programs:exercise-done", args=[exercise.pk]), {"done": "1"}
    )

    assert response.status_code == 302 and response["Location"] == reverse("dashboard:today")
    assert ExerciseCompletion.objects.count() == 1


def test_done_for_an_exercise_not_in_this_weeks_plan_is_a_404(patient, client_for):
    plan = assign_plan(patient)
    curl_up = plan.exercises.get(exercise__slug="curl-up").exercise  # from week 3

    response = client_for(patient.user).post(reverse("programs:exercise-done", args=[curl_up.pk]))

    assert response.status_code == 404
    assert not ExerciseCompletion.objects.exists()


def test_another_patient_cannot_tick_this_patients_exercise(patient, other_patient, client_for):
    plan = assign_plan(patient)
    exercise = plan.exercises.first().exercise

    response = client_for(other_patient.user).post(
        reverse("programs:exercise-done", args=[exercise.pk])
    )

    assert response.status_code == 404
    assert not ExerciseCompletion.objects.exists()


def test_done_on_a_paused_plan_is_a_404(patient, therapist, client_for):
    plan = assign_plan(patient)
    services.plan_pause(plan=plan, by=therapist, reason="Holiday")

    response = client_for(patient.user).post(
        reverse("programs:exercise-done", args=[plan.exercises.first().exercise_id])
    )

    assert response.status_code == 404


def test_my_plan_shows_every_week_and_what_changed(patient, therapist, client_for):
    plan = assign_plan(patient, weeks_ago=3)
    services.progression_approve(suggestion=suggestion_for(plan, week=3), by=therapist)

    response = client_for(patient.user).get(reverse("programs:my-plan"))

    html = response.content.decode()
    for week in range(1, 9):
        assert f'id="week-{week}"' in html
    assert "(this week)" in html
    assert (
        "Walks: 3 walks of 6 minutes, rest bent forward between them -&gt; "
        "3 walks of 7 minutes, rest bent forward between them" in html
    )
    assert "Plan started:" in html
    assert "Progress approved" not in html  # staff wording stays on staff pages
    assert AuditEvent.objects.filter(
        action="view", object_type="programs.plan", patient_id=patient.pk
    ).exists()


def test_my_plan_without_a_plan(patient, client_for):
    response = client_for(patient.user).get(reverse("programs:my-plan"))

    assert "No plan is assigned yet" in response.content.decode()


@pytest.mark.parametrize("weeks_ago", [0, 7])
def test_my_plan_uses_a_fixed_number_of_queries(
    patient, therapist, client_for, django_assert_num_queries, weeks_ago
):
    plan = assign_plan(patient, weeks_ago=weeks_ago)
    for week in range(1, weeks_ago + 1):
        plan.refresh_from_db()
        suggestion = suggestion_for(plan, week=week, minutes=str(6 + week))
        services.progression_approve(suggestion=suggestion, by=therapist)
        WalkLogFactory(patient=patient, date=plan.start_date + timedelta(weeks=week - 1))
    client = client_for(patient.user)
    client.get(reverse("programs:my-plan"))  # the first request starts the session clock
    # session, user, clinic (header), plan with patient and clinic, audit, versions,
    # suggestions, walks, exercises, the current handout
    with django_assert_num_queries(10):
        client.get(reverse("programs:my-plan"))

"""The walk timer follows today's prescription (docs/clinical-rules.md §1, §7): the page carries
the plan's walks and minutes for static/js/walk-timer.js, and says them in the plan's words.
Without a plan walking today the timer is the open-ended walk it always was."""

from datetime import timedelta

import pytest
from django.urls import reverse

from patients.dates import patient_today
from patients.prescription import prescription_for_patient
from programs import services as plan_services
from programs.tests.factories import assign_plan

pytestmark = pytest.mark.django_db

TIMER = reverse("patients:walk-timer")


def timer_page(client_for, patient) -> str:
    response = client_for(patient.user).get(TIMER)
    assert response.status_code == 200
    return response.content.decode()


def test_it_carries_a_3_x_7_plan_to_the_timer(patient, client_for):
    assign_plan(patient, bouts=3, minutes="7")
    html = timer_page(client_for, patient)
    assert 'data-plan-walks="3"' in html
    assert 'data-plan-walk-seconds="420"' in html
    assert "Today's plan: 3 walks of 7 minutes, rest bent forward between them." in html
    assert "counts each walk down from 7 minutes" in html
    # The bundled template's before-and-after-walk exercise: the glides reminder names it.
    assert "Now your nerve glides" in html
    assert "Nerve glide: slider (seated)" in html
    assert 'data-action="pain-rose"' in html and "My pain rose to +2" in html


def test_it_counts_half_minutes_in_seconds(patient, client_for):
    assign_plan(patient, bouts=2, minutes="6.5")
    html = timer_page(client_for, patient)
    assert 'data-plan-walks="2"' in html and 'data-plan-walk-seconds="390"' in html
    assert "2 walks of 6.5 minutes" in html


def test_the_pain_rose_button_says_the_patients_own_target(patient, therapist, client_for):
    plan = assign_plan(patient, by=therapist, minutes="7")
    plan_services.plan_rules_set(
        plan=plan, by=therapist, overrides={"pain_rise_target": 1}, reason="Flares easily"
    )
    html = timer_page(client_for, patient)
    assert "My pain rose to +1" in html and 'data-rise-target="1"' in html


def test_without_a_plan_the_walk_is_open_ended(patient, client_for):
    html = timer_page(client_for, patient)
    assert "data-plan-walks" not in html and "Today's plan" not in html
    assert "If your plan has nerve glides, do them now." in html
    assert prescription_for_patient(patient) is None


def test_a_paused_plan_is_not_walked_to(patient, therapist, client_for):
    plan = assign_plan(patient, by=therapist)
    plan_services.plan_pause(plan=plan, by=therapist, reason="Holiday")
    html = timer_page(client_for, patient)
    assert "data-plan-walks" not in html
    assert prescription_for_patient(patient) is None


def test_a_plan_that_starts_later_is_not_today_s(patient, client_for):
    assign_plan(patient, start=patient_today(patient) + timedelta(days=3))
    assert "data-plan-walks" not in timer_page(client_for, patient)


def test_each_patient_gets_their_own_plan(patient, other_patient, client_for):
    assign_plan(patient, bouts=3, minutes="7")
    assign_plan(other_patient, bouts=2, minutes="5")
    assert 'data-plan-walk-seconds="420"' in timer_page(client_for, patient)
    theirs = timer_page(client_for, other_patient)
    assert 'data-plan-walks="2"' in theirs and 'data-plan-walk-seconds="300"' in theirs


def test_the_prescription_costs_two_queries(patient, django_assert_num_queries):
    assign_plan(patient, bouts=3, minutes="7")
    with django_assert_num_queries(2):  # the plan, its before-and-after-walk exercises
        prescription = prescription_for_patient(patient)
    assert (prescription.walks, prescription.walk_seconds) == (3, 420)
    assert prescription.glides == ("Nerve glide: slider (seated)",)

"""Walk guidance and the patient's own numbers in a real browser, phone-sized (390 x 844):
back-or-leg advice after a walk (docs/clinical-rules.md §1b), and each patient's pain target
(the clinic's setting, or their plan's override, §7.7) on Today, the walk form and the timer."""

from datetime import date

import pytest

from clinic.models import ClinicalSettings
from patients.models import WalkLog
from programs import services as plan_services
from programs.tests.factories import assign_plan
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def sign_out(page):
    page.context.clear_cookies()


def tap(page, field, value):
    page.locator(f"label[for='id_{field}_{value}']").click()


def test_a_walk_with_leg_symptoms_shows_the_leg_advice(page, axe, patient):
    sign_in(page, patient.user)
    page.goto("/patients/me/walks/new/")
    assert page.get_by_text("Walking does not damage your spine.").is_visible()  # first walk
    assert_accessible(axe, page)
    page.get_by_label("Date of the walk").fill(date.today().isoformat())
    page.get_by_label("Minutes walked").fill("12")
    page.get_by_label("How many times did you stop to rest?").fill("2")
    tap(page, "pain_before", 2)
    tap(page, "pain_peak", 4)
    tap(page, "pain_after", 2)
    page.locator("label", has_text="Left calf or foot").click()
    page.get_by_label("None of these").check()
    page.get_by_role("button", name="Save walk").click()
    page.wait_for_url("**/patients/walks/*/")

    assert WalkLog.objects.get().symptom_areas == ["calf_left"]
    assert page.get_by_role("heading", name="Symptoms in your buttock or leg").is_visible()
    assert page.get_by_role("heading", name="Symptoms in your back").count() == 0
    assert page.get_by_text("12 min", exact=True).is_visible()
    assert_accessible(axe, page)


def shown_target(page) -> dict:
    page.goto("/today/")
    today = page.locator("main").inner_text()
    page.goto("/patients/me/walks/new/")
    form = page.locator(".walk-target").inner_text()
    page.goto("/patients/me/timer/")
    page.get_by_role("heading", name="Before you start").wait_for()
    timer = page.locator("#walk-timer").get_attribute("data-rise-target")
    return {"today": today, "form": form, "timer": timer}


def test_each_patient_sees_their_own_pain_target(page, axe, patient, other_patient, therapist):
    ClinicalSettings.objects.create(clinic=patient.clinic, pain_rise_target=3)
    plan = assign_plan(patient, by=therapist)
    assign_plan(other_patient, by=therapist)
    plan_services.plan_rules_set(
        plan=plan, by=therapist, overrides={"pain_rise_target": 1}, reason="Flares easily"
    )

    sign_in(page, patient.user)
    mine = shown_target(page)
    assert "rises about 1 point above" in mine["today"]
    assert "+1" in mine["form"] and mine["timer"] == "1"
    assert_accessible(axe, page)  # the timer's first screen
    page.goto("/today/")
    assert_accessible(axe, page)

    sign_out(page)
    sign_in(page, other_patient.user)
    theirs = shown_target(page)
    assert "rises about 3 points above" in theirs["today"]
    assert "+3" in theirs["form"] and theirs["timer"] == "3"
    for text in theirs.values():
        assert "2 points" not in text and "+2" not in text


def test_the_break_screen_shows_the_advice_for_where_the_symptoms_are(page, axe, patient):
    from datetime import datetime

    sign_in(page, patient.user)
    page.clock.install(time=datetime.now())
    page.goto("/patients/me/timer/")
    tap(page, "pain_before", 2)
    page.get_by_role("button", name="Start walking").click()
    page.get_by_role("heading", name="Walking").wait_for()
    page.clock.fast_forward("02:00")
    page.get_by_role("button", name="Take a break", exact=True).click()
    page.get_by_role("heading", name="Strategic break").wait_for()
    leg = page.locator("[data-phase='resting'] [data-guidance='leg']")
    back = page.locator("[data-phase='resting'] [data-guidance='back']")
    assert leg.is_visible() and back.is_visible()  # not known yet: both
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)
    assert_accessible(axe, page)
    page.get_by_role("button", name="In my back").click()
    assert back.is_visible() and leg.is_hidden()
    page.get_by_role("button", name="Further down my leg than usual").click()
    assert page.locator("[data-phase='resting'] [data-guidance='further']").is_visible()
    assert leg.is_visible() and back.is_hidden()
    page.mouse.move(0, 0)  # no hover colours half-way through a transition
    page.wait_for_timeout(300)
    assert_accessible(axe, page)

"""Programmes in a real browser: the patient's Today with a plan, the Done buttons, and the
therapist deciding a weekly suggestion from the patient's page."""

import re

import pytest

from programs.models import ExerciseCompletion
from programs.tests.factories import assign_plan, suggestion_for
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_today_with_a_plan_is_accessible_and_done_is_stored(page, axe, patient):
    assign_plan(patient)
    sign_in(page, patient.user)
    page.wait_for_url("**/today/")

    walk = page.get_by_text("3 walks of 6 minutes, rest bent forward between them.", exact=True)
    assert walk.is_visible()
    assert_accessible(axe, page)

    done = page.get_by_role("button", name=re.compile(r"^Done\W+Standing L stretch$"))
    box = done.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    done.click()
    undo = page.get_by_role("button", name=re.compile(r"^Undo\W+Standing L stretch$"))
    undo.wait_for()
    assert page.get_by_text("Done today: Standing L stretch").is_visible()
    # htmx swapped the button in place: focus stays on it, no page load.
    assert page.evaluate("document.activeElement.id") == undo.get_attribute("id")
    assert ExerciseCompletion.objects.filter(exercise__slug="standing-l-stretch").count() == 1
    page.mouse.move(0, 0)  # no hover colours half-way through a transition
    page.wait_for_timeout(300)
    assert_accessible(axe, page)

    # The exercise opens to its steps and drawing.
    page.get_by_text("Standing L stretch:", exact=False).first.click()
    assert page.get_by_text("Walk your feet back until your arms are straight.").is_visible()
    drawing = page.get_by_role("img", name="Start: standing close to a counter", exact=False)
    assert drawing.is_visible()
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")

    # Reloaded, the tick is still there.
    page.reload()
    assert undo.is_visible()


def test_my_plan_page_is_accessible(page, axe, patient):
    assign_plan(patient, weeks_ago=2)
    sign_in(page, patient.user)
    page.wait_for_url("**/today/")
    page.get_by_role("link", name="See your whole plan, week by week").click()
    page.wait_for_url("**/programs/my-plan/")
    assert page.get_by_role("heading", name="Week 3 · Build (this week)").is_visible()
    assert_accessible(axe, page)


def test_therapist_approves_a_suggestion_on_the_patient_page(page, axe, therapist, patient):
    plan = assign_plan(patient, weeks_ago=2)
    suggestion_for(plan, week=2)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, therapist)
    page.wait_for_url("**/caseload/")
    assert_accessible(axe, page)

    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("heading", name="Progress after week 2").wait_for()
    assert_accessible(axe, page)
    page.get_by_role("button", name="Approve the week 2 suggestion for Pat Patient").click()
    page.get_by_text("it applies from the next plan week").wait_for()
    plan.refresh_from_db()
    assert plan.bout_minutes == 7


def test_assign_page_with_its_schedule_is_accessible(page, axe, therapist, paper_patient):
    from programs.tests.factories import bundled_template

    bundled_template()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, therapist)
    page.wait_for_url("**/caseload/")
    page.goto(f"/programs/patients/{paper_patient.pk}/plan/new/")
    page.get_by_label("Minutes of each walk").fill("5")
    page.get_by_role("button", name="Show the schedule").click()
    page.get_by_role("heading", name="The 8-week walking schedule").wait_for()
    assert_accessible(axe, page)
    page.get_by_role("button", name="Save the plan").click()
    page.wait_for_url("**/programs/plans/*/")
    assert_accessible(axe, page)

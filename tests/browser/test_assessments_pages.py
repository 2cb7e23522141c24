"""Real-browser checks of the assessment pages: the treadmill stopwatch, big answer buttons,
and accessibility (axe). Uses the project's browser fixtures (Debian's chromium)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments import services
from assessments.models import Administration, TreadmillTest
from assessments.tests.factories import (
    AdministrationFactory,
    AssignmentFactory,
    ShoppingCartTestFactory,
)
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _bundled_instruments(transactional_db):
    # Transactional tests empty every table afterwards, data migrations included.
    services.bundled_instruments_load()


def test_the_stopwatch_fills_in_both_stages_and_the_test_saves(
    page,
    axe,
    therapist,
    patient,
):
    page.set_viewport_size({"width": 1024, "height": 900})  # a tablet by the treadmill
    sign_in(page, therapist)
    page.wait_for_url("**/caseload/")
    page.goto(reverse("assessments:treadmill-create", args=[patient.pk]))
    assert_accessible(axe, page)

    # The page's clock says exactly what the test sets (timers keep running), so real
    # seconds spent on a busy machine between two clicks never change the recorded times.
    start = 1_900_000_000
    level = page.locator('[data-stopwatch][data-stage="level"]')
    for at, button in (
        (0, "Start"),
        (150, "First symptoms"),
        (420, "Stop"),
        (720, "Symptoms settled"),
    ):
        page.clock.set_fixed_time(start + at)
        level.get_by_role("button", name=button).click()
    assert page.locator("#id_level_onset_s").input_value() == "2:30"
    assert page.locator("#id_level_total_s").input_value() == "7:00"
    assert page.locator("#id_level_recovery_s").input_value() == "5:00"
    assert page.locator('input[name="level_stop_reason"][value="symptoms"]').is_checked()

    incline = page.locator('[data-stopwatch][data-stage="incline"]')
    page.clock.set_fixed_time(start + 1000)
    incline.get_by_role("button", name="Start").click()
    page.clock.set_fixed_time(start + 1601)  # no symptoms: the stage stops itself at 10:00
    expect(page.locator("#id_incline_total_s")).to_have_value("10:00")
    assert page.locator("#id_incline_no_symptoms").is_checked()
    assert page.locator('input[name="incline_stop_reason"][value="time_limit"]').is_checked()
    assert incline.get_by_role("button", name="Symptoms settled").is_disabled()

    for stage in ("level", "incline"):
        page.locator(f"#id_{stage}_pain_start").fill("2")
        page.locator(f"#id_{stage}_pain_end").fill("5")
    page.get_by_role("button", name="Save the test").click()
    page.wait_for_url("**/assessments/treadmill/*/")
    test = TreadmillTest.objects.get()
    assert (test.level_onset_s, test.level_total_s, test.level_recovery_s) == (150, 420, 300)
    assert (test.incline_onset_s, test.incline_total_s) == (None, 600)
    assert page.get_by_role("heading", name="Positive: consistent with lumbar spinal stenosis")
    assert_accessible(axe, page)


def test_a_patient_answers_on_a_phone_with_big_buttons(page, axe, patient):
    assignment = AssignmentFactory(patient=patient)
    sign_in(page, patient.user)
    page.wait_for_url("**/today/")
    page.get_by_role("link", name="Answer: Pain rating").click()
    assert_accessible(axe, page)
    buttons = page.locator("label.answer")
    assert buttons.count() == 22
    for i in range(buttons.count()):
        box = buttons.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    assert page.locator('input[type="range"]').count() == 0
    page.locator("#q-back").get_by_text("3", exact=True).click()
    page.locator("#q-leg").get_by_text("6", exact=True).click()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url("**/assessments/me/results/*/")
    assert Administration.objects.get(assignment=assignment).scores == {"back": 3, "leg": 6}
    assert_accessible(axe, page)


def test_history_pages_with_charts_are_accessible(page, axe, patient):
    AdministrationFactory(patient=patient)
    sign_in(page, patient.user)
    page.wait_for_url("**/today/")
    page.goto(reverse("assessments:my-history"))
    chart = page.locator("figure.chart svg[role='img']").first
    assert chart.evaluate("svg => svg.getBoundingClientRect().width") <= 390
    # Its look came from static/css/charts.css (the page policy allows no inline style).
    legend = chart.locator(".legends .legend text").first
    assert legend.evaluate("t => getComputedStyle(t).fontSize") == "15px"
    assert_accessible(axe, page)


def test_the_public_quiz_and_its_red_flag_result_are_accessible(page, axe, db):
    page.goto(reverse("stenosis-quiz"))
    assert_accessible(axe, page)
    for n in range(1, 11):
        page.locator(f"#q-q{n}").get_by_text("Yes" if n == 10 else "No", exact=True).click()
    for sign in ("saddle", "bladder", "bowel", "weakness", "both_legs"):
        page.locator(f"#q-red_flag_{sign}").get_by_text("No", exact=True).click()
    page.get_by_role("button", name="See my result").click()
    assert page.get_by_text("Go to an emergency department now (do not drive yourself)")
    assert_accessible(axe, page)


def test_a_stage_stopped_for_another_reason_reads_inconclusive(page, axe, therapist, patient):
    page.set_viewport_size({"width": 1024, "height": 900})
    sign_in(page, therapist)
    page.wait_for_url("**/caseload/")
    page.goto(reverse("assessments:treadmill-create", args=[patient.pk]))
    # Typed as on paper: the level stage stopped at 3:20 for a phone call, no symptoms.
    for stage, total, reason in (("level", "3:20", "other"), ("incline", "10:00", "time_limit")):
        page.locator(f"#id_{stage}_no_symptoms").check()
        page.locator(f"#id_{stage}_total_s").fill(total)
        page.locator(f'input[name="{stage}_stop_reason"][value="{reason}"]').check()
        page.locator(f"#id_{stage}_pain_start").fill("2")
        page.locator(f"#id_{stage}_pain_end").fill("2")
    page.get_by_role("button", name="Save the test").click()
    page.wait_for_url("**/assessments/treadmill/*/")
    expect(page.get_by_role("heading", name="Inconclusive: repeat the test")).to_be_visible()
    assert page.get_by_text("consistent with lumbar spinal stenosis").count() == 0
    assert_accessible(axe, page)


def test_an_admin_sets_the_cart_thresholds_shown_with_each_result(page, axe, admin_user, patient):
    test = ShoppingCartTestFactory(
        patient=patient, without_walk_s=100, without_onset_s=60, with_walk_s=180, with_onset_s=None
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, admin_user)
    page.wait_for_load_state()
    page.goto(reverse("assessments:settings"))
    assert_accessible(axe, page)
    page.get_by_label("Cart test: improvement that counts as strong (%)").fill("100")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Assessment settings saved.")).to_be_visible()
    page.goto(reverse("assessments:cart-detail", args=[test.pk]))
    expect(page.get_by_text("Some improvement, but not more than 100 %")).to_be_visible()
    assert_accessible(axe, page)

"""An unusual walk in a real browser (Debian chromium, a 390 x 844 phone): asked, then saved
once confirmed (docs/clinical-rules.md §7.8); and the time-zone menu's search box."""

import pytest

from patients.models import WalkLog
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page, field, value):
    """Tap a big 0-10 (or choice) button: the label of the radio behind it."""
    page.locator(f"label[for='id_{field}_{value}']").click()


def fill_walk(page, minutes, rests):
    page.get_by_label("Minutes walked").fill(minutes)
    page.get_by_label("How many times did you stop to rest?").fill(rests)
    for field, value in (("pain_before", 1), ("pain_peak", 3), ("pain_after", 1)):
        choose(page, field, value)
    page.get_by_label("None of these").check()


def test_an_implausible_walk_asks_and_saves_once_confirmed(page, axe, patient):
    sign_in(page, patient.user)
    page.goto("/patients/me/walks/new/")
    fill_walk(page, "600", "0")
    page.get_by_role("button", name="Save walk").click()
    question = page.get_by_role("group", name="You entered 600 minutes without a rest.")
    question.wait_for()
    assert "/patients/me/walks/new/" in page.url and not WalkLog.objects.exists()
    assert "Is that right?" in page.locator("#error-summary").inner_text()
    assert page.get_by_label("Minutes walked").input_value() == "600"  # values kept
    assert_accessible(axe, page)

    question.get_by_role("link", name="Change it").click()
    assert page.evaluate("document.activeElement.id") == "id_minutes"

    question.get_by_role("button", name="Yes, that is right").click()
    page.wait_for_url("**/patients/walks/*/")
    log = WalkLog.objects.get()
    assert (log.minutes, log.rests, log.pain_peak) == (600, 0, 3)
    assert_accessible(axe, page)


def test_the_time_zone_menu_can_be_searched(page, axe, patient):
    sign_in(page, patient.user)
    page.goto("/patients/me/settings/")
    menu = page.get_by_label("My time zone")
    assert menu.input_value() == ""  # the clinic's
    page.get_by_label("Find a time zone").fill("buenos")
    assert menu.locator("option").all_inner_texts() == ["Buenos Aires (Argentina)"]
    assert "1 time zone matches" in page.content()
    assert_accessible(axe, page)
    page.get_by_label("Find a time zone").fill("")
    menu.select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_url("**/patients/me/settings/")
    patient.refresh_from_db()
    assert patient.timezone == "Asia/Tokyo"

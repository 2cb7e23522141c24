"""The walk timer follows the plan (issue #14), phone-sized (390 x 844) in Debian's chromium:
a 3 x 7 plan counts each walk down, opens the strategic break at the end of a walk or when
the patient says the pain rose to the target, and ends with the glides and the questions.

Time is Playwright's fake clock (page.clock): 21 minutes of walking take a few seconds, and
the timer computes everything from Date.now(), which the clock controls.
"""

import re
from datetime import datetime

import pytest

from patients.models import WalkLog
from programs.tests.factories import assign_plan
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PLAN_TEXT = "Today's plan: 3 walks of 7 minutes, rest bent forward between them."


def choose(page, field, value):
    """Tap a big 0-10 (or choice) button: the label of the radio behind it."""
    page.locator(f"label[for='id_{field}_{value}']").click()


def left(page) -> str:
    return page.locator("[data-clock='left']").inner_text()


def status(page) -> str:
    page.clock.run_for(100)  # the status message is written after a short pause
    return page.locator("#timer-status").inner_text()


def settle(page):
    page.mouse.move(0, 0)  # no hover colours half-way through a transition
    page.wait_for_timeout(300)


def test_the_timer_follows_a_3_x_7_plan_with_a_break(page, axe, patient):
    assign_plan(patient, bouts=3, minutes="7")
    sign_in(page, patient.user)
    page.clock.install(time=datetime.now())
    page.goto("/patients/me/timer/")
    page.get_by_role("heading", name="Before you start").wait_for()
    assert page.get_by_text(PLAN_TEXT, exact=True).is_visible()
    assert page.get_by_text("Do your nerve glides now: Nerve glide: slider (seated).").is_visible()
    assert_accessible(axe, page)

    # Walk 1 counts down from 7:00.
    choose(page, "pain_before", 2)
    page.get_by_role("button", name="Start walking").click()
    page.get_by_role("heading", name="Walk 1 of 3").wait_for()
    assert left(page) == "7:00"
    assert "Walk 1 of 3 started: 7 min." in status(page)
    rose = page.get_by_role("button", name="My pain rose to +2")
    box = rose.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    settle(page)
    assert_accessible(axe, page)
    page.clock.fast_forward("03:00")
    assert re.fullmatch(r"4:00|3:59", left(page)), left(page)

    # A reload mid-walk keeps the walk, its number and its countdown.
    page.reload()
    page.get_by_role("heading", name="Walk 1 of 3").wait_for()
    page.clock.fast_forward("00:05")
    assert re.fullmatch(r"3:5\d", left(page)), left(page)
    assert page.get_by_text(PLAN_TEXT, exact=True).is_visible()

    # The end of walk 1 opens the strategic break by itself, with the back-or-leg advice.
    page.clock.fast_forward("04:00")
    page.get_by_role("heading", name="Strategic break").wait_for()
    assert "Walk 1 of 3 done. Strategic break" in status(page)
    resting = page.locator("[data-phase='resting']")
    assert resting.get_by_text("Walk 1 of 3 done.").is_visible()
    assert resting.get_by_text("Next: walk 2 of 3, 7 min").is_visible()
    assert resting.get_by_text("lean on a shopping cart, a bench or a rail").is_visible()
    assert resting.get_by_role("heading", name="Symptoms in your buttock or leg").is_visible()
    assert resting.get_by_role("heading", name="Symptoms in your back").is_visible()
    settle(page)
    assert_accessible(axe, page)
    # At 200 % text the break screen still fits the phone's width.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.evaluate("document.documentElement.style.fontSize = ''")
    page.clock.fast_forward("01:00")
    assert page.locator("[data-clock='rest']").inner_text().startswith("1:0")

    # Walk 2: the pain rose to the target after 2 minutes, so the break comes early.
    page.get_by_role("button", name="Resume walking").click()
    page.get_by_role("heading", name="Walk 2 of 3").wait_for()
    assert left(page) == "7:00"
    page.clock.fast_forward("02:00")
    rose.click()
    page.get_by_role("heading", name="Strategic break").wait_for()
    assert "Pain up 2 points. Walk 2 of 3 done." in status(page)
    assert resting.get_by_text("Next: walk 3 of 3, 7 min").is_visible()
    page.clock.fast_forward("00:45")

    # Walk 3, the last: no break after it, but the glides and the questions.
    page.get_by_role("button", name="Resume walking").click()
    page.get_by_role("heading", name="Walk 3 of 3").wait_for()
    page.clock.fast_forward("07:00")
    page.get_by_role("heading", name="Finish your walk").wait_for()
    assert "All 3 walks done. Do your nerve glides" in status(page)
    finishing = page.locator("[data-phase='finishing']")
    assert finishing.get_by_role("heading", name="Now your nerve glides").is_visible()
    assert finishing.get_by_text("You did all 3 walks of today's plan.").is_visible()
    assert finishing.get_by_text("16 min in 3 stretches").is_visible()
    settle(page)
    assert_accessible(axe, page)

    choose(page, "pain_after", 2)
    page.get_by_label("I did nerve glides after the walk").check()
    page.get_by_label("None of these").check()
    page.get_by_role("button", name="Save walk").click()
    page.wait_for_url("**/patients/walks/*/")

    log = WalkLog.objects.get()
    assert (log.source, log.rests, log.minutes) == ("timer", 2, 16)
    assert (log.pain_before, log.pain_peak, log.pain_after) == (2, 4, 2)
    assert log.glides_after
    first, second, third = log.bouts
    assert first["walked_s"] == 420 and first["peak_pain"] is None
    assert 60 <= first["rested_s"] <= 70
    assert 119 <= second["walked_s"] <= 122 and second["peak_pain"] == 4
    assert 44 <= second["rested_s"] <= 48
    assert third == {"walked_s": 420, "rested_s": 0, "peak_pain": None}
    assert page.evaluate("Object.keys(localStorage).length") == 0

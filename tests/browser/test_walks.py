"""The walk timer in a real browser (Debian chromium), and the walk pages with axe.

Time is Playwright's fake clock (page.clock), so a ten-minute walk takes a second; the
timer computes everything from Date.now(), which the clock controls.
"""

import re
from datetime import datetime, timedelta

import pytest

from clinic.tests.factories import TEST_PASSWORD
from patients.models import RedFlagReport, WalkLog
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page, field, value):
    """Tap a big 0-10 (or choice) button: the label of the radio behind it."""
    page.locator(f"label[for='id_{field}_{value}']").click()


def start_walk(page, pain_before=2):
    page.clock.install(time=datetime.now())
    page.goto("/patients/me/timer/")
    choose(page, "pain_before", pain_before)
    page.get_by_role("button", name="Start walking").click()
    page.get_by_role("heading", name="Walking").wait_for()


def pain_now(page, value):
    page.locator(f"[data-pain-now='{value}']").click()
    page.clock.run_for(100)  # the status message is written after a short pause


def finish_and_answer(page, pain_after=2):
    page.get_by_role("button", name="Finish walk").click()
    page.get_by_role("heading", name="Finish your walk").wait_for()
    choose(page, "pain_after", pain_after)
    page.get_by_label("None of these").check()


def clock_text(page, name):
    return page.locator(f"[data-clock='{name}']").inner_text()


def test_a_short_walk_with_a_break_saves_one_timer_log(page, axe, patient):
    sign_in(page, patient.user)
    start_walk(page, pain_before=2)
    assert_accessible(axe, page)
    page.clock.fast_forward("02:00")
    pain_now(page, 3)
    assert page.locator("[data-break-suggestion]").is_hidden()
    page.clock.fast_forward("00:30")
    pain_now(page, 4)  # start + 2: time for a strategic break
    suggestion = page.locator("[data-break-suggestion]")
    suggestion.wait_for()
    assert "strategic break" in suggestion.inner_text()
    assert "Your pain is up 2 points" in page.locator("#timer-status").inner_text()
    suggestion.get_by_role("button", name="Take a break now").click()
    page.get_by_role("heading", name="Strategic break").wait_for()
    assert "Flexion stretch" in page.content()
    page.clock.fast_forward("01:00")
    assert clock_text(page, "rest").startswith("1:0")
    page.get_by_role("button", name="Resume walking").click()
    page.get_by_role("heading", name="Walking, stretch 2").wait_for()
    page.clock.fast_forward("01:30")
    pain_now(page, 3)
    finish_and_answer(page, pain_after=2)
    # the one duration format (Stride.durationText): "4 min", or "4 min 1 s" as the clock runs
    assert re.fullmatch(r"4 min( \d s)?", page.locator("[data-text='total']").inner_text())
    assert_accessible(axe, page)
    page.get_by_role("button", name="Save walk").click()
    page.wait_for_url("**/patients/walks/*/")
    assert "Within your +2 target." in page.content()

    log = WalkLog.objects.get()
    assert (log.source, log.patient, log.rests) == ("timer", patient, 1)
    assert (log.pain_before, log.pain_peak, log.pain_after) == (2, 4, 2)
    assert len(log.bouts) == 2
    first, second = log.bouts
    assert 149 <= first["walked_s"] <= 152 and first["peak_pain"] == 4
    assert 59 <= first["rested_s"] <= 62
    assert 89 <= second["walked_s"] <= 92 and second["peak_pain"] == 3
    assert log.minutes == pytest.approx(4, abs=0.1)
    assert page.evaluate("Object.keys(localStorage).length") == 0


def test_a_reload_mid_walk_keeps_the_elapsed_time(page, patient):
    sign_in(page, patient.user)
    start_walk(page)
    page.clock.fast_forward("03:10")
    pain_now(page, 3)
    page.reload()
    page.get_by_role("heading", name="Walking").wait_for()
    page.clock.fast_forward("00:05")
    elapsed = clock_text(page, "walk")
    assert elapsed.startswith("3:1"), elapsed
    assert page.locator("[data-text='peak']").inner_text() == "3"
    finish_and_answer(page)
    page.get_by_role("button", name="Save walk").click()
    page.wait_for_url("**/patients/walks/*/")
    assert WalkLog.objects.get().bouts[0]["walked_s"] >= 190


def test_a_walk_finished_offline_is_sent_once_when_back_online(page, patient):
    sign_in(page, patient.user)
    start_walk(page)
    page.clock.fast_forward("05:00")
    finish_and_answer(page)
    page.context.set_offline(True)
    page.get_by_role("button", name="Save walk").click()
    pending = page.get_by_role("heading", name="Your walk is kept on this phone")
    pending.wait_for()
    assert "back online" in page.locator("[data-pending-message]").inner_text()
    assert not WalkLog.objects.exists()

    page.context.set_offline(False)
    page.wait_for_url("**/patients/walks/*/")
    # Back online twice more: nothing is left to send, and the server keeps one log.
    page.context.set_offline(True)
    page.context.set_offline(False)
    page.goto("/patients/me/timer/")
    page.get_by_role("heading", name="Before you start").wait_for()
    assert WalkLog.objects.count() == 1
    assert WalkLog.objects.get().source == "timer"


def test_a_red_flag_at_the_end_of_an_offline_walk_shows_what_to_do_at_once(page, patient):
    sign_in(page, patient.user)
    start_walk(page)
    page.clock.fast_forward("02:00")
    page.get_by_role("button", name="Finish walk").click()
    choose(page, "pain_after", 3)
    page.get_by_label("Sudden weakness in a leg").check()
    page.context.set_offline(True)
    page.get_by_role("button", name="Save walk").click()
    urgent = page.get_by_role("heading", name="Go to an emergency department now")
    urgent.wait_for()
    assert "Do not drive yourself." in page.content()
    page.context.set_offline(False)
    page.wait_for_url("**/patients/me/urgent/?saved=walk")
    assert RedFlagReport.objects.get().signs == ["weakness"]
    assert WalkLog.objects.count() == 1


def test_the_walk_form_is_accessible_and_saves(page, axe, patient):
    sign_in(page, patient.user)
    page.goto("/patients/me/walks/new/")
    assert_accessible(axe, page)
    page.get_by_role("button", name="Save walk").click()  # nothing filled in
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert "Choose a number from 0" in summary.inner_text()
    assert_accessible(axe, page)
    page.get_by_label("Minutes walked").fill("11")
    for field, value in (("pain_before", 1), ("pain_peak", 3), ("pain_after", 1)):
        choose(page, field, value)
    page.get_by_label("Lower back").check(force=True)
    page.get_by_label("None of these").check()
    page.get_by_role("button", name="Save walk").click()
    page.wait_for_url("**/patients/walks/*/")
    assert "Within your +2 target." in page.content()
    assert WalkLog.objects.get().symptom_areas == ["back"]


def test_progress_urgent_and_settings_pages_are_accessible_at_200_percent(page, axe, patient):
    from patients.tests.factories import WalkLogFactory

    WalkLogFactory(patient=patient)
    sign_in(page, patient.user)
    for url in ("/patients/me/progress/", "/patients/me/urgent/", "/patients/me/settings/"):
        page.goto(url)
        assert_accessible(axe, page)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), url


# Collects the page policy's refusals, from before the first script of the page runs.
CSP_LISTENER = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});
"""

# Pairs of legend entries of one chart whose boxes overlap (none, when they are readable).
OVERLAPPING_LEGENDS = """
(svg) => {
  const boxes = [...svg.querySelectorAll(".legends .legend")].map(
    (g) => g.getBoundingClientRect());
  const overlaps = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
      overlaps.push([a.left, b.left]);
    }
  }));
  return overlaps;
}
"""


def test_the_progress_charts_are_in_the_page_styled_and_fit_a_phone(page, axe, patient):
    from patients.tests.factories import WalkLogFactory

    for days_ago in range(0, 60, 2):
        WalkLogFactory(
            patient=patient,
            date=datetime.now().date() - timedelta(days=days_ago),
            pain_peak=2 + days_ago % 5,
        )
    page.add_init_script(CSP_LISTENER)
    sign_in(page, patient.user)
    page.goto("/patients/me/progress/")
    charts = page.locator("figure.chart-figure svg[role='img']")
    assert charts.count() == 3
    assert page.locator("img[src$='.svg']").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    for i in range(3):
        chart = charts.nth(i)
        box = chart.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] > 100
        assert chart.evaluate(OVERLAPPING_LEGENDS) == []
        # The look came from static/css/charts.css: a white plot, pygal's 15 px legend.
        background = chart.locator(".plot > .background").first
        assert background.evaluate("r => getComputedStyle(r).fill") == "rgb(255, 255, 255)"
        legend = chart.locator(".legends .legend text").first
        assert legend.evaluate("t => getComputedStyle(t).fontSize") == "15px"
    name = charts.nth(2).evaluate("svg => svg.querySelector('title').textContent")
    assert name == "Pain rise per walk (peak minus before)"
    dashed = charts.nth(2).locator(".series.serie-1").first
    assert dashed.evaluate("g => getComputedStyle(g).strokeDasharray") == "10px, 6px"
    assert page.evaluate("window.cspViolations") == []
    assert_accessible(axe, page)


def test_the_therapist_sees_the_banner_and_acknowledges_a_red_flag(page, axe, therapist, patient):
    from clinic.tests.helpers import totp_code
    from patients.tests.factories import RedFlagReportFactory, WalkLogFactory

    WalkLogFactory.create_batch(3, patient=patient)
    RedFlagReportFactory(patient=patient)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(therapist.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(totp_code(therapist))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/caseload/")
    assert page.get_by_role("link", name="Open red flag").is_visible()
    assert_accessible(axe, page)
    for url in (f"/patients/{patient.pk}/walks/", f"/patients/{patient.pk}/progress/"):
        page.goto(url)
        assert page.get_by_role("heading", name="Open red flag for Pat Patient").is_visible()
        assert_accessible(axe, page)
    page.goto(f"/patients/{patient.pk}/")
    assert_accessible(axe, page)
    page.get_by_label("What was done").fill("Phoned; on her way to the emergency department.")
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_text("Red flag acknowledged").wait_for()
    assert page.get_by_role("heading", name="Open red flag for Pat Patient").count() == 0
    assert RedFlagReport.objects.get().status == "acknowledged"


def test_the_timer_works_with_the_keyboard_and_speaks_its_status(page, patient):
    sign_in(page, patient.user)
    page.clock.install(time=datetime.now())
    page.goto("/patients/me/timer/")
    page.locator("#id_pain_before_0").focus()  # the first 0-10 button, as Tab would reach it
    page.keyboard.press("ArrowRight")  # radio group: arrows move and choose
    page.keyboard.press("ArrowRight")
    assert page.locator("#id_pain_before_2").is_checked()
    page.get_by_role("button", name="Start walking").focus()
    page.keyboard.press("Enter")
    page.clock.run_for(100)
    # Focus moves to the new step's heading; the live region says what happened.
    assert page.evaluate("document.activeElement.id") == "walking-heading"
    assert page.get_by_role("status").inner_text() == "Walk started. The timer is running."
    page.clock.fast_forward("01:00")
    page.locator("[data-pain-now='4']").focus()
    page.keyboard.press("Enter")
    page.clock.run_for(100)
    assert "time for a strategic break" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Take a break now").focus()
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.id") == "resting-heading"

import pytest

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_therapist_signs_in_with_a_code_and_sees_the_caseload(page, axe, therapist, patient):
    page.goto("/accounts/login/")
    assert_accessible(axe, page)
    sign_in(page, therapist)
    page.wait_for_url("**/caseload/")
    assert page.get_by_role("link", name=patient.full_name).is_visible()
    assert_accessible(axe, page)


def test_patient_today_page_is_accessible_and_readable_at_200_percent(page, axe, patient):
    sign_in(page, patient.user)
    page.wait_for_url("**/today/")
    assert_accessible(axe, page)
    base = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert base >= 18
    # Text at 200 %: nothing needs sideways scrolling on a phone.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_buttons_and_menu_links_are_at_least_44_px(page, patient):
    sign_in(page, patient.user)
    page.wait_for_url("**/today/")
    page.get_by_role("button", name="Show menu").click()
    targets = page.locator("main .btn:visible, nav .nav-link:visible, .navbar-toggler:visible")
    assert targets.count() >= 2
    for i in range(targets.count()):
        box = targets.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, targets.nth(i).inner_text()


def test_admin_pages_are_accessible(page, axe, admin_user, patient):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, admin_user)
    page.wait_for_url("**/clinic/accounts/")
    for url in (
        "/clinic/accounts/",
        "/clinic/accounts/invite/",
        "/clinic/audit/",
        "/patients/new/",
        f"/patients/{patient.pk}/",
    ):
        page.goto(url)
        assert_accessible(axe, page)


def test_idle_warning_offers_stay_signed_in_then_signs_out(page, patient, settings):
    settings.SESSION_IDLE_SECONDS_PATIENT = 4
    settings.SESSION_WARNING_SECONDS = 3
    sign_in(page, patient.user)
    page.wait_for_url("**/today/")
    dialog = page.locator("#session-warning")
    dialog.wait_for(state="visible", timeout=5_000)
    page.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")
    assert "/today/" in page.url
    # Left alone, the page signs out and says why.
    page.wait_for_url("**/accounts/login/?timeout=1", timeout=15_000)
    assert page.get_by_text("signed out after a period of inactivity").is_visible()
    page.goto("/today/")
    assert "/accounts/login/" in page.url

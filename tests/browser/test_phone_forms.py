"""Forms on a phone (390 x 844, the `page` fixture): tick boxes and radios beside their
words, the whole label a target for stiff fingers, and sign-in pages without dead ends."""

import pytest
from django.urls import reverse

from clinic import services
from clinic.models import Role
from clinic.tests.helpers import link_in_last_email
from programs.tests.factories import assign_plan
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a long walk to the shops"

# Tick boxes and radios drawn as themselves; those behind a big button (.btn-check) are
# covered by the button tests.
CHOICE_INPUTS = "main input.form-check-input:is([type=checkbox],[type=radio]):not(.btn-check)"


def choice_boxes(page):
    """For every tick box and radio on the page: its box, its label's box and the label's
    first line box (the rectangle of the first line of its words)."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].map((input) => {
            const label = document.querySelector(`label[for="${input.id}"]`);
            const box = (r) => r && {x: r.x, y: r.y, width: r.width, height: r.height};
            let firstLine = null;
            if (label) {
                const range = document.createRange();
                range.selectNodeContents(label);
                firstLine = box(range.getClientRects()[0]);
            }
            return {
                id: input.id,
                input: box(input.getBoundingClientRect()),
                label: label && box(label.getBoundingClientRect()),
                firstLine: firstLine,
            };
        })""",
        CHOICE_INPUTS,
    )


def assert_choices_sit_beside_their_words(page, at_least=1):
    choices = choice_boxes(page)
    assert len(choices) >= at_least, f"{page.url}: {len(choices)} choices"
    for choice in choices:
        where = f"{page.url} #{choice['id']}"
        box, label, line = choice["input"], choice["label"], choice["firstLine"]
        assert label is not None, f"{where}: no label"
        centre = box["y"] + box["height"] / 2
        assert line["y"] <= centre <= line["y"] + line["height"], f"{where}: {box} vs {line}"
        assert box["x"] + box["width"] <= line["x"], f"{where}: the box is not before its words"
        # The label (box and words) is the target: at least 44 x 44 px, and it covers the box.
        assert label["height"] >= 44 and label["width"] >= 44, f"{where}: {label}"
        assert label["x"] <= box["x"] and label["y"] <= box["y"], f"{where}: {label} {box}"
        assert box["y"] + box["height"] <= label["y"] + label["height"], f"{where}"


def assert_tapping_the_words_toggles(page, count=3):
    """A tap on the label's words (its right half: never on the box itself) toggles it."""
    choices = choice_boxes(page)[:count]
    for choice in choices:
        label = page.locator(f"label[for='{choice['id']}']")
        target = page.locator(f"#{choice['id']}")
        before = target.is_checked()
        label.click(position={"x": choice["label"]["width"] * 0.75, "y": 10})
        if target.get_attribute("type") == "radio":
            assert target.is_checked(), choice["id"]
        else:
            assert target.is_checked() is not before, choice["id"]


def test_symptom_report_boxes_share_a_line_with_each_sign(page, axe, patient):
    sign_in(page, patient.user)
    page.goto(reverse("patients:redflag-report"))
    assert_choices_sit_beside_their_words(page, at_least=4)
    assert_tapping_the_words_toggles(page)
    assert_accessible(axe, page)


def test_walk_log_and_settings_boxes_share_a_line_with_their_words(page, axe, patient):
    sign_in(page, patient.user)
    for url in (reverse("patients:walklog-create"), reverse("patients:preferences")):
        page.goto(url)
        assert_choices_sit_beside_their_words(page, at_least=2)
        assert_tapping_the_words_toggles(page)
        assert_accessible(axe, page)


def test_staff_radios_share_a_line_with_their_words(page, therapist, patient):
    sign_in(page, therapist)
    for url in (
        reverse("assessments:treadmill-create", args=[patient.pk]),
        reverse("assessments:cart-create", args=[patient.pk]),
    ):
        page.goto(url)
        assert_choices_sit_beside_their_words(page, at_least=2)
        assert_tapping_the_words_toggles(page)


def test_new_therapist_copies_the_authenticator_secret(page, axe, clinic, admin_user):
    """Straight from setting a password to the authenticator page: the secret is shown whole
    beside the QR code, and the copy button puts it on the clipboard."""
    services.invitation_create(
        clinic=clinic,
        email="fresh@home.example",
        full_name="Fern Fresh",
        role=Role.THERAPIST,
        invited_by=admin_user,
    )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(link_in_last_email("/invite/"))
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the same password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()
    # No second request for the password: straight to the authenticator.
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    secret = page.locator("[data-copy-source]")
    text = secret.inner_text().strip()
    assert len(text) >= 16
    # Shown whole: nothing cut off or scrolled sideways.
    assert secret.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.get_by_role("button", name="Copy the secret").click()
    page.get_by_text("Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == text
    page.mouse.move(0, 0)  # no hover colours half-way through a transition
    page.wait_for_timeout(300)
    assert_accessible(axe, page)


CONTRAST = """(selector) => {
    const rgba = (css) => css.match(/[\\d.]+/g).map(Number);
    const lum = ([r, g, b]) => {
        const c = [r, g, b].map((v) => v / 255).map((v) =>
            v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const background = (el) => {
        for (; el; el = el.parentElement) {
            const bg = rgba(getComputedStyle(el).backgroundColor);
            if (bg.length < 4 || bg[3] > 0) return bg.slice(0, 3);
        }
        return [255, 255, 255];
    };
    return [...document.querySelectorAll(selector)].filter((el) => el.offsetParent).map((el) => {
        const style = getComputedStyle(el);
        const [r, g, b, a = 1] = rgba(style.color);
        const bg = background(el);
        const fg = [r, g, b].map((v, i) => v * a + bg[i] * (1 - a));
        const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
        return {
            text: el.textContent.trim().slice(0, 40),
            ratio: (hi + 0.05) / (lo + 0.05),
            weight: Number(style.fontWeight),
        };
    });
}"""
INTRO_TEXT = (
    "main .lead, main .text-body-secondary, main .text-muted, main .text-secondary, "
    "main .form-text, main .small, footer .small"
)


def test_patient_intro_text_is_dark_and_never_thin(page, patient):
    """Older eyes: intro and secondary text at 7:1 or more (WCAG AAA for body text), in a
    normal weight, on every patient page that has some."""
    assign_plan(patient)
    sign_in(page, patient.user)
    seen = 0
    for url in (
        reverse("dashboard:today"),
        reverse("programs:my-plan"),
        reverse("patients:redflag-report"),
        reverse("patients:walklog-create"),
        reverse("patients:preferences"),
    ):
        page.goto(url)
        for text in page.evaluate(CONTRAST, INTRO_TEXT):
            seen += 1
            assert text["ratio"] >= 7, f"{url}: {text}"
            assert text["weight"] >= 400, f"{url}: {text}"
    assert seen >= 5

"""The public stenosis quiz: no login, nothing stored, rate-limited, red flags first."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from assessments.models import Administration, AssessmentSettings
from assessments.public_quiz import SUBMISSIONS_PER_WINDOW
from clinic.models import AuditEvent

SIGNS = ("saddle", "bladder", "bowel", "weakness", "both_legs")


def answers(yes=(), flags=()):
    data = {f"q{n}": "true" if n in yes else "false" for n in range(1, 11)}
    data.update({f"red_flag_{s}": "true" if s in flags else "false" for s in SIGNS})
    return data


@pytest.fixture
def quiz_url():
    return reverse("stenosis-quiz")


def test_anyone_can_open_the_quiz_and_its_source_is_cited(client, quiz_url, db):
    html = client.get(quiz_url).content.decode()
    assert "Konno" in html and "BMC Musculoskeletal Disorders 2007;8:102" in html
    assert "CC BY" in html
    assert "Your answers are not saved." in html


def test_an_anonymous_result_is_not_stored_anywhere(client, quiz_url, db):
    response = client.post(quiz_url, answers(yes=(1, 2, 3, 4)))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Talk to your clinician" in html
    assert "you have stenosis" not in html.lower()
    assert not Administration.objects.exists()
    assert not AuditEvent.objects.exists()
    assert not Session.objects.exists()
    assert "sessionid" not in response.cookies


def test_the_result_says_how_to_book_with_the_linking_clinic(client, quiz_url, clinic):
    AssessmentSettings.objects.create(clinic=clinic, booking_text="Or book at example.org/book.")
    html = client.post(f"{quiz_url}?clinic={clinic.public_key}", answers()).content.decode()
    assert "To book an appointment with Home Clinic, call" in html
    assert "+1 555 0100" in html and "Or book at example.org/book." in html


def test_a_clinic_cannot_be_found_by_counting_numbers(client, quiz_url, clinic, other_clinic):
    # #16, point 10: ?clinic=<number> showed any clinic's name and phone.
    for value in (clinic.pk, other_clinic.pk):
        html = client.post(f"{quiz_url}?clinic={value}", answers()).content.decode()
        assert "Home Clinic" not in html and "Other Clinic" not in html
    assert len(clinic.public_key) >= 12 and clinic.public_key != other_clinic.public_key


@pytest.mark.parametrize("value", ["abc", "-1", "999999", "1" * 40, ""])
def test_a_bad_clinic_in_the_link_is_ignored(client, quiz_url, value, db):
    response = client.post(f"{quiz_url}?clinic={value}", answers())
    assert response.status_code == 200
    assert "call your doctor's practice or a physical therapy clinic" in response.content.decode()


def test_the_bladder_question_shows_the_red_flag_guidance(client, quiz_url, db):
    html = client.post(quiz_url, answers(yes=(10,))).content.decode()
    assert "Go to an emergency department now (do not drive yourself)" in html
    assert html.index("emergency department now") < html.index("Your quiz result")


@pytest.mark.parametrize("sign", SIGNS)
def test_any_red_flag_sign_puts_the_urgent_guidance_before_anything_else(
    client, quiz_url, sign, db
):
    html = client.post(quiz_url, answers(flags=(sign,))).content.decode()
    urgent = '<h2 id="red-flag-heading" class="h3">Go to an emergency department now'
    assert urgent in html
    assert html.index(urgent) < html.index("Your quiz result")


def test_no_red_flag_guidance_without_a_bladder_or_red_flag_answer(client, quiz_url, db):
    html = client.post(quiz_url, answers(yes=(1, 2, 3, 4, 5))).content.decode()
    assert "red-flag-heading" not in html


def test_unanswered_questions_are_shown_again_with_errors(client, quiz_url, db):
    data = answers()
    del data["q4"]
    response = client.post(quiz_url, data)
    assert response.status_code == 200
    assert "Please answer this question." in response.content.decode()


def test_submissions_are_rate_limited_per_address(client, quiz_url, db):
    for _ in range(SUBMISSIONS_PER_WINDOW):
        assert client.post(quiz_url, answers()).status_code == 200
    response = client.post(quiz_url, answers())
    assert response.status_code == 429
    assert "Please wait a few minutes" in response.content.decode()
    other_address = client.post(quiz_url, answers(), REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 200
    assert client.get(quiz_url).status_code == 200  # reading the quiz is never limited


def test_the_rate_limit_keeps_no_address_in_the_cache(client, quiz_url, db):
    from django.core.cache import cache

    client.post(quiz_url, answers(), REMOTE_ADDR="203.0.113.7")
    keys = list(cache._cache.keys())  # locmem in tests
    assert keys and not any("203.0.113.7" in key for key in keys)

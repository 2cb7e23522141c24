"""An unusual walk is checked with the patient before it is saved (docs/clinical-rules.md §7.8),
and minutes out of range get plain words, never Django's digit counting."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from patients import plausibility
from patients.models import WalkLog
from patients.tests.factories import WalkLogFactory
from patients.tests.test_walklogs import CREATE, walk

# --- The rule, on plain numbers --------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "rests", "longest", "question"),
    [
        ("12", 2, None, None),
        ("120", 0, None, None),  # exactly two hours without a rest is not asked
        ("120.5", 0, None, "You entered 120.5 minutes without a rest. Is that right?"),
        ("600", 0, None, "You entered 600 minutes without a rest. Is that right?"),
        ("600", 0, Decimal("20"), "You entered 600 minutes without a rest. Is that right?"),
        (
            "300",
            1,
            None,
            "You entered 300 minutes with 1 rest: a stretch of over 2 hours without a rest. "
            "Is that right?",
        ),
        ("240", 1, None, None),  # two stretches of 2 hours
        ("90", 3, None, None),  # no earlier walk: nothing to compare with
        ("60", 3, Decimal("20"), None),  # exactly three times the longest walk
        (
            "60.5",
            3,
            Decimal("20"),
            "You entered 60.5 minutes: more than three times the longest walk logged so far "
            "(20 minutes). Is that right?",
        ),
        (
            "45",
            2,
            Decimal("7.5"),
            "You entered 45 minutes: more than three times the longest walk logged so far "
            "(7.5 minutes). Is that right?",
        ),
    ],
)
def test_the_question_for_an_unusual_walk(minutes, rests, longest, question):
    assert plausibility.unusual_walk_question(Decimal(minutes), rests, longest) == question


def test_a_confirmation_belongs_to_the_minutes_and_rests_it_confirmed():
    key = plausibility.confirmation_key(Decimal("600"), 0)
    assert key == plausibility.confirmation_key(Decimal("600.0"), 0)
    assert key != plausibility.confirmation_key(Decimal("599"), 0)
    assert key != plausibility.confirmation_key(Decimal("600"), 1)


# --- The patient's form ----------------------------------------------------------------


def test_600_minutes_without_a_rest_is_not_saved_but_asked(patient_client):
    response = patient_client.post(CREATE, walk(minutes="600", rests="0", note="Long day"))
    assert response.status_code == 200
    assert not WalkLog.objects.exists()
    page = response.content.decode()
    assert "You entered 600 minutes without a rest. Is that right?" in page
    assert "Yes, that is right" in page and "Change it" in page
    assert "well done" not in page.lower()
    form = response.context["form"]
    # the values are kept for the answer
    assert form["minutes"].value() == "600" and form["note"].value() == "Long day"
    assert 'name="confirm_unusual"' in page
    assert 'value="600.0/0">Yes, that is right</button>' in page


def test_confirming_saves_the_walk_as_entered(patient, patient_client):
    response = patient_client.post(
        CREATE, walk(minutes="600", rests="0", confirm_unusual="600.0/0")
    )
    log = WalkLog.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:walklog-detail", args=[log.pk])
    assert (log.minutes, log.rests, log.patient) == (600, 0, patient)


def test_a_confirmation_of_other_numbers_asks_again(patient_client):
    # The patient confirmed 600, then changed it to 500: that is a new answer to check.
    response = patient_client.post(
        CREATE, walk(minutes="500", rests="0", confirm_unusual="600.0/0")
    )
    assert response.status_code == 200
    assert "You entered 500 minutes without a rest. Is that right?" in response.content.decode()
    assert not WalkLog.objects.exists()


def test_changing_it_to_a_usual_walk_saves_without_asking(patient_client):
    patient_client.post(CREATE, walk(minutes="600", rests="0"))
    response = patient_client.post(CREATE, walk(minutes="60", rests="0"))
    assert response.status_code == 302
    assert WalkLog.objects.get().minutes == 60


def test_more_than_three_times_the_longest_walk_is_asked_once_there_is_history(
    patient, patient_client
):
    WalkLogFactory(patient=patient, minutes=Decimal("10"), rests=0)
    WalkLogFactory(patient=patient, minutes=Decimal("20"), rests=1)
    response = patient_client.post(CREATE, walk(minutes="75", rests="4"))
    assert response.status_code == 200
    assert (
        "You entered 75 minutes: more than three times the longest walk logged so far "
        "(20 minutes). Is that right?"
    ) in response.content.decode()
    assert WalkLog.objects.count() == 2
    confirmed = patient_client.post(CREATE, walk(minutes="75", rests="4", confirm_unusual="75.0/4"))
    assert confirmed.status_code == 302 and WalkLog.objects.count() == 3


def test_a_confirmed_walk_is_not_compared_again(patient, patient_client, django_assert_num_queries):
    WalkLogFactory.create_batch(3, patient=patient)
    patient_client.get(CREATE)  # the first request starts the session clock
    # The patient submit's 8 (test_walklogs.py) without the longest-walk query: confirmed.
    with django_assert_num_queries(7):
        response = patient_client.post(
            CREATE, walk(minutes="600", rests="0", confirm_unusual="600.0/0")
        )
    assert response.status_code == 302


def test_a_first_walk_is_compared_with_nothing(patient_client):
    response = patient_client.post(CREATE, walk(minutes="90", rests="3"))
    assert response.status_code == 302


def test_a_deleted_walk_is_not_history(patient, patient_client):
    WalkLogFactory(patient=patient, minutes=Decimal("100"), deleted_at=timezone.now())
    WalkLogFactory(patient=patient, minutes=Decimal("10"))
    response = patient_client.post(CREATE, walk(minutes="40", rests="3"))
    assert response.status_code == 200
    assert "(10 minutes)" in response.content.decode()


def test_a_confirmation_survives_another_mistake_on_the_page(patient_client):
    # Confirmed, but the pain question was left out: the next page does not ask again.
    response = patient_client.post(
        CREATE, walk(minutes="600", rests="0", confirm_unusual="600.0/0", pain_peak=None)
    )
    page = response.content.decode()
    assert response.status_code == 200 and not WalkLog.objects.exists()
    assert "Is that right?" not in page
    assert '<input type="hidden" name="confirm_unusual" value="600.0/0"' in page
    saved = patient_client.post(CREATE, walk(minutes="600", rests="0", confirm_unusual="600.0/0"))
    assert saved.status_code == 302


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("9999", "Enter at most 600 minutes (10 hours)."),
        ("99999999", "Enter at most 600 minutes (10 hours)."),
        ("1e5", "Enter at most 600 minutes (10 hours)."),
        ("-9999", "Minutes must be more than 0."),
        ("0", "Minutes must be more than 0."),
        ("twelve", "Enter the minutes as a number, for example 12 or 7.5."),
        ("NaN", "Enter the minutes as a number, for example 12 or 7.5."),
        ("Infinity", "Enter the minutes as a number, for example 12 or 7.5."),
    ],
)
def test_minutes_out_of_range_get_plain_words_and_nothing_is_saved(
    patient_client, minutes, message
):
    response = patient_client.post(CREATE, walk(minutes=minutes))
    assert response.status_code == 200
    assert response.context["form"].errors["minutes"] == [message]
    page = response.content.decode()
    assert "digits" not in page and "Ensure that" not in page
    assert not WalkLog.objects.exists()


def test_a_distance_out_of_range_gets_plain_words(patient_client):
    response = patient_client.post(CREATE, walk(distance="99999"))
    assert response.context["form"].errors["distance"] == ["Enter a distance up to 100."]
    assert not WalkLog.objects.exists()


# --- The therapist's paper-diary entry -------------------------------------------------


def test_the_therapist_is_asked_about_an_unusual_diary_walk_and_can_confirm(
    paper_patient, client_for
):
    client = client_for(paper_patient.primary_therapist)
    url = reverse("patients:walklog-enter", args=[paper_patient.pk])
    asked = client.post(url, walk(minutes="600", rests="0"))
    assert asked.status_code == 200
    assert "You entered 600 minutes without a rest. Is that right?" in asked.content.decode()
    assert not WalkLog.objects.exists()
    saved = client.post(url, walk(minutes="600", rests="0", confirm_unusual="600.0/0"))
    assert saved.status_code == 302
    assert WalkLog.objects.get().source == WalkLog.Source.CLINIC


def test_the_therapist_gets_plain_words_for_9999(paper_patient, client_for):
    client = client_for(paper_patient.primary_therapist)
    url = reverse("patients:walklog-enter", args=[paper_patient.pk])
    response = client.post(url, walk(minutes="9999"))
    assert response.context["form"].errors["minutes"] == ["Enter at most 600 minutes (10 hours)."]
    assert not WalkLog.objects.exists()

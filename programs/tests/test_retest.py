"""The week-8 re-test (docs/clinical-rules.md §9): a dated task on the patient's page and the
caseload until a treadmill or self-paced walking test is recorded, or it is dismissed."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.tests.factories import TreadmillTestFactory
from patients.dates import patient_today
from programs import selectors, services
from programs.models import Retest
from programs.tests.factories import assign_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(patient, therapist):
    # Started 7 weeks ago: week 8 starts today, the re-test is due.
    return assign_plan(patient, by=therapist, weeks_ago=7)


def test_assigning_a_plan_dates_its_re_test_at_the_start_of_week_8(plan):
    assert plan.retest.due_on == plan.start_date + timedelta(weeks=7)
    assert selectors.retest_for_plan(plan) == plan.retest


def test_it_shows_on_the_patient_page_and_the_caseload_until_recorded(plan, therapist, client_for):
    client = client_for(therapist)
    panel = client.get(reverse("programs:patient-panel", args=[plan.patient_id]))
    caseload = client.get(reverse("dashboard:caseload"))
    assert "Re-test due" in panel.content.decode()
    assert "Re-test due" in caseload.content.decode()

    TreadmillTestFactory(patient=plan.patient, performed_on=patient_today(plan.patient))

    assert selectors.retest_for_plan(plan) is None
    assert "Re-test due" not in client.get(reverse("dashboard:caseload")).content.decode()


def test_a_test_from_before_the_re_test_week_does_not_count(plan):
    TreadmillTestFactory(patient=plan.patient, performed_on=plan.start_date)  # the baseline

    assert selectors.retest_for_plan(plan) == plan.retest


def test_the_caseload_lists_it_only_from_a_week_before_it_is_due(patient, therapist):
    plan = assign_plan(patient, by=therapist, weeks_ago=2)
    today = patient_today(patient)

    assert selectors.retests_due_for_patients([patient.pk], today=today) == {}
    later = selectors.retests_due_for_patients([patient.pk], today=plan.retest.due_on)
    assert later[patient.pk] == plan.retest


def test_dismissing_needs_a_reason_and_is_kept(plan, therapist, client_for):
    with pytest.raises(ValidationError):
        services.retest_dismiss(retest=plan.retest, by=therapist, reason="  ")

    response = client_for(therapist).post(
        reverse("programs:retest-dismiss", args=[plan.retest.pk]),
        {"reason": "Moved away: re-tested at the new clinic"},
    )

    assert response.status_code == 302
    retest = Retest.objects.get(pk=plan.retest.pk)
    assert (retest.status, retest.dismissed_by) == ("dismissed", therapist)
    assert selectors.retest_for_plan(plan) is None


def test_an_empty_reason_from_the_page_changes_nothing(plan, therapist, client_for):
    client_for(therapist).post(
        reverse("programs:retest-dismiss", args=[plan.retest.pk]), {"reason": ""}
    )

    assert Retest.objects.get(pk=plan.retest.pk).status == "due"


def test_another_clinics_therapist_gets_a_404(plan, other_therapist, client_for):
    response = client_for(other_therapist).post(
        reverse("programs:retest-dismiss", args=[plan.retest.pk]), {"reason": "x"}
    )

    assert response.status_code == 404
    assert Retest.objects.get(pk=plan.retest.pk).status == "due"

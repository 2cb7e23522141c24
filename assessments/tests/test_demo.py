import pytest
from django.core.management import call_command

from assessments.models import (
    Administration,
    QuestionnaireAssignment,
    ShoppingCartTest,
    TreadmillTest,
)
from patients.models import Patient


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True  # seed_demo refuses to run without it (public demo passwords)
    call_command("seed_demo", stdout=None)


def _counts():
    return (
        TreadmillTest.objects.count(),
        ShoppingCartTest.objects.count(),
        Administration.objects.count(),
        QuestionnaireAssignment.objects.count(),
    )


def test_every_demo_patient_gets_baseline_tests_and_eight_weeks_of_questionnaires(demo):
    for patient in Patient.objects.all():
        assert TreadmillTest.objects.filter(patient=patient).exists()
        assert ShoppingCartTest.objects.filter(patient=patient).exists()
        dates = Administration.objects.filter(patient=patient).values_list(
            "performed_on", flat=True
        )
        codes = set(
            Administration.objects.filter(patient=patient).values_list(
                "instrument__code", flat=True
            )
        )
        assert codes == {"nprs", "psfs", "sshq"}
        assert (max(dates) - min(dates)).days >= 7 * 7


def test_demo_pain_eases_so_the_charts_tell_a_story(demo):
    for patient in Patient.objects.all():
        legs = [
            a.scores["leg"]
            for a in Administration.objects.filter(
                patient=patient, instrument__code="nprs"
            ).order_by("performed_on")
        ]
        assert legs[-1] < legs[0]


def test_seeding_twice_adds_nothing(demo):
    before = _counts()
    call_command("seed_demo", stdout=None)
    assert _counts() == before

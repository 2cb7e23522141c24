"""seed_demo's programmes: plans at different weeks, decided history, one suggestion waiting."""

from io import StringIO

import pytest
from django.core.management import call_command

from patients.dates import patient_today
from programs.models import Plan, PlanVersion, ProgressionSuggestion
from programs.schedule import plan_week_number

pytestmark = pytest.mark.django_db


def _seed(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())


def _weeks():
    return {
        plan.patient.full_name: plan_week_number(plan.start_date, patient_today(plan.patient))
        for plan in Plan.objects.select_related("patient__clinic")
    }


def test_demo_patients_are_at_different_weeks(settings):
    _seed(settings)

    assert _weeks() == {
        "Pat Patient": 5,
        "Margaret Hill": 6,
        "George Okafor": 8,
        "Rosa Lindqvist": 3,
        "Edith Brown": 3,
        "June Tanaka": 0,
    }
    assert Plan.objects.get(patient__full_name="Rosa Lindqvist").status == "paused"


def test_the_patient_with_an_open_red_flag_has_a_paused_plan(settings):
    _seed(settings)

    george = Plan.objects.get(patient__full_name="George Okafor")
    assert george.patient.red_flags.filter(status="open").exists()
    assert george.status == "paused"
    assert "red flag" in george.pause_reason.lower()


def test_demo_has_a_decided_history_and_exactly_one_suggestion_waiting(settings):
    _seed(settings)

    waiting = ProgressionSuggestion.objects.get(status="pending")
    assert (waiting.plan.patient.full_name, waiting.week_number, waiting.decision) == (
        "Pat Patient",
        4,
        "progress",
    )
    statuses = set(ProgressionSuggestion.objects.values_list("status", flat=True))
    assert {"approved", "edited", "rejected", "pending"} <= statuses
    george = Plan.objects.get(patient__full_name="George Okafor")
    kinds = list(PlanVersion.objects.filter(plan=george).values_list("kind", flat=True))
    assert kinds.count("progression") >= 3
    # Decisions are dated the week they were made, not the day the demo was loaded.
    first_approval = george.versions.filter(kind="progression").earliest("number")
    assert first_approval.created_at.date() < patient_today(george.patient)


def test_paper_diary_walks_are_entered_by_the_clinic(settings):
    _seed(settings)

    edith = Plan.objects.get(patient__full_name="Edith Brown").patient
    assert edith.user is None
    assert set(edith.walk_logs.values_list("source", flat=True)) == {"clinic"}


def test_running_the_demo_twice_adds_nothing(settings):
    _seed(settings)
    counts = (
        Plan.objects.count(),
        PlanVersion.objects.count(),
        ProgressionSuggestion.objects.count(),
    )
    _seed(settings)
    assert (
        Plan.objects.count(),
        PlanVersion.objects.count(),
        ProgressionSuggestion.objects.count(),
    ) == counts

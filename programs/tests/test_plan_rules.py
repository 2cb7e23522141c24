"""A plan's own thresholds (docs/clinical-rules.md §7.7): within the clinic's bounds, shown
with their source, versioned, and read by the engine and the patient's pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clinic.models import AuditEvent, ClinicalSettings
from patients.rules import rules_for_patient
from programs import selectors, services
from programs.tests.factories import assign_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(patient, therapist):
    return assign_plan(patient, by=therapist, weeks_ago=1)


def test_an_override_applies_to_this_plan_only_and_is_versioned(plan, therapist, other_patient):
    ClinicalSettings.objects.create(clinic=plan.patient.clinic, pain_rise_target=3)
    other = assign_plan(other_patient, by=therapist)

    services.plan_rules_set(
        plan=plan, by=therapist, overrides={"pain_rise_target": 1}, reason="Flares easily"
    )

    assert rules_for_patient(plan.patient).pain_rise_target == 1
    assert rules_for_patient(other.patient).pain_rise_target == 3  # the clinic's
    version = plan.versions.order_by("-number").first()
    assert (version.kind, version.reason, version.rule_overrides) == (
        "adjust",
        "Flares easily",
        {"pain_rise_target": 1},
    )


def test_the_plan_page_shows_each_value_and_where_it_comes_from(plan, therapist):
    ClinicalSettings.objects.create(clinic=plan.patient.clinic, pain_rise_target=3)
    services.plan_rules_set(
        plan=plan, by=therapist, overrides={"severe_peak": 5}, reason="Keep peaks lower"
    )
    plan.refresh_from_db()

    rows = {row.name: row for row in selectors.rules_in_force(plan)}

    assert (rows["severe_peak"].value, rows["severe_peak"].source) == (5, "this plan")
    assert (rows["pain_rise_target"].value, rows["pain_rise_target"].source) == (
        3,
        "clinic setting",
    )
    assert rows["recovery_margin"].source == "Stride default"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"pain_rise_target": 5}, "pain_rise_target"),  # above the safe range 1-4
        ({"severe_peak": 8}, "severe_peak"),  # the severe band is never within target
        ({"max_bout_growth": Decimal("0.4")}, "max_bout_growth"),  # 25 % at most
        ({"pain_rise_target": Decimal("1.5")}, "pain_rise_target"),  # whole points
    ],
)
def test_a_value_outside_the_safe_bounds_is_refused_and_changes_nothing(
    plan, therapist, overrides, field
):
    with pytest.raises(ValidationError) as raised:
        services.plan_rules_set(plan=plan, by=therapist, overrides=overrides, reason="Try")

    assert field in raised.value.message_dict
    plan.refresh_from_db()
    assert plan.rule_overrides == {}
    assert plan.versions.count() == 1


def test_blank_keeps_the_clinic_value(plan, therapist):
    services.plan_rules_set(
        plan=plan, by=therapist, overrides={"pain_rise_target": 1}, reason="Careful start"
    )
    services.plan_rules_set(
        plan=plan, by=therapist, overrides={"pain_rise_target": None}, reason="Back to normal"
    )

    plan.refresh_from_db()
    assert plan.rule_overrides == {}


def test_the_weekly_engine_uses_the_plan_override(plan, therapist):
    from patients.tests.factories import WalkLogFactory

    services.plan_rules_set(
        plan=plan, by=therapist, overrides={"pain_rise_target": 1}, reason="Flares easily"
    )
    week_start = plan.start_date
    for day in range(5):  # rise 2 every walk: within the clinic's +2, over this plan's +1
        WalkLogFactory(
            patient=plan.patient,
            date=week_start + timedelta(days=day),
            minutes=Decimal("18"),
            pain_before=2,
            pain_peak=4,
            pain_after=2,
        )
    from django.utils import timezone

    services.progression_run(now=timezone.now() + timedelta(days=3))

    suggestion = plan.suggestions.get()
    assert suggestion.decision == "regress"  # every walk over this plan's target


def test_the_thresholds_page_saves_and_is_audited(plan, therapist, client_for):
    client = client_for(therapist)
    url = reverse("programs:plan-rules", args=[plan.pk])

    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(action="view", patient_id=plan.patient_id).exists()
    response = client.post(url, {"pain_rise_target": "1", "session_min_share": "90", "reason": "x"})

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.rule_overrides == {"pain_rise_target": 1, "session_min_share": 0.9}


def test_the_thresholds_page_shows_plain_errors_and_saves_nothing(plan, therapist, client_for):
    response = client_for(therapist).post(
        reverse("programs:plan-rules", args=[plan.pk]), {"severe_peak": "9", "reason": "x"}
    )

    assert response.status_code == 200
    assert "Choose a value from 3 to 6" in response.content.decode()
    plan.refresh_from_db()
    assert plan.rule_overrides == {}


def test_another_clinics_therapist_gets_a_404(plan, other_therapist, client_for):
    url = reverse("programs:plan-rules", args=[plan.pk])
    assert client_for(other_therapist).get(url).status_code == 404
    assert client_for(other_therapist).post(url, {"reason": "x"}).status_code == 404

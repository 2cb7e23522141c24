"""A therapist approves, edits or rejects the weekly suggestion; approval applies from the
next plan week and is kept as a plan version."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from clinic.models import AuditEvent
from clinic.tests.factories import StaffFactory
from patients.dates import patient_today
from programs import services
from programs.models import Plan
from programs.tests.factories import assign_plan, bundled_template, suggestion_for, template_doses

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(patient, therapist):
    return assign_plan(patient, by=therapist, weeks_ago=3)


def test_approving_applies_the_new_walks_from_the_next_plan_week(plan, therapist):
    suggestion = suggestion_for(plan, week=3, minutes="7")

    services.progression_approve(suggestion=suggestion, by=therapist)

    plan.refresh_from_db()
    suggestion.refresh_from_db()
    assert plan.bout_minutes == Decimal("7")
    assert (suggestion.status, suggestion.decided_by) == ("approved", therapist)
    version = plan.versions.latest("number")
    assert (version.kind, version.suggestion, version.created_by) == (
        "progression",
        suggestion,
        therapist,
    )
    # Week 3 ended; week 4 starts today, which is when the change applies.
    assert version.effective_from == plan.start_date + timedelta(weeks=3)
    assert version.effective_from == patient_today(plan.patient)
    assert "Progress approved for week 3" in version.reason
    assert AuditEvent.objects.filter(
        action="update", patient_id=plan.patient_id, object_type="programs.plan"
    ).exists()


def test_a_late_approval_never_applies_to_days_already_gone(plan, therapist):
    suggestion = suggestion_for(plan, week=2, minutes="7")

    services.progression_approve(suggestion=suggestion, by=therapist)

    assert plan.versions.latest("number").effective_from == patient_today(plan.patient)


def test_approving_twice_is_refused_and_changes_nothing_more(plan, therapist):
    suggestion = suggestion_for(plan, week=3)
    services.progression_approve(suggestion=suggestion, by=therapist)

    with pytest.raises(ValidationError, match="already dealt with"):
        services.progression_approve(suggestion=suggestion, by=therapist)
    assert plan.versions.count() == 2


def test_approving_a_hold_changes_no_walks_and_makes_no_version(plan, therapist):
    suggestion = suggestion_for(plan, week=3, decision="hold", minutes="6")

    services.progression_approve(suggestion=suggestion, by=therapist)

    suggestion.refresh_from_db()
    assert suggestion.status == "approved"
    assert plan.versions.count() == 1


def test_approving_a_pause_pauses_the_plan(plan, therapist):
    suggestion = suggestion_for(plan, week=3, decision="pause", minutes="6")

    services.progression_approve(suggestion=suggestion, by=therapist)

    plan.refresh_from_db()
    assert plan.status == Plan.Status.PAUSED
    assert plan.versions.latest("number").kind == "pause"


def test_a_plan_changed_after_the_suggestion_must_be_checked_with_edit(plan, therapist):
    suggestion = suggestion_for(plan, week=3, minutes="7")
    services.plan_adjust(
        plan=plan,
        by=therapist,
        reason="Shorter",
        sessions_per_week=5,
        bouts_per_session=3,
        bout_minutes=Decimal("4"),
        exercises=template_doses(bundled_template()),
    )

    with pytest.raises(ValidationError, match="use Edit"):
        services.progression_approve(suggestion=suggestion, by=therapist)
    suggestion.refresh_from_db()
    assert suggestion.is_pending


def test_a_paused_plan_does_not_progress(plan, therapist):
    suggestion = suggestion_for(plan, week=3)
    services.plan_pause(plan=plan, by=therapist, reason="Holiday")

    with pytest.raises(ValidationError, match="resume it"):
        services.progression_approve(suggestion=suggestion, by=therapist)
    suggestion.refresh_from_db()
    assert suggestion.is_pending


def test_editing_applies_the_therapists_numbers_with_the_reason(plan, therapist):
    suggestion = suggestion_for(plan, week=3, minutes="7")

    services.progression_approve_edited(
        suggestion=suggestion,
        by=therapist,
        sessions_per_week=4,
        bouts_per_session=2,
        bout_minutes=Decimal("8"),
        note="Busy week ahead: fewer, longer walks",
    )

    plan.refresh_from_db()
    suggestion.refresh_from_db()
    assert (plan.sessions_per_week, plan.bouts_per_session, plan.bout_minutes) == (
        4,
        2,
        Decimal("8"),
    )
    assert (suggestion.status, suggestion.note) == (
        "edited",
        "Busy week ahead: fewer, longer walks",
    )
    version = plan.versions.latest("number")
    assert "approved with changes: 4 days a week, 2 x 8 min" in version.reason
    assert "fewer, longer walks" in version.reason


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"note": ""}, "Say why"),
        ({"bout_minutes": Decimal("61")}, "at most 60"),
        ({"bout_minutes": Decimal("0")}, "longer than 0"),
        ({"sessions_per_week": 0}, "from 1 to 14"),
    ],
)
def test_editing_refuses_nonsense(plan, therapist, fields, message):
    suggestion = suggestion_for(plan, week=3)
    values = {
        "sessions_per_week": 5,
        "bouts_per_session": 3,
        "bout_minutes": Decimal("7"),
        "note": "ok",
        **fields,
    }

    with pytest.raises(ValidationError, match=message):
        services.progression_approve_edited(suggestion=suggestion, by=therapist, **values)
    suggestion.refresh_from_db()
    assert suggestion.is_pending
    assert plan.versions.count() == 1


def test_rejecting_keeps_the_plan(plan, therapist):
    suggestion = suggestion_for(plan, week=3)

    services.progression_reject(suggestion=suggestion, by=therapist, note="Wait a week")

    suggestion.refresh_from_db()
    plan.refresh_from_db()
    assert (suggestion.status, suggestion.note) == ("rejected", "Wait a week")
    assert plan.bout_minutes == Decimal("6")
    assert plan.versions.count() == 1


def test_only_a_therapist_of_the_clinic_decides(plan, admin_user, other_therapist):
    suggestion = suggestion_for(plan, week=3)
    for user in (admin_user, other_therapist):
        with pytest.raises(ValidationError, match="Only a therapist"):
            services.progression_approve(suggestion=suggestion, by=user)
        with pytest.raises(ValidationError, match="Only a therapist"):
            services.progression_reject(suggestion=suggestion, by=user)
    suggestion.refresh_from_db()
    assert suggestion.is_pending


def test_any_therapist_of_the_clinic_may_decide(plan, clinic):
    colleague = StaffFactory(clinic=clinic)
    suggestion = suggestion_for(plan, week=3)

    services.progression_approve(suggestion=suggestion, by=colleague)

    assert plan.versions.latest("number").created_by == colleague


def test_ending_a_plan_closes_its_waiting_suggestions(plan, therapist):
    suggestion = suggestion_for(plan, week=3)

    services.plan_end(plan=plan, by=therapist, reason="Discharged")

    suggestion.refresh_from_db()
    assert suggestion.status == "expired"

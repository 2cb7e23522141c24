"""Plan life cycle: assign, adjust, pause, resume, end; every change is a version."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clinic.models import AuditEvent, ClinicalSettings
from patients.dates import patient_today
from patients.signals import red_flag_raised
from patients.tests.factories import RedFlagReportFactory
from programs import services
from programs.doses import ExerciseDose
from programs.models import Exercise, Plan, PlanVersion
from programs.tests.factories import assign_plan, bundled_template, template_doses

pytestmark = pytest.mark.django_db


def test_it_assigns_a_plan_with_the_template_exercises_and_a_first_version(patient, therapist):
    plan = assign_plan(patient, by=therapist)

    assert plan.status == Plan.Status.ACTIVE
    assert (plan.weeks, plan.progress_from_week) == (8, 3)
    assert plan.exercises.count() == bundled_template().items.count()
    assert [n["phase"] for n in plan.week_notes][:3] == ["Foundation", "Foundation", "Build"]
    version = plan.versions.get()
    assert (version.number, version.kind, version.created_by) == (1, "assign", therapist)
    assert version.effective_from == plan.start_date
    assert {e["slug"] for e in version.exercises} >= {"sciatic-nerve-slider", "curl-up"}
    assert all(e["exercise_version"] == 1 for e in version.exercises)
    assert AuditEvent.objects.filter(
        action="create", patient_id=patient.pk, object_type="programs.plan"
    ).exists()


def test_a_patient_has_at_most_one_open_plan(patient, therapist):
    assign_plan(patient, by=therapist)

    with pytest.raises(ValidationError, match="already has a plan"):
        assign_plan(patient, by=therapist)
    assert Plan.objects.filter(patient=patient).count() == 1


def test_the_database_refuses_a_second_open_plan_too(patient, therapist):
    plan = assign_plan(patient, by=therapist)
    plan.pk = None
    plan.status = Plan.Status.PAUSED
    with pytest.raises(IntegrityError), transaction.atomic():
        plan.save()


def test_a_new_plan_can_start_after_the_last_one_ended(patient, therapist):
    plan = assign_plan(patient, by=therapist)
    services.plan_end(plan=plan, by=therapist, reason="Discharged")

    assert assign_plan(patient, by=therapist).status == Plan.Status.ACTIVE


def test_only_a_therapist_of_the_clinic_assigns(patient, admin_user, other_therapist):
    for user in (admin_user, other_therapist):
        with pytest.raises(ValidationError, match="Only a therapist"):
            assign_plan(patient, by=user)
    assert not Plan.objects.exists()


def test_another_clinics_exercise_cannot_be_slipped_into_a_plan(patient, therapist, other_clinic):
    template = bundled_template()
    foreign = Exercise.objects.create(
        clinic=other_clinic,
        slug="theirs",
        name="Theirs",
        category="core",
        summary="x",
        steps="a\nb\nc",
        precautions="Stop if it hurts",
        default_reps=5,
    )
    doses = [*template_doses(template), ExerciseDose(exercise=foreign, reps=5)]

    with pytest.raises(ValidationError, match="your clinic's library"):
        services.plan_assign(
            patient=patient,
            by=therapist,
            template=template,
            start_date=patient_today(patient),
            sessions_per_week=5,
            bouts_per_session=3,
            bout_minutes=Decimal("6"),
            baseline_minutes=Decimal("6"),
            exercises=doses,
        )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"bout_minutes": Decimal("0")}, "bout_minutes"),
        ({"bout_minutes": Decimal("61")}, "bout_minutes"),
        ({"sessions_per_week": 0}, "sessions_per_week"),
        ({"bouts_per_session": -1}, "bouts_per_session"),
    ],
)
def test_the_service_refuses_nonsense_even_without_a_form(patient, therapist, fields, field):
    template = bundled_template()
    values = {
        "sessions_per_week": 5,
        "bouts_per_session": 3,
        "bout_minutes": Decimal("6"),
        **fields,
    }
    with pytest.raises(ValidationError) as error:
        services.plan_assign(
            patient=patient,
            by=therapist,
            template=template,
            start_date=patient_today(patient),
            baseline_minutes=Decimal("6"),
            exercises=template_doses(template),
            **values,
        )
    assert field in error.value.error_dict
    assert not Plan.objects.exists()


def test_a_zero_dose_is_refused_by_the_service(patient, therapist):
    template = bundled_template()
    doses = template_doses(template)
    doses[0].reps = 0
    with pytest.raises(ValidationError, match="Repetitions must be"):
        services.plan_assign(
            patient=patient,
            by=therapist,
            template=template,
            start_date=patient_today(patient),
            sessions_per_week=5,
            bouts_per_session=3,
            bout_minutes=Decimal("6"),
            baseline_minutes=Decimal("6"),
            exercises=doses,
        )


def test_adjusting_keeps_the_old_version_and_records_who_and_why(patient, therapist):
    plan = assign_plan(patient, by=therapist)
    doses = template_doses(bundled_template())[:3]

    services.plan_adjust(
        plan=plan,
        by=therapist,
        reason="Knee sore: fewer exercises",
        sessions_per_week=4,
        bouts_per_session=2,
        bout_minutes=Decimal("8.5"),
        exercises=doses,
    )

    plan.refresh_from_db()
    assert (plan.sessions_per_week, plan.bouts_per_session, plan.bout_minutes) == (
        4,
        2,
        Decimal("8.5"),
    )
    assert plan.exercises.count() == 3
    first, second = plan.versions.order_by("number")
    assert (first.sessions_per_week, len(first.exercises)) == (5, 13)
    assert (second.kind, second.reason, second.created_by) == (
        "adjust",
        "Knee sore: fewer exercises",
        therapist,
    )
    assert (second.sessions_per_week, second.bout_minutes, len(second.exercises)) == (
        4,
        Decimal("8.5"),
        3,
    )
    assert second.effective_from == patient_today(patient)


def test_adjusting_needs_a_reason(patient, therapist):
    plan = assign_plan(patient, by=therapist)
    with pytest.raises(ValidationError, match="Say why"):
        services.plan_adjust(
            plan=plan,
            by=therapist,
            reason="  ",
            sessions_per_week=5,
            bouts_per_session=3,
            bout_minutes=Decimal("6"),
            exercises=template_doses(bundled_template()),
        )
    assert plan.versions.count() == 1


def test_pause_resume_and_end_each_make_a_version(patient, therapist):
    plan = assign_plan(patient, by=therapist)

    services.plan_pause(plan=plan, by=therapist, reason="Holiday")
    plan.refresh_from_db()
    assert (plan.status, plan.pause_reason) == ("paused", "Holiday")
    services.plan_resume(plan=plan, by=therapist)
    services.plan_end(plan=plan, by=therapist, reason="Goals met")

    plan.refresh_from_db()
    assert plan.status == "ended" and plan.ended_at
    assert list(plan.versions.values_list("kind", "status")) == [
        ("assign", "active"),
        ("pause", "paused"),
        ("resume", "active"),
        ("end", "ended"),
    ]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda p, t: services.plan_resume(plan=p, by=t), "Only a paused plan"),
        (lambda p, t: services.plan_pause(plan=p, by=t, reason=""), "Say why"),
        (lambda p, t: services.plan_end(plan=p, by=t, reason=""), "Say why"),
    ],
)
def test_status_changes_that_make_no_sense_are_refused(patient, therapist, action, message):
    plan = assign_plan(patient, by=therapist)
    with pytest.raises(ValidationError, match=message):
        action(plan, therapist)
    assert plan.versions.count() == 1


def test_an_ended_plan_cannot_change_again(patient, therapist):
    plan = assign_plan(patient, by=therapist)
    services.plan_end(plan=plan, by=therapist, reason="Done")
    with pytest.raises(ValidationError, match="already ended"):
        services.plan_end(plan=plan, by=therapist, reason="Again")
    with pytest.raises(ValidationError, match="has ended"):
        services.plan_adjust(
            plan=plan,
            by=therapist,
            reason="x",
            sessions_per_week=5,
            bouts_per_session=3,
            bout_minutes=Decimal("6"),
            exercises=template_doses(bundled_template()),
        )


def test_a_red_flag_signal_pauses_the_active_plan(patient, therapist):
    plan = assign_plan(patient, by=therapist)
    report = RedFlagReportFactory(patient=patient)

    red_flag_raised.send(sender=type(report), patient=patient, report=report)

    plan.refresh_from_db()
    assert plan.status == Plan.Status.PAUSED
    assert "Red flag" in plan.pause_reason
    version = plan.versions.latest("number")
    assert (version.kind, version.created_by) == ("pause", None)
    event = AuditEvent.objects.filter(patient_id=patient.pk, action="update").latest("at")
    assert (event.actor, event.clinic_id) == (None, patient.clinic_id)


def test_a_red_flag_without_an_active_plan_changes_nothing(patient, therapist):
    plan = assign_plan(patient, by=therapist)
    services.plan_pause(plan=plan, by=therapist, reason="Holiday")
    report = RedFlagReportFactory(patient=patient)

    red_flag_raised.send(sender=type(report), patient=patient, report=report)

    assert plan.versions.count() == 2
    red_flag_raised.send(sender=type(report), patient=patient, report=report)  # no plan at all
    assert PlanVersion.objects.count() == 2


def test_the_real_red_flag_report_pauses_the_plan(patient, therapist):
    from patients.services import redflag_report

    plan = assign_plan(patient, by=therapist)
    redflag_report(patient=patient, signs=["bladder"], reported_by=patient.user)

    plan.refresh_from_db()
    assert plan.status == Plan.Status.PAUSED


def test_resuming_waits_until_the_red_flag_is_acknowledged(patient, therapist):
    plan = assign_plan(patient, by=therapist)
    report = RedFlagReportFactory(patient=patient)
    red_flag_raised.send(sender=type(report), patient=patient, report=report)

    with pytest.raises(ValidationError, match="red-flag report is still open"):
        services.plan_resume(plan=plan, by=therapist)
    report.status = "acknowledged"
    report.save()
    services.plan_resume(plan=plan, by=therapist, reason="Seen in ED, all clear")

    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE


def test_exercise_done_is_stored_once_per_local_day(patient, therapist):
    plan = assign_plan(patient, by=therapist)
    exercise = plan.exercises.first().exercise

    assert services.exercise_done_set(plan=plan, exercise=exercise, by=patient.user, done=True)
    assert services.exercise_done_set(plan=plan, exercise=exercise, by=patient.user, done=True)
    assert plan.completions.get().date == patient_today(patient)
    assert not services.exercise_done_set(plan=plan, exercise=exercise, by=patient.user, done=False)
    assert not plan.completions.exists()


def test_adjusting_a_plan_that_has_not_started_applies_from_its_start(patient, therapist):
    plan = assign_plan(patient, by=therapist, start=patient_today(patient) + timedelta(days=5))
    services.plan_adjust(
        plan=plan,
        by=therapist,
        reason="Shorter",
        sessions_per_week=5,
        bouts_per_session=3,
        bout_minutes=Decimal("5"),
        exercises=template_doses(bundled_template()),
    )
    assert plan.versions.latest("number").effective_from == plan.start_date


@pytest.mark.parametrize(
    "fields", [{"regress_step_pct": 0}, {"regress_step_pct": 100}, {"min_adherence_pct": 0}]
)
def test_settings_the_rule_cannot_use_are_refused_not_a_crash(clinic, admin_user, fields):

    with pytest.raises(ValidationError):
        services.program_settings_update(clinic=clinic, by=admin_user, **fields)
    assert not ClinicalSettings.objects.exists()

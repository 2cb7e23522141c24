"""Writes of a patient's plan: assign, adjust, pause, resume, end, and exercises done today.

Each change locks the plan row, changes it, and appends a PlanVersion; programs.signals
tells the layers above (the handout follows the plan).
"""

import zoneinfo
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from clinic.audit import Action, audit_record
from clinic.clinical_rules import BOUNDS, bounds_error
from clinic.models import User
from clinic.selectors import clinic_rules
from patients.dates import patient_today
from patients.models import Patient, RedFlagReport

from .. import schedule
from ..doses import ExerciseDose
from ..models import (
    Exercise,
    ExerciseCompletion,
    Plan,
    PlanExercise,
    PlanVersion,
    ProgramTemplate,
    ProgressionSuggestion,
    Retest,
)
from ..signals import plan_version_recorded
from . import checks

SuggestionStatus = ProgressionSuggestion.Status

RED_FLAG_PAUSE_REASON = (
    "Red flag reported: progression is paused until a clinician has reviewed it."
)


# --- plans ------------------------------------------------------------------------------------


def _snapshot_exercises(plan: Plan) -> list[dict]:
    return [
        {
            "exercise_id": item.exercise_id,
            "slug": item.exercise.slug,
            "name": item.exercise.name,
            "exercise_version": item.exercise.version,
            "slot": item.slot,
            "week_from": item.week_from,
            "week_to": item.week_to,
            **item.dose,
        }
        for item in plan.exercises.select_related("exercise").order_by("order", "id")
    ]


def _record_version(
    plan: Plan,
    *,
    kind: str,
    reason: str,
    by: User | None,
    effective_from: date,
    suggestion: ProgressionSuggestion | None = None,
    exercises: list[dict] | None = None,
    now: datetime | None = None,
) -> PlanVersion:
    last = plan.versions.order_by("-number").values_list("number", "exercises").first()
    if exercises is None:
        exercises = last[1] if last else _snapshot_exercises(plan)
    version = PlanVersion.objects.create(
        plan=plan,
        number=(last[0] if last else 0) + 1,
        kind=kind,
        reason=reason[:500],
        created_by=by,
        created_at=now or timezone.now(),
        effective_from=effective_from,
        status=plan.status,
        sessions_per_week=plan.sessions_per_week,
        bouts_per_session=plan.bouts_per_session,
        bout_minutes=plan.bout_minutes,
        exercises=exercises,
        rule_overrides=dict(plan.rule_overrides or {}),
        suggestion=suggestion,
    )
    # Whatever follows the plan (its handout, in documents) hears of every change here.
    plan_version_recorded.send(sender=PlanVersion, plan=plan, version=version)
    return version


def _replace_exercises(plan: Plan, items: list[ExerciseDose]) -> None:
    plan.exercises.all().delete()
    PlanExercise.objects.bulk_create(
        PlanExercise(plan=plan, **item.row(order)) for order, item in enumerate(items)
    )


def _locked(plan: Plan) -> Plan:
    # Two therapists changing one plan at once must not both read version n and write n + 1.
    return Plan.objects.select_for_update().select_related("patient__clinic").get(pk=plan.pk)


def _audit_plan(action: str, plan: Plan, by: User | None, request=None) -> None:
    audit_record(
        action=action,
        request=request,
        actor=by,
        clinic_id=plan.patient.clinic_id,
        patient_id=plan.patient_id,
        obj=plan,
    )


@transaction.atomic
def plan_assign(
    *,
    patient: Patient,
    by: User,
    template: ProgramTemplate,
    start_date: date,
    sessions_per_week: int,
    bouts_per_session: int,
    bout_minutes: Decimal,
    baseline_minutes: Decimal,
    exercises: list[ExerciseDose],
    baseline_treadmill_seconds: int | None = None,
    baseline_self_reported_minutes: Decimal | None = None,
    reason: str = "",
    request=None,
    now: datetime | None = None,
) -> Plan:
    """Start a plan for `patient` from `template`. A patient has at most one open plan.

    `now` is the moment of the decision (default: this moment)."""
    checks.check_therapist(patient, by)
    if template.clinic_id not in (None, patient.clinic_id):
        raise ValidationError("Choose a template from your clinic.")
    # Serialise assignments for one patient: the constraint would catch a race too, but
    # as an IntegrityError instead of a message.
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    if Plan.objects.open().filter(patient=patient).exists():
        raise ValidationError(
            f"{patient.full_name} already has a plan. End it before starting a new one."
        )
    checks.check_prescription(
        patient,
        sessions_per_week=sessions_per_week,
        bouts_per_session=bouts_per_session,
        bout_minutes=bout_minutes,
    )
    checks.check_exercise_reachable(exercises, patient.clinic_id)
    checks.check_items(exercises, weeks=template.weeks)
    plan = Plan(
        patient=patient,
        template=template,
        name=template.name,
        start_date=start_date,
        weeks=template.weeks,
        progress_from_week=template.progress_from_week,
        week_notes=[
            {"number": w.number, "phase": w.phase, "note": w.note} for w in template.week_set.all()
        ],
        baseline_minutes=baseline_minutes,
        baseline_treadmill_seconds=baseline_treadmill_seconds,
        baseline_self_reported_minutes=baseline_self_reported_minutes,
        sessions_per_week=sessions_per_week,
        bouts_per_session=bouts_per_session,
        bout_minutes=Decimal(str(bout_minutes)),
        created_by=by,
        created_at=now or timezone.now(),
    )
    plan.full_clean()
    plan.save()
    _replace_exercises(plan, exercises)
    _record_version(
        plan,
        kind=PlanVersion.Kind.ASSIGN,
        reason=reason or f"Started from the template '{template.name}'.",
        by=by,
        effective_from=start_date,
        now=now,
    )
    # docs/clinical-rules.md §9: re-test (treadmill or self-paced walk) at the start of the
    # last template week, week 8 of the default programme.
    Retest.objects.create(plan=plan, due_on=schedule.plan_week_start(start_date, plan.weeks))
    _audit_plan(Action.CREATE, plan, by, request)
    return plan


@transaction.atomic
def retest_dismiss(*, retest: Retest, by: User, reason: str, request=None) -> Retest:
    """The therapist decided the re-test will not be done; the reason is kept."""
    retest = Retest.objects.select_for_update().select_related("plan__patient").get(pk=retest.pk)
    checks.check_therapist(retest.plan.patient, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the re-test will not be done."})
    if "\x00" in reason:  # PostgreSQL refuses NUL in text (it was a 500)
        raise ValidationError({"reason": "The reason has a character that cannot be saved."})
    if retest.status == Retest.Status.DISMISSED:
        raise ValidationError("This re-test was already dismissed.")
    retest.status = Retest.Status.DISMISSED
    retest.dismissed_reason = reason[:300]
    retest.dismissed_by = by
    retest.dismissed_at = timezone.now()
    retest.save(update_fields=["status", "dismissed_reason", "dismissed_by", "dismissed_at"])
    audit_record(
        action=Action.UPDATE,
        request=request,
        actor=by,
        patient_id=retest.plan.patient_id,
        obj=retest,
    )
    return retest


@transaction.atomic
def plan_adjust(
    *,
    plan: Plan,
    by: User,
    reason: str,
    sessions_per_week: int,
    bouts_per_session: int,
    bout_minutes: Decimal,
    exercises: list[ExerciseDose],
    request=None,
) -> Plan:
    """Change the walking prescription and exercises from today; the reason is kept."""
    plan = _locked(plan)
    checks.check_therapist(plan.patient, by)
    if not plan.is_open:
        raise ValidationError("This plan has ended and cannot be changed.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the plan changes: it is kept in the history."})
    checks.check_prescription(
        plan.patient,
        sessions_per_week=sessions_per_week,
        bouts_per_session=bouts_per_session,
        bout_minutes=bout_minutes,
    )
    checks.check_exercise_reachable(exercises, plan.patient.clinic_id)
    checks.check_items(exercises, weeks=plan.weeks)
    plan.sessions_per_week = sessions_per_week
    plan.bouts_per_session = bouts_per_session
    plan.bout_minutes = Decimal(str(bout_minutes))
    plan.save()
    _replace_exercises(plan, exercises)
    return _record_adjustment(plan, reason=reason, by=by, request=request)


def _record_adjustment(plan: Plan, *, reason: str, by: User, request) -> Plan:
    """A therapist's change to the open plan, from today (never before the plan starts): one
    ADJUST version with the exercises as they now are, and one audit event."""
    _record_version(
        plan,
        kind=PlanVersion.Kind.ADJUST,
        reason=reason.strip(),
        by=by,
        effective_from=max(patient_today(plan.patient), plan.start_date),
        exercises=_snapshot_exercises(plan),
    )
    _audit_plan(Action.UPDATE, plan, by, request)
    return plan


@transaction.atomic
def plan_rules_set(*, plan: Plan, by: User, overrides: dict, reason: str, request=None) -> Plan:
    """This plan's own values of the clinic's thresholds (docs/clinical-rules.md §7.7).

    `overrides` maps ClinicalRules field names to values; None or a missing name means "the
    clinic's value". Each value must lie in the same safe bounds as the clinic setting.
    Versioned like every plan change, with the reason."""
    plan = _locked(plan)
    checks.check_therapist(plan.patient, by)
    if not plan.is_open:
        raise ValidationError("This plan has ended and cannot be changed.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why this plan's thresholds change."})
    kept = {name: value for name, value in overrides.items() if value is not None}
    unknown = sorted(set(kept) - set(BOUNDS))
    if unknown:
        raise ValidationError(f"Not a threshold a plan may change: {', '.join(unknown)}.")
    errors = {name: bounds_error(name, value) for name, value in kept.items()}
    errors = {name: message for name, message in errors.items() if message}
    if errors:
        raise ValidationError(errors)
    # JSON-safe: whole numbers stay whole, the rest as floats (0.7 reads back as 7/10).
    kept = {
        name: int(value) if Decimal(str(value)) % 1 == 0 else float(value)
        for name, value in kept.items()
    }
    try:
        clinic_rules(plan.patient.clinic).with_overrides(kept)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    plan.rule_overrides = kept
    plan.save(update_fields=["rule_overrides", "updated_at"])
    return _record_adjustment(plan, reason=reason, by=by, request=request)


def _set_status(plan, *, status, kind, reason, by, request, pause_reason="", now=None) -> Plan:
    plan.status = status
    plan.pause_reason = pause_reason
    if status == Plan.Status.ENDED:
        plan.ended_at = now or timezone.now()
    plan.save()
    _record_version(
        plan,
        kind=kind,
        reason=reason,
        by=by,
        effective_from=max(patient_today(plan.patient, now), plan.start_date),
        now=now,
    )
    _audit_plan(Action.UPDATE, plan, by, request)
    return plan


@transaction.atomic
def plan_pause(
    *, plan: Plan, by: User | None, reason: str, request=None, now: datetime | None = None
) -> Plan:
    """Stop progression and the daily routine until a therapist resumes the plan.

    `by` is None when Stride pauses by itself (a red flag).
    """
    plan = _locked(plan)
    if by is not None:
        checks.check_therapist(plan.patient, by)
    if plan.status != Plan.Status.ACTIVE:
        raise ValidationError("Only an active plan can be paused.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the plan is paused."})
    return _set_status(
        plan,
        status=Plan.Status.PAUSED,
        kind=PlanVersion.Kind.PAUSE,
        reason=reason,
        by=by,
        request=request,
        pause_reason=reason[:300],
        now=now,
    )


def plan_pause_for_red_flag(*, patient: Patient, report: RedFlagReport) -> Plan | None:
    """docs/clinical-rules.md §6: any red flag pauses progression for that plan. Runs inside the
    reporting transaction (patients.signals.red_flag_raised); nothing to do without an
    active plan."""
    plan = Plan.objects.filter(patient=patient, status=Plan.Status.ACTIVE).first()
    if plan is None:
        return None
    when = timezone.localtime(report.reported_at, zoneinfo.ZoneInfo(patient.tz_name))
    return plan_pause(
        plan=plan, by=None, reason=f"Red flag reported on {when:%d %b %Y}. {RED_FLAG_PAUSE_REASON}"
    )


@transaction.atomic
def plan_resume(*, plan: Plan, by: User, reason: str = "", request=None) -> Plan:
    """Back to the routine. Refused while a red-flag report waits for a clinician."""
    plan = _locked(plan)
    checks.check_therapist(plan.patient, by)
    if plan.status != Plan.Status.PAUSED:
        raise ValidationError("Only a paused plan can be resumed.")
    if RedFlagReport.objects.filter(
        patient_id=plan.patient_id, status=RedFlagReport.Status.OPEN
    ).exists():
        raise ValidationError(
            "A red-flag report is still open for this patient: acknowledge it before resuming."
        )
    return _set_status(
        plan,
        status=Plan.Status.ACTIVE,
        kind=PlanVersion.Kind.RESUME,
        reason=reason.strip() or "Plan resumed.",
        by=by,
        request=request,
    )


@transaction.atomic
def plan_end(*, plan: Plan, by: User, reason: str, request=None) -> Plan:
    """Finish the plan for good. Waiting suggestions are closed with it."""
    plan = _locked(plan)
    checks.check_therapist(plan.patient, by)
    if not plan.is_open:
        raise ValidationError("This plan has already ended.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the plan ends."})
    plan.suggestions.filter(status=SuggestionStatus.PENDING).update(status=SuggestionStatus.EXPIRED)
    return _set_status(
        plan,
        status=Plan.Status.ENDED,
        kind=PlanVersion.Kind.END,
        reason=reason,
        by=by,
        request=request,
    )


# --- exercises done today -------------------------------------------------------------------


@transaction.atomic
def exercise_done_set(
    *, plan: Plan, exercise: Exercise, by: User, done: bool, request=None
) -> bool:
    """Tick (or untick) an exercise for the patient's local today. Ticking twice is one tick."""
    if plan.status != Plan.Status.ACTIVE:
        raise ValidationError("This plan is not active.")
    today = patient_today(plan.patient)
    if done:
        completion, created = ExerciseCompletion.objects.get_or_create(
            patient=plan.patient,
            exercise=exercise,
            date=today,
            defaults={"plan": plan, "created_by": by},
        )
        if created:
            audit_record(
                action=Action.CREATE,
                request=request,
                actor=by,
                patient_id=plan.patient_id,
                obj=completion,
            )
        return True
    removed = ExerciseCompletion.objects.filter(
        patient=plan.patient, exercise=exercise, date=today
    ).first()
    if removed is not None:
        audit_record(
            action=Action.DELETE,
            request=request,
            actor=by,
            patient_id=plan.patient_id,
            obj=removed,
        )
        removed.delete()
    return False

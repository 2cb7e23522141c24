"""Every write of programs: keyword-only, atomic, validated, audited.

Plan life cycle: plan_assign -> (plan_adjust | plan_pause -> plan_resume | progression_*)*
-> plan_end. Each change locks the plan row, changes it, and appends a PlanVersion.
"""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import islice
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify

from clinic.audit import Action, audit_record
from clinic.models import Clinic, Role, User
from patients.models import Patient, RedFlagReport, WalkLog

from . import library, rules, schedule
from .models import (
    Exercise,
    ExerciseCompletion,
    Plan,
    PlanExercise,
    PlanVersion,
    ProgramSettings,
    ProgramTemplate,
    ProgressionSuggestion,
    Slot,
    TemplateExercise,
    TemplateWeek,
)
from .progression import HOLD, PROGRESS, suggest_progression
from .signals import plan_version_recorded

Decision = ProgressionSuggestion.Decision
SuggestionStatus = ProgressionSuggestion.Status

RED_FLAG_PAUSE_REASON = (
    "Red flag reported: progression is paused until a clinician has reviewed it."
)


@dataclass
class ExerciseDose:
    """One exercise of a plan or template with its weeks and dose (what forms hand over)."""

    exercise: Exercise
    slot: str = Slot.DAILY
    week_from: int = 1
    week_to: int = 8
    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    minutes: int | None = None
    times_per_day: int = 1

    @property
    def dose(self) -> dict:
        return {
            "sets": self.sets,
            "reps": self.reps,
            "hold_seconds": self.hold_seconds,
            "minutes": self.minutes,
            "times_per_day": self.times_per_day,
        }

    @classmethod
    def from_item(cls, item) -> "ExerciseDose":
        """From a TemplateExercise or PlanExercise."""
        return cls(
            exercise=item.exercise,
            slot=item.slot,
            week_from=item.week_from,
            week_to=item.week_to,
            **item.dose,
        )

    def row(self, order: int) -> dict:
        """Field values for a TemplateExercise or PlanExercise row."""
        return {
            "exercise": self.exercise,
            "slot": self.slot,
            "week_from": self.week_from,
            "week_to": self.week_to,
            "order": order,
            **self.dose,
        }


def patient_today(patient: Patient, now: datetime | None = None) -> date:
    """The patient's local date: plan weeks and "Done" ticks follow the patient's clock."""
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(patient.tz_name)).date()


def library_sync() -> dict:
    """Load or update the bundled exercises and template (idempotent; see library.sync)."""
    return library.sync(Exercise, ProgramTemplate, TemplateWeek, TemplateExercise)


# --- settings -------------------------------------------------------------------------------


@transaction.atomic
def program_settings_update(*, clinic: Clinic, by: User, request=None, **fields) -> ProgramSettings:
    """Save a clinic's progression thresholds and the auto-apply-hold switch."""
    settings_row = ProgramSettings.objects.select_for_update().filter(clinic=clinic).first()
    if settings_row is None:
        settings_row = ProgramSettings(clinic=clinic)
    for name, value in fields.items():
        setattr(settings_row, name, value)
    settings_row.updated_by = by
    settings_row.full_clean()
    try:
        settings_row.rules()  # the engine's own checks, e.g. a step back of 100 %
    except ValueError as error:
        raise ValidationError(str(error)) from error
    settings_row.save()
    audit_record(action=Action.UPDATE, request=request, actor=by, obj=settings_row)
    return settings_row


# --- exercise library -------------------------------------------------------------------------


def _check_exercise_fields(fields: dict) -> None:
    errors = rules.dose_errors(
        {
            "sets": fields.get("default_sets"),
            "reps": fields.get("default_reps"),
            "hold_seconds": fields.get("default_hold_seconds"),
            "minutes": fields.get("default_minutes"),
            "times_per_day": fields.get("default_times_per_day", 1),
        }
    )
    if errors:
        raise ValidationError({f"default_{name}": message for name, message in errors.items()})


def _free_slug(clinic: Clinic, name: str) -> str:
    base = slugify(name)[:70] or "exercise"
    taken = set(
        Exercise.objects.filter(clinic=clinic, slug__startswith=base).values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def exercise_create(*, clinic: Clinic, created_by: User, request=None, **fields) -> Exercise:
    """A clinic's own exercise. Bundled exercises come only from library.sync()."""
    _check_exercise_fields(fields)
    if not fields.get("slug"):
        fields["slug"] = _free_slug(clinic, fields.get("name", ""))
    exercise = Exercise(clinic=clinic, created_by=created_by, **fields)
    exercise.full_clean()
    exercise.save()
    audit_record(action=Action.CREATE, request=request, actor=created_by, obj=exercise)
    return exercise


@transaction.atomic
def exercise_update(*, exercise: Exercise, by: User, request=None, **fields) -> Exercise:
    """Edit a clinic exercise; its version goes up so plans can tell which text they used."""
    if exercise.is_bundled or exercise.clinic_id != by.clinic_id:
        raise ValidationError("Bundled exercises cannot be changed: copy it to make your own.")
    exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
    current = {f"default_{name}": value for name, value in exercise.default_dose.items()}
    _check_exercise_fields({**current, **fields})
    changed = False
    for name, value in fields.items():
        if getattr(exercise, name) != value:
            setattr(exercise, name, value)
            changed = True
    if changed:
        exercise.version += 1
        exercise.full_clean()
        exercise.save()
        audit_record(action=Action.UPDATE, request=request, actor=by, obj=exercise)
    return exercise


# --- templates --------------------------------------------------------------------------------


def _check_exercise_reachable(items: list[ExerciseDose], clinic_id: int) -> None:
    for item in items:
        if item.exercise.clinic_id not in (None, clinic_id):
            raise ValidationError("Choose exercises from your clinic's library.")


def _check_items(items: list[ExerciseDose], *, weeks: int) -> None:
    errors = []
    for item in items:
        problems = {
            **rules.dose_errors(item.dose),
            **rules.week_range_errors(item.week_from, item.week_to, weeks=weeks),
        }
        if item.slot not in Slot.values:
            problems["slot"] = "Choose when the exercise is done."
        errors.extend(f"{item.exercise.name}: {message}" for message in problems.values())
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def template_clone(
    *, template: ProgramTemplate, by: User, name: str = "", request=None
) -> ProgramTemplate:
    """A copy of `template` (bundled or the clinic's own) that the clinic can edit."""
    if template.clinic_id not in (None, by.clinic_id):
        raise ValidationError("Choose a template from your clinic.")
    copy = ProgramTemplate.objects.create(
        clinic_id=by.clinic_id,
        name=(name or f"{template.name} (copy)")[:120],
        description=template.description,
        weeks=template.weeks,
        sessions_per_week=template.sessions_per_week,
        bouts_per_session=template.bouts_per_session,
        progress_from_week=template.progress_from_week,
        based_on=template,
        created_by=by,
    )
    TemplateWeek.objects.bulk_create(
        TemplateWeek(template=copy, number=w.number, phase=w.phase, note=w.note)
        for w in template.week_set.all()
    )
    TemplateExercise.objects.bulk_create(
        TemplateExercise(
            template=copy,
            exercise_id=i.exercise_id,
            slot=i.slot,
            week_from=i.week_from,
            week_to=i.week_to,
            order=i.order,
            **i.dose,
        )
        for i in template.items.all()
    )
    audit_record(action=Action.CREATE, request=request, actor=by, obj=copy)
    return copy


@transaction.atomic
def template_update(
    *,
    template: ProgramTemplate,
    by: User,
    name: str,
    description: str,
    sessions_per_week: int,
    bouts_per_session: int,
    progress_from_week: int,
    weeks: list[dict],
    items: list[ExerciseDose],
    request=None,
) -> ProgramTemplate:
    """Replace a clinic template's settings, week notes and exercises. Plans made from it
    keep their own copy, so they do not change."""
    if template.is_bundled or template.clinic_id != by.clinic_id:
        raise ValidationError("The bundled template cannot be changed: make a copy to edit.")
    template = ProgramTemplate.objects.select_for_update().get(pk=template.pk)
    errors = rules.prescription_errors(
        sessions_per_week=sessions_per_week, bouts_per_session=bouts_per_session, bout_minutes=2
    )
    if not 1 <= progress_from_week <= template.weeks + 1:
        errors["progress_from_week"] = f"Choose a week from 1 to {template.weeks + 1}."
    if errors:
        raise ValidationError(errors)
    _check_exercise_reachable(items, by.clinic_id)
    _check_items(items, weeks=template.weeks)
    template.name = name
    template.description = description
    template.sessions_per_week = sessions_per_week
    template.bouts_per_session = bouts_per_session
    template.progress_from_week = progress_from_week
    template.version += 1
    template.full_clean()
    template.save()
    notes = {w["number"]: w for w in weeks}
    template.week_set.all().delete()
    TemplateWeek.objects.bulk_create(
        TemplateWeek(
            template=template,
            number=n,
            phase=notes.get(n, {}).get("phase", "")[:60],
            note=notes.get(n, {}).get("note", "")[:300],
        )
        for n in range(1, template.weeks + 1)
    )
    template.items.all().delete()
    TemplateExercise.objects.bulk_create(
        TemplateExercise(template=template, **item.row(order)) for order, item in enumerate(items)
    )
    audit_record(action=Action.UPDATE, request=request, actor=by, obj=template)
    return template


# --- plans ------------------------------------------------------------------------------------


def _check_therapist(patient: Patient, by: User) -> None:
    # Plans are clinical decisions: therapists of the patient's clinic make them.
    if by.role != Role.THERAPIST or by.clinic_id != patient.clinic_id:
        raise ValidationError("Only a therapist of this clinic can change a plan.")


def _min_bout(clinic: Clinic) -> Decimal:
    row = ProgramSettings.objects.filter(clinic=clinic).only("min_bout_minutes").first()
    return row.min_bout_minutes if row else ProgramSettings().min_bout_minutes


def _check_prescription(patient: Patient, **prescription) -> None:
    errors = rules.prescription_errors(**prescription, min_bout_minutes=_min_bout(patient.clinic))
    if errors:
        raise ValidationError(errors)


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
    _check_therapist(patient, by)
    if template.clinic_id not in (None, patient.clinic_id):
        raise ValidationError("Choose a template from your clinic.")
    # Serialise assignments for one patient: the constraint would catch a race too, but
    # as an IntegrityError instead of a message.
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    if Plan.objects.open().filter(patient=patient).exists():
        raise ValidationError(
            f"{patient.full_name} already has a plan. End it before starting a new one."
        )
    _check_prescription(
        patient,
        sessions_per_week=sessions_per_week,
        bouts_per_session=bouts_per_session,
        bout_minutes=bout_minutes,
    )
    _check_exercise_reachable(exercises, patient.clinic_id)
    _check_items(exercises, weeks=template.weeks)
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
    _audit_plan(Action.CREATE, plan, by, request)
    return plan


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
    _check_therapist(plan.patient, by)
    if not plan.is_open:
        raise ValidationError("This plan has ended and cannot be changed.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the plan changes: it is kept in the history."})
    _check_prescription(
        plan.patient,
        sessions_per_week=sessions_per_week,
        bouts_per_session=bouts_per_session,
        bout_minutes=bout_minutes,
    )
    _check_exercise_reachable(exercises, plan.patient.clinic_id)
    _check_items(exercises, weeks=plan.weeks)
    plan.sessions_per_week = sessions_per_week
    plan.bouts_per_session = bouts_per_session
    plan.bout_minutes = Decimal(str(bout_minutes))
    plan.save()
    _replace_exercises(plan, exercises)
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
        _check_therapist(plan.patient, by)
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
    """CLINICAL.md §6: any red flag pauses progression for that plan. Runs inside the
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
    _check_therapist(plan.patient, by)
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
    _check_therapist(plan.patient, by)
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


# --- weekly progression -----------------------------------------------------------------------


def _week_red_flags(reports, logs_in_week, week_start, week_end, tz) -> list[SimpleNamespace]:
    """Turn the week's red-flag reports into `red_flag` marks for the engine: on the log the
    report came from, or one extra entry for a report made without a log (e.g. the quiz)."""
    log_ids = {log.id for log in logs_in_week}
    extra = []
    for report in reports:
        if report.source_log_id in log_ids:
            next(log for log in logs_in_week if log.id == report.source_log_id).red_flag = True
            continue
        local = timezone.localtime(report.reported_at, tz).date()
        if week_start <= local <= week_end:
            extra.append(
                SimpleNamespace(
                    id=None,
                    pain_before=None,
                    pain_peak=None,
                    pain_after=None,
                    flare_next_day=False,
                    red_flag=True,
                )
            )
    return extra


def _prescription_in_force(plan: Plan, versions: list[PlanVersion], day: date):
    in_force = [v for v in versions if v.effective_from <= day]
    return in_force[-1] if in_force else plan


def _foundation_hold(result, *, week_number: int, progress_from_week: int, bout):
    """CLINICAL.md §9: weeks before the build phase walk at the baseline bout, so a
    "progress" there becomes a hold that says why."""
    summary = result.reasons[0].rsplit(": ", 1)[0]
    minutes = schedule.minutes_text(bout)
    return SimpleNamespace(
        decision=HOLD,
        prescription=None,
        reasons=[
            summary,
            f"Week {week_number} is a foundation week: walks stay at the starting length "
            f"until week {progress_from_week}",
            f"hold: bout stays at {minutes} min",
        ],
    )


_PRESCRIPTION_FIELDS = ("sessions_per_week", "bouts_per_session", "bout_minutes")
_PAIN_FIELDS = ("pain_before", "pain_peak", "pain_after", "flare_next_day")


def _settings_of(clinic: Clinic) -> ProgramSettings:
    # select_related("...__program_settings") caches a missing row as None: no query here.
    try:
        return clinic.program_settings
    except ProgramSettings.DoesNotExist:
        return ProgramSettings(clinic=clinic)


@dataclass
class _Candidate:
    plan: Plan
    week_number: int
    week_start: date
    week_end: date
    tz: zoneinfo.ZoneInfo


def _candidates(plans, now: datetime) -> list[_Candidate]:
    found = []
    for plan in plans:
        tz = zoneinfo.ZoneInfo(plan.patient.tz_name)
        week = schedule.last_completed_week(plan.start_date, now.astimezone(tz).date())
        if week:
            found.append(
                _Candidate(
                    plan=plan,
                    week_number=week,
                    week_start=schedule.plan_week_start(plan.start_date, week),
                    week_end=schedule.plan_week_end(plan.start_date, week),
                    tz=tz,
                )
            )
    return found


def _suggest_chunk(plans: list[Plan], now: datetime) -> int:
    candidates = _candidates(plans, now)
    if not candidates:
        return 0
    plan_ids = [c.plan.pk for c in candidates]
    done = set(
        ProgressionSuggestion.objects.filter(
            plan_id__in=plan_ids, week_start__in={c.week_start for c in candidates}
        ).values_list("plan_id", "week_start")
    )
    candidates = [c for c in candidates if (c.plan.pk, c.week_start) not in done]
    if not candidates:
        return 0
    plan_ids = [c.plan.pk for c in candidates]
    patient_ids = {c.plan.patient_id for c in candidates}
    first = min(c.week_start for c in candidates)
    last = max(c.week_end for c in candidates)

    versions = defaultdict(list)
    for version in (
        PlanVersion.objects.filter(plan_id__in=plan_ids)
        .only(*_PRESCRIPTION_FIELDS, "plan_id", "number", "effective_from")
        .order_by("plan_id", "number")
    ):
        versions[version.plan_id].append(version)

    logs = defaultdict(list)
    for row in WalkLog.objects.filter(
        patient_id__in=patient_ids, deleted_at__isnull=True, date__gte=first, date__lte=last
    ).values("id", "patient_id", "date", *_PAIN_FIELDS):
        logs[row.pop("patient_id")].append(SimpleNamespace(red_flag=False, **row))

    # A local date is at most a day either side of the UTC date.
    window_start = datetime.combine(first - timedelta(days=1), time.min, tzinfo=UTC)
    window_end = datetime.combine(last + timedelta(days=2), time.min, tzinfo=UTC)
    reports = defaultdict(list)
    # Reported during the weeks, or later about a walk of the weeks.
    for report in RedFlagReport.objects.filter(
        Q(reported_at__gte=window_start, reported_at__lt=window_end)
        | Q(source_log__date__gte=first, source_log__date__lte=last),
        patient_id__in=patient_ids,
    ).only("patient_id", "reported_at", "source_log_id"):
        reports[report.patient_id].append(report)

    settings_by_clinic = {}
    rows = []
    for c in candidates:
        plan = c.plan
        clinic = plan.patient.clinic
        if clinic.pk not in settings_by_clinic:
            settings_by_clinic[clinic.pk] = _settings_of(clinic)
        settings_row = settings_by_clinic[clinic.pk]
        week_logs = [log for log in logs[plan.patient_id] if c.week_start <= log.date <= c.week_end]
        week_logs += _week_red_flags(
            reports[plan.patient_id], week_logs, c.week_start, c.week_end, c.tz
        )
        current = _prescription_in_force(plan, versions[plan.pk], c.week_end)
        result = suggest_progression(current, week_logs, rules=settings_row.rules())
        suggested = result.prescription
        if result.decision == PROGRESS and c.week_number + 1 < plan.progress_from_week:
            result = _foundation_hold(
                result,
                week_number=c.week_number,
                progress_from_week=plan.progress_from_week,
                bout=current.bout_minutes,
            )
            suggested = current
        auto = result.decision == HOLD and settings_row.auto_apply_hold
        rows.append(
            ProgressionSuggestion(
                plan=plan,
                week_number=c.week_number,
                week_start=c.week_start,
                decision=result.decision,
                reasons=list(result.reasons),
                logged_sessions=sum(1 for log in week_logs if log.id is not None),
                current_sessions_per_week=current.sessions_per_week,
                current_bouts_per_session=current.bouts_per_session,
                current_bout_minutes=Decimal(str(current.bout_minutes)),
                suggested_sessions_per_week=suggested.sessions_per_week,
                suggested_bouts_per_session=suggested.bouts_per_session,
                suggested_bout_minutes=Decimal(str(suggested.bout_minutes)),
                status=SuggestionStatus.AUTO_APPLIED if auto else SuggestionStatus.PENDING,
                decided_at=now if auto else None,
                created_at=now,
            )
        )
    # ignore_conflicts: a second run racing this one leaves the first row standing.
    ProgressionSuggestion.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def progression_suggest(*, plan: Plan, now: datetime | None = None) -> ProgressionSuggestion | None:
    """The weekly rule for one active plan's latest completed week as of `now`: what the
    weekly job does for every plan. Returns the week's suggestion (new or already there)."""
    now = now or timezone.now()
    if plan.status != Plan.Status.ACTIVE:
        return None
    plan = Plan.objects.select_related("patient__clinic").get(pk=plan.pk)
    _suggest_chunk([plan], now)
    week = schedule.last_completed_week(plan.start_date, patient_today(plan.patient, now))
    return plan.suggestions.filter(week_number=week).first() if week else None


@transaction.atomic
def progression_run(*, now: datetime | None = None, chunk_size: int = 500) -> int:
    """The weekly job: one suggestion for each active plan's latest completed week.

    Paused and ended plans are skipped; a plan week that already has a suggestion is left
    alone, so running twice changes nothing. A fixed number of queries per chunk of plans.
    Older suggestions still waiting are closed: only the newest week is worth deciding.
    """
    now = now or timezone.now()
    plans = (
        Plan.objects.filter(status=Plan.Status.ACTIVE, start_date__lt=now.date())
        .select_related("patient__clinic__program_settings")
        .order_by("pk")
    )
    created = 0
    rows = plans.iterator(chunk_size=chunk_size)
    while chunk := list(islice(rows, chunk_size)):
        created += _suggest_chunk(chunk, now)
    newer = ProgressionSuggestion.objects.filter(
        plan=OuterRef("plan"), week_start__gt=OuterRef("week_start")
    )
    ProgressionSuggestion.objects.filter(status=SuggestionStatus.PENDING).filter(
        Exists(newer)
    ).update(status=SuggestionStatus.EXPIRED)
    return created


# --- decisions on suggestions -----------------------------------------------------------------


def _locked_pending(suggestion: ProgressionSuggestion) -> ProgressionSuggestion:
    suggestion = (
        ProgressionSuggestion.objects.select_for_update()
        .select_related("plan__patient__clinic")
        .get(pk=suggestion.pk)
    )
    if not suggestion.is_pending:
        raise ValidationError(
            f"This suggestion was already dealt with ({suggestion.get_status_display().lower()})."
        )
    return suggestion


def _applies_from(suggestion: ProgressionSuggestion, now: datetime | None) -> date:
    """CLINICAL.md §7 / the issue: approved changes apply from the next plan week, the one
    after the week the suggestion looked at; never from a day already gone."""
    plan = suggestion.plan
    next_week = schedule.plan_week_start(plan.start_date, suggestion.week_number + 1)
    return max(next_week, patient_today(plan.patient, now))


def _decide(suggestion, *, status, by, note="", now=None) -> None:
    suggestion.status = status
    suggestion.decided_by = by
    suggestion.decided_at = now or timezone.now()
    suggestion.note = note[:500]
    suggestion.save(update_fields=["status", "decided_by", "decided_at", "note"])


def _apply(suggestion, *, by, sessions_per_week, bouts_per_session, bout_minutes, reason, now):
    plan = _locked(suggestion.plan)
    if suggestion.decision == Decision.PAUSE:
        if plan.status == Plan.Status.ACTIVE:
            plan_pause(plan=plan, by=by, reason=reason, now=now)
        return
    if plan.status != Plan.Status.ACTIVE:
        raise ValidationError(
            f"The plan is {plan.get_status_display().lower()}: resume it before changing the walks."
        )
    new = (sessions_per_week, bouts_per_session, Decimal(str(bout_minutes)))
    if new == (plan.sessions_per_week, plan.bouts_per_session, plan.bout_minutes):
        return  # a hold, or an edit back to what is already in force: nothing changes
    _check_prescription(
        plan.patient,
        sessions_per_week=sessions_per_week,
        bouts_per_session=bouts_per_session,
        bout_minutes=bout_minutes,
    )
    plan.sessions_per_week, plan.bouts_per_session, plan.bout_minutes = new
    plan.save()
    _record_version(
        plan,
        kind=PlanVersion.Kind.PROGRESSION,
        reason=reason,
        by=by,
        effective_from=_applies_from(suggestion, now),
        suggestion=suggestion,
        now=now,
    )


def _suggestion_reason(suggestion, prefix: str) -> str:
    return f"{prefix} for week {suggestion.week_number}: " + "; ".join(suggestion.reasons)


@transaction.atomic
def progression_approve(
    *, suggestion: ProgressionSuggestion, by: User, request=None, now: datetime | None = None
):
    """Apply the suggestion as it stands, from the next plan week. `now`: the moment of the
    decision (default: this moment)."""
    suggestion = _locked_pending(suggestion)
    plan = suggestion.plan
    _check_therapist(plan.patient, by)
    if suggestion.decision != Decision.PAUSE and (
        plan.sessions_per_week,
        plan.bouts_per_session,
        plan.bout_minutes,
    ) != (
        suggestion.current_sessions_per_week,
        suggestion.current_bouts_per_session,
        suggestion.current_bout_minutes,
    ):
        raise ValidationError(
            "The plan was changed after this suggestion was made: use Edit to check the "
            "numbers before approving."
        )
    _apply(
        suggestion,
        by=by,
        sessions_per_week=suggestion.suggested_sessions_per_week,
        bouts_per_session=suggestion.suggested_bouts_per_session,
        bout_minutes=suggestion.suggested_bout_minutes,
        reason=_suggestion_reason(suggestion, f"{suggestion.get_decision_display()} approved"),
        now=now,
    )
    _decide(suggestion, status=SuggestionStatus.APPROVED, by=by, now=now)
    _audit_plan(Action.UPDATE, plan, by, request)
    return suggestion


@transaction.atomic
def progression_approve_edited(
    *,
    suggestion: ProgressionSuggestion,
    by: User,
    sessions_per_week: int,
    bouts_per_session: int,
    bout_minutes: Decimal,
    note: str,
    request=None,
    now: datetime | None = None,
):
    """Apply the therapist's own numbers instead of the suggested ones, with a reason."""
    suggestion = _locked_pending(suggestion)
    plan = suggestion.plan
    _check_therapist(plan.patient, by)
    if not note.strip():
        raise ValidationError({"note": "Say why you changed the suggestion."})
    _check_prescription(
        plan.patient,
        sessions_per_week=sessions_per_week,
        bouts_per_session=bouts_per_session,
        bout_minutes=bout_minutes,
    )
    minutes = schedule.minutes_text(bout_minutes)
    _apply(
        suggestion,
        by=by,
        sessions_per_week=sessions_per_week,
        bouts_per_session=bouts_per_session,
        bout_minutes=bout_minutes,
        reason=(
            f"Week {suggestion.week_number} suggestion ({suggestion.get_decision_display()}) "
            f"approved with changes: {sessions_per_week} days a week, {bouts_per_session} x "
            f"{minutes} min. {note.strip()}"
        ),
        now=now,
    )
    _decide(suggestion, status=SuggestionStatus.EDITED, by=by, note=note.strip(), now=now)
    _audit_plan(Action.UPDATE, plan, by, request)
    return suggestion


@transaction.atomic
def progression_reject(
    *,
    suggestion: ProgressionSuggestion,
    by: User,
    note: str = "",
    request=None,
    now: datetime | None = None,
):
    """Keep the plan as it is."""
    suggestion = _locked_pending(suggestion)
    _check_therapist(suggestion.plan.patient, by)
    _decide(suggestion, status=SuggestionStatus.REJECTED, by=by, note=note.strip(), now=now)
    _audit_plan(Action.UPDATE, suggestion.plan, by, request)
    return suggestion

"""Writes of the exercise library, programme templates and the clinic's programme settings."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from clinic.audit import Action, audit_record
from clinic.clinical_rules import bounds_error
from clinic.models import Clinic, ClinicalSettings, User

from .. import library, rules
from ..doses import ExerciseDose
from ..models import Exercise, ProgramTemplate, TemplateExercise, TemplateWeek
from . import checks


def library_sync() -> dict:
    """Load or update the bundled exercises and template (idempotent; see library.sync)."""
    return library.sync(Exercise, ProgramTemplate, TemplateWeek, TemplateExercise)


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
    checks.check_exercise_reachable(items, by.clinic_id)
    checks.check_items(items, weeks=template.weeks)
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


# --- settings -------------------------------------------------------------------------------


@transaction.atomic
def program_settings_update(
    *, clinic: Clinic, by: User, request=None, **fields
) -> ClinicalSettings:
    """Save a clinic's thresholds and the auto-apply-hold switch. Each threshold must lie in
    its safe bounds (docs/clinical-rules.md §7.7), whoever writes it: the form checks them
    too, but this is the rule."""
    settings_row = ClinicalSettings.objects.select_for_update().filter(clinic=clinic).first()
    if settings_row is None:
        settings_row = ClinicalSettings(clinic=clinic)
    for name, value in fields.items():
        setattr(settings_row, name, value)
    settings_row.updated_by = by
    settings_row.full_clean()
    try:
        rules = settings_row.rules()  # the engine's own checks, e.g. a step back of 100 %
    except ValueError as error:
        raise ValidationError(str(error)) from error
    errors = {}
    for field, (name, _scale) in ClinicalSettings.RULE_FIELDS.items():
        message = bounds_error(name, getattr(rules, name))
        if message:
            errors[field] = message
    if errors:
        raise ValidationError(errors)
    settings_row.save()
    audit_record(action=Action.UPDATE, request=request, actor=by, obj=settings_row)
    return settings_row

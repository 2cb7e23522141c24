"""Plans and suggestions for tests, made through the services like the pages make them."""

from datetime import timedelta
from decimal import Decimal

from patients.dates import patient_today
from programs import services
from programs.doses import ExerciseDose
from programs.models import ProgramTemplate, ProgressionSuggestion


def bundled_template() -> ProgramTemplate:
    """The bundled 8-week template. Loaded here because transactional tests empty the tables
    the data migration filled."""
    services.library_sync()
    return ProgramTemplate.objects.get(clinic__isnull=True, slug="walking-flexion-8-weeks")


def template_doses(template: ProgramTemplate) -> list[ExerciseDose]:
    return [ExerciseDose.from_item(item) for item in template.items.select_related("exercise")]


def assign_plan(
    patient,
    *,
    by=None,
    weeks_ago: int = 0,
    start=None,
    sessions: int = 5,
    bouts: int = 3,
    minutes="6",
    template=None,
):
    """An active plan that started `weeks_ago` whole weeks before the patient's today."""
    template = template or bundled_template()
    if start is None:
        start = patient_today(patient) - timedelta(weeks=weeks_ago)
    return services.plan_assign(
        patient=patient,
        by=by or patient.primary_therapist,
        template=template,
        start_date=start,
        sessions_per_week=sessions,
        bouts_per_session=bouts,
        bout_minutes=Decimal(minutes),
        baseline_minutes=Decimal(minutes),
        exercises=template_doses(template),
    )


def suggestion_for(plan, *, week: int = 1, decision="progress", minutes="7", **fields):
    """A waiting suggestion, as the weekly job writes it."""
    return ProgressionSuggestion.objects.create(
        plan=plan,
        week_number=week,
        week_start=plan.start_date + timedelta(weeks=week - 1),
        decision=decision,
        reasons=[f"5 of 5 sessions logged: bout {plan.bout_minutes} -> {minutes} min"],
        logged_sessions=5,
        current_sessions_per_week=plan.sessions_per_week,
        current_bouts_per_session=plan.bouts_per_session,
        current_bout_minutes=plan.bout_minutes,
        suggested_sessions_per_week=plan.sessions_per_week,
        suggested_bouts_per_session=plan.bouts_per_session,
        suggested_bout_minutes=Decimal(minutes),
        **fields,
    )

"""What one patient's FHIR Bundle is made from, read through the apps' scoped selectors."""

from dataclasses import dataclass

from django.db.models import QuerySet

from assessments.models import Administration
from assessments.selectors import history_for_patient
from patients.models import Patient, WalkLog
from patients.selectors import walklogs_for_user
from programs.models import Plan, PlanExercise
from programs.selectors import plans_for_user


@dataclass
class PatientRecord:
    """What one patient's Bundle is made from. `patient` comes from a scoped selector."""

    patient: Patient
    walk_logs: list[WalkLog]
    walk_tests: dict[str, list]  # registry slug -> current results, newest first
    administrations: list[Administration]
    plan: Plan | None
    plan_exercises: list[PlanExercise]


def current_plan(user, patient: Patient) -> Plan | None:
    """The open plan, else the one that ended last: the plan the patient's own page shows."""
    plans = plans_for_user(user).filter(patient=patient).select_related("created_by")
    return plans.open().first() or plans.order_by("-ended_at", "-id").first()


def _walk_logs(user, patient: Patient) -> QuerySet[WalkLog]:
    return walklogs_for_user(user).filter(patient=patient).order_by("date", "start_time", "id")


def record_for_patient(user, patient: Patient) -> PatientRecord:
    """Everything the Bundle holds: one query for the walks, one per walk-test kind, one for
    the questionnaires, one or two for the plan and one for its exercises."""
    history = history_for_patient(user, patient)
    plan = current_plan(user, patient)
    exercises = (
        list(plan.exercises.select_related("exercise").order_by("order", "id")) if plan else []
    )
    return PatientRecord(
        patient=patient,
        walk_logs=list(_walk_logs(user, patient)),
        walk_tests=history.walk_tests,
        administrations=history.administrations,
        plan=plan,
        plan_exercises=exercises,
    )

"""Reads of programs shared by views and other apps' pages. Patient data goes through
clinic.access; the library is bundled content plus the user's own clinic's."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from clinic.access import get_or_404, scope_clinic, scope_patient_data
from clinic.clinical_rules import BOUNDS, DEFAULT_RULES, LABELS, ClinicalRules, bounds_text
from clinic.models import ClinicalSettings, Role
from clinic.selectors import clinic_rules
from patients.dates import patient_today
from patients.models import Patient, RedFlagReport, WalkLog
from patients.prescription import WalkPrescription
from patients.selectors import spreading_weeks

from . import schedule
from .models import (
    Exercise,
    ExerciseCompletion,
    Plan,
    PlanExercise,
    PlanVersion,
    ProgramTemplate,
    ProgressionSuggestion,
    Retest,
    Slot,
    TemplateExercise,
)
from .progression import describe_prescription

# How many waiting suggestions the caseload lists at once (oldest first: those wait longest).
CASELOAD_SUGGESTIONS = 20


# --- the rules in force for a plan (docs/clinical-rules.md §7.7) ----------------------------


def plan_rules(plan: Plan) -> ClinicalRules:
    """The clinic's clinical rules with this plan's own overrides."""
    return clinic_rules(plan.patient.clinic).with_overrides(plan.rule_overrides or {})


def rules_for_plan_patient(patient: Patient) -> ClinicalRules | None:
    """The rules provider programs registers with patients.rules: the patient's open plan's
    rules, or None (the clinic's apply) when there is no open plan."""
    plan = (
        Plan.objects.filter(patient=patient, status__in=Plan.OPEN_STATUSES)
        .only("id", "rule_overrides")
        .first()
    )
    if plan is None:
        return None
    return clinic_rules(patient.clinic).with_overrides(plan.rule_overrides or {})


def walk_prescription_for_patient(patient: Patient) -> WalkPrescription | None:
    """The prescription provider programs registers with patients.prescription: today's walks
    of the patient's active plan, as Today words them, with this week's before-and-after-walk
    exercises. None (the timer runs an open-ended walk) without an active plan, or before the
    plan starts: a paused plan is not walked to, as Today says. Two queries."""
    glides = Prefetch(
        "exercises",
        queryset=PlanExercise.objects.filter(slot=Slot.WALK)
        .select_related("exercise")
        .order_by("order", "id"),
    )
    plan = (
        Plan.objects.filter(patient=patient, status=Plan.Status.ACTIVE)
        .prefetch_related(glides)
        .first()
    )
    if plan is None:
        return None
    week = schedule.plan_week_number(plan.start_date, patient_today(patient))
    if week == 0:
        return None
    return WalkPrescription(
        walks=plan.bouts_per_session,
        walk_minutes=plan.bout_minutes,
        text=describe_prescription(plan),
        glides=tuple(
            item.exercise.name for item in items_for_week(plan.exercises.all(), week, plan.weeks)
        ),
    )


@dataclass(frozen=True)
class RuleInForce:
    """One threshold on the plan page: its value and where it comes from."""

    name: str
    label: str
    value: object
    source: str  # "this plan", "clinic setting" or "Stride default"
    bounds: str


def rules_in_force(plan: Plan) -> list[RuleInForce]:
    """Every clinic threshold for this plan with its source, in the order of BOUNDS."""
    clinic = clinic_rules(plan.patient.clinic)
    overrides = plan.rule_overrides or {}
    rows = []
    for name in BOUNDS:
        if name in overrides:
            value, source = overrides[name], "this plan"
        else:
            value = getattr(clinic, name)
            source = "clinic setting" if value != getattr(DEFAULT_RULES, name) else "Stride default"
        rows.append(
            RuleInForce(
                name=name, label=LABELS[name], value=value, source=source, bounds=bounds_text(name)
            )
        )
    return rows


# --- the week-8 re-test (docs/clinical-rules.md §9) -----------------------------------------

# A test recorded up to a week before the due date counts as the re-test.
RETEST_EARLY = timedelta(days=7)


def _recorded_after(model):
    return Exists(
        model.objects.current().filter(
            patient_id=OuterRef("plan__patient_id"),
            performed_on__gte=OuterRef("due_on") - RETEST_EARLY,
        )
    )


def outstanding_retests() -> QuerySet:
    """Re-tests of open plans that are neither dismissed nor recorded (a treadmill or
    self-paced walking test on or after a week before the due date)."""
    from assessments.models import SelfPacedWalkTest, TreadmillTest

    # alias, not annotate: the condition is needed in WHERE only, not also in SELECT.
    return (
        Retest.objects.filter(status=Retest.Status.DUE, plan__status__in=Plan.OPEN_STATUSES)
        .alias(recorded=_recorded_after(TreadmillTest) | _recorded_after(SelfPacedWalkTest))
        .filter(recorded=False)
    )


def retest_for_plan(plan: Plan) -> Retest | None:
    """The plan's re-test while it is outstanding, else None."""
    return outstanding_retests().filter(plan=plan).first()


def retests_due_for_patients(patient_ids, *, today: date) -> dict[int, Retest]:
    """Outstanding re-tests due within a week (or overdue), by patient id: the caseload's
    "re-test due" mark. One query, of the columns the mark shows (the due date)."""
    rows = outstanding_retests().filter(
        plan__patient_id__in=patient_ids, due_on__lte=today + RETEST_EARLY
    )
    return {
        row.plan.patient_id: row
        for row in rows.select_related("plan").only("due_on", "plan__patient_id")
    }


def get_retest_for_user(user, pk) -> Retest:
    return get_or_404(
        scope_patient_data(
            Retest.objects.select_related("plan__patient"), user, patient_path="plan__patient"
        ),
        pk=pk,
    )


# --- the weekly progression job -------------------------------------------------------------


@dataclass
class ProgressionInputs:
    """What the weekly rule reads for a batch of plan weeks, by plan or patient id."""

    versions: dict = field(default_factory=lambda: defaultdict(list))
    logs: dict = field(default_factory=lambda: defaultdict(list))
    reports: dict = field(default_factory=lambda: defaultdict(list))


_PRESCRIPTION_FIELDS = ("sessions_per_week", "bouts_per_session", "bout_minutes")
_WALK_FIELDS = ("pain_before", "pain_peak", "pain_after", "minutes")


def progression_weeks_inputs(*, plan_ids, patient_ids, first: date, last: date):
    """Versions, walk logs and red-flag reports for the weekly rule: three queries for any
    number of plans. Logs come from `first` to a week after `last`: the next log answers for
    a flare after the week's last walk, and any later log lets the week be decided
    (docs/clinical-rules.md §7.6); each log's
    `flare_next_day` is moved onto the walk it was about, the patient's walk before it."""
    inputs = ProgressionInputs()
    for version in (
        PlanVersion.objects.filter(plan_id__in=plan_ids)
        .only(*_PRESCRIPTION_FIELDS, "plan_id", "number", "effective_from")
        .order_by("plan_id", "number")
    ):
        inputs.versions[version.plan_id].append(version)

    rows = (
        WalkLog.objects.filter(
            patient_id__in=patient_ids,
            deleted_at__isnull=True,
            date__gte=first,
            date__lte=last + timedelta(days=7),
        )
        .order_by("patient_id", "date", "start_time", "created_at", "id")
        .values("id", "patient_id", "date", "flare_next_day", *_WALK_FIELDS)
    )
    # A flare on the batch's first log is about a walk of an earlier, decided week: dropped.
    for row in rows:
        patient_id = row.pop("patient_id")
        reported_flare = row.pop("flare_next_day")
        walks = inputs.logs[patient_id]
        if reported_flare and walks:
            walks[-1].flare_next_day = True
        walks.append(SimpleNamespace(red_flag=False, flare_next_day=False, **row))

    # A local date is at most a day either side of the UTC date.
    window_start = datetime.combine(first - timedelta(days=1), time.min, tzinfo=UTC)
    window_end = datetime.combine(last + timedelta(days=2), time.min, tzinfo=UTC)
    # Reported during the weeks, or later about a walk of the weeks.
    for report in RedFlagReport.objects.filter(
        Q(reported_at__gte=window_start, reported_at__lt=window_end)
        | Q(source_log__date__gte=first, source_log__date__lte=last),
        patient_id__in=patient_ids,
    ).only("patient_id", "reported_at", "source_log_id"):
        inputs.reports[report.patient_id].append(report)
    return inputs


# --- settings -------------------------------------------------------------------------------


def program_settings_for(clinic) -> ClinicalSettings:
    """The clinic's saved settings, or the defaults (unsaved) when it never changed them."""
    return ClinicalSettings.objects.filter(clinic=clinic).first() or ClinicalSettings(clinic=clinic)


# --- library ----------------------------------------------------------------------------------


def _bundled_or_own(queryset: QuerySet, user) -> QuerySet:
    if not user.is_authenticated or not user.clinic_id:
        return queryset.none()
    return queryset.filter(Q(clinic__isnull=True) | Q(clinic_id=user.clinic_id))


def exercises_for_user(user, *, active_only: bool = False) -> QuerySet[Exercise]:
    exercises = _bundled_or_own(Exercise.objects.all(), user)
    return exercises.filter(is_active=True) if active_only else exercises


def get_exercise_for_user(user, pk) -> Exercise:
    return get_or_404(exercises_for_user(user), pk=pk)


def get_editable_exercise_for_user(user, pk) -> Exercise:
    """Only the clinic's own exercises can be edited; a bundled one is a 404 here."""
    return get_or_404(scope_clinic(Exercise.objects.all(), user), pk=pk)


def templates_for_user(user) -> QuerySet[ProgramTemplate]:
    return _bundled_or_own(ProgramTemplate.objects.filter(is_active=True), user)


def get_template_for_user(user, pk) -> ProgramTemplate:
    return get_or_404(
        templates_for_user(user).prefetch_related(
            "week_set",
            Prefetch("items", queryset=TemplateExercise.objects.select_related("exercise")),
        ),
        pk=pk,
    )


def get_editable_template_for_user(user, pk) -> ProgramTemplate:
    return get_or_404(
        scope_clinic(ProgramTemplate.objects.filter(is_active=True), user).prefetch_related(
            "week_set",
            Prefetch("items", queryset=TemplateExercise.objects.select_related("exercise")),
        ),
        pk=pk,
    )


def default_template_for_user(user) -> ProgramTemplate | None:
    """The clinic's newest own template, else the bundled 8-week programme."""
    return templates_for_user(user).order_by("clinic_id", "-created_at").last()


# --- plans ------------------------------------------------------------------------------------


def plans_for_user(user) -> QuerySet[Plan]:
    return scope_patient_data(Plan.objects.all(), user)


def get_plan_for_user(user, pk) -> Plan:
    return get_or_404(
        plans_for_user(user).select_related("patient__clinic", "patient__primary_therapist"),
        pk=pk,
    )


def plan_for_patient_account(user) -> Plan | None:
    """A patient's own plan: the open one, else the one that ended last."""
    plans = plans_for_user(user).filter(patient__user=user).select_related("patient__clinic")
    return plans.open().first() or plans.order_by("-ended_at", "-id").first()


def open_plan_for_patient(patient: Patient) -> Plan | None:
    """The patient's active or paused plan. `patient` must come from a scoped selector."""
    return Plan.objects.open().filter(patient=patient).first()


def baseline_for_patient(patient: Patient, *, self_reported_minutes=None, floor_minutes=2):
    """docs/clinical-rules.md §7 baseline bout from the latest treadmill test and/or the patient's
    own report. Returns (minutes or None, treadmill seconds or None)."""
    from assessments.selectors import latest_treadmill_level_onset_s

    onset_s = latest_treadmill_level_onset_s(patient)
    minutes = schedule.baseline_bout_minutes(
        treadmill_onset_seconds=onset_s,
        self_reported_minutes=self_reported_minutes,
        floor_minutes=floor_minutes,
    )
    return minutes, onset_s


@dataclass
class TodayExercise:
    item: PlanExercise
    done_today: bool
    done_this_week: bool = False

    @property
    def exercise(self) -> Exercise:
        return self.item.exercise

    @property
    def dose_text(self) -> str:
        return self.item.dose_text


@dataclass
class TodayPlan:
    plan: Plan
    today: date
    week_number: int
    week_start: date
    week_end: date
    walking_text: str
    sessions_logged: int
    walked_today: bool
    phase: str = ""
    note: str = ""
    groups: dict[str, list[TodayExercise]] = field(default_factory=dict)

    @property
    def not_started(self) -> bool:
        return self.week_number == 0

    @property
    def after_programme(self) -> bool:
        return self.week_number > self.plan.weeks

    @property
    def glides(self) -> list[TodayExercise]:
        return self.groups.get(Slot.WALK, [])

    @property
    def daily(self) -> list[TodayExercise]:
        return self.groups.get(Slot.DAILY, [])

    @property
    def weekly(self) -> list[TodayExercise]:
        return self.groups.get(Slot.WEEKLY, [])

    @property
    def options(self) -> list[TodayExercise]:
        return self.groups.get(Slot.OPTION, [])


def items_for_week(items, week: int, weeks: int) -> list:
    # After the last planned week the routine of that week carries on.
    week = min(max(week, 1), weeks)
    return [item for item in items if item.week_from <= week <= item.week_to]


def today_for_patient(patient: Patient | None) -> TodayPlan | None:
    """Everything the patient's Today page shows about the plan, in a fixed number of
    queries. None without a plan. `patient` must come from a scoped selector."""
    if patient is None:
        return None
    plan = (
        Plan.objects.open()
        .filter(patient=patient)
        .prefetch_related(
            Prefetch(
                "exercises",
                queryset=PlanExercise.objects.select_related("exercise").order_by("order", "id"),
            )
        )
        .first()
    )
    if plan is None:
        return None
    plan.patient = patient
    today = patient_today(patient)
    week = schedule.plan_week_number(plan.start_date, today)
    shown_week = week or 1
    week_start = schedule.plan_week_start(plan.start_date, shown_week)
    week_end = schedule.plan_week_end(plan.start_date, shown_week)
    logged = WalkLog.objects.filter(
        patient=patient, deleted_at__isnull=True, date__gte=week_start, date__lte=week_end
    ).aggregate(total=Count("id"), today=Count("id", filter=Q(date=today)))
    items = items_for_week(plan.exercises.all(), shown_week, plan.weeks)
    done = defaultdict(set)
    for exercise_id, day in ExerciseCompletion.objects.filter(
        patient=patient, date__gte=week_start, date__lte=week_end
    ).values_list("exercise_id", "date"):
        done[exercise_id].add(day)
    groups = defaultdict(list)
    for item in items:
        groups[item.slot].append(
            TodayExercise(
                item=item,
                done_today=today in done[item.exercise_id],
                done_this_week=bool(done[item.exercise_id]),
            )
        )
    note = _week_note(plan, min(shown_week, plan.weeks))
    return TodayPlan(
        plan=plan,
        today=today,
        week_number=week,
        week_start=week_start,
        week_end=week_end,
        walking_text=describe_prescription(plan),
        sessions_logged=logged["total"],
        walked_today=bool(logged["today"]),
        phase=note.get("phase", ""),
        note=note.get("note", ""),
        groups=dict(groups),
    )


def _week_note(plan: Plan, number: int) -> dict:
    return next((n for n in plan.week_notes if n.get("number") == number), {})


def today_item_for_patient(user, exercise_pk) -> tuple[Plan, PlanExercise]:
    """The patient's own active plan and this week's item for `exercise_pk`, else a 404."""
    plan = get_or_404(
        plans_for_user(user).filter(status=Plan.Status.ACTIVE).select_related("patient__clinic"),
        patient__user=user,
    )
    week = schedule.plan_week_number(plan.start_date, patient_today(plan.patient))
    items = items_for_week(
        plan.exercises.select_related("exercise").filter(exercise_id=exercise_pk),
        week or 1,
        plan.weeks,
    )
    if not items:
        raise Http404
    return plan, items[0]


@dataclass
class PlanWeek:
    number: int
    start: date
    end: date
    phase: str
    note: str
    prescription: object
    walking_text: str
    is_current: bool
    is_past: bool
    sessions_logged: int
    exercises: list
    changes: list[PlanVersion]
    suggestion: ProgressionSuggestion | None


def plan_weeks(plan: Plan, *, today: date | None = None) -> list[PlanWeek]:
    """The plan week by week: what was (or is) prescribed, what changed and when, and how
    many walks were logged. A fixed number of queries, whatever the number of weeks."""
    today = today or patient_today(plan.patient)
    current = schedule.plan_week_number(plan.start_date, today)
    last_week = max(plan.weeks, min(current, plan.weeks + 52))
    versions = versions_with_changes(plan)
    suggestions = {
        s.week_number: s
        for s in plan.suggestions.select_related("decided_by").order_by("week_start")
    }
    end = schedule.plan_week_end(plan.start_date, last_week)
    per_week = defaultdict(int)
    for day in WalkLog.objects.filter(
        patient_id=plan.patient_id,
        deleted_at__isnull=True,
        date__gte=plan.start_date,
        date__lte=end,
    ).values_list("date", flat=True):
        per_week[schedule.plan_week_number(plan.start_date, day)] += 1
    items = list(plan.exercises.select_related("exercise").order_by("order", "id"))
    weeks = []
    for number in range(1, last_week + 1):
        start = schedule.plan_week_start(plan.start_date, number)
        finish = schedule.plan_week_end(plan.start_date, number)
        in_force = [v for v in versions if v.effective_from <= finish]
        prescription = in_force[-1] if in_force and number <= current else plan
        note = _week_note(plan, min(number, plan.weeks))
        weeks.append(
            PlanWeek(
                number=number,
                start=start,
                end=finish,
                phase=note.get("phase", ""),
                note=note.get("note", ""),
                prescription=prescription,
                walking_text=describe_prescription(prescription),
                is_current=number == current,
                is_past=number < current,
                sessions_logged=per_week[number],
                exercises=items_for_week(items, number, plan.weeks),
                changes=[v for v in versions if start <= v.effective_from <= finish],
                suggestion=suggestions.get(number),
            )
        )
    return weeks


def versions_with_changes(plan: Plan) -> list[PlanVersion]:
    """The plan's versions, oldest first, each with `changes`: what it changed in plain words."""
    versions = list(plan.versions.select_related("created_by").order_by("number"))
    previous = None
    for version in versions:
        version.changes = schedule.describe_change(previous, version)
        previous = version
    return versions


# --- suggestions ------------------------------------------------------------------------------


def suggestions_for_user(user) -> QuerySet[ProgressionSuggestion]:
    return scope_patient_data(
        ProgressionSuggestion.objects.all(), user, patient_path="plan__patient"
    )


def get_suggestion_for_user(user, pk) -> ProgressionSuggestion:
    return get_or_404(suggestions_for_user(user).select_related("plan__patient__clinic"), pk=pk)


def waiting_suggestions_for_caseload(user, *, everyone: bool = False) -> list:
    """Suggestions waiting for a therapist, oldest first, at most CASELOAD_SUGGESTIONS:
    the therapist's own patients, or the whole clinic's. One query."""
    waiting = suggestions_for_user(user).filter(
        status=ProgressionSuggestion.Status.PENDING, plan__status=Plan.Status.ACTIVE
    )
    if not everyone and user.role == Role.THERAPIST:
        waiting = waiting.filter(plan__patient__primary_therapist=user)
    return list(
        waiting.select_related("plan__patient").order_by("created_at", "id")[:CASELOAD_SUGGESTIONS]
    )


@dataclass
class PatientPlanPanel:
    patient: Patient
    plan: Plan | None
    waiting: list[ProgressionSuggestion]
    recent: list[PlanVersion]
    past_plans: int
    today: date
    retest: Retest | None = None
    # docs/clinical-rules.md §1b: the latest week whose walks reached further down the leg
    # than the plan's first week (patients.selectors.spreading_weeks), non-urgent.
    spreading: list = field(default_factory=list)


def plan_panel_for_patient(patient: Patient) -> PatientPlanPanel:
    """The plan section of a patient's page for staff. `patient` is already scoped."""
    plan = open_plan_for_patient(patient)
    waiting, recent = [], []
    if plan is not None:
        plan.patient = patient
        waiting = list(
            plan.suggestions.filter(status=ProgressionSuggestion.Status.PENDING).order_by(
                "-week_start"
            )
        )
        recent = list(plan.versions.select_related("created_by").order_by("-number")[:3])
    retest = retest_for_plan(plan) if plan is not None else None
    today = patient_today(patient)
    spreading = (
        spreading_weeks(patient, first_week_start=plan.start_date, today=today)[:1]
        if plan is not None
        else []
    )
    past = Plan.objects.filter(patient=patient, status=Plan.Status.ENDED).count()
    return PatientPlanPanel(
        patient=patient,
        plan=plan,
        waiting=waiting,
        recent=recent,
        past_plans=past,
        today=today,
        retest=retest,
        spreading=spreading,
    )

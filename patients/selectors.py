"""Reads of patient records shared by views and tasks; all go through clinic.access."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from clinic.access import get_or_404, scope_patient_data
from clinic.clinical_rules import ClinicalRules, rules_or_default

from . import guidance
from .dates import local_today
from .models import Patient, RedFlagReport, ReminderPreference, WalkLog, WalkLogRevision

# Remote monitoring: days with patient-reported data in the last 30 days, and the mark of 16
# days that remote-monitoring programmes commonly ask for.
MONITORING_WINDOW_DAYS = 30
MONITORING_DAYS_TARGET = 16
PATIENT_REPORTED = (WalkLog.Source.FORM, WalkLog.Source.TIMER)


def patients_for_user(user) -> QuerySet[Patient]:
    return scope_patient_data(Patient.objects.all(), user, patient_path="")


def get_patient_for_user(user, pk) -> Patient:
    """The patient if `user` may see them, otherwise a 404. `has_open_red_flag` comes in the
    same query, so the red-flag banner on every staff page of the patient costs nothing."""
    # clinic__clinical_settings: the page's `rules` (rules_for_patient) then cost no query.
    patients = patients_for_user(user).select_related(
        "primary_therapist", "user", "clinic__clinical_settings"
    )
    return get_or_404(patients.annotate(has_open_red_flag=_open_red_flag_exists()), pk=pk)


def monitoring_window(today: date) -> date:
    """The first day of the 30-day remote-monitoring window that ends `today`."""
    return today - timedelta(days=MONITORING_WINDOW_DAYS - 1)


def _monitoring_days_subquery(since: date) -> Subquery:
    days = (
        WalkLog.objects.filter(
            patient=OuterRef("pk"),
            date__gte=since,
            source__in=PATIENT_REPORTED,
            deleted_at__isnull=True,
        )
        .order_by()
        .values("patient")
        .annotate(days=Count("date", distinct=True))
        .values("days")
    )
    return Coalesce(Subquery(days, output_field=IntegerField()), 0)


def _open_red_flag_exists() -> Exists:
    return Exists(
        RedFlagReport.objects.filter(patient=OuterRef("pk"), status=RedFlagReport.Status.OPEN)
    )


def patients_for_caseload(user, *, everyone: bool = False, query: str = "") -> QuerySet[Patient]:
    """The therapist's own active patients (or the whole clinic's) whose name contains
    `query`, in caseload order. Only the filter and the order, so counting them and picking a
    page of them read nothing but the patient table (and its indexes).

    On PostgreSQL the name search uses the trigram index of migration 0004, built on
    UPPER(full_name): the expression `full_name__icontains` compares."""
    patients = patients_for_user(user).filter(status=Patient.Status.ACTIVE)
    if not everyone:
        patients = patients.filter(primary_therapist=user)
    if query.strip():
        patients = patients.filter(full_name__icontains=query.strip())
    return patients.order_by("full_name", "id")


def caseload_page(
    user,
    *,
    everyone: bool = False,
    query: str = "",
    number=None,
    per_page: int,
    today: date | None = None,
) -> Page:
    """Page `number` of the caseload (the last page when past it, the first when not a number).

    The paginator counts and slices the patients' ids alone; each row of the page then carries
    `monitoring_days` (days with patient-reported walks in the 30 days to `today`) and
    `has_open_red_flag`, worked out for the page's rows only: one query for the count, one for
    the rows (the page's ids are its subquery)."""
    ids = patients_for_caseload(user, everyone=everyone, query=query).values_list("pk", flat=True)
    page = Paginator(ids, per_page).get_page(number)
    if today is None:
        today = local_today(user.clinic.timezone)
    page.object_list = _caseload_rows(page.object_list, today=today)
    return page


def _caseload_rows(ids: QuerySet, *, today: date) -> list[Patient]:
    """The patients of `ids` (a page of scoped ids), with only the columns the caseload shows."""
    return list(
        Patient.objects.filter(pk__in=ids)
        .select_related("primary_therapist")
        .only("full_name", "user_id", "primary_therapist__full_name", "primary_therapist__email")
        .annotate(
            monitoring_days=_monitoring_days_subquery(monitoring_window(today)),
            has_open_red_flag=_open_red_flag_exists(),
        )
        .order_by("full_name", "id")
    )


def patient_for_account(user) -> Patient | None:
    """The patient record behind a patient's own login."""
    return patients_for_user(user).select_related("primary_therapist").first()


def patient_for_account_with_clinic(user) -> Patient | None:
    """The patient's own record, with what their pages and `rules` read (no more queries)."""
    return (
        patients_for_user(user)
        .select_related("primary_therapist", "clinic__clinical_settings", "user")
        .first()
    )


def monitoring_days(patient: Patient, *, today: date) -> int:
    return (
        WalkLog.objects.filter(
            patient=patient,
            date__gte=monitoring_window(today),
            date__lte=today,
            source__in=PATIENT_REPORTED,
            deleted_at__isnull=True,
        )
        .values("date")
        .distinct()
        .count()
    )


# --- Walk logs ---------------------------------------------------------------


def walklogs_for_user(user, *, include_deleted: bool = False) -> QuerySet[WalkLog]:
    logs = WalkLog.objects.all()
    if not include_deleted:
        logs = logs.filter(deleted_at__isnull=True)
    return scope_patient_data(logs, user)


def get_walklog_for_user(user, pk, *, include_deleted: bool = False) -> WalkLog:
    """A walk log `user` may see (a patient: only their own), otherwise a 404."""
    return get_or_404(
        walklogs_for_user(user, include_deleted=include_deleted).select_related(
            "patient__clinic__clinical_settings", "patient__primary_therapist", "created_by"
        ),
        pk=pk,
    )


def within_target_q(rules: ClinicalRules | None = None) -> Q:
    """The database form of clinic.clinical_rules.within_target (docs/clinical-rules.md
    §7.2): risen at most the target, settled after rest, and no peak in the severe band."""
    rules = rules_or_default(rules)
    return Q(pain_peak__lte=rules.severe_peak) & Q(
        pain_peak__lte=F("pain_before") + rules.pain_rise_target,
        pain_after__isnull=False,
        pain_after__lte=F("pain_before") + rules.recovery_margin,
    )


def walklogs_for_patient(
    user,
    patient: Patient,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    within_target: bool | None = None,
    support: str = "",
    include_deleted: bool = False,
    rules: ClinicalRules | None = None,
) -> QuerySet[WalkLog]:
    """A patient's walks, newest first, each with `revision_count` (edits and deletes).

    `within_target` filters by the patient's `rules` (patients.rules.rules_for_patient), so
    the filter counts what the page and the weekly rule call "within target"."""
    logs = walklogs_for_user(user, include_deleted=include_deleted).filter(patient=patient)
    if date_from:
        logs = logs.filter(date__gte=date_from)
    if date_to:
        logs = logs.filter(date__lte=date_to)
    if within_target is True:
        logs = logs.filter(within_target_q(rules))
    elif within_target is False:
        logs = logs.exclude(within_target_q(rules))
    if support:
        logs = logs.filter(support=support)
    revisions = (
        WalkLogRevision.objects.filter(log=OuterRef("pk"))
        .order_by()
        .values("log")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return logs.select_related("created_by").annotate(
        revision_count=Coalesce(Subquery(revisions, output_field=IntegerField()), 0)
    )


def has_walklogs(patient: Patient) -> bool:
    """Whether the patient has logged any walk (the first walk gets the reassurance)."""
    return WalkLog.objects.filter(patient=patient, deleted_at__isnull=True).exists()


def longest_walk_minutes(patient: Patient):
    """The most minutes of any walk the patient has logged (None: no walk yet), which a new
    walk is compared with before it is saved (docs/clinical-rules.md §7.8)."""
    walks = WalkLog.objects.filter(patient=patient, deleted_at__isnull=True)
    return walks.aggregate(longest=Max("minutes"))["longest"]


def last_walklog(patient: Patient) -> WalkLog | None:
    """The patient's most recent walk (for form defaults and the Today summary)."""
    return (
        WalkLog.objects.filter(patient=patient, deleted_at__isnull=True)
        .order_by("-date", "-created_at", "-id")
        .first()
    )


# How far back "usual" looks when a walk result asks whether symptoms reached further down the
# leg than usual (docs/clinical-rules.md §1b; the window is a product choice [C]).
USUAL_WINDOW_DAYS = 28


def usual_symptom_areas(log: WalkLog) -> list[list[str]]:
    """The symptom areas of the patient's other live walks in the 28 days up to `log`'s date:
    what "usual" means for the walk result's guidance."""
    return list(
        WalkLog.objects.filter(
            patient_id=log.patient_id,
            deleted_at__isnull=True,
            date__gte=log.date - timedelta(days=USUAL_WINDOW_DAYS),
            date__lte=log.date,
        )
        .exclude(pk=log.pk)
        .values_list("symptom_areas", flat=True)
    )


@dataclass(frozen=True)
class SpreadingWeek:
    """A week whose logs reached further down the leg than the first week (§1b)."""

    start: date
    end: date
    areas: list[str]
    first_week_areas: list[str]


def spreading_weeks(
    patient: Patient, *, first_week_start: date | None = None, today: date
) -> list[SpreadingWeek]:
    """docs/clinical-rules.md §1b "spreading" flag, newest week first: each 7-day week from
    `first_week_start` up to `today` whose logs name a leg region further down than any log of
    the first week. One query.

    `first_week_start` is the plan's start date when the caller knows the plan (programs
    does; patients cannot import it). Without it the first week is the 7 days from the
    patient's first live log: for a patient who logs from the plan's first day, the same week.
    """
    rows = list(
        WalkLog.objects.filter(patient=patient, deleted_at__isnull=True, date__lte=today)
        .order_by("date", "id")
        .values_list("date", "symptom_areas")
    )
    if first_week_start is None:
        if not rows:
            return []
        first_week_start = rows[0][0]
    weeks: dict[int, list[list[str]]] = {}
    for on, areas in rows:
        if on >= first_week_start:
            weeks.setdefault((on - first_week_start).days // 7, []).append(areas or [])
    first = weeks.get(0, [])
    found = []
    for number in sorted(weeks, reverse=True):
        if number == 0 or not guidance.spreads(first, weeks[number]):
            continue
        start = first_week_start + timedelta(days=7 * number)
        found.append(
            SpreadingWeek(
                start=start,
                end=start + timedelta(days=6),
                areas=_furthest_areas(weeks[number]),
                first_week_areas=_furthest_areas(first),
            )
        )
    return found


def _furthest_areas(logs: list[list[str]]) -> list[str]:
    """The labels of the areas at the lowest level the logs reached (both sides if both);
    empty when no area was named."""
    furthest = max((guidance.lowest_rank(areas) for areas in logs), default=0)
    codes = {a for areas in logs for a in areas if guidance.region_rank(a) == furthest}
    return [label for code, label in WalkLog.SYMPTOM_AREAS if code in codes]


PROGRESS_FIELDS = (
    "date",
    "minutes",
    "rests",
    "bouts",
    "pain_before",
    "pain_peak",
    "pain_after",
)


def progress_rows(user, patient: Patient) -> list[dict]:
    """Every live walk of the patient as plain data, oldest first: one query."""
    return list(
        walklogs_for_user(user)
        .filter(patient=patient)
        .order_by("date", "created_at", "id")
        .values(*PROGRESS_FIELDS)
    )


def revisions_for_log(log: WalkLog) -> list[WalkLogRevision]:
    return list(log.revisions.select_related("changed_by"))


# --- Red flags -----------------------------------------------------------------


def red_flags_for_patient(user, patient: Patient) -> QuerySet[RedFlagReport]:
    """Every red-flag report of the patient, open ones first, then newest first."""
    return (
        scope_patient_data(RedFlagReport.objects.all(), user)
        .filter(patient=patient)
        .select_related("acknowledged_by", "reported_by")
        .order_by("-status", "-reported_at", "-id")  # descending: "open" before "acknowledged"
    )


def has_open_red_flag(user, patient: Patient) -> bool:
    return (
        scope_patient_data(RedFlagReport.objects.all(), user)
        .filter(patient=patient, status=RedFlagReport.Status.OPEN)
        .exists()
    )


def get_red_flag_for_user(user, pk) -> RedFlagReport:
    return get_or_404(
        scope_patient_data(RedFlagReport.objects.all(), user).select_related("patient"), pk=pk
    )


# --- Preferences and export ------------------------------------------------------


def reminder_preference_for(patient: Patient) -> ReminderPreference:
    """The patient's preferences, or an unsaved one holding the defaults."""
    found = ReminderPreference.objects.filter(patient=patient).first()
    return found or ReminderPreference(patient=patient)


def export_for_patient(user, patient: Patient) -> dict:
    """Everything Stride holds that the patient reported or that describes them."""
    logs = list(
        walklogs_for_user(user, include_deleted=True).filter(patient=patient).order_by("date", "id")
    )
    reports = list(
        scope_patient_data(RedFlagReport.objects.all(), user)
        .filter(patient=patient)
        .order_by("reported_at", "id")
    )
    return {
        "patient": patient,
        "preference": reminder_preference_for(patient),
        "walk_logs": logs,
        "red_flag_reports": reports,
    }

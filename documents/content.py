"""What goes into the PDFs: the context of the plan handout and of the progress report.

Reads only, run by the PDF worker for one Document. The document's patient is trusted: the
row was made through a scoped page (documents.services.document_request), so these reads
go straight to the models instead of through the user-scoped selectors (no user here).
Each context loads in a fixed number of queries, whatever the number of weeks or results.

The handout shows the plan as the document's PlanVersion recorded it (prescription and
exercise doses), so a handout always matches the version it was made for.
"""

import base64
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from assessments import charts as assessment_charts
from assessments.selectors import results_for_report
from clinic import charts
from patients import progress as walk_progress
from patients import targets
from patients.dates import patient_today
from patients.models import Patient, RedFlagReport, WalkLog
from patients.rules import rules_for_patient
from patients.selectors import PROGRESS_FIELDS
from programs import schedule
from programs.models import Exercise, Plan, PlanVersion, Slot
from programs.selectors import plan_rules

from .models import Document

# --- handout ----------------------------------------------------------------------------------

# The order and headings of the exercise groups, in the words of the Today page.
SLOT_HEADINGS = (
    (Slot.WALK, "Before and after each walk: nerve glides"),
    (Slot.DAILY, "Every day"),
    (Slot.WEEKLY, "Once a week"),
    (Slot.OPTION, "On days walking is hard: instead of a walk"),
)


@dataclass(frozen=True)
class HandoutItem:
    exercise: Exercise
    slot: str
    week_from: int
    week_to: int
    dose_text: str
    weeks_text: str


@dataclass(frozen=True)
class HandoutGroup:
    heading: str
    items: list[HandoutItem]


@dataclass(frozen=True)
class HandoutWeek:
    number: int
    start: date
    end: date
    phase: str
    note: str
    days_text: str
    walks_text: str
    paused: bool
    new_exercises: list[str]


def _weeks_text(week_from: int, week_to: int, weeks: int) -> str:
    if week_from <= 1 and week_to >= weeks:
        return ""
    if week_from == week_to:
        return f"Week {week_from} only"
    if week_to >= weeks:
        return f"From week {week_from}"
    return f"Weeks {week_from} to {week_to}"


def _handout_items(version: PlanVersion, weeks: int) -> list[HandoutItem]:
    snapshot = version.exercises or []
    exercises = Exercise.objects.in_bulk([entry["exercise_id"] for entry in snapshot])
    items = []
    for entry in snapshot:
        exercise = exercises.get(entry["exercise_id"])
        if exercise is None:
            continue
        dose = {name: entry.get(name) for name in ("sets", "reps", "hold_seconds", "minutes")}
        dose["times_per_day"] = entry.get("times_per_day") or 1
        items.append(
            HandoutItem(
                exercise=exercise,
                slot=entry["slot"],
                week_from=entry["week_from"],
                week_to=entry["week_to"],
                dose_text=schedule.describe_item_dose(entry["slot"], dose),
                weeks_text=_weeks_text(entry["week_from"], entry["week_to"], weeks),
            )
        )
    return items


def walks_text(prescription) -> tuple[str, str]:
    """('5 days a week', '3 walks of 6 minutes'): the handout explains the rests once."""
    days = prescription.sessions_per_week
    per_week = "Every day" if days == 7 else f"{days} day{'s' if days != 1 else ''} a week"
    bouts = prescription.bouts_per_session
    minutes = schedule.minutes_text(prescription.bout_minutes)
    unit = "minute" if minutes == "1" else "minutes"
    return per_week, f"{bouts} walk{'s' if bouts != 1 else ''} of {minutes} {unit}"


def _handout_weeks(plan: Plan, versions: list[PlanVersion], items) -> list[HandoutWeek]:
    notes = {int(n.get("number", 0)): n for n in plan.week_notes}
    rows = []
    for number in range(1, plan.weeks + 1):
        start = schedule.plan_week_start(plan.start_date, number)
        end = schedule.plan_week_end(plan.start_date, number)
        in_force = [v for v in versions if v.effective_from <= end] or versions[:1]
        prescription = in_force[-1]
        paused = prescription.status != Plan.Status.ACTIVE
        days, walks = walks_text(prescription)
        rows.append(
            HandoutWeek(
                number=number,
                start=start,
                end=end,
                phase=notes.get(number, {}).get("phase", ""),
                note=notes.get(number, {}).get("note", ""),
                days_text=days,
                walks_text=walks,
                paused=paused,
                new_exercises=[
                    i.exercise.name for i in items if number > 1 and i.week_from == number
                ],
            )
        )
    return rows


def handout_context(document: Document) -> dict:
    """The plan handout: who, the week-by-week walks, how to walk, each exercise, red flags.

    Four queries: the plan (with patient, clinic, therapist), its versions up to the
    document's, the exercises."""
    plan = Plan.objects.select_related(
        "patient__clinic__clinical_settings", "patient__primary_therapist"
    ).get(pk=document.plan_id)
    versions = list(plan.versions.order_by("number"))
    version = next((v for v in versions if v.pk == document.plan_version_id), None)
    if version is None:  # no version recorded (should not happen): the plan as it is now
        version = versions[-1]
    versions = [v for v in versions if v.number <= version.number]
    items = _handout_items(version, plan.weeks)
    groups = [
        HandoutGroup(heading=heading, items=[i for i in items if i.slot == slot])
        for slot, heading in SLOT_HEADINGS
    ]
    patient = plan.patient
    return {
        "clinic": patient.clinic,
        "patient": patient,
        "therapist": patient.primary_therapist,
        "plan": plan,
        "version": version,
        "paused": version.status == Plan.Status.PAUSED,
        "walking_now": schedule.describe_weekly(version),
        "weeks": _handout_weeks(plan, versions, items),
        "groups": [g for g in groups if g.items],
        "glides": [i for i in items if i.slot == Slot.WALK],
        # docs/clinical-rules.md §7.7: the numbers of this plan (the clinic's, its overrides).
        "rules": plan_rules(plan),
        "made_on": patient_today(patient),
    }


# --- progress report --------------------------------------------------------------------------


@dataclass
class ReportWeek:
    start: date
    end: date
    walks: int = 0
    minutes: Decimal = Decimal(0)
    longest: Decimal | None = None
    within: int = 0
    judged: int = 0
    prescribed: int | None = None
    plan_state: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def is_full(self) -> bool:
        return self.days == 7

    @property
    def adherence_pct(self) -> int | None:
        """Walks logged against walking days prescribed, full weeks of an active plan only."""
        if not self.prescribed or not self.is_full:
            return None
        return round(min(self.walks, self.prescribed) * 100 / self.prescribed)


@dataclass(frozen=True)
class Chart:
    title: str
    data_uri: str
    alt: str
    note: str = ""
    rows: list = field(default_factory=list)
    axis: str = ""
    measure: object = None


def svg_data_uri(svg: str) -> str:
    """An SVG chart as a data: URI, which the PDF fetcher accepts (it fetches nothing)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _local_bounds(start: date, end: date, tz) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def _in_force(plans: list[Plan], day: date, tz) -> tuple[int | None, str]:
    """Walking days prescribed on `day` and the plan's state then ("" without a plan)."""
    for plan in reversed(plans):
        if plan.start_date > day:
            continue
        if plan.ended_at is not None and timezone.localtime(plan.ended_at, tz).date() < day:
            continue
        versions = [v for v in plan.versions.all() if v.effective_from <= day]
        if not versions:
            return None, ""
        version = versions[-1]
        if version.status != Plan.Status.ACTIVE:
            return None, version.status
        return version.sessions_per_week, version.status
    return None, ""


def _report_weeks(
    rows: list[dict], plans, start: date, end: date, tz, rules=None
) -> list[ReportWeek]:
    weeks = []
    day = start
    while day <= end:
        week = ReportWeek(start=day, end=min(day + timedelta(days=6), end))
        week.prescribed, week.plan_state = _in_force(plans, week.end, tz)
        weeks.append(week)
        day += timedelta(days=7)
    for row in rows:
        week = weeks[(row["date"] - start).days // 7]
        week.walks += 1
        week.minutes += Decimal(row["minutes"])
        bout = walk_progress.longest_bout_minutes(row)
        week.longest = bout if week.longest is None else max(week.longest, bout)
        within = targets.within_target(
            row["pain_before"], row["pain_peak"], row["pain_after"], rules=rules
        )
        if within is not None:
            week.judged += 1
            week.within += within
    return weeks


def _walking_summary(weeks: list[ReportWeek]) -> dict:
    full = [w for w in weeks if w.adherence_pct is not None]
    prescribed = sum(w.prescribed for w in full)
    done = sum(min(w.walks, w.prescribed) for w in full)
    walked = [w for w in weeks if w.longest is not None]
    return {
        "walks": sum(w.walks for w in weeks),
        "minutes": sum((w.minutes for w in weeks), Decimal(0)),
        "adherence_pct": round(done * 100 / prescribed) if prescribed else None,
        "within": sum(w.within for w in weeks),
        "judged": sum(w.judged for w in weeks),
        "first_longest": walked[0] if walked else None,
        "last_longest": walked[-1] if len(walked) > 1 else None,
    }


def _week_label(week: ReportWeek) -> str:
    return f"{week.start.day} {week.start:%b}"


def _walking_charts(weeks: list[ReportWeek]) -> list[Chart]:
    """The walking charts of the progress page (patients), drawn for the report's weeks."""
    if not any(w.walks for w in weeks):
        return []
    labels = [_week_label(w) for w in weeks]
    minutes = charts.bar_chart(
        title="Minutes walked per week",
        y_title="minutes",
        labels=labels,
        series=[charts.Series("Minutes walked", [float(w.minutes) for w in weeks])],
        x_label_rotation=45 if len(weeks) > 8 else 0,
    )
    longest = charts.line_chart(
        title="Longest walk without a rest, per week",
        y_title="minutes",
        labels=labels,
        series=[
            charts.Series(
                "Longest walk", [None if w.longest is None else float(w.longest) for w in weeks]
            )
        ],
        y_range=(0, max([float(w.longest or 0) for w in weeks] + [5]) * 1.2),
        x_label_rotation=45 if len(weeks) > 8 else 0,
    )
    return [
        Chart(
            title="Minutes walked per week",
            data_uri=svg_data_uri(minutes),
            alt="Bar chart of the minutes walked each week; the table above gives the numbers.",
        ),
        Chart(
            title="Longest walk without a rest, per week",
            data_uri=svg_data_uri(longest),
            alt="Line chart of the longest walk each week; the table above gives the numbers.",
            note=(
                "For walks logged on the form, the longest stretch is the walk's minutes "
                "divided by its rests plus one; walk-timer logs give the longest bout."
            ),
        ),
    ]


def _assessment_charts(results_by_source: dict, distance_unit: str) -> list[Chart]:
    """The same charts as the assessments history page, up to the report's last day."""
    found = []
    for measure, points in assessment_charts.series_for(
        results_by_source, distance_unit=distance_unit
    ):
        svg = assessment_charts.render_svg(measure, points, distance_unit=distance_unit)
        found.append(
            Chart(
                title=measure.title,
                data_uri=svg_data_uri(svg),
                alt=assessment_charts.describe(measure, points, distance_unit=distance_unit),
                rows=assessment_charts.table_rows(measure, points),
                axis=assessment_charts.axis_label(measure, distance_unit),
                measure=measure,
            )
        )
    return found


def report_context(document: Document) -> dict:
    """The progress report for the referring physician, for the document's period.

    A fixed number of queries (patient, plans with versions, walks, four kinds of results,
    red flags): charts show every result up to the last day, the lists those in the period.
    """
    patient = Patient.objects.select_related("clinic__clinical_settings", "primary_therapist").get(
        pk=document.patient_id
    )
    start, end = document.period_start, document.period_end
    tz = zoneinfo.ZoneInfo(patient.tz_name)
    since, until = _local_bounds(start, end, tz)
    plans = list(
        Plan.objects.filter(patient=patient, start_date__lte=end)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=PlanVersion.objects.select_related("created_by").order_by("number"),
            )
        )
        .order_by("start_date", "id")
    )
    rows = list(
        WalkLog.objects.filter(
            patient=patient, deleted_at__isnull=True, date__gte=start, date__lte=end
        )
        .order_by("date", "created_at", "id")
        .values(*PROGRESS_FIELDS)
    )
    rules = rules_for_patient(patient)
    weeks = _report_weeks(rows, plans, start, end, tz, rules)
    results = results_for_report(patient, until=end)
    listed = results.in_period(start)
    red_flags = list(
        RedFlagReport.objects.filter(patient=patient, reported_at__gte=since, reported_at__lt=until)
        .select_related("acknowledged_by")
        .order_by("reported_at", "id")
    )
    changes = [
        version
        for plan in plans
        for version in plan.versions.all()
        if since <= version.created_at < until
    ]
    for version in changes:
        version.local_created_at = timezone.localtime(version.created_at, tz)
    for report in red_flags:
        report.local_reported_at = timezone.localtime(report.reported_at, tz)
        report.local_acknowledged_at = (
            timezone.localtime(report.acknowledged_at, tz) if report.acknowledged_at else None
        )
    current_plan = next((p for p in reversed(plans) if p.is_open), plans[-1] if plans else None)
    return {
        "clinic": patient.clinic,
        "patient": patient,
        "therapist": patient.primary_therapist,
        "requested_by": document.requested_by,
        "period_start": start,
        "period_end": end,
        "made_on": timezone.localdate(timezone=tz),
        "plan": current_plan,
        "plan_walking": schedule.describe_weekly(current_plan) if current_plan else "",
        "weeks": weeks,
        "rules": rules,
        "summary": _walking_summary(weeks),
        "walking_charts": _walking_charts(weeks),
        "treadmill_tests": listed["treadmill"],
        "cart_tests": listed["cart"],
        "walk_tests": listed["self-paced-walk"],
        "administrations": listed["administration"],
        "assessment_charts": _assessment_charts(results.by_source, patient.clinic.distance_unit),
        "red_flags": red_flags,
        "plan_changes": changes,
        "distance_unit": patient.clinic.get_distance_unit_display(),
    }

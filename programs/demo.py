"""Demo plans for seed_demo: patients at different weeks of the 8-week programme, each with a
history of weekly suggestions a therapist decided, and one suggestion waiting for approval.

Runs after the patients demo and uses its walks. Everything goes through the services,
dated as if it happened week by week: the weekly rule run the morning after each plan week,
the therapist deciding later that morning. A patient with an open red flag ends paused.
Safe to run twice: a patient who has any plan is left alone.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from patients.dates import patient_today
from patients.models import RedFlagReport, WalkLog
from patients.services import walklog_create

from . import services
from .doses import ExerciseDose
from .models import Plan, ProgramTemplate
from .selectors import baseline_for_patient
from .services.suggestions import FLARE_WAIT_DAYS

GOOD = (2, 4, 2)  # pain before, peak, after rest: within the +2 target
OVER = (2, 5, 3)  # one point past the target

# name: (therapist index, days since the start, how the therapist decides each week).
# The walks come from the patients demo; a patient without any gets FALLBACK_WEEK each week.
APPROVE, WAIT, REJECT_REGRESS, EDIT_PROGRESS = "approve", "wait", "reject", "edit"
STORIES = {
    # The one suggestion left waiting: Pat's latest week.
    "Pat Patient": (1, 4 * 7 + 2, APPROVE, WAIT),
    "Margaret Hill": (1, 5 * 7 + 3, REJECT_REGRESS, REJECT_REGRESS),
    "George Okafor": (1, 7 * 7 + 1, EDIT_PROGRESS, APPROVE),
    "Rosa Lindqvist": (2, 2 * 7 + 4, APPROVE, APPROVE),
    "Edith Brown": (2, 2 * 7, APPROVE, APPROVE),
}
FALLBACK_WEEK = [GOOD] * 4 + [OVER]
# June starts next week: her plan is set, nothing has happened yet.
STARTS_LATER = {"June Tanaka": (2, 5)}
# Used when the assessments demo recorded no treadmill test.
TYPED_BASELINE = Decimal("4")


def seed(*, clinic, staff, patients) -> None:
    services.library_sync()
    template = ProgramTemplate.objects.get(clinic__isnull=True, slug="walking-flexion-8-weeks")
    by_name = {p.full_name: p for p in patients}
    planned = set(Plan.objects.filter(patient__in=patients).values_list("patient_id", flat=True))
    for name, (therapist_index, days, policy, last_week) in STORIES.items():
        patient = by_name.get(name)
        if patient is None or patient.pk in planned:
            continue
        _story(patient, staff[therapist_index], template, days, policy, last_week)
    for name, (therapist_index, in_days) in STARTS_LATER.items():
        patient = by_name.get(name)
        if patient is None or patient.pk in planned:
            continue
        _assign(patient, staff[therapist_index], template, in_days=in_days)


def _at(patient, day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(patient.tz_name))


def _assign(patient, therapist, template, *, in_days=0, now=None) -> Plan:
    baseline, onset_s = baseline_for_patient(patient)
    start = patient_today(patient) + timedelta(days=in_days)
    minutes = baseline or TYPED_BASELINE
    return services.plan_assign(
        patient=patient,
        by=therapist,
        template=template,
        start_date=start,
        sessions_per_week=template.sessions_per_week,
        bouts_per_session=template.bouts_per_session,
        bout_minutes=minutes,
        baseline_minutes=minutes,
        baseline_treadmill_seconds=onset_s,
        baseline_self_reported_minutes=None if baseline else TYPED_BASELINE,
        exercises=[
            ExerciseDose.from_item(item) for item in template.items.select_related("exercise")
        ],
        reason="Agreed with the patient after the treadmill test.",
        now=now,
    )


def _story(patient, therapist, template, days, policy, last_week) -> None:
    start = patient_today(patient) - timedelta(days=days)
    plan = _assign(patient, therapist, template, in_days=-days, now=_at(patient, start, 9))
    own_walks = not WalkLog.objects.filter(patient=patient, date__gte=start).exists()
    completed = days // 7
    done = set()
    for number in range(1, completed + 2):
        week_start = start + timedelta(weeks=number - 1)
        if own_walks:
            plan.refresh_from_db()
            _log_week(patient, therapist, plan, week_start, FALLBACK_WEEK)
        if number > completed:
            break
        # The weekly rule decides a week once the patient logged after it or two days later
        # (a flare is asked about on the next log, docs/clinical-rules.md §7.6); here, the
        # morning three days after the week, or now. The therapist decides later.
        morning = min(
            _at(patient, week_start + timedelta(weeks=1, days=FLARE_WAIT_DAYS + 1), 6),
            timezone.now(),
        )
        suggestion = services.progression_suggest(plan=plan, now=morning)
        if suggestion is None:
            break  # the plan was paused
        choice = last_week if number == completed else policy
        wanted = {EDIT_PROGRESS: "progress", REJECT_REGRESS: "regress"}.get(choice)
        # Edit one progress, or reject one step back, in the story; approve the rest.
        if wanted and (choice in done or suggestion.decision != wanted):
            choice = APPROVE
        done.add(choice)
        _decide(suggestion, choice, therapist, morning + timedelta(hours=4))
    plan.refresh_from_db()
    reported = RedFlagReport.objects.filter(patient=patient, status=RedFlagReport.Status.OPEN)
    if plan.status == Plan.Status.ACTIVE and reported.exists():
        # The report came before the plan in the demo; live, the signal pauses the plan.
        services.plan_pause_for_red_flag(patient=patient, report=reported.latest("reported_at"))
    elif plan.status == Plan.Status.ACTIVE and patient.full_name == "Rosa Lindqvist":
        services.plan_pause(
            plan=plan,
            by=therapist,
            reason="Away visiting family until next week.",
            now=_at(patient, patient_today(patient), 8),
        )


def _log_week(patient, therapist, plan, week_start, walks) -> None:
    today = patient_today(patient)
    by, source = (patient.user, "form") if patient.user_id else (therapist, "clinic")
    for offset, (before, peak, after) in enumerate(walks):
        day = week_start + timedelta(days=offset)
        if day > today:
            break
        walklog_create(
            patient=patient,
            created_by=by,
            source=source,
            date=day,
            minutes=plan.bout_minutes * plan.bouts_per_session,
            rests=plan.bouts_per_session - 1,
            pain_before=before,
            pain_peak=peak,
            pain_after=after,
            glides_before=True,
            glides_after=offset % 2 == 0,
        )


def _decide(suggestion, choice, therapist, when) -> None:
    if not suggestion.is_pending or choice == WAIT:
        return
    if choice == REJECT_REGRESS and suggestion.decision == "regress":
        services.progression_reject(
            suggestion=suggestion,
            by=therapist,
            note="Talked it through: same walks, with a rest a little earlier.",
            now=when,
        )
    elif choice == EDIT_PROGRESS:
        services.progression_approve_edited(
            suggestion=suggestion,
            by=therapist,
            sessions_per_week=suggestion.suggested_sessions_per_week,
            bouts_per_session=max(suggestion.suggested_bouts_per_session - 1, 1),
            bout_minutes=suggestion.suggested_bout_minutes + 1,
            note="Fewer, longer walks suit his dog walk.",
            now=when,
        )
    else:
        services.progression_approve(suggestion=suggestion, by=therapist, now=when)

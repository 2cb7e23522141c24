"""The weekly progression job and the therapist's decisions on its suggestions.

The rule itself is pure (programs.progression); this module gathers a week's walks for it,
stores the suggestion, and applies what a therapist approves.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from clinic.audit import Action
from clinic.models import Clinic, ClinicalSettings, User
from patients.dates import patient_today

from .. import schedule, selectors
from ..models import Plan, PlanVersion, ProgressionSuggestion
from ..progression import HOLD, PROGRESS, suggest_progression
from . import checks
from .plans import _audit_plan, _locked, _record_version, plan_pause

Decision = ProgressionSuggestion.Decision
SuggestionStatus = ProgressionSuggestion.Status


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
                    date=local,
                    minutes=None,
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
    """docs/clinical-rules.md §9: weeks before the build phase walk at the baseline bout, so a
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


# docs/clinical-rules.md §7.6 [C]: how long a week waits for the patient's next log (which
# asks about a flare after the week's last walk) before it is decided without it.
FLARE_WAIT_DAYS = 2


def _week_ready(candidate, patient_logs, now: datetime) -> bool:
    today = now.astimezone(candidate.tz).date()
    if (today - candidate.week_end).days > FLARE_WAIT_DAYS:
        return True
    return any(log.date > candidate.week_end for log in patient_logs)


def _settings_of(clinic: Clinic) -> ClinicalSettings:
    # select_related("...__clinical_settings") caches a missing row as None: no query here.
    try:
        return clinic.clinical_settings
    except ClinicalSettings.DoesNotExist:
        return ClinicalSettings(clinic=clinic)


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
        week = schedule.last_completed_week(plan.start_date, patient_today(plan.patient, now))
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
    weeks = selectors.progression_weeks_inputs(
        plan_ids=[c.plan.pk for c in candidates],
        patient_ids={c.plan.patient_id for c in candidates},
        first=min(c.week_start for c in candidates),
        last=max(c.week_end for c in candidates),
    )
    versions, logs, reports = weeks.versions, weeks.logs, weeks.reports
    # docs/clinical-rules.md §7.6: a flare is asked on the next log, about the walk before
    # it. A week is decided once the patient logged after it, or two days after it ended.
    candidates = [c for c in candidates if _week_ready(c, logs[c.plan.patient_id], now)]

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
        # docs/clinical-rules.md §7.7: the clinic's thresholds with this plan's overrides.
        rules = settings_row.rules().with_overrides(plan.rule_overrides or {})
        result = suggest_progression(current, week_logs, rules=rules)
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
        .select_related("patient__clinic__clinical_settings")
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
    """docs/clinical-rules.md §7: approved changes apply from the next plan week, the one
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
    checks.check_prescription(
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
    checks.check_therapist(plan.patient, by)
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
    checks.check_therapist(plan.patient, by)
    if not note.strip():
        raise ValidationError({"note": "Say why you changed the suggestion."})
    checks.check_prescription(
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
    checks.check_therapist(suggestion.plan.patient, by)
    _decide(suggestion, status=SuggestionStatus.REJECTED, by=by, note=note.strip(), now=now)
    _audit_plan(Action.UPDATE, suggestion.plan, by, request)
    return suggestion

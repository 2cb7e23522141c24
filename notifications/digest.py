"""The therapist's daily digest: what each therapist has to act on, as counts and a link
(no names), once a day at DIGEST_AT clinic time, only when there is something."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from clinic.models import Role, User
from patients.models import Patient, RedFlagReport
from programs.models import Plan, ProgressionSuggestion

from . import selectors
from .kinds import REMINDER_RETRY, Message, Skip, absolute_url, register
from .models import Delivery
from .schedule import DEFAULT_NUDGE_DAYS, DIGEST_AT, local_now


@dataclass(frozen=True)
class DigestCounts:
    open_red_flags: int = 0
    stopped_logging: int = 0
    waiting_suggestions: int = 0

    def __bool__(self) -> bool:
        return bool(self.open_red_flags or self.stopped_logging or self.waiting_suggestions)


def digest_counts(therapist_ids=None, *, today: date | None = None) -> dict[int, DigestCounts]:
    """What each therapist has to act on, in three queries whatever the caseload size."""
    patients = Patient.objects.filter(status=Patient.Status.ACTIVE)
    if therapist_ids is not None:
        patients = patients.filter(primary_therapist_id__in=therapist_ids)
    flags = dict(
        RedFlagReport.objects.filter(status=RedFlagReport.Status.OPEN, patient__in=patients)
        .values_list("patient__primary_therapist_id")
        .annotate(n=Count("id"))
    )
    waiting = dict(
        ProgressionSuggestion.objects.filter(
            status=ProgressionSuggestion.Status.PENDING, plan__patient__in=patients
        )
        .values_list("plan__patient__primary_therapist_id")
        .annotate(n=Count("id"))
    )
    stopped: dict[int, int] = {}
    nudge_days = selectors.nudge_days_by_clinic()
    today = today or timezone.now().date()
    rows = (
        patients.filter(plans__status=Plan.Status.ACTIVE)
        .annotate(last_log=selectors.last_log_date(), plan_start=F("plans__start_date"))
        .values_list("primary_therapist_id", "clinic_id", "last_log", "plan_start")
    )
    for therapist_id, clinic_id, last_log, plan_start in rows:
        days = nudge_days.get(clinic_id, DEFAULT_NUDGE_DAYS)
        if (today - (last_log or plan_start)).days >= days:
            stopped[therapist_id] = stopped.get(therapist_id, 0) + 1
    ids = set(flags) | set(waiting) | set(stopped)
    return {
        tid: DigestCounts(flags.get(tid, 0), stopped.get(tid, 0), waiting.get(tid, 0))
        for tid in ids
    }


def digest_rows(now: datetime) -> list[Delivery]:
    """Unsaved digest rows for therapists with something to act on whose clinic's local
    time has passed DIGEST_AT (the reminder pass inserts them)."""
    counts = digest_counts(today=now.date())
    if not counts:
        return []
    rows = []
    therapists = (
        User.objects.filter(pk__in=counts, role=Role.THERAPIST, is_active=True)
        .select_related("clinic")
        .only("id", "clinic_id", "clinic__timezone")
    )
    for therapist in therapists:
        local = local_now(now, therapist.clinic.timezone)
        if local.time() >= DIGEST_AT:
            rows.append(
                Delivery(
                    user_id=therapist.pk,
                    clinic_id=therapist.clinic_id,
                    kind=Delivery.Kind.DIGEST,
                    local_date=local.date(),
                    created_at=now,
                )
            )
    return rows


def digest_message(delivery: Delivery) -> Message:
    """The digest with today's counts, or Skip when there is nothing left to report."""
    if not delivery.user.is_active:
        raise Skip("account deactivated")
    counts = digest_counts([delivery.user_id]).get(delivery.user_id)
    if not counts:
        raise Skip("nothing to report")
    return Message(
        template="digest",
        context={
            "clinic": delivery.clinic,
            "counts": counts,
            "caseload_url": absolute_url(reverse("dashboard:caseload")),
        },
    )


register(Delivery.Kind.DIGEST, digest_message, REMINDER_RETRY)

"""Daily walk reminders, missed-logging nudges and the therapist digest.

The delivery row is the truth (EmailDelivery: one per recipient, kind and local date, by a
unique constraint). The dispatch pass decides who is due, inserts the rows it needs and
queues one send task per pending row; the send task re-checks the row and the patient,
sends, and marks the row sent inside one transaction, so a replayed task, a second beat or
a worker killed mid-send never sends the same email twice.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from clinic.models import Role, User
from clinic.tasks import absolute_url, build_templated_email
from patients.models import Patient, RedFlagReport, WalkLog
from patients.reminder_schedule import daily_reminder_date, local_now, missed_logging_date
from patients.unsubscribe import unsubscribe_token

from .models import EmailDelivery, Plan, ProgramSettings, ProgressionSuggestion

logger = logging.getLogger(__name__)

DEFAULT_REMIND_AT = time(10, 0)
DEFAULT_WEEKDAYS = "1234567"
DEFAULT_NUDGE_DAYS = 3  # CLINICAL.md has no rule: a product default [C], a clinic setting
# The therapist digest goes out once a day at this local clinic time [C].
DIGEST_AT = time(7, 0)
# A pending row older than this was probably never queued (broker down, beat killed after
# commit): the next pass queues it again. Sending stays safe because the row is re-checked.
REQUEUE_AFTER = timedelta(minutes=10)
# A row still "sending" after this was claimed by a worker that died mid-send: whether the
# email left is unknown, so it is not sent again but marked failed for the admins.
SENDING_GIVE_UP = timedelta(minutes=10)

Kind = EmailDelivery.Kind
Status = EmailDelivery.Status


def _last_log_date():
    return Subquery(
        WalkLog.objects.filter(patient=OuterRef("pk"), deleted_at__isnull=True)
        .order_by("-date")
        .values("date")[:1]
    )


def _reminder_candidates():
    """Patients who may get reminders: in treatment, an active login, an active plan, and
    email reminders on (no preference row means the defaults, which are on)."""
    active_plan = Plan.objects.filter(patient=OuterRef("pk"), status=Plan.Status.ACTIVE)
    return (
        Patient.objects.filter(status=Patient.Status.ACTIVE, user__is_active=True)
        .exclude(reminder_preference__email_enabled=False)
        .annotate(
            plan_start=Subquery(active_plan.values("start_date")[:1]),
            last_log=_last_log_date(),
            last_nudge=Subquery(
                EmailDelivery.objects.filter(patient=OuterRef("pk"), kind=Kind.MISSED)
                .order_by("-local_date")
                .values("local_date")[:1]
            ),
        )
        .filter(plan_start__isnull=False)
        .select_related("clinic", "reminder_preference")
        .only(
            "id",
            "user_id",
            "clinic_id",
            "timezone",
            "clinic__timezone",
            "reminder_preference__remind_at",
            "reminder_preference__weekdays",
        )
    )


def _patient_rows(now: datetime) -> list[EmailDelivery]:
    nudge_days = dict(ProgramSettings.objects.values_list("clinic_id", "missed_log_nudge_days"))
    rows = []
    for patient in _reminder_candidates().iterator(chunk_size=2000):
        preference = getattr(patient, "reminder_preference", None)
        remind_at = preference.remind_at if preference else DEFAULT_REMIND_AT
        weekdays = preference.weekdays if preference else DEFAULT_WEEKDAYS
        tz_name = patient.timezone or patient.clinic.timezone
        fields = {
            "user_id": patient.user_id,
            "patient_id": patient.pk,
            "clinic_id": patient.clinic_id,
            "created_at": now,
        }
        nudge_on = missed_logging_date(
            now,
            tz_name,
            remind_at,
            patient.last_log,
            patient.plan_start,
            nudge_days.get(patient.clinic_id, DEFAULT_NUDGE_DAYS),
            patient.last_nudge,
        )
        if nudge_on:
            # The gentle nudge replaces that day's plain reminder: one email, not two.
            rows.append(EmailDelivery(kind=Kind.MISSED, local_date=nudge_on, **fields))
            continue
        remind_on = daily_reminder_date(now, tz_name, remind_at, weekdays)
        if remind_on and patient.last_log != remind_on:
            rows.append(EmailDelivery(kind=Kind.DAILY, local_date=remind_on, **fields))
    return rows


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
    nudge_days = dict(ProgramSettings.objects.values_list("clinic_id", "missed_log_nudge_days"))
    today = today or timezone.now().date()
    rows = (
        patients.filter(plans__status=Plan.Status.ACTIVE)
        .annotate(last_log=_last_log_date(), plan_start=F("plans__start_date"))
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


def _digest_rows(now: datetime) -> list[EmailDelivery]:
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
                EmailDelivery(
                    user_id=therapist.pk,
                    clinic_id=therapist.clinic_id,
                    kind=Kind.DIGEST,
                    local_date=local.date(),
                    created_at=now,
                )
            )
    return rows


def reminders_dispatch(now: datetime | None = None) -> list[int]:
    """Insert the delivery rows that are due and return the ids of rows to send.

    A fixed number of queries for any number of patients (plus one insert per database
    batch on SQLite). Safe to run twice or from two beats at once: the unique row decides.
    """
    now = now or timezone.now()
    rows = _patient_rows(now) + _digest_rows(now)
    with transaction.atomic():
        EmailDelivery.objects.filter(
            status=Status.SENDING, claimed_at__lt=now - SENDING_GIVE_UP
        ).update(
            status=Status.FAILED,
            last_error="Interrupted while sending: it may not have been delivered.",
        )
        EmailDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        ids = list(
            EmailDelivery.objects.filter(status=Status.PENDING)
            .filter(Q(created_at=now) | Q(created_at__lt=now - REQUEUE_AFTER))
            .values_list("id", flat=True)
        )
        transaction.on_commit(lambda: _queue(ids))
    return ids


def _queue(ids: list[int]) -> None:
    from .tasks import email_delivery_send

    try:
        # One producer for the whole batch: acquiring one per task dominates a large pass.
        with email_delivery_send.app.producer_or_acquire() as producer:
            for delivery_id in ids:
                email_delivery_send.apply_async((delivery_id,), producer=producer)
    except Exception:  # broker down: the rows stay pending; the next pass queues them
        logger.exception("could not queue %s email deliveries", len(ids))


def _reason_not_to_send(delivery: EmailDelivery) -> str:
    """Why a pending row should no longer be sent, or "" to send it."""
    user = delivery.user
    if not user.is_active:
        return "account deactivated"
    if delivery.kind == Kind.DIGEST:
        return "" if digest_counts([user.pk]).get(user.pk) else "nothing to report"
    patient = delivery.patient
    preference = getattr(patient, "reminder_preference", None)
    if patient.status != Patient.Status.ACTIVE:
        return "patient discharged"
    if preference is not None and not preference.email_enabled:
        return "reminders turned off"
    if not Plan.objects.filter(patient=patient, status=Plan.Status.ACTIVE).exists():
        return "no active plan"
    logs = WalkLog.objects.filter(patient=patient, deleted_at__isnull=True)
    if delivery.kind == Kind.DAILY and logs.filter(date=delivery.local_date).exists():
        return "walk already logged"
    if delivery.kind == Kind.MISSED:
        days = _nudge_days(patient.clinic_id)
        if logs.filter(date__gt=delivery.local_date - timedelta(days=days)).exists():
            return "walk logged since"
    return ""


def _nudge_days(clinic_id: int) -> int:
    days = (
        ProgramSettings.objects.filter(clinic_id=clinic_id)
        .values_list("missed_log_nudge_days", flat=True)
        .first()
    )
    return days or DEFAULT_NUDGE_DAYS


def _email_for(delivery: EmailDelivery) -> tuple[str, dict]:
    clinic = delivery.clinic
    if delivery.kind == Kind.DIGEST:
        return "digest", {
            "clinic": clinic,
            "counts": digest_counts([delivery.user_id])[delivery.user_id],
            "caseload_url": absolute_url(reverse("dashboard:caseload")),
        }
    template = "reminder_daily" if delivery.kind == Kind.DAILY else "reminder_missed"
    return template, {
        "clinic": clinic,
        "today_url": absolute_url(reverse("dashboard:today")),
        "unsubscribe_url": absolute_url(
            reverse("patients:reminders-off", args=[unsubscribe_token(delivery.patient_id)])
        ),
    }


def delivery_send(delivery_id: int) -> str:
    """Send one pending delivery, at most once.

    Everything that can be done before sending is done first (re-check, render, open the
    mail connection); then the row is claimed durably ("sending"), the message goes out and
    the row is marked sent. A second copy of the task finds the row claimed and stops. A
    worker killed after the claim leaves the row "sending": it is never sent again (the
    issue's rule: never the same reminder twice) and the next pass marks it failed, for the
    admins to see, after SENDING_GIVE_UP.
    """
    delivery = (
        EmailDelivery.objects.select_related("user", "clinic", "patient__reminder_preference")
        .filter(pk=delivery_id, status=Status.PENDING)
        .first()
    )
    if delivery is None:
        return "not pending"
    reason = _reason_not_to_send(delivery)
    if reason:
        EmailDelivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(
            status=Status.SKIPPED, last_error=reason
        )
        return f"skipped: {reason}"
    template, context = _email_for(delivery)
    message = build_templated_email(
        template=template,
        to=[delivery.user.email],
        context=context,
        headers=_unsubscribe_headers(context),
    )
    with get_connection() as mail_connection:
        claimed = _claim(delivery_id)
        if not claimed:
            return "not pending"
        try:
            mail_connection.send_messages([message])
        except Exception as error:
            # Not sent: back to pending, so that the retry (or the next pass) sends it.
            EmailDelivery.objects.filter(pk=delivery_id, status=Status.SENDING).update(
                status=Status.PENDING, last_error=f"{type(error).__name__}: {error}"[:300]
            )
            raise
    EmailDelivery.objects.filter(pk=delivery_id, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _claim(delivery_id: int) -> int:
    """Take a pending row for sending (1 if this worker got it, 0 if another did)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Visible to other workers at once; not waiting for the WAL flush keeps the
            # moment between the claim and the send (where a killed worker loses a reminder)
            # far shorter. Only a database crash within that flush could undo the claim.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        return EmailDelivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(
            status=Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )


def _unsubscribe_headers(context: dict) -> dict:
    url = context.get("unsubscribe_url")
    return {"List-Unsubscribe": f"<{url}>"} if url else {}


def delivery_mark_failed(delivery_id: int, *, reason: str) -> None:
    """After the last retry: failed, with the reason, for the clinic admins to see."""
    EmailDelivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(
        status=Status.FAILED, last_error=reason[:300]
    )


def deliveries_for_admin(admin, *, status: str = "") -> QuerySet[EmailDelivery]:
    from clinic.access import scope_clinic

    deliveries = scope_clinic(EmailDelivery.objects.select_related("user"), admin)
    return deliveries.filter(status=status) if status else deliveries

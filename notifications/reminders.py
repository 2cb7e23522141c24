"""Daily walk reminders and missed-logging nudges: who is due (the dispatch pass) and what
the email says.

The delivery row is the truth (one per recipient, kind and local date, by a unique
constraint). The dispatch pass decides who is due, inserts the rows it needs (the
therapist digest's among them, notifications.digest) and queues one send task per pending
row; notifications.delivery re-checks the row and the patient through `reminder_message`,
sends, and marks the row sent, so a replayed task, a second beat or a worker killed
mid-send never sends the same email twice.
"""

from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from patients.models import Patient, WalkLog
from patients.rules import rules_for_patient
from programs.models import Plan

from . import digest, selectors
from .kinds import (
    REMINDER_RETRY,
    Message,
    Skip,
    absolute_url,
    deliveries_interrupted_resolve,
    queue_sends,
    register,
)
from .models import REMINDER_KINDS, Delivery
from .schedule import (
    DEFAULT_NUDGE_DAYS,
    DEFAULT_REMIND_AT,
    DEFAULT_WEEKDAYS,
    daily_reminder_date,
    missed_logging_date,
)
from .unsubscribe import unsubscribe_token

# A pending row older than this was probably never queued (broker down, beat killed after
# commit): the next pass queues it again. Sending stays safe because the row is re-checked.
REQUEUE_AFTER = timedelta(minutes=10)

Kind = Delivery.Kind
Status = Delivery.Status
# The rows this pass looks after: every kind but red-flag alerts, which have a sweep of
# their own every minute (notifications.alerts).
PASS_KINDS = (*REMINDER_KINDS, Kind.INVITATION)


def _reminder_candidates():
    """Patients who may get reminders: in treatment, an active login, an active plan, and
    email reminders on (no preference row means the defaults, which are on)."""
    active_plan = Plan.objects.filter(patient=OuterRef("pk"), status=Plan.Status.ACTIVE)
    return (
        Patient.objects.filter(status=Patient.Status.ACTIVE, user__is_active=True)
        .exclude(reminder_preference__email_enabled=False)
        .annotate(
            plan_start=Subquery(active_plan.values("start_date")[:1]),
            last_log=selectors.last_log_date(),
            last_nudge=Subquery(
                Delivery.objects.filter(patient=OuterRef("pk"), kind=Kind.MISSED)
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


def _patient_rows(now: datetime) -> list[Delivery]:
    nudge_days = selectors.nudge_days_by_clinic()
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
            rows.append(Delivery(kind=Kind.MISSED, local_date=nudge_on, **fields))
            continue
        remind_on = daily_reminder_date(now, tz_name, remind_at, weekdays)
        # One reminder-type email a day per patient, whatever the kind: a day that had its
        # nudge (an earlier pass) gets no plain reminder on top.
        if remind_on and remind_on not in (patient.last_log, patient.last_nudge):
            rows.append(Delivery(kind=Kind.DAILY, local_date=remind_on, **fields))
    return rows


def reminders_dispatch(now: datetime | None = None) -> list[int]:
    """Insert the delivery rows that are due and return the ids of rows to send.

    A fixed number of queries for any number of patients (plus one insert per database
    batch on SQLite). Safe to run twice or from two beats at once: the unique row decides.
    Pending invitation emails that were never queued are queued again here too.
    """
    now = now or timezone.now()
    rows = _patient_rows(now) + digest.digest_rows(now)
    with transaction.atomic():
        deliveries_interrupted_resolve(now, kinds=PASS_KINDS)
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        ids = list(
            Delivery.objects.filter(status=Status.PENDING, kind__in=PASS_KINDS)
            .filter(Q(created_at=now) | Q(created_at__lt=now - REQUEUE_AFTER))
            .values_list("id", flat=True)
        )
        transaction.on_commit(partial(queue_sends, ids))
    return ids


def _reason_not_to_send(delivery: Delivery) -> str:
    """Why a pending reminder or nudge should no longer be sent, or "" to send it."""
    if not delivery.user.is_active:
        return "account deactivated"
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
        days = selectors.nudge_days(patient.clinic_id)
        if logs.filter(date__gt=delivery.local_date - timedelta(days=days)).exists():
            return "walk logged since"
    return ""


def reminder_message(delivery: Delivery) -> Message:
    """The daily reminder or the missed-logging nudge, re-checked just before sending."""
    reason = _reason_not_to_send(delivery)
    if reason:
        raise Skip(reason)
    unsubscribe = reverse(
        "notifications:reminders-off", args=[unsubscribe_token(delivery.patient_id)]
    )
    url = absolute_url(unsubscribe)
    return Message(
        template="reminder_daily" if delivery.kind == Kind.DAILY else "reminder_missed",
        context={
            "clinic": delivery.clinic,
            "today_url": absolute_url(reverse("dashboard:today")),
            "unsubscribe_url": url,
            # docs/clinical-rules.md §7.7: the email says the patient's own pain target.
            "rules": rules_for_patient(delivery.patient),
        },
        unsubscribe_url=url,
    )


register(Delivery.Kind.DAILY, reminder_message, REMINDER_RETRY)
register(Delivery.Kind.MISSED, reminder_message, REMINDER_RETRY)

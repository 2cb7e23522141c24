"""Red-flag alerts (docs/clinical-rules.md §6): an email to the patient's therapist and to each
of the clinic's active admins at once, retried until sent.

The rows are made inside the reporting transaction (a receiver of
patients.signals.red_flag_raised), so a report is never without its alerts, and queued on
commit. Nothing here can fail the report: when the broker is down, or the receiver failed,
the sweep (beat, every minute) makes what is missing and sends what is pending. The first
alert sent sets `RedFlagReport.alert_sent_at`, which the patient's page shows.
"""

import logging
import zoneinfo
from datetime import datetime
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clinic.models import Role, User
from patients.models import Patient, RedFlagReport

from .kinds import (
    ALERT_RETRY,
    Message,
    Skip,
    absolute_url,
    deliveries_interrupted_resolve,
    queue_sends,
    register,
)
from .models import Delivery

logger = logging.getLogger(__name__)

Kind = Delivery.Kind
Status = Delivery.Status


def alert_recipients(patient: Patient) -> list[User]:
    """The patient's therapist and the clinic's active admins, once each."""
    recipients = []
    therapist = patient.primary_therapist
    if therapist.is_active:
        recipients.append(therapist)
    admins = User.objects.filter(clinic_id=patient.clinic_id, role=Role.ADMIN, is_active=True)
    recipients.extend(admins.order_by("pk"))
    return list({user.pk: user for user in recipients}.values())


def _alert_rows(report: RedFlagReport, now: datetime) -> list[Delivery]:
    patient = report.patient
    recipients = alert_recipients(patient)
    if not recipients:
        logger.error("Red-flag report %s: no active therapist or admin to alert.", report.pk)
    local_date = now.astimezone(zoneinfo.ZoneInfo(patient.clinic.timezone)).date()
    return [
        Delivery(
            user=user,
            patient=patient,
            clinic_id=patient.clinic_id,
            kind=Kind.RED_FLAG,
            red_flag_report=report,
            local_date=local_date,
            created_at=now,
        )
        for user in recipients
    ]


@transaction.atomic
def alerts_create(*, report: RedFlagReport) -> list[int]:
    """One pending alert per recipient, in the reporting transaction (a savepoint of its own:
    if it fails, the report still stands and the sweep makes them); sent on commit. Told
    twice about one report, it makes nothing more."""
    Delivery.objects.bulk_create(_alert_rows(report, timezone.now()), ignore_conflicts=True)
    ids = list(
        Delivery.objects.filter(red_flag_report=report, status=Status.PENDING).values_list(
            "id", flat=True
        )
    )
    transaction.on_commit(partial(queue_sends, ids))
    return ids


def alert_message(delivery: Delivery) -> Message:
    if not delivery.user.is_active:
        raise Skip("account deactivated")
    report = (
        RedFlagReport.objects.filter(pk=delivery.red_flag_report_id)
        .only("status", "patient_id")
        .first()
    )
    if report is None or report.status != RedFlagReport.Status.OPEN:
        # A clinician has seen it and acted: an alert now would only confuse.
        raise Skip("report acknowledged")
    return Message(
        template="red_flag_alert",
        context={
            "clinic": delivery.clinic,
            "url": absolute_url(reverse("patients:detail", args=[report.patient_id])),
        },
    )


def alert_sent(delivery: Delivery) -> None:
    """The team has been alerted: the first alert sent is the time the pages show."""
    RedFlagReport.objects.filter(pk=delivery.red_flag_report_id, alert_sent_at__isnull=True).update(
        alert_sent_at=delivery.sent_at
    )


def red_flag_alert_sweep(now: datetime | None = None) -> int:
    """Make and send what the moment of the report could not; returns the sends queued.

    (a) Alert rows for open reports that have none and were never alerted (the receiver
    failed, or the report is older than notifications). (b) Alerts a dead worker left
    "sending" go back to pending: sent again. (c) Every pending alert is queued, to be tried
    once: the sweep itself comes back in a minute, so its tasks start no retry chains.
    Safe to run twice: a row is unique per (recipient, report) and a send claims its row.
    """
    now = now or timezone.now()
    with transaction.atomic():
        unalerted = RedFlagReport.objects.filter(
            status=RedFlagReport.Status.OPEN,
            alert_sent_at__isnull=True,
            alert_deliveries__isnull=True,
        ).select_related("patient__primary_therapist", "patient__clinic")
        rows = [row for report in unalerted for row in _alert_rows(report, now)]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        deliveries_interrupted_resolve(now, kinds=[Kind.RED_FLAG])
    ids = list(
        Delivery.objects.filter(kind=Kind.RED_FLAG, status=Status.PENDING)
        .order_by("created_at", "id")
        .values_list("id", flat=True)
    )
    queue_sends(ids, retry=False)
    return len(ids)


register(Delivery.Kind.RED_FLAG, alert_message, ALERT_RETRY, on_sent=alert_sent)

"""Reads that the reminder pass, the digest, the send path and the admins' page share."""

from django.db.models import Case, IntegerField, Q, QuerySet, Subquery, Value, When
from django.db.models.expressions import OuterRef

from clinic.access import scope_clinic
from clinic.models import ClinicalSettings
from patients.models import WalkLog

from .models import Delivery
from .schedule import DEFAULT_NUDGE_DAYS

Status = Delivery.Status


def last_log_date() -> Subquery:
    """The date of the patient's latest walk log (annotate a Patient queryset with it)."""
    return Subquery(
        WalkLog.objects.filter(patient=OuterRef("pk"), deleted_at__isnull=True)
        .order_by("-date")
        .values("date")[:1]
    )


def nudge_days_by_clinic() -> dict[int, int]:
    """Clinics that set their own missed-logging days; the others use DEFAULT_NUDGE_DAYS."""
    return dict(ClinicalSettings.objects.values_list("clinic_id", "missed_log_nudge_days"))


def nudge_days(clinic_id: int) -> int:
    days = (
        ClinicalSettings.objects.filter(clinic_id=clinic_id)
        .values_list("missed_log_nudge_days", flat=True)
        .first()
    )
    return days or DEFAULT_NUDGE_DAYS


def deliveries_for_admin(admin, *, status: str = "") -> QuerySet[Delivery]:
    """The admin's clinic's messages of every kind: failed first, then those still being
    retried (a red-flag alert is never given up: it shows here while it waits), then the
    newest."""
    deliveries = scope_clinic(Delivery.objects.select_related("user"), admin)
    if status:
        deliveries = deliveries.filter(status=status)
    trouble = Case(
        When(status=Status.FAILED, then=Value(0)),
        When(Q(status=Status.PENDING) & ~Q(last_error=""), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return deliveries.order_by(trouble, "-created_at", "-id")

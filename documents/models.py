"""Generated PDFs: a patient's plan handout and the progress report for a period."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from patients.models import Patient
from programs.models import Plan, PlanVersion


def document_path(document: "Document", filename: str) -> str:
    # No names in paths: a file listing must not reveal who the documents are about.
    return f"documents/{document.patient.clinic_id}/{uuid.uuid4().hex}.pdf"


class Document(models.Model):
    """A generated PDF: a patient's handout for a plan, or a progress report for a period.

    The row is the job's truth: pending until the PDF task stores the file and marks it
    ready (or failed, with a reason). Re-running the task on a ready row changes nothing.
    """

    class Kind(models.TextChoices):
        HANDOUT = "handout", "Handout"
        REPORT = "report", "Progress report"

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    plan_version = models.ForeignKey(
        PlanVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The plan as it was when the handout was made.",
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.CharField(max_length=300, blank=True)
    file = models.FileField(upload_to=document_path, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when made automatically after a plan change.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    render_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        # The table programs made before documents had an app of its own; rows kept.
        db_table = "programs_document"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["patient", "kind", "-created_at"], name="programs_do_patient_5e4898_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                name="document_report_has_period",
                condition=~Q(kind="report")
                | Q(period_start__isnull=False, period_end__isnull=False),
            ),
            models.CheckConstraint(
                name="document_handout_has_plan",
                condition=~Q(kind="handout") | Q(plan__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient} ({self.get_status_display()})"

"""Every message Stride sends, one row each: the row, not the queue, is the truth."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.models import Clinic, Invitation
from patients.models import Patient, RedFlagReport

# At most one of each a day per recipient (DESIGN.md: never the same reminder twice).
REMINDER_KINDS = ("daily", "missed", "digest")


class Delivery(models.Model):
    """One message to one person over one channel: a daily walk reminder, a missed-logging
    nudge, a therapist digest, a red-flag alert or an invitation.

    Unique rows keep every kind to its rule, whatever runs twice (a pass, a replayed task,
    a second beat): reminder kinds once per (recipient, kind, local date), an alert once per
    (recipient, report), an invitation email once per (invitation, send number), so that a
    resend is a new row. The status moves pending -> sending -> sent (or skipped, failed);
    notifications.delivery is the one path that moves it.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"

    class Kind(models.TextChoices):
        DAILY = "daily", "Daily walk reminder"
        MISSED = "missed", "Missed-logging nudge"
        DIGEST = "digest", "Therapist digest"
        RED_FLAG = "red_flag", "Red-flag alert"
        INVITATION = "invitation", "Invitation"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "No longer needed"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deliveries"
    )
    patient = models.ForeignKey(
        Patient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The patient it is for (reminders) or about (red-flag alerts).",
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    # db_default too: rows inserted by code from before this field (workers still running
    # the old release during a deploy) get it as well.
    channel = models.CharField(
        max_length=8, choices=Channel.choices, default=Channel.EMAIL, db_default=Channel.EMAIL
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    local_date = models.DateField(help_text="The recipient's local date it is for.")
    red_flag_report = models.ForeignKey(
        RedFlagReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alert_deliveries",
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries"
    )
    send_number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Invitations: 1 for the first email, 2 for a resend..."
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker took the row to send it."
    )
    last_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When sending was last tried, whatever came of it."
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table programs made before notifications had an app of its own; rows kept.
        db_table = "programs_emaildelivery"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "local_date"],
                condition=Q(kind__in=REMINDER_KINDS),
                name="delivery_reminder_once_per_day",
            ),
            models.UniqueConstraint(
                fields=["user", "red_flag_report"],
                condition=Q(red_flag_report__isnull=False),
                name="delivery_alert_once_per_recipient",
            ),
            models.UniqueConstraint(
                fields=["invitation", "send_number"],
                condition=Q(invitation__isnull=False),
                name="delivery_invitation_once_per_send",
            ),
            models.CheckConstraint(
                name="delivery_alert_has_report",
                condition=~Q(kind="red_flag") | Q(red_flag_report__isnull=False),
            ),
            models.CheckConstraint(
                name="delivery_invitation_has_invitation",
                condition=~Q(kind="invitation")
                | Q(invitation__isnull=False, send_number__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="programs_em_status_5536e6_idx"),
            models.Index(
                fields=["clinic", "status", "-created_at"], name="programs_em_clinic__5ce6c3_idx"
            ),
            models.Index(
                fields=["patient", "kind", "-local_date"], name="programs_em_patient_98bd9e_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user} for {self.local_date}"

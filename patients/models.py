from django.conf import settings
from django.db import models

from clinic.models import Clinic, validate_timezone


class Patient(models.Model):
    """A person in treatment. `user` is empty for patients who keep a paper diary."""

    class StenosisType(models.TextChoices):
        CENTRAL = "central", "Central (canal)"
        FORAMINAL = "foraminal", "Foraminal"
        BOTH = "both", "Central and foraminal"
        UNKNOWN = "unknown", "Not known"

    class Side(models.TextChoices):
        LEFT = "left", "Left"
        RIGHT = "right", "Right"
        BOTH = "both", "Both"
        NONE = "none", "Back only"

    class Status(models.TextChoices):
        ACTIVE = "active", "In treatment"
        DISCHARGED = "discharged", "Discharged"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patient",
    )
    primary_therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="caseload",
    )
    full_name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    stenosis_type = models.CharField(
        max_length=16, choices=StenosisType.choices, default=StenosisType.UNKNOWN
    )
    affected_side = models.CharField(max_length=8, choices=Side.choices, blank=True)
    symptom_pattern = models.CharField(
        max_length=300, blank=True, help_text="Where symptoms go, e.g. 'buttock to calf, left'."
    )
    referring_physician = models.CharField(max_length=200, blank=True)
    timezone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text="Leave empty to use the clinic's time zone.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [
            models.Index(fields=["clinic", "primary_therapist", "status"]),
            models.Index(fields=["clinic", "full_name"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def tz_name(self) -> str:
        return self.timezone or self.clinic.timezone

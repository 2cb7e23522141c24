from dataclasses import dataclass
from datetime import time, timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import TruncDate
from django.utils import timezone

from clinic.models import Clinic, validate_timezone

# Patients may correct or delete a log for this long; after that it is locked (issue 5).
EDIT_WINDOW = timedelta(hours=24)


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


# The words a person reads when a walk breaks one of the rules below: the forms check the same
# first and say it this way, and the services say it when the database refuses a walk.
PAIN_0_TO_10 = "Choose a number from 0 (no pain) to 10 (worst pain)."
FUTURE_DATE = "That date is in the future. Enter today or an earlier day."
MINUTES_0_TO_600 = "Enter more than 0 and at most 600 minutes (10 hours)."


def _pain_between_0_and_10(field: str, *, nullable: bool = False) -> models.CheckConstraint:
    condition = models.Q(**{f"{field}__gte": 0, f"{field}__lte": 10})
    if nullable:
        condition |= models.Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(name=f"walklog_{field}_0_10", condition=condition)


# The one list of what a patient or a clinician may set on a walk log; everything else on
# the row is the system's. Services accept these, forms show them, exports write them.
WALKLOG_ENTRY_FIELDS = (
    "date",
    "start_time",
    "minutes",
    "distance_m",
    "steps",
    "rests",
    "pain_before",
    "pain_peak",
    "pain_after",
    "symptom_areas",
    "tingling",
    "support",
    "terrain",
    "glides_before",
    "glides_after",
    "flare_next_day",
    "note",
)


class WalkLog(models.Model):
    """One walk, logged by the patient (form or walk timer) or entered by clinic staff."""

    class Support(models.TextChoices):
        NONE = "none", "None"
        CART = "cart", "Shopping cart"
        WALKER = "walker", "Walker"
        CANE = "cane", "Cane"
        POLES = "poles", "Walking poles"

    class Terrain(models.TextChoices):
        FLAT = "flat", "Flat"
        UPHILL = "uphill", "Uphill"
        DOWNHILL = "downhill", "Downhill"
        TREADMILL = "treadmill", "Treadmill"

    class Source(models.TextChoices):
        FORM = "form", "Patient form"
        TIMER = "timer", "Walk timer"
        CLINIC = "clinic", "Clinic entry"

    # Where symptoms were (DESIGN.md WalkLog): body region by side.
    SYMPTOM_AREAS = [
        ("back", "Lower back"),
        ("buttock_left", "Left buttock"),
        ("buttock_right", "Right buttock"),
        ("thigh_left", "Left thigh"),
        ("thigh_right", "Right thigh"),
        ("calf_left", "Left calf or foot"),
        ("calf_right", "Right calf or foot"),
    ]

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="walk_logs")
    date = models.DateField(help_text="The patient's local date of the walk.")
    start_time = models.TimeField(null=True, blank=True)
    minutes = models.DecimalField(max_digits=5, decimal_places=1)
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    steps = models.PositiveIntegerField(null=True, blank=True)
    rests = models.PositiveSmallIntegerField(default=0)
    pain_before = models.PositiveSmallIntegerField()
    pain_peak = models.PositiveSmallIntegerField()
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True, help_text="After resting.")
    symptom_areas = models.JSONField(default=list, blank=True)
    tingling = models.BooleanField(default=False)
    support = models.CharField(max_length=8, choices=Support.choices, default=Support.NONE)
    terrain = models.CharField(max_length=10, choices=Terrain.choices, default=Terrain.FLAT)
    glides_before = models.BooleanField(default=False)
    glides_after = models.BooleanField(default=False)
    flare_next_day = models.BooleanField(
        default=False,
        help_text="Symptoms flared the day after the previous walk (asked on this log).",
    )
    note = models.TextField(blank=True, max_length=1000)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.FORM)
    bouts = models.JSONField(
        default=list, blank=True, help_text="Walk timer bouts: walked and rested seconds."
    )
    client_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="Set by the walk timer so a log sent twice (offline retry) is stored once.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-start_time", "-id"]
        indexes = [
            models.Index(fields=["patient", "date"]),
            models.Index(fields=["patient", "-created_at"]),
        ]
        constraints = [
            _pain_between_0_and_10("pain_before"),
            _pain_between_0_and_10("pain_peak"),
            _pain_between_0_and_10("pain_after", nullable=True),
            models.CheckConstraint(
                name="walklog_minutes_positive_max_600",
                condition=models.Q(minutes__gt=0, minutes__lte=600),
            ),
            # No walk dated after the day it was logged: a local date is at most one day
            # ahead of the UTC date of the moment it was saved (the exact clinic-timezone
            # rule is checked by the form and service).
            models.CheckConstraint(
                name="walklog_date_not_future",
                condition=models.Q(
                    date__lte=models.ExpressionWrapper(
                        TruncDate("created_at") + timedelta(days=1),
                        output_field=models.DateField(),
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["patient", "client_id"],
                condition=~models.Q(client_id=""),
                name="walklog_unique_client_id",
            ),
        ]

    # The field and the message of each CHECK constraint above, for a refusal by the database
    # (services.walklog_create): the services leave these checks to it, one query fewer each.
    CONSTRAINT_ERRORS = {
        "walklog_pain_before_0_10": ("pain_before", PAIN_0_TO_10),
        "walklog_pain_peak_0_10": ("pain_peak", PAIN_0_TO_10),
        "walklog_pain_after_0_10": ("pain_after", PAIN_0_TO_10),
        "walklog_minutes_positive_max_600": ("minutes", MINUTES_0_TO_600),
        "walklog_date_not_future": ("date", FUTURE_DATE),
    }

    def __str__(self) -> str:
        return f"{self.patient} walked {self.minutes} min on {self.date}"

    @property
    def pain_rise(self) -> int:
        return self.pain_peak - self.pain_before

    @property
    def editable_until(self):
        return self.created_at + EDIT_WINDOW

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def symptom_area_labels(self) -> list[str]:
        labels = dict(self.SYMPTOM_AREAS)
        return [labels.get(code, code) for code in self.symptom_areas]


class RedFlagReport(models.Model):
    """Red-flag signs reported by a patient (docs/clinical-rules.md §6); open until a
    clinician acknowledges them."""

    class Sign(models.TextChoices):
        # Short names, for the checkbox and the staff pages; RED_FLAG_SIGNS below adds the
        # plain words of docs/clinical-rules.md §6 that every patient page shows.
        SADDLE = "saddle", "Numbness between the legs"
        BLADDER = "bladder", "Bladder trouble"
        BOWEL = "bowel", "Bowel control"
        WEAKNESS = "weakness", "Sudden leg weakness"
        BOTH_LEGS = "both_legs", "Both legs"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="red_flags")
    signs = models.JSONField(default=list)
    reported_at = models.DateTimeField(default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    source_log = models.ForeignKey(
        WalkLog, on_delete=models.PROTECT, null=True, blank=True, related_name="red_flags"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    # The alert email's truth: empty until the alert went out (the sweep sends what is unsent).
    alert_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "status"]),
            models.Index(fields=["status", "alert_sent_at"]),
        ]

    def __str__(self) -> str:
        return f"Red flag for {self.patient} at {self.reported_at:%Y-%m-%d %H:%M}"

    def sign_labels(self) -> list[str]:
        """The signs reported, in the one plain wording the patient ticked (§6)."""
        return [RED_FLAG_DESCRIPTIONS.get(code, code) for code in self.signs]


@dataclass(frozen=True)
class RedFlagSign:
    value: str
    label: str
    description: str


# docs/clinical-rules.md §6, "one list, in these plain words": the walk log, the timer, the
# symptom report, the quiz, Today, the urgent page, the handout and the exercises' "stop if"
# lines all render this list (templates/patients/partials/red_flag_signs.html).
RED_FLAG_SIGNS = tuple(
    RedFlagSign(sign.value, sign.label, description)
    for sign, description in (
        (
            RedFlagReport.Sign.SADDLE,
            "New numbness or pins and needles between the inner thighs, in the genitals, "
            "or around the back passage or buttocks.",
        ),
        (
            RedFlagReport.Sign.BLADDER,
            "New trouble starting or controlling passing urine, leaking urine, or not being "
            "able to tell whether the bladder is full.",
        ),
        (RedFlagReport.Sign.BOWEL, "Losing control of the bowels."),
        (
            RedFlagReport.Sign.WEAKNESS,
            "Sudden weakness in a leg, a foot that drops or slaps when walking, or sudden "
            "difficulty walking.",
        ),
        (
            RedFlagReport.Sign.BOTH_LEGS,
            "Pain or numbness in both legs that is new or getting worse quickly.",
        ),
    )
)
RED_FLAG_DESCRIPTIONS = {sign.value: sign.description for sign in RED_FLAG_SIGNS}


class WalkLogRevision(models.Model):
    """What a log looked like before an edit or a delete, so clinicians can see changes."""

    class Action(models.TextChoices):
        EDIT = "edit", "Edited"
        DELETE = "delete", "Deleted"

    log = models.ForeignKey(WalkLog, on_delete=models.PROTECT, related_name="revisions")
    action = models.CharField(max_length=8, choices=Action.choices)
    before = models.JSONField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.log_id} at {self.changed_at:%Y-%m-%d %H:%M}"


def validate_weekdays(value: str) -> None:
    from django.core.exceptions import ValidationError

    if not value or any(c not in "1234567" for c in value) or len(set(value)) != len(value):
        raise ValidationError("Choose at least one day.")


class ReminderPreference(models.Model):
    """When and how a patient wants walk reminders, and whether they want larger text.

    A patient without a row has the defaults below. The patient's time zone is
    `Patient.timezone` (one truth for log dates and reminder times).
    """

    DAYS = [
        ("1", "Monday"),
        ("2", "Tuesday"),
        ("3", "Wednesday"),
        ("4", "Thursday"),
        ("5", "Friday"),
        ("6", "Saturday"),
        ("7", "Sunday"),
    ]

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    remind_at = models.TimeField(default=time(10, 0), help_text="Local time of day.")
    # ISO weekday digits, e.g. "135" for Monday, Wednesday, Friday: a reminder pass can
    # filter with `weekdays__contains` on any database.
    weekdays = models.CharField(max_length=7, default="1234567", validators=[validate_weekdays])
    email_enabled = models.BooleanField(default=True)
    large_text = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="reminder_weekdays_not_empty", condition=~models.Q(weekdays="")
            )
        ]

    def __str__(self) -> str:
        return f"Reminders for {self.patient}"

    @property
    def weekday_list(self) -> list[str]:
        return list(self.weekdays)

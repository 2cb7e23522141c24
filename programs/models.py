"""Exercise library, programme templates, a patient's plan and its weekly progression.

Rules live elsewhere: the weekly walking rule in progression.py, plan-week arithmetic and
plain-word doses in schedule.py, every write in services.py.
"""

from types import SimpleNamespace

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clinic.models import Clinic
from patients.models import Patient

from .progression import describe_prescription
from .schedule import describe_item_dose

# Sanity bounds for doses and prescriptions: not clinical rules, just the edges of sense.
MAX_SETS = 10
MAX_REPS = 50
MAX_HOLD_SECONDS = 120
MAX_DOSE_MINUTES = 60
MAX_TIMES_PER_DAY = 6
MAX_SESSIONS_PER_WEEK = 14
MAX_BOUTS_PER_SESSION = 10
# The issue: "bouts over 60 minutes" are nonsense for this programme.
MAX_BOUT_MINUTES = 60
MAX_PLAN_WEEKS = 26


class Slot(models.TextChoices):
    WALK = "walk", "Before and after each walk"
    DAILY = "daily", "Every day"
    WEEKLY = "weekly", "Once a week"
    OPTION = "option", "Instead of a walk, on days walking is hard"


class ScheduledExercise(models.Model):
    """An exercise for a range of weeks, at a slot, with a dose: a template's or a plan's."""

    exercise = models.ForeignKey("Exercise", on_delete=models.PROTECT, related_name="+")
    slot = models.CharField(max_length=8, choices=Slot.choices, default=Slot.DAILY)
    week_from = models.PositiveSmallIntegerField(default=1)
    week_to = models.PositiveSmallIntegerField(default=8)
    order = models.PositiveSmallIntegerField(default=0)
    sets = models.PositiveSmallIntegerField(null=True, blank=True)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    times_per_day = models.PositiveSmallIntegerField(default=1)

    class Meta:
        abstract = True

    DOSE_FIELDS = ("sets", "reps", "hold_seconds", "minutes", "times_per_day")

    @property
    def dose(self) -> dict:
        return {name: getattr(self, name) for name in self.DOSE_FIELDS}

    @property
    def dose_text(self) -> str:
        return describe_item_dose(self.slot, self.dose)


def _scheduled_checks(prefix: str) -> list[models.CheckConstraint]:
    def between(field, low, high, nullable=True):
        condition = Q(**{f"{field}__gte": low, f"{field}__lte": high})
        if nullable:
            condition |= Q(**{f"{field}__isnull": True})
        return models.CheckConstraint(name=f"{prefix}_{field}_range", condition=condition)

    return [
        between("sets", 1, MAX_SETS),
        between("reps", 1, MAX_REPS),
        between("hold_seconds", 1, MAX_HOLD_SECONDS),
        between("minutes", 1, MAX_DOSE_MINUTES),
        between("times_per_day", 1, MAX_TIMES_PER_DAY, nullable=False),
        models.CheckConstraint(
            name=f"{prefix}_has_a_dose",
            condition=Q(reps__isnull=False)
            | Q(hold_seconds__isnull=False)
            | Q(minutes__isnull=False),
        ),
        models.CheckConstraint(
            name=f"{prefix}_weeks",
            condition=Q(week_from__gte=1, week_to__gte=models.F("week_from")),
        ),
    ]


class Exercise(models.Model):
    """One exercise with plain-word steps. `clinic` empty: bundled with Stride, read-only."""

    class Category(models.TextChoices):
        NERVE_GLIDE = "nerve_glide", "Nerve glide"
        FLEXION_STRETCH = "flexion_stretch", "Flexion stretch"
        CORE = "core", "Core strength (flexion bias)"
        CYCLING = "cycling", "Cycling"
        WALKING = "walking", "Walking"

    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="exercises"
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=100)
    category = models.CharField(max_length=16, choices=Category.choices)
    summary = models.CharField(max_length=200, help_text="One plain sentence: what it is for.")
    steps = models.TextField(help_text="One step per line, in plain words.")
    cues = models.TextField(blank=True, help_text="One cue per line.")
    precautions = models.TextField(help_text='"Stop if" precautions, one per line.')
    default_sets = models.PositiveSmallIntegerField(null=True, blank=True)
    default_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    default_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    default_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    default_times_per_day = models.PositiveSmallIntegerField(default=1)
    illustration = models.CharField(
        max_length=200, blank=True, help_text="Static path of a drawing, e.g. programs/x.svg."
    )
    illustration_alt = models.CharField(max_length=200, blank=True)
    # Bumped whenever the text or dose changes; plan versions record which one they used.
    version = models.PositiveIntegerField(default=1)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(clinic__isnull=True), name="exercise_bundled_slug"
            ),
            models.UniqueConstraint(
                fields=["clinic", "slug"],
                condition=Q(clinic__isnull=False),
                name="exercise_clinic_slug",
            ),
            models.CheckConstraint(
                name="exercise_default_dose",
                condition=(
                    Q(default_sets__isnull=True)
                    | Q(default_sets__gte=1, default_sets__lte=MAX_SETS)
                )
                & (
                    Q(default_reps__isnull=True)
                    | Q(default_reps__gte=1, default_reps__lte=MAX_REPS)
                )
                & (
                    Q(default_hold_seconds__isnull=True)
                    | Q(default_hold_seconds__gte=1, default_hold_seconds__lte=MAX_HOLD_SECONDS)
                )
                & (
                    Q(default_minutes__isnull=True)
                    | Q(default_minutes__gte=1, default_minutes__lte=MAX_DOSE_MINUTES)
                )
                & Q(default_times_per_day__gte=1, default_times_per_day__lte=MAX_TIMES_PER_DAY),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_bundled(self) -> bool:
        return self.clinic_id is None

    @property
    def default_dose(self) -> dict:
        return {
            "sets": self.default_sets,
            "reps": self.default_reps,
            "hold_seconds": self.default_hold_seconds,
            "minutes": self.default_minutes,
            "times_per_day": self.default_times_per_day,
        }

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def step_list(self) -> list[str]:
        return self._lines(self.steps)

    @property
    def cue_list(self) -> list[str]:
        return self._lines(self.cues)

    @property
    def precaution_list(self) -> list[str]:
        return self._lines(self.precautions)


class ProgramTemplate(models.Model):
    """A programme to start plans from. `clinic` empty: bundled (docs/clinical-rules.md §9),
    read-only."""

    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="program_templates"
    )
    slug = models.SlugField(max_length=80, blank=True, help_text="Bundled templates only.")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    weeks = models.PositiveSmallIntegerField(default=8)
    sessions_per_week = models.PositiveSmallIntegerField(default=5)
    bouts_per_session = models.PositiveSmallIntegerField(default=3)
    # docs/clinical-rules.md §9: weeks 1-2 walk at the baseline bout; the weekly rule starts
    # in week 3.
    progress_from_week = models.PositiveSmallIntegerField(
        default=3, help_text="Walks stay at the baseline bout before this week."
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(clinic__isnull=True),
                name="programtemplate_bundled_slug",
            ),
            models.CheckConstraint(
                name="programtemplate_ranges",
                condition=Q(weeks__gte=1, weeks__lte=MAX_PLAN_WEEKS)
                & Q(sessions_per_week__gte=1, sessions_per_week__lte=MAX_SESSIONS_PER_WEEK)
                & Q(bouts_per_session__gte=1, bouts_per_session__lte=MAX_BOUTS_PER_SESSION)
                & Q(progress_from_week__gte=1),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_bundled(self) -> bool:
        return self.clinic_id is None


class TemplateWeek(models.Model):
    """A week of a template: its phase and a plain-word note for the patient."""

    template = models.ForeignKey(ProgramTemplate, on_delete=models.CASCADE, related_name="week_set")
    number = models.PositiveSmallIntegerField()
    phase = models.CharField(max_length=60, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="templateweek_unique"),
            models.CheckConstraint(name="templateweek_number_positive", condition=Q(number__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.template} week {self.number}"


class TemplateExercise(ScheduledExercise):
    """An exercise in a template, for a range of weeks, with its dose."""

    template = models.ForeignKey(ProgramTemplate, on_delete=models.CASCADE, related_name="items")

    class Meta:
        ordering = ["template", "order", "id"]
        constraints = _scheduled_checks("templateexercise")

    def __str__(self) -> str:
        return f"{self.exercise} in {self.template}"


class PlanQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Plan.OPEN_STATUSES)


class Plan(models.Model):
    """A template made personal for one patient. The prescription fields hold what is in force
    now; every change is also kept as a PlanVersion."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    OPEN_STATUSES = (Status.ACTIVE, Status.PAUSED)

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="plans")
    template = models.ForeignKey(
        ProgramTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=120)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    start_date = models.DateField()
    weeks = models.PositiveSmallIntegerField(default=8)
    progress_from_week = models.PositiveSmallIntegerField(default=3)
    # The template's phases and notes as they were when the plan was made.
    week_notes = models.JSONField(default=list, blank=True)
    # docs/clinical-rules.md §7 baseline bout, with what it was worked out from.
    baseline_minutes = models.DecimalField(max_digits=4, decimal_places=1)
    baseline_treadmill_seconds = models.PositiveIntegerField(null=True, blank=True)
    baseline_self_reported_minutes = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True
    )
    sessions_per_week = models.PositiveSmallIntegerField()
    bouts_per_session = models.PositiveSmallIntegerField()
    bout_minutes = models.DecimalField(max_digits=4, decimal_places=1)
    # docs/clinical-rules.md §7.7: this plan's own values of clinic thresholds, by
    # ClinicalRules field name ({"pain_rise_target": 1}); absent means the clinic's value.
    rule_overrides = models.JSONField(default=dict, blank=True)
    pause_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["status", "start_date"])]
        constraints = [
            # "A patient has at most one active plan": paused counts, so resuming is always safe.
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status__in=["active", "paused"]),
                name="plan_one_open_per_patient",
            ),
            models.CheckConstraint(
                name="plan_prescription_ranges",
                condition=Q(sessions_per_week__gte=1, sessions_per_week__lte=MAX_SESSIONS_PER_WEEK)
                & Q(bouts_per_session__gte=1, bouts_per_session__lte=MAX_BOUTS_PER_SESSION)
                & Q(bout_minutes__gt=0, bout_minutes__lte=MAX_BOUT_MINUTES)
                & Q(baseline_minutes__gt=0)
                & Q(weeks__gte=1, weeks__lte=MAX_PLAN_WEEKS),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} for {self.patient}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class PlanExercise(ScheduledExercise):
    """An exercise in a plan, for a range of plan weeks, with the patient's dose."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="exercises")

    class Meta:
        ordering = ["plan", "order", "id"]
        constraints = _scheduled_checks("planexercise")

    def __str__(self) -> str:
        return f"{self.exercise} in {self.plan}"


class PlanVersion(models.Model):
    """A snapshot of a plan after each change: who, why, when, and what it prescribed."""

    class Kind(models.TextChoices):
        ASSIGN = "assign", "Plan assigned"
        ADJUST = "adjust", "Plan adjusted"
        PAUSE = "pause", "Plan paused"
        RESUME = "resume", "Plan resumed"
        END = "end", "Plan ended"
        PROGRESSION = "progression", "Weekly suggestion approved"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.CharField(max_length=500)
    # Empty for changes Stride made itself (a red flag paused the plan).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    effective_from = models.DateField()
    status = models.CharField(max_length=8, choices=Plan.Status.choices)
    sessions_per_week = models.PositiveSmallIntegerField()
    bouts_per_session = models.PositiveSmallIntegerField()
    bout_minutes = models.DecimalField(max_digits=4, decimal_places=1)
    exercises = models.JSONField(default=list)
    rule_overrides = models.JSONField(default=dict, blank=True)
    suggestion = models.ForeignKey(
        "ProgressionSuggestion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
    )

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}: {self.get_kind_display()}"


class ProgressionSuggestion(models.Model):
    """The weekly rule's proposal for one plan week; a therapist decides
    (docs/clinical-rules.md §7)."""

    class Decision(models.TextChoices):
        PROGRESS = "progress", "Progress"
        HOLD = "hold", "Hold"
        REGRESS = "regress", "Step back"
        PAUSE = "pause", "Pause"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        EDITED = "edited", "Approved with changes"
        REJECTED = "rejected", "Rejected"
        AUTO_APPLIED = "auto", "Applied automatically (hold)"
        EXPIRED = "expired", "Replaced by a newer suggestion"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="suggestions")
    week_number = models.PositiveSmallIntegerField()
    week_start = models.DateField()
    decision = models.CharField(max_length=8, choices=Decision.choices)
    reasons = models.JSONField(default=list)
    logged_sessions = models.PositiveSmallIntegerField(default=0)
    current_sessions_per_week = models.PositiveSmallIntegerField()
    current_bouts_per_session = models.PositiveSmallIntegerField()
    current_bout_minutes = models.DecimalField(max_digits=4, decimal_places=1)
    suggested_sessions_per_week = models.PositiveSmallIntegerField()
    suggested_bouts_per_session = models.PositiveSmallIntegerField()
    suggested_bout_minutes = models.DecimalField(max_digits=4, decimal_places=1)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week_start", "-id"]
        indexes = [models.Index(fields=["status", "plan"])]
        constraints = [
            # One suggestion per plan week: the weekly job may run twice and change nothing.
            models.UniqueConstraint(
                fields=["plan", "week_start"], name="progressionsuggestion_one_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} for {self.plan}, week {self.week_number}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def current_text(self) -> str:
        return describe_prescription(
            SimpleNamespace(
                sessions_per_week=self.current_sessions_per_week,
                bouts_per_session=self.current_bouts_per_session,
                bout_minutes=self.current_bout_minutes,
            )
        )

    @property
    def suggested_text(self) -> str:
        return describe_prescription(
            SimpleNamespace(
                sessions_per_week=self.suggested_sessions_per_week,
                bouts_per_session=self.suggested_bouts_per_session,
                bout_minutes=self.suggested_bout_minutes,
            )
        )

    @property
    def changes_walks(self) -> bool:
        return (
            self.current_sessions_per_week,
            self.current_bouts_per_session,
            self.current_bout_minutes,
        ) != (
            self.suggested_sessions_per_week,
            self.suggested_bouts_per_session,
            self.suggested_bout_minutes,
        )


class Retest(models.Model):
    """The plan's week-8 re-test (docs/clinical-rules.md §9): a dated task for the therapist
    until a treadmill or self-paced walking test is recorded on or after the week before it
    is due, or a therapist dismisses it with a reason. "Recorded" is read from the tests
    themselves (programs.selectors), so it needs no bookkeeping here."""

    class Status(models.TextChoices):
        DUE = "due", "Due"
        DISMISSED = "dismissed", "Dismissed"

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="retest")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    dismissed_reason = models.CharField(max_length=300, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                name="retest_dismissed_has_reason",
                condition=~Q(status="dismissed") | ~Q(dismissed_reason=""),
            )
        ]

    def __str__(self) -> str:
        return f"Re-test for {self.plan} due {self.due_on}"


class ExerciseCompletion(models.Model):
    """The patient pressed "Done" for an exercise on a local date: once per day at most."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="completions")
    date = models.DateField(help_text="The patient's local date.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "exercise", "date"], name="exercisecompletion_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} done on {self.date}"

import secrets
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .clinical_rules import ClinicalRules


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone, e.g. Europe/London.")


def new_public_key() -> str:
    """An unguessable name for a clinic in public links (the stenosis quiz)."""
    return secrets.token_urlsafe(12)


class Clinic(models.Model):
    class DistanceUnit(models.TextChoices):
        KM = "km", "kilometres"
        MI = "mi", "miles"

    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, help_text="Shown on every page.")
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    distance_unit = models.CharField(
        max_length=2, choices=DistanceUnit.choices, default=DistanceUnit.KM
    )
    urgent_contact_text = models.TextField(
        blank=True,
        help_text="Shown with red-flag instructions, e.g. the out-of-hours number.",
    )
    # Public links name the clinic by this, never by its number: counting numbers must not
    # list every clinic's name and phone.
    public_key = models.CharField(max_length=32, unique=True, default=new_public_key)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Clinic admin"
    THERAPIST = "therapist", "Therapist"
    PATIENT = "patient", "Patient"


STAFF_ROLES = frozenset({Role.ADMIN, Role.THERAPIST})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Created by invitation only (platform operators by createsuperuser)."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_clinic_role_together",
                condition=(
                    models.Q(clinic__isnull=True, role="")
                    | (models.Q(clinic__isnull=False) & ~models.Q(role=""))
                ),
            )
        ]
        indexes = [models.Index(fields=["clinic", "role"])]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.get_full_name()

    @property
    def is_clinic_staff(self) -> bool:
        return self.role in STAFF_ROLES and self.clinic_id is not None

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT and self.clinic_id is not None


class Invitation(models.Model):
    """A single-use link that lets an invited user set a password and sign in."""

    class Status(models.TextChoices):
        PENDING = "pending", "Invited"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="invitations")
    # The token lives in the row so that the email task can rebuild the link from the id;
    # resending rotates it, so an older link stops working.
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["clinic", "user"])]

    def __str__(self) -> str:
        return f"Invitation for {self.user.email}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Who did what to which record, when and from where. Append-only; no health details."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        EXPORT = "export", "Exported"
        PDF = "pdf", "Downloaded PDF"
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Failed sign-in"
        MFA_FAILED = "mfa_failed", "Wrong sign-in code"
        LOCKOUT = "lockout", "Sign-in refused: locked"
        UNLOCK = "unlock", "Unlocked sign-in"
        LOGOUT = "logout", "Signed out"
        INVITE = "invite", "Invited"
        INVITE_ACCEPT = "invite_accept", "Accepted invitation"
        INVITE_REVOKE = "invite_revoke", "Revoked invitation"
        INVITE_CONFLICT = "invite_conflict", "Invitation refused: address in use"
        DEACTIVATE = "deactivate", "Deactivated"
        REACTIVATE = "reactivate", "Reactivated"
        MFA_RESET = "mfa_reset", "Reset MFA"
        REASSIGN = "reassign", "Moved to therapist"
        ALERT_ACK = "alert_ack", "Acknowledged alert"

    # Foreign keys without database constraints: the trail outlives the rows it mentions
    # and never cascades (a cascade would be an update or delete of an event).
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    patient_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "-at"]),
            models.Index(fields=["clinic", "patient_id", "-at"]),
            models.Index(fields=["clinic", "actor", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class ClinicalSettings(models.Model):
    """A clinic's clinical thresholds (docs/clinical-rules.md §7), whether "hold" may apply
    without approval, and the reminder nudge. One row per clinic, optional: without one the
    defaults of clinic.clinical_rules.ClinicalRules apply. Every page, email, PDF and the
    weekly engine read the rules through `rules()`: one definition, read everywhere.
    """

    clinic = models.OneToOneField(
        Clinic, on_delete=models.CASCADE, related_name="clinical_settings"
    )
    auto_apply_hold = models.BooleanField(
        "Apply 'hold' suggestions without approval",
        default=False,
        help_text="Progress, step back and pause always wait for a therapist.",
    )
    min_adherence_pct = models.PositiveSmallIntegerField(
        "Sessions logged to progress (%)", default=80
    )
    min_within_target_pct = models.PositiveSmallIntegerField(
        "Logged sessions within the pain target to progress (%)", default=80
    )
    pain_rise_target = models.PositiveSmallIntegerField(
        "Pain target: points of rise allowed during a walk", default=2
    )
    recovery_margin = models.PositiveSmallIntegerField(
        "After rest, pain back to within this many points of the start", default=1
    )
    progress_step_pct = models.PositiveSmallIntegerField(
        "Progress: longer walks by (%)", default=10
    )
    progress_min_minutes = models.DecimalField(
        "Progress: at least this many minutes more",
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.0"),
    )
    regress_step_pct = models.PositiveSmallIntegerField(
        "Step back: shorter walks by (%)", default=20
    )
    regress_overshoot = models.PositiveSmallIntegerField(
        "Step back when pain went this many points past the target", default=2
    )
    regress_min_sessions = models.PositiveSmallIntegerField(
        "... in at least this many sessions", default=2
    )
    merge_at_minutes = models.DecimalField(
        "Merge walks (fewer, longer) once a walk reaches (min)",
        max_digits=3,
        decimal_places=1,
        default=Decimal("15.0"),
    )
    min_bout_minutes = models.DecimalField(
        "Shortest walk (min)", max_digits=3, decimal_places=1, default=Decimal("2.0")
    )
    severe_peak = models.PositiveSmallIntegerField(
        "Severe pain: a walk whose peak is above this is never within target", default=6
    )
    session_min_pct = models.PositiveSmallIntegerField(
        "A walk counts as a done session from this share of the prescribed minutes (%)",
        default=80,
    )
    regress_over_target_pct = models.PositiveSmallIntegerField(
        "Step back when more than this share of the week's walks were over target (%)",
        default=50,
    )
    regress_over_target_min = models.PositiveSmallIntegerField(
        "... and at least this many walks", default=2
    )
    max_bout_growth_pct = models.PositiveSmallIntegerField(
        "No continuous walk grows by more than this in one week (%)", default=25
    )
    missed_log_nudge_days = models.PositiveSmallIntegerField(
        "Send a gentle nudge after this many days without a logged walk",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="At most one nudge every this many days [C].",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        # The table programs made before the rules moved to the floor; rows kept.
        db_table = "programs_programsettings"
        verbose_name = "clinical settings"
        verbose_name_plural = "clinical settings"
        constraints = [
            models.CheckConstraint(
                name="programsettings_shares_1_100",
                condition=Q(min_adherence_pct__gte=1, min_adherence_pct__lte=100)
                & Q(min_within_target_pct__gte=1, min_within_target_pct__lte=100),
            ),
            models.CheckConstraint(
                name="programsettings_pain_points_0_10",
                condition=Q(pain_rise_target__lte=10)
                & Q(recovery_margin__lte=10)
                & Q(regress_overshoot__lte=10),
            ),
            models.CheckConstraint(
                name="programsettings_steps",
                condition=Q(progress_step_pct__lte=100)
                & Q(regress_step_pct__gte=1, regress_step_pct__lte=99)
                & Q(regress_min_sessions__gte=1),
            ),
            models.CheckConstraint(
                name="programsettings_minutes_positive",
                condition=Q(progress_min_minutes__gt=0)
                & Q(merge_at_minutes__gt=0)
                & Q(min_bout_minutes__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"Clinical settings for {self.clinic}"

    # Model field -> (ClinicalRules field, how many field units make one rule unit).
    RULE_FIELDS = {
        "pain_rise_target": ("pain_rise_target", 1),
        "recovery_margin": ("recovery_margin", 1),
        "severe_peak": ("severe_peak", 1),
        "session_min_pct": ("session_min_share", 100),
        "min_adherence_pct": ("min_adherence", 100),
        "min_within_target_pct": ("min_within_target_share", 100),
        "progress_step_pct": ("progress_step", 100),
        "progress_min_minutes": ("progress_min_minutes", 1),
        "regress_step_pct": ("regress_step", 100),
        "regress_overshoot": ("regress_overshoot", 1),
        "regress_min_sessions": ("regress_min_sessions", 1),
        "regress_over_target_pct": ("regress_over_target_share", 100),
        "regress_over_target_min": ("regress_over_target_min", 1),
        "merge_at_minutes": ("merge_at_minutes", 1),
        "max_bout_growth_pct": ("max_bout_growth", 100),
        "min_bout_minutes": ("min_bout_minutes", 1),
    }

    def rules(self) -> ClinicalRules:
        """The clinic's rules, read through RULE_FIELDS (percent fields become shares)."""
        values = {}
        for field, (name, scale) in self.RULE_FIELDS.items():
            value = getattr(self, field)
            values[name] = value if scale == 1 else Decimal(value) / scale
        return ClinicalRules(**values)

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone, e.g. Europe/London.")


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
        LOGOUT = "logout", "Signed out"
        INVITE = "invite", "Invited"
        INVITE_ACCEPT = "invite_accept", "Accepted invitation"
        INVITE_REVOKE = "invite_revoke", "Revoked invitation"
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

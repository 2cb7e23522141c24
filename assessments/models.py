"""Walking tests and questionnaires, as recorded. Rules live in scoring.py and engine.py.

Results are never deleted or edited in place: a correction is a new row that `supersedes`
the one it corrects, so the history stays readable and the current result is the row
nothing supersedes (`.current()`).
"""

from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from clinic.durations import mmss
from clinic.models import Clinic
from patients.models import Patient

from . import scoring

# docs/clinical-rules.md §2: each treadmill stage runs up to 10 minutes.
TREADMILL_STAGE_LIMIT_S = scoring.TREADMILL_STAGE_LIMIT_S
# docs/clinical-rules.md §4: the Self-Paced Walking Test runs up to 30 minutes (Tomkins 2009).
SPWT_LIMIT_S = 30 * 60
# Not a clinical rule: the cart walks have no published limit; 30 minutes is a sanity bound
# that catches a mistyped time without refusing any real walk.
CART_WALK_LIMIT_S = 30 * 60
# Not a clinical rule: recovery after a stage longer than an hour is a typing mistake.
RECOVERY_LIMIT_S = 60 * 60


def check_walk_times(
    errors: dict,
    *,
    prefix: str,
    onset_s: int | None,
    total_s: int | None,
    limit_s: int,
    total_field: str = "total_s",
) -> None:
    """Field errors in plain words for a walk's time to first symptoms and total time."""
    total_name = f"{prefix}{total_field}"
    if total_s is not None and total_s > limit_s:
        errors[total_name] = (
            f"The walking time cannot be more than {limit_s // 60} minutes ({mmss(limit_s)})."
        )
    if onset_s is not None and total_s is not None and onset_s > total_s:
        errors[f"{prefix}onset_s"] = (
            "Symptoms cannot start after the walk ended: the time to first symptoms is "
            "longer than the walking time."
        )


def check_stop_reason(
    errors: dict, *, prefix: str, reason: str, onset_s, total_s, limit_s: int
) -> None:
    if reason == StopReason.TIME_LIMIT and total_s is not None and total_s != limit_s:
        errors.setdefault(
            f"{prefix}total_s",
            f"The walk stopped at the time limit, so the walking time is {mmss(limit_s)}.",
        )
    if reason == StopReason.SYMPTOMS and onset_s is None:
        errors.setdefault(
            f"{prefix}onset_s",
            "The walk stopped because of symptoms: enter when they first started.",
        )


PAIN_VALIDATORS = [MaxValueValidator(10, message="Pain is a whole number from 0 to 10.")]


def _pain_check(name: str, field: str, *, nullable: bool = False) -> models.CheckConstraint:
    condition = Q(**{f"{field}__gte": 0, f"{field}__lte": 10})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(
        name=name,
        condition=condition,
        violation_error_message="Pain is a whole number from 0 to 10.",
    )


class SpeedUnit(models.TextChoices):
    MPH = "mph", "mph"
    KMH = "kmh", "km/h"


class InclineUnit(models.TextChoices):
    PERCENT = "percent", "% grade"
    DEGREES = "degrees", "degrees"


class HeightUnit(models.TextChoices):
    CM = "cm", "cm"
    INCH = "in", "inches"


class DistanceUnit(models.TextChoices):
    M = "m", "metres"
    KM = "km", "kilometres"
    FT = "ft", "feet"
    MI = "mi", "miles"


METRES_PER = {
    DistanceUnit.M: Decimal("1"),
    DistanceUnit.KM: Decimal("1000"),
    DistanceUnit.FT: Decimal("0.3048"),
    DistanceUnit.MI: Decimal("1609.344"),
}


class StopReason(models.TextChoices):
    TIME_LIMIT = "time_limit", "Reached the time limit"
    SYMPTOMS = "symptoms", "Symptoms made the patient stop"
    OTHER = "other", "Other reason"


# Not clinical rules: bounds that keep a clinic's cart settings meaningful. Below 50 % the
# "strong" flag would overlap arterial claudication (<= 50 %, docs/clinical-rules.md §3);
# 48-78 inches (4 ft to 6 ft 6 in) holds any sensible handle-height cut-off.
CART_STRONG_PCT_RANGE = (50, 200)
HEIGHT_CUTOFF_RANGE_IN = (48, 78)


class AssessmentSettings(models.Model):
    """A clinic's defaults for assessments. Missing row = the product defaults below."""

    clinic = models.OneToOneField(
        Clinic, on_delete=models.PROTECT, related_name="assessment_settings"
    )
    # docs/clinical-rules.md §2: 1.2 mph [V, Deen 1995 for related protocols] and 15 % [C]
    # are defaults a clinic may change; each test stores what was actually used.
    treadmill_speed = models.DecimalField(max_digits=3, decimal_places=1, default=Decimal("1.2"))
    treadmill_speed_unit = models.CharField(
        max_length=8, choices=SpeedUnit.choices, default=SpeedUnit.MPH
    )
    treadmill_incline = models.DecimalField(max_digits=3, decimal_places=1, default=Decimal("15.0"))
    treadmill_incline_unit = models.CharField(
        max_length=8, choices=InclineUnit.choices, default=InclineUnit.PERCENT
    )
    # docs/clinical-rules.md §4: "more than one missing -> no score" [S]; sources differ,
    # so a setting.
    odi_max_missing = models.PositiveSmallIntegerField(
        default=1, help_text="ODI sections that may be left blank and still give a score."
    )
    zcq_max_missing = models.PositiveSmallIntegerField(
        default=scoring.ZCQ_DEFAULT_MAX_MISSING,
        help_text="ZCQ items per part that may be left blank and still give a score.",
    )
    booking_text = models.TextField(
        blank=True,
        help_text="How to book an appointment: shown at the end of the public stenosis quiz.",
    )
    # docs/clinical-rules.md §3: the cart test's "strong" threshold (> 75 %, from the
    # Diabetes Care 2003 letter [C]) and the heights under which a cart (5'4") or walker
    # (5'2") handle may not bend the patient forward: clinic settings, shown with each result.
    cart_strong_pct = models.PositiveSmallIntegerField(
        "Cart test: improvement that counts as strong (%)",
        default=scoring.SHOPPING_CART_STRONG_PCT,
        help_text="More than this much longer walking with support is flagged as strongly "
        "consistent with neurogenic claudication.",
    )
    cart_min_height_in = models.PositiveSmallIntegerField(
        "Cart test: shortest patient a shopping cart suits (inches)",
        default=scoring.CART_MIN_HEIGHT_IN,
    )
    walker_min_height_in = models.PositiveSmallIntegerField(
        "Cart test: shortest patient a wheeled walker suits (inches)",
        default=scoring.WALKER_MIN_HEIGHT_IN,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "assessment settings"
        constraints = [
            models.CheckConstraint(
                name="assessments_settings_speed_positive",
                condition=Q(treadmill_speed__gt=0, treadmill_speed__lte=20),
                violation_error_message="Treadmill speed must be more than 0 and at most 20.",
            ),
            models.CheckConstraint(
                name="assessments_settings_incline_range",
                condition=Q(treadmill_incline__gte=0, treadmill_incline__lte=40),
                violation_error_message="Treadmill incline must be from 0 to 40.",
            ),
            models.CheckConstraint(
                name="assessments_settings_missing_range",
                condition=Q(odi_max_missing__lte=3, zcq_max_missing__lte=2),
                violation_error_message=(
                    "At most 3 ODI sections or 2 ZCQ items per part may be left blank."
                ),
            ),
            models.CheckConstraint(
                name="assessments_settings_cart_strong_range",
                condition=Q(
                    cart_strong_pct__gte=CART_STRONG_PCT_RANGE[0],
                    cart_strong_pct__lte=CART_STRONG_PCT_RANGE[1],
                ),
                # No percent sign: Django formats this message with "%".
                violation_error_message=(
                    "The cart test's strong improvement must be a percentage from "
                    f"{CART_STRONG_PCT_RANGE[0]} to {CART_STRONG_PCT_RANGE[1]}."
                ),
            ),
            models.CheckConstraint(
                name="assessments_settings_cart_heights_range",
                condition=Q(
                    cart_min_height_in__gte=HEIGHT_CUTOFF_RANGE_IN[0],
                    cart_min_height_in__lte=HEIGHT_CUTOFF_RANGE_IN[1],
                    walker_min_height_in__gte=HEIGHT_CUTOFF_RANGE_IN[0],
                    walker_min_height_in__lte=HEIGHT_CUTOFF_RANGE_IN[1],
                ),
                violation_error_message=(
                    "Height cut-offs must be from "
                    f"{HEIGHT_CUTOFF_RANGE_IN[0]} to {HEIGHT_CUTOFF_RANGE_IN[1]} inches."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment settings for {self.clinic}"

    def cart_thresholds(self) -> dict:
        """The clinic's cart-test settings as `scoring.interpret_shopping_cart` takes them."""
        return {
            "strong_pct": self.cart_strong_pct,
            "cart_min_height_in": self.cart_min_height_in,
            "walker_min_height_in": self.walker_min_height_in,
        }


class ResultQuerySet(models.QuerySet):
    def current(self):
        """Rows no correction has replaced: the results as they stand today."""
        return self.filter(superseded_by__isnull=True)


class Result(models.Model):
    """What every recorded result shares: a patient, a date, and its correction history."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT)
    performed_on = models.DateField("Date")
    # A correction is a new row pointing at the row it replaces (one-to-one: a row is
    # corrected at most once, so two people correcting at the same moment cannot fork it).
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    # The first version of this result, so all versions load in one query.
    original = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    correction_note = models.CharField("Reason for the correction", max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ResultQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def root_id(self) -> int:
        return self.original_id or self.pk

    @property
    def is_correction(self) -> bool:
        return self.supersedes_id is not None


class TreadmillTest(Result):
    """Two-Stage Treadmill Test (Fritz 1997, docs/clinical-rules.md §2): level, rest, then
    inclined."""

    tester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    level_speed = models.DecimalField(max_digits=3, decimal_places=1)
    level_speed_unit = models.CharField(max_length=8, choices=SpeedUnit.choices)
    level_incline = models.DecimalField(max_digits=3, decimal_places=1, default=Decimal("0"))
    level_incline_unit = models.CharField(max_length=8, choices=InclineUnit.choices)
    level_onset_s = models.PositiveSmallIntegerField(null=True, blank=True)
    level_total_s = models.PositiveSmallIntegerField()
    level_stop_reason = models.CharField(max_length=16, choices=StopReason.choices)
    level_pain_start = models.PositiveSmallIntegerField(validators=PAIN_VALIDATORS)
    level_pain_end = models.PositiveSmallIntegerField(validators=PAIN_VALIDATORS)
    level_recovery_s = models.PositiveSmallIntegerField(null=True, blank=True)
    level_symptom_location = models.CharField(max_length=200, blank=True)

    incline_speed = models.DecimalField(max_digits=3, decimal_places=1)
    incline_speed_unit = models.CharField(max_length=8, choices=SpeedUnit.choices)
    incline_incline = models.DecimalField(max_digits=3, decimal_places=1)
    incline_incline_unit = models.CharField(max_length=8, choices=InclineUnit.choices)
    incline_onset_s = models.PositiveSmallIntegerField(null=True, blank=True)
    incline_total_s = models.PositiveSmallIntegerField()
    incline_stop_reason = models.CharField(max_length=16, choices=StopReason.choices)
    incline_pain_start = models.PositiveSmallIntegerField(validators=PAIN_VALIDATORS)
    incline_pain_end = models.PositiveSmallIntegerField(validators=PAIN_VALIDATORS)
    incline_recovery_s = models.PositiveSmallIntegerField(null=True, blank=True)
    incline_symptom_location = models.CharField(max_length=200, blank=True)

    note = models.TextField(blank=True)

    STAGES = ("level", "incline")

    class Meta:
        ordering = ["-performed_on", "-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "-performed_on"])]
        constraints = [
            *(
                check
                for stage in ("level", "incline")
                for check in (
                    models.CheckConstraint(
                        name=f"assessments_treadmill_{stage}_total_limit",
                        condition=Q(**{f"{stage}_total_s__lte": TREADMILL_STAGE_LIMIT_S}),
                        violation_error_message=(
                            "Total walking time cannot be more than 10 minutes (10:00)."
                        ),
                    ),
                    models.CheckConstraint(
                        name=f"assessments_treadmill_{stage}_onset_within_total",
                        condition=Q(**{f"{stage}_onset_s__isnull": True})
                        | Q(**{f"{stage}_onset_s__lte": F(f"{stage}_total_s")}),
                        violation_error_message=("Symptoms cannot start after the walk ended."),
                    ),
                    models.CheckConstraint(
                        name=f"assessments_treadmill_{stage}_recovery_limit",
                        condition=Q(**{f"{stage}_recovery_s__isnull": True})
                        | Q(**{f"{stage}_recovery_s__lte": RECOVERY_LIMIT_S}),
                        violation_error_message="Recovery time cannot be more than an hour.",
                    ),
                    models.CheckConstraint(
                        name=f"assessments_treadmill_{stage}_speed_range",
                        condition=Q(**{f"{stage}_speed__gt": 0, f"{stage}_speed__lte": 20}),
                        violation_error_message="Speed must be more than 0 and at most 20.",
                    ),
                    models.CheckConstraint(
                        name=f"assessments_treadmill_{stage}_incline_range",
                        condition=Q(**{f"{stage}_incline__gte": 0, f"{stage}_incline__lte": 40}),
                        violation_error_message="Incline must be from 0 to 40.",
                    ),
                    _pain_check(
                        f"assessments_treadmill_{stage}_pain_start_range", f"{stage}_pain_start"
                    ),
                    _pain_check(
                        f"assessments_treadmill_{stage}_pain_end_range", f"{stage}_pain_end"
                    ),
                )
            ),
        ]

    def __str__(self) -> str:
        return f"Two-stage treadmill test, {self.performed_on:%d %b %Y}"

    def clean(self):
        errors: dict[str, str] = {}
        for stage in self.STAGES:
            onset_s = getattr(self, f"{stage}_onset_s")
            total_s = getattr(self, f"{stage}_total_s")
            recovery_s = getattr(self, f"{stage}_recovery_s")
            prefix = f"{stage}_"
            check_walk_times(
                errors,
                prefix=prefix,
                onset_s=onset_s,
                total_s=total_s,
                limit_s=TREADMILL_STAGE_LIMIT_S,
            )
            check_stop_reason(
                errors,
                prefix=prefix,
                reason=getattr(self, f"{stage}_stop_reason"),
                onset_s=onset_s,
                total_s=total_s,
                limit_s=TREADMILL_STAGE_LIMIT_S,
            )
            if recovery_s is not None and recovery_s > RECOVERY_LIMIT_S:
                errors[f"{prefix}recovery_s"] = "Recovery time cannot be more than an hour."
            elif onset_s is None and recovery_s:
                errors[f"{prefix}recovery_s"] = (
                    "There were no symptoms on this stage, so there was nothing to recover "
                    "from: leave the recovery time blank."
                )
        if errors:
            raise ValidationError(errors)

    def stage(self, name: str) -> dict:
        return {
            key: getattr(self, f"{name}_{key}")
            for key in (
                "speed",
                "speed_unit",
                "incline",
                "incline_unit",
                "onset_s",
                "total_s",
                "stop_reason",
                "pain_start",
                "pain_end",
                "recovery_s",
                "symptom_location",
            )
        }

    @cached_property
    def interpretation(self) -> scoring.TreadmillResult:
        return scoring.interpret_two_stage_treadmill(self.stage("level"), self.stage("incline"))

    @property
    def interpretation_sentences(self) -> list[str]:
        return scoring.treadmill_sentences(self.interpretation)

    @property
    def level_tolerance_s(self) -> int:
        """Level walking before first symptoms, or the whole walk if none came."""
        return self.level_onset_s if self.level_onset_s is not None else self.level_total_s


class ShoppingCartTest(Result):
    """Walking without and then with a cart or wheeled walker (docs/clinical-rules.md §3)."""

    class Support(models.TextChoices):
        CART = "cart", "Shopping cart"
        WALKER = "walker", "Wheeled walker"

    class Stoop(models.TextChoices):
        NOT_DONE = "not_done", "Not done"
        POSITIVE = "positive", "Positive: symptoms eased soon after bending forward"
        NEGATIVE = "negative", "Negative: bending forward did not ease symptoms"

    tester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    support = models.CharField(max_length=8, choices=Support.choices, default=Support.CART)
    patient_height = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    handle_height = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    height_unit = models.CharField(max_length=4, choices=HeightUnit.choices, default=HeightUnit.CM)
    distance_unit = models.CharField(
        max_length=4, choices=DistanceUnit.choices, default=DistanceUnit.M
    )

    without_walk_s = models.PositiveSmallIntegerField()
    without_distance = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    without_onset_s = models.PositiveSmallIntegerField(null=True, blank=True)
    without_pain_peak = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=PAIN_VALIDATORS
    )

    with_walk_s = models.PositiveSmallIntegerField()
    with_distance = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    with_onset_s = models.PositiveSmallIntegerField(null=True, blank=True)
    with_pain_peak = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=PAIN_VALIDATORS
    )

    stoop_test = models.CharField(max_length=16, choices=Stoop.choices, default=Stoop.NOT_DONE)
    note = models.TextField(blank=True)

    WALKS = ("without", "with")

    class Meta:
        ordering = ["-performed_on", "-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "-performed_on"])]
        constraints = [
            models.CheckConstraint(
                name="assessments_cart_without_walk_positive",
                condition=Q(without_walk_s__gt=0),
                violation_error_message=(
                    "Walking time without support must be more than 0 seconds."
                ),
            ),
            *(
                check
                for walk in ("without", "with")
                for check in (
                    models.CheckConstraint(
                        name=f"assessments_cart_{walk}_walk_limit",
                        condition=Q(**{f"{walk}_walk_s__lte": CART_WALK_LIMIT_S}),
                        violation_error_message="Walking time cannot be more than 30 minutes.",
                    ),
                    models.CheckConstraint(
                        name=f"assessments_cart_{walk}_onset_within_walk",
                        condition=Q(**{f"{walk}_onset_s__isnull": True})
                        | Q(**{f"{walk}_onset_s__lte": F(f"{walk}_walk_s")}),
                        violation_error_message="Symptoms cannot start after the walk ended.",
                    ),
                    models.CheckConstraint(
                        name=f"assessments_cart_{walk}_distance_positive",
                        condition=Q(**{f"{walk}_distance__isnull": True})
                        | Q(**{f"{walk}_distance__gte": 0}),
                        violation_error_message="Distance cannot be negative.",
                    ),
                    _pain_check(
                        f"assessments_cart_{walk}_pain_range", f"{walk}_pain_peak", nullable=True
                    ),
                )
            ),
            models.CheckConstraint(
                name="assessments_cart_heights_positive",
                condition=(Q(patient_height__isnull=True) | Q(patient_height__gt=0))
                & (Q(handle_height__isnull=True) | Q(handle_height__gt=0)),
                violation_error_message="Heights must be more than 0.",
            ),
        ]

    def __str__(self) -> str:
        return f"Shopping cart test, {self.performed_on:%d %b %Y}"

    # Plausible adult heights and cart or walker handle heights, per unit.
    HEIGHT_RANGES = {
        HeightUnit.CM: {"patient_height": (100, 230), "handle_height": (50, 150)},
        HeightUnit.INCH: {"patient_height": (39, 91), "handle_height": (20, 59)},
    }

    def clean(self):
        errors: dict[str, str] = {}
        for walk in self.WALKS:
            check_walk_times(
                errors,
                prefix=f"{walk}_",
                onset_s=getattr(self, f"{walk}_onset_s"),
                total_s=getattr(self, f"{walk}_walk_s"),
                limit_s=CART_WALK_LIMIT_S,
                total_field="walk_s",
            )
        if self.without_walk_s == 0:
            errors.setdefault(
                "without_walk_s",
                "The walk without support must last more than 0 seconds to compare the walks.",
            )
        ranges = self.HEIGHT_RANGES.get(self.height_unit, {})
        for name, (low, high) in ranges.items():
            value = getattr(self, name)
            if value is not None and not low <= value <= high:
                errors[name] = (
                    f"Enter a height from {low} to {high} {self.get_height_unit_display()}."
                )
        if errors:
            raise ValidationError(errors)

    def walk(self, name: str) -> dict:
        return {
            "walk_s": getattr(self, f"{name}_walk_s"),
            "onset_s": getattr(self, f"{name}_onset_s"),
            "pain_peak": getattr(self, f"{name}_pain_peak"),
            "distance": getattr(self, f"{name}_distance"),
        }

    @cached_property
    def clinic_settings(self) -> AssessmentSettings:
        """The clinic's settings the result is read with (the defaults when it has none).

        Selectors load them with the result (`patient__clinic__assessment_settings`), so this
        costs no query on a list; the interpretation always uses the settings as they are now
        and the page shows them next to it.
        """
        try:
            return self.patient.clinic.assessment_settings
        except AssessmentSettings.DoesNotExist:
            return AssessmentSettings()

    @cached_property
    def interpretation(self) -> scoring.ShoppingCartResult:
        return scoring.interpret_shopping_cart(
            self.walk("without"),
            self.walk("with"),
            support=self.support,
            patient_height_in=self.patient_height_in,
            **self.clinic_settings.cart_thresholds(),
        )

    @property
    def patient_height_in(self) -> Decimal | None:
        if self.patient_height is None:
            return None
        if self.height_unit == HeightUnit.CM:
            return self.patient_height / Decimal("2.54")
        return self.patient_height

    @property
    def short_for_standard_handle(self) -> bool:
        """docs/clinical-rules.md §3: shorter than the cut-off of the support used (a cart
        5'4", a walker 5'2", or the clinic's settings), so the handle may not have made them
        bend forward. False when the height was not recorded."""
        return self.interpretation.short_for_support is True


class SelfPacedWalkTest(Result):
    """Self-Paced Walking Test (Tomkins 2009, docs/clinical-rules.md §4): level ground, own pace."""

    tester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    distance = models.DecimalField(max_digits=7, decimal_places=2)
    distance_unit = models.CharField(
        max_length=4, choices=DistanceUnit.choices, default=DistanceUnit.M
    )
    total_s = models.PositiveSmallIntegerField()
    onset_s = models.PositiveSmallIntegerField(null=True, blank=True)
    stop_reason = models.CharField(max_length=16, choices=StopReason.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-performed_on", "-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "-performed_on"])]
        constraints = [
            models.CheckConstraint(
                name="assessments_spwt_total_limit",
                condition=Q(total_s__gt=0, total_s__lte=SPWT_LIMIT_S),
                violation_error_message=(
                    "Walking time must be more than 0 and at most 30 minutes (30:00)."
                ),
            ),
            models.CheckConstraint(
                name="assessments_spwt_onset_within_total",
                condition=Q(onset_s__isnull=True) | Q(onset_s__lte=F("total_s")),
                violation_error_message="Symptoms cannot start after the walk ended.",
            ),
            models.CheckConstraint(
                name="assessments_spwt_distance_positive",
                condition=Q(distance__gt=0),
                violation_error_message="Distance must be more than 0.",
            ),
        ]

    def __str__(self) -> str:
        return f"Self-paced walking test, {self.performed_on:%d %b %Y}"

    def clean(self):
        errors: dict[str, str] = {}
        check_walk_times(
            errors, prefix="", onset_s=self.onset_s, total_s=self.total_s, limit_s=SPWT_LIMIT_S
        )
        check_stop_reason(
            errors,
            prefix="",
            reason=self.stop_reason,
            onset_s=self.onset_s,
            total_s=self.total_s,
            limit_s=SPWT_LIMIT_S,
        )
        if self.total_s == 0:
            errors.setdefault("total_s", "The walking time must be more than 0 seconds.")
        if self.distance is not None and self.distance <= 0:
            errors["distance"] = "The distance must be more than 0."
        if errors:
            raise ValidationError(errors)

    @property
    def distance_m(self) -> Decimal:
        return self.distance * METRES_PER[self.distance_unit]


class Instrument(models.Model):
    """A questionnaire as data: items, answer options and the scoring rule that reads them.

    Bundled instruments (clinic empty) ship with Stride. Licensed ones (ODI, ZCQ) are loaded
    by one clinic from the text it holds a licence for and are visible to that clinic only.
    """

    class Rule(models.TextChoices):
        NPRS = "nprs", "Pain rating (NPRS 0-10)"
        PSFS = "psfs", "Patient-Specific Functional Scale"
        SSHQ = "sshq", "Stenosis screening quiz (SSHQ)"
        ODI = "odi", "Oswestry Disability Index"
        ZCQ = "zcq", "Zurich Claudication Questionnaire"

    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="instruments"
    )
    code = models.SlugField(max_length=40)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    short_title = models.CharField(max_length=60, blank=True)
    instructions = models.TextField(blank=True)
    scoring_rule = models.CharField(max_length=8, choices=Rule.choices)
    items = models.JSONField()
    options = models.JSONField(default=list, blank=True)
    licence_note = models.TextField(blank=True)
    source = models.TextField(blank=True, help_text="Citation shown with the questionnaire.")
    bundled = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=Q(clinic__isnull=True),
                name="assessments_instrument_bundled_unique",
            ),
            models.UniqueConstraint(
                fields=["clinic", "code", "version"],
                condition=Q(clinic__isnull=False),
                name="assessments_instrument_clinic_unique",
            ),
            models.CheckConstraint(
                name="assessments_instrument_bundled_has_no_clinic",
                condition=Q(bundled=False) | Q(clinic__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    @property
    def display_title(self) -> str:
        return self.short_title or self.title

    @property
    def definition(self) -> dict:
        return {
            "code": self.code,
            "version": self.version,
            "title": self.title,
            "scoring_rule": self.scoring_rule,
            "items": self.items,
            "options": self.options,
        }


class Administration(Result):
    """One completed questionnaire: who gave it, the answers, and the scores they produced."""

    class Source(models.TextChoices):
        CLINIC = "clinic", "In clinic"
        PATIENT = "patient", "By the patient"

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=8, choices=Source.choices)
    answers = models.JSONField()
    scores = models.JSONField()
    assignment = models.ForeignKey(
        "QuestionnaireAssignment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="administrations",
    )

    class Meta:
        ordering = ["-performed_on", "-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "-performed_on"])]

    def __str__(self) -> str:
        return f"{self.instrument.display_title}, {self.performed_on:%d %b %Y}"


class QuestionnaireAssignment(models.Model):
    """A questionnaire the patient answers at home: once, or every N weeks."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        DONE = "done", "Done"
        STOPPED = "stopped", "Stopped"

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="questionnaire_assignments"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    every_weeks = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: once.")
    next_due = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["next_due", "id"]
        indexes = [models.Index(fields=["patient", "status", "next_due"])]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "instrument"],
                condition=Q(status="active"),
                name="assessments_assignment_one_active",
                violation_error_message="This questionnaire is already assigned to the patient.",
            ),
            models.CheckConstraint(
                name="assessments_assignment_every_weeks_range",
                condition=Q(every_weeks__isnull=True) | Q(every_weeks__gte=1, every_weeks__lte=26),
                violation_error_message="Repeat every 1 to 26 weeks, or choose once.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.display_title} for {self.patient}"

    @property
    def schedule_display(self) -> str:
        if not self.every_weeks:
            return "Once"
        if self.every_weeks == 1:
            return "Every week"
        return f"Every {self.every_weeks} weeks"

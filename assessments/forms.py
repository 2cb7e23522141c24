"""Forms for walking tests and questionnaires. Every error is a sentence a clinician or an
older patient can act on; nothing reaches a service until the form is valid."""

import json
import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from clinic.durations import mmss
from clinic.forms import StrideFormMixin

from . import engine
from .models import (
    CART_STRONG_PCT_RANGE,
    CART_WALK_LIMIT_S,
    HEIGHT_CUTOFF_RANGE_IN,
    RECOVERY_LIMIT_S,
    SPWT_LIMIT_S,
    TREADMILL_STAGE_LIMIT_S,
    AssessmentSettings,
    SelfPacedWalkTest,
    ShoppingCartTest,
    StopReason,
    TreadmillTest,
)

_MMSS = re.compile(r"^(?P<sign>-?)\s*(?P<minutes>\d{1,3})\s*:\s*(?P<seconds>\d{1,2})$")


class MinutesSecondsField(forms.CharField):
    """A time typed (or filled in by the stopwatch) as minutes:seconds, cleaned to seconds."""

    def __init__(self, *, max_seconds: int, limit_message: str | None = None, **kwargs):
        self.max_seconds = max_seconds
        self.limit_message = limit_message or (
            f"This time cannot be more than {max_seconds // 60} minutes ({mmss(max_seconds)})."
        )
        kwargs.setdefault(
            "error_messages", {"required": "Enter the time as minutes:seconds, e.g. 4:30."}
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # The value is cleaned to an int, so the length limit is the widget's, not a validator.
        attrs.update(
            {
                "placeholder": "m:ss",
                "autocomplete": "off",
                "maxlength": "8",
                "class": "form-control time-input",
            }
        )
        return attrs

    def prepare_value(self, value):
        if isinstance(value, int):
            return mmss(value)
        return value

    def to_python(self, value):
        if isinstance(value, int):
            return value
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > 12:
            raise ValidationError(
                "Enter the time as minutes:seconds, for example 4:30 or 0:45.", code="invalid"
            )
        match = _MMSS.match(value.strip())
        if not match:
            if value.strip().startswith("-"):
                raise ValidationError("Times cannot be negative.")
            raise ValidationError(
                "Enter the time as minutes:seconds, for example 4:30 or 0:45.", code="invalid"
            )
        if match["sign"]:
            raise ValidationError("Times cannot be negative.")
        seconds = int(match["seconds"])
        if seconds > 59:
            raise ValidationError("The seconds part must be from 00 to 59, e.g. 4:30.")
        total = int(match["minutes"]) * 60 + seconds
        if total > self.max_seconds:
            raise ValidationError(self.limit_message)
        return total


def pain_field(label: str, *, required: bool = True) -> forms.IntegerField:
    message = "Pain is a whole number from 0 (none) to 10 (worst)."
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=10,
        error_messages={
            "required": "Enter pain from 0 to 10.",
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


def date_field(label: str = "Date of the test") -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date.",
            "invalid": "Enter a date such as 2026-03-14.",
        },
    )


def _decimal_field(label: str, *, low, high, required=True, places=1) -> forms.DecimalField:
    message = f"Enter a number from {low} to {high}."
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=low,
        max_value=high,
        decimal_places=places,
        error_messages={
            "required": "Enter a number.",
            "invalid": message,
            "min_value": message,
            "max_value": message,
            "max_decimal_places": f"Use at most {places} decimal place{'s' if places > 1 else ''}.",
            "max_digits": message,
            "max_whole_digits": message,
        },
    )


class WalkTestForm(forms.ModelForm):
    """What every walk-test form shares (assessments.registry reads it): the clinic's
    settings as `defaults`, the cleaned fields a service takes, the initial values that
    start a correction from the version being corrected."""

    def __init__(self, *args, defaults: AssessmentSettings | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.defaults = defaults if defaults is not None else AssessmentSettings()

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    @classmethod
    def initial_for(cls, result) -> dict:
        """Initial values for a correction form: the version being corrected."""
        return {name: getattr(result, name) for name in cls._meta.fields}


class CorrectionMixin(forms.Form):
    correction_note = forms.CharField(
        label="Reason for the correction",
        max_length=300,
        help_text="For the record, e.g. 'stopwatch time typed wrongly'. The old version is kept.",
        error_messages={"required": "Say why the result is being corrected."},
    )


# --- Two-Stage Treadmill Test -----------------------------------------------


STAGE_FIELDS = (
    "speed",
    "speed_unit",
    "incline",
    "incline_unit",
    "onset_s",
    "no_symptoms",
    "total_s",
    "stop_reason",
    "pain_start",
    "pain_end",
    "recovery_s",
    "symptom_location",
)


class TreadmillTestForm(WalkTestForm):
    """Both stages of the test; the stopwatch script fills the time fields."""

    performed_on = date_field()

    class Meta:
        model = TreadmillTest
        fields = [
            "performed_on",
            *(
                f"{stage}_{name}"
                for stage in TreadmillTest.STAGES
                for name in STAGE_FIELDS
                if name != "no_symptoms"
            ),
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for stage in TreadmillTest.STAGES:
            self.fields[f"{stage}_speed"] = _decimal_field("Speed", low=0.1, high=20)
            self.fields[f"{stage}_incline"] = _decimal_field("Incline", low=0, high=40)
            self.fields[f"{stage}_onset_s"] = MinutesSecondsField(
                label="Time to first symptoms",
                required=False,
                max_seconds=TREADMILL_STAGE_LIMIT_S,
                limit_message=(
                    "Symptoms cannot start after the 10-minute limit: the stage ends at 10:00."
                ),
            )
            self.fields[f"{stage}_no_symptoms"] = forms.BooleanField(
                label="No symptoms on this stage", required=False
            )
            self.fields[f"{stage}_total_s"] = MinutesSecondsField(
                label="Total walking time",
                max_seconds=TREADMILL_STAGE_LIMIT_S,
                limit_message=(
                    "Total walking time cannot be more than 10 minutes (10:00): "
                    "each stage stops at the 10-minute limit."
                ),
            )
            self.fields[f"{stage}_recovery_s"] = MinutesSecondsField(
                label="Recovery time",
                required=False,
                max_seconds=RECOVERY_LIMIT_S,
                limit_message="Recovery time cannot be more than an hour (60:00).",
                help_text="From stopping until symptoms are back to how they were before.",
            )
            self.fields[f"{stage}_stop_reason"] = forms.ChoiceField(
                label="Why the walk stopped",
                choices=[
                    (StopReason.TIME_LIMIT, "Reached the 10-minute limit"),
                    (StopReason.SYMPTOMS, "Symptoms made the patient stop"),
                    (StopReason.OTHER, "Other reason (say why in the note)"),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": "Choose why the walk stopped."},
                # docs/clinical-rules.md §2: such a stage cannot support criteria a or c.
                help_text=(
                    "A stage stopped for another reason (fatigue, a phone call, the belt) "
                    "cannot show criteria a or c; if nothing else is met the result is "
                    "inconclusive."
                ),
            )
            self.fields[f"{stage}_pain_start"] = pain_field("Pain at the start (0-10)")
            self.fields[f"{stage}_pain_end"] = pain_field("Pain at the end (0-10)")
            self.fields[f"{stage}_symptom_location"].label = "Where the symptoms were"
            self.fields[f"{stage}_symptom_location"].help_text = "e.g. left buttock to calf"
            self.fields[f"{stage}_speed_unit"].label = "Speed unit"
            self.fields[f"{stage}_incline_unit"].label = "Incline unit"
        self.fields["note"].label = "Note (optional)"
        defaults = self.defaults
        if not self.is_bound and not self.initial.get("level_speed"):
            for stage in TreadmillTest.STAGES:
                self.initial.setdefault(f"{stage}_speed", defaults.treadmill_speed)
                self.initial.setdefault(f"{stage}_speed_unit", defaults.treadmill_speed_unit)
                self.initial.setdefault(f"{stage}_incline_unit", defaults.treadmill_incline_unit)
            self.initial.setdefault("level_incline", 0)
            self.initial.setdefault("incline_incline", defaults.treadmill_incline)

    def stage_fields(self, stage: str) -> dict:
        return {name: self[f"{stage}_{name}"] for name in STAGE_FIELDS}

    def level_stage(self) -> dict:
        return self.stage_fields("level")

    def incline_stage(self) -> dict:
        return self.stage_fields("incline")

    def clean(self):
        cleaned = super().clean()
        for stage in TreadmillTest.STAGES:
            onset = cleaned.get(f"{stage}_onset_s")
            none = cleaned.get(f"{stage}_no_symptoms")
            if f"{stage}_onset_s" in self.errors:
                continue
            if onset is None and not none:
                self.add_error(
                    f"{stage}_onset_s",
                    "Enter the time to first symptoms, or tick 'No symptoms on this stage'.",
                )
            elif onset is not None and none:
                self.add_error(
                    f"{stage}_no_symptoms",
                    "You entered a time to first symptoms: untick 'No symptoms', "
                    "or clear the time.",
                )
        return cleaned

    @classmethod
    def initial_for(cls, result) -> dict:
        initial = super().initial_for(result)
        for stage in TreadmillTest.STAGES:
            initial[f"{stage}_no_symptoms"] = getattr(result, f"{stage}_onset_s") is None
        return initial


class TreadmillCorrectionForm(CorrectionMixin, TreadmillTestForm):
    pass


# --- Shopping Cart Test -----------------------------------------------------


class ShoppingCartTestForm(WalkTestForm):
    performed_on = date_field()

    class Meta:
        model = ShoppingCartTest
        fields = [
            "performed_on",
            "support",
            "patient_height",
            "handle_height",
            "height_unit",
            "distance_unit",
            *(
                f"{walk}_{name}"
                for walk in ShoppingCartTest.WALKS
                for name in ("walk_s", "distance", "onset_s", "pain_peak")
            ),
            "stoop_test",
            "note",
        ]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "support": forms.RadioSelect,
            "stoop_test": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient_height"] = _decimal_field(
            "Patient height (optional)", low=1, high=300, required=False
        )
        self.fields["handle_height"] = _decimal_field(
            "Handle height (optional)", low=1, high=300, required=False
        )
        for walk, title in (("without", "without support"), ("with", "with support")):
            self.fields[f"{walk}_walk_s"] = MinutesSecondsField(
                label=f"Walking time {title}",
                max_seconds=CART_WALK_LIMIT_S,
                limit_message="Walking time cannot be more than 30 minutes (30:00).",
                help_text="Uninterrupted walking, minutes:seconds.",
            )
            self.fields[f"{walk}_onset_s"] = MinutesSecondsField(
                label=f"Time to first symptoms {title}",
                required=False,
                max_seconds=CART_WALK_LIMIT_S,
                help_text="Leave blank if there were no symptoms.",
            )
            self.fields[f"{walk}_distance"] = _decimal_field(
                f"Distance {title} (optional)", low=0, high=99999, required=False
            )
            self.fields[f"{walk}_pain_peak"] = pain_field(
                f"Worst pain {title} (0-10, optional)", required=False
            )
        self.fields["support"].label = "Support used"
        self.fields["stoop_test"].label = "Stoop test (optional)"
        self.fields["note"].label = "Note (optional)"
        # docs/clinical-rules.md §3: the clinic's cut-offs, shown next to the height fields.
        self.thresholds = self.defaults.cart_thresholds()


class ShoppingCartCorrectionForm(CorrectionMixin, ShoppingCartTestForm):
    pass


# --- Self-Paced Walking Test ------------------------------------------------


class SelfPacedWalkTestForm(WalkTestForm):
    performed_on = date_field()

    class Meta:
        model = SelfPacedWalkTest
        fields = [
            "performed_on",
            "distance",
            "distance_unit",
            "total_s",
            "onset_s",
            "stop_reason",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3}), "stop_reason": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["distance"] = _decimal_field("Distance walked", low=0.01, high=99999, places=2)
        self.fields["total_s"] = MinutesSecondsField(
            label="Walking time",
            max_seconds=SPWT_LIMIT_S,
            limit_message="The test stops at 30 minutes: the time cannot be more than 30:00.",
        )
        self.fields["onset_s"] = MinutesSecondsField(
            label="Time to first symptoms",
            required=False,
            max_seconds=SPWT_LIMIT_S,
            help_text="Leave blank if there were no symptoms.",
        )
        self.fields["stop_reason"] = forms.ChoiceField(
            label="Why the walk stopped",
            choices=[
                (StopReason.TIME_LIMIT, "Reached the 30-minute limit"),
                (StopReason.SYMPTOMS, "Symptoms made the patient stop"),
                (StopReason.OTHER, "Other reason (say why in the note)"),
            ],
            widget=forms.RadioSelect,
            error_messages={"required": "Choose why the walk stopped."},
        )
        self.fields["note"].label = "Note (optional)"


class SelfPacedWalkCorrectionForm(CorrectionMixin, SelfPacedWalkTestForm):
    pass


# --- Questionnaires ---------------------------------------------------------


def _token(value) -> str:
    return json.dumps(value)


GROUP_HEADINGS = {
    "red_flag": "Safety check: in the past few days, have you had any of these that are new?",
    "severity": "Symptoms",
    "function": "Walking and everyday activities",
    "satisfaction": "Satisfaction with treatment (after treatment only: leave blank before)",
}


def _layout(options: list[dict]) -> str:
    """How to draw the answers: a row of numbers, two big buttons, or a list of sentences."""
    numbers = all(isinstance(o["value"], int) and not isinstance(o["value"], bool) for o in options)
    if numbers and all(len(o["label"]) <= 3 for o in options):
        return "scale"
    if len(options) <= 3 and all(len(o["label"]) <= 12 for o in options):
        return "buttons"
    return "list"


class QuestionnaireForm(forms.Form):
    """A questionnaire built from its instrument definition: one field per question.

    Choice questions are radio buttons (drawn as large buttons, never sliders); PSFS
    activities are a text box and a 0-10 rating.
    """

    def __init__(self, *args, definition: dict, with_date: bool = False, activities=(), **kw):
        super().__init__(*args, **kw)
        self.definition = definition
        self._values: dict[str, dict[str, object]] = {}
        if with_date:
            self.fields["performed_on"] = date_field("Date answered")
        activities = list(activities)
        for index, item in enumerate(definition["items"]):
            key = item["key"]
            options = engine.item_options(definition, item)
            self._values[key] = {_token(o["value"]): o["value"] for o in options}
            choices = [(_token(o["value"]), o["label"]) for o in options]
            required = engine.item_required(definition, item)
            if item.get("kind") == engine.KIND_ACTIVITY:
                self.fields[f"{key}__activity"] = forms.CharField(
                    label=f"Activity {index + 1}",
                    required=False,
                    max_length=120,
                    error_messages={"max_length": "Describe the activity in at most 120 letters."},
                )
                if index < len(activities) and not self.is_bound:
                    self.initial.setdefault(f"{key}__activity", activities[index])
                self.fields[f"{key}__rating"] = forms.ChoiceField(
                    label="How well can you do it today?",
                    choices=choices,
                    required=False,
                    widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                    error_messages={"invalid_choice": "Choose one of the numbers shown."},
                )
                continue
            self.fields[key] = forms.ChoiceField(
                label=item["text"],
                choices=choices,
                required=required,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                error_messages={
                    "required": "Please answer this question.",
                    "invalid_choice": "Choose one of the answers shown.",
                },
            )

    def set_answers(self, answers: dict) -> None:
        """Fill the form with earlier answers (to correct them)."""
        for item in self.definition["items"]:
            key = item["key"]
            value = answers.get(key)
            if value is None:
                continue
            if item.get("kind") == engine.KIND_ACTIVITY:
                self.initial[f"{key}__activity"] = value["activity"]
                self.initial[f"{key}__rating"] = _token(value["rating"])
            else:
                self.initial[key] = _token(value)

    def items(self):
        """Each question with its bound fields, errors, layout and group heading."""
        group = None
        for number, item in enumerate(self.definition["items"], start=1):
            key = item["key"]
            options = engine.item_options(self.definition, item)
            if item.get("kind") == engine.KIND_ACTIVITY:
                fields = [self[f"{key}__activity"], self[f"{key}__rating"]]
            else:
                fields = [self[key]]
            heading = None
            if item.get("group") != group:
                group = item.get("group")
                heading = GROUP_HEADINGS.get(group)
            yield {
                "item": item,
                "key": key,
                "number": number,
                "fields": fields,
                "errors": [error for field in fields for error in field.errors],
                "heading": heading,
                "optional": not engine.item_required(self.definition, item),
                "layout": _layout(options),
                "activity": item.get("kind") == engine.KIND_ACTIVITY,
            }

    def clean(self):
        cleaned = super().clean()
        answers = {}
        for item in self.definition["items"]:
            key = item["key"]
            values = self._values[key]
            if item.get("kind") == engine.KIND_ACTIVITY:
                rating = cleaned.get(f"{key}__rating")
                activity = cleaned.get(f"{key}__activity") or ""
                if not activity and not rating:
                    answers[key] = None
                else:
                    answers[key] = {"activity": activity, "rating": values.get(rating)}
            elif cleaned.get(key):
                answers[key] = values[cleaned[key]]
            else:
                answers[key] = None
        if self.errors:
            return cleaned
        try:
            self.answers = engine.clean_answers(self.definition, answers)
        except engine.AnswerError as error:
            self.add_answer_errors(error.errors)
        return cleaned

    def add_answer_errors(self, errors: dict) -> None:
        for key, message in errors.items():
            if key in self.fields:
                self.add_error(key, message)
            elif f"{key}__activity" in self.fields:
                self.add_error(f"{key}__activity", message)
            else:
                self.add_error(None, message)


class AssignmentForm(StrideFormMixin, forms.Form):
    SCHEDULES = [
        ("0", "Once"),
        ("1", "Every week"),
        ("2", "Every 2 weeks"),
        ("4", "Every 4 weeks"),
        ("6", "Every 6 weeks"),
        ("8", "Every 8 weeks"),
    ]

    instrument = forms.ModelChoiceField(
        queryset=None,
        label="Questionnaire",
        error_messages={
            "required": "Choose a questionnaire.",
            "invalid_choice": "Choose one of the questionnaires listed.",
        },
    )
    every_weeks = forms.TypedChoiceField(
        label="How often",
        choices=SCHEDULES,
        coerce=int,
        initial="0",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the schedules listed."},
    )
    first_due = forms.DateField(
        label="First due on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Leave empty for today.",
        error_messages={"invalid": "Enter a date such as 2026-03-14."},
    )

    def __init__(self, *args, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments
        self.fields["instrument"].label_from_instance = lambda i: f"{i.display_title} ({i.version})"

    def clean_first_due(self):
        first_due = self.cleaned_data.get("first_due")
        if first_due and first_due.year > date.today().year + 2:
            raise ValidationError("Choose a date within the next two years.")
        return first_due


class AssessmentSettingsForm(StrideFormMixin, forms.ModelForm):
    class Meta:
        model = AssessmentSettings
        fields = [
            "treadmill_speed",
            "treadmill_speed_unit",
            "treadmill_incline",
            "treadmill_incline_unit",
            "odi_max_missing",
            "zcq_max_missing",
            "cart_strong_pct",
            "cart_min_height_in",
            "walker_min_height_in",
            "booking_text",
        ]
        widgets = {"booking_text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["treadmill_speed"] = _decimal_field("Default treadmill speed", low=0.1, high=20)
        self.fields["treadmill_incline"] = _decimal_field(
            "Default incline for the second stage", low=0, high=40
        )
        message = "Enter a whole number from 0 to {}."
        self.fields["odi_max_missing"] = forms.IntegerField(
            label="ODI sections that may be blank",
            min_value=0,
            max_value=3,
            error_messages={k: message.format(3) for k in ("invalid", "min_value", "max_value")},
        )
        self.fields["zcq_max_missing"] = forms.IntegerField(
            label="ZCQ questions per part that may be blank",
            min_value=0,
            max_value=2,
            error_messages={k: message.format(2) for k in ("invalid", "min_value", "max_value")},
        )
        self.fields["booking_text"].label = "How to book (shown after the public stenosis quiz)"
        self.fields["booking_text"].required = False
        low, high = CART_STRONG_PCT_RANGE
        self.fields["cart_strong_pct"] = _whole_number_field(
            "Cart test: improvement that counts as strong (%)",
            low=low,
            high=high,
            help_text=(
                "More than this much longer walking with support is flagged as strongly "
                "consistent with neurogenic claudication. Stride's default, 75 %, comes from "
                "the grocery cart letter (Diabetes Care 2003)."
            ),
        )
        low, high = HEIGHT_CUTOFF_RANGE_IN
        self.fields["cart_min_height_in"] = _whole_number_field(
            "Cart test: patients shorter than this may not bend forward on a cart (inches)",
            low=low,
            high=high,
            help_text="Stride's default: 64 in (5 ft 4 in, 162.6 cm), for a 42 in cart handle.",
        )
        self.fields["walker_min_height_in"] = _whole_number_field(
            "Cart test: patients shorter than this may not bend forward on a walker (inches)",
            low=low,
            high=high,
            help_text="Stride's default: 62 in (5 ft 2 in, 157.5 cm), for a 34 in walker handle.",
        )


def _whole_number_field(label: str, *, low: int, high: int, help_text: str):
    message = f"Enter a whole number from {low} to {high}."
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        help_text=help_text,
        error_messages={
            "required": message,
            **dict.fromkeys(("invalid", "min_value", "max_value"), message),
        },
    )

"""Forms of programs. Plain-word checks come from rules.py, the same ones services apply."""

from decimal import Decimal

from django import forms
from django.utils.text import slugify

from clinic.clinical_rules import BOUNDS, LABELS, bounds_text
from clinic.forms import StrideFormMixin, add_form_errors
from clinic.models import ClinicalSettings

from . import rules
from .doses import ExerciseDose
from .models import (
    MAX_BOUT_MINUTES,
    MAX_BOUTS_PER_SESSION,
    MAX_SESSIONS_PER_WEEK,
    Exercise,
    Slot,
)

WHOLE = {"invalid": "Enter a whole number."}
NUMBER = {"invalid": "Enter a number, e.g. 6 or 6.5."}


def _whole(label, *, required=True, high=None, help_text=""):
    attrs = {"min": 1, "inputmode": "numeric"}
    if high:
        attrs["max"] = high
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages=WHOLE,
        widget=forms.NumberInput(attrs=attrs),
    )


class PrescriptionFields(StrideFormMixin, forms.Form):
    """Walking days a week, walks a session, minutes a walk."""

    sessions_per_week = _whole("Walking days a week", high=MAX_SESSIONS_PER_WEEK)
    bouts_per_session = _whole(
        "Walks each time",
        high=MAX_BOUTS_PER_SESSION,
        help_text="Walks in one session, with a rest bent forward between them.",
    )
    bout_minutes = forms.DecimalField(
        label="Minutes of each walk",
        max_digits=4,
        decimal_places=1,
        error_messages={**NUMBER, "max_decimal_places": "Use whole or half minutes."},
        widget=forms.NumberInput(attrs={"min": 0.5, "max": MAX_BOUT_MINUTES, "step": 0.5}),
    )

    min_bout_minutes = Decimal("2")

    def clean(self):
        cleaned = super().clean()
        names = ("sessions_per_week", "bouts_per_session", "bout_minutes")
        if all(cleaned.get(n) is not None for n in names):
            add_form_errors(
                self,
                rules.prescription_errors(
                    **{n: cleaned[n] for n in names}, min_bout_minutes=self.min_bout_minutes
                ),
            )
        return cleaned


class ExerciseDoseForm(forms.Form):
    """One exercise of a plan or template: when, which weeks, how much."""

    exercise = forms.ModelChoiceField(queryset=Exercise.objects.none(), label="Exercise")
    slot = forms.ChoiceField(choices=Slot.choices, label="When")
    week_from = _whole("From week")
    week_to = _whole("To week")
    sets = _whole("Sets", required=False)
    reps = _whole("Repetitions", required=False)
    hold_seconds = _whole("Hold (seconds)", required=False)
    minutes = _whole("Minutes", required=False)
    times_per_day = _whole("Times a day")

    def __init__(self, *args, exercises, weeks: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.weeks = weeks
        self.fields["exercise"].queryset = exercises
        for name in ("week_from", "week_to"):
            self.fields[name].widget.attrs["max"] = weeks

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        add_form_errors(
            self,
            rules.week_range_errors(cleaned["week_from"], cleaned["week_to"], weeks=self.weeks),
        )
        dose = {
            k: cleaned.get(k) for k in ("sets", "reps", "hold_seconds", "minutes", "times_per_day")
        }
        add_form_errors(self, rules.dose_errors(dose))
        return cleaned

    def as_dose(self) -> ExerciseDose:
        data = self.cleaned_data
        return ExerciseDose(
            exercise=data["exercise"],
            slot=data["slot"],
            week_from=data["week_from"],
            week_to=data["week_to"],
            sets=data.get("sets"),
            reps=data.get("reps"),
            hold_seconds=data.get("hold_seconds"),
            minutes=data.get("minutes"),
            times_per_day=data["times_per_day"],
        )


class BaseExerciseDoseFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        # The "add an exercise" rows start with whole-plan weeks and once a day, so picking
        # the exercise is enough; left untouched they stay empty and are skipped.
        if index is None or index >= len(self.initial or []):
            weeks = kwargs["weeks"]
            kwargs["initial"] = {
                "slot": Slot.DAILY,
                "week_from": 1,
                "week_to": weeks,
                "times_per_day": 1,
            }
        return kwargs

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Take this exercise out"

    def doses(self) -> list[ExerciseDose]:
        """Every kept row: deleted rows and untouched empty "add" rows are left out."""
        return [
            form.as_dose()
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.doses():
            raise forms.ValidationError("Keep at least one exercise in the plan.")


ExerciseDoseFormSet = forms.formset_factory(
    ExerciseDoseForm, formset=BaseExerciseDoseFormSet, extra=2, can_delete=True
)


def exercise_formset(*, data=None, initial, exercises, weeks: int, prefix="ex"):
    return ExerciseDoseFormSet(
        data,
        initial=initial,
        prefix=prefix,
        form_kwargs={"exercises": exercises, "weeks": weeks},
    )


def initial_items(items) -> list[dict]:
    """Formset initial data from template or plan items."""
    return [
        {
            "exercise": item.exercise,
            "slot": item.slot,
            "week_from": item.week_from,
            "week_to": item.week_to,
            **item.dose,
        }
        for item in items
    ]


class PlanAssignForm(PrescriptionFields):
    start_date = forms.DateField(
        label="Start date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date, e.g. 2026-03-02."},
    )
    self_reported_minutes = forms.DecimalField(
        label="Minutes the patient can walk before pain rises 2 points (their own report)",
        required=False,
        max_digits=4,
        decimal_places=1,
        error_messages=NUMBER,
        widget=forms.NumberInput(attrs={"min": 0.5, "max": MAX_BOUT_MINUTES, "step": 0.5}),
    )
    reason = forms.CharField(
        label="Note for the plan history (optional)", required=False, max_length=300
    )
    field_order = [
        "start_date",
        "self_reported_minutes",
        "bout_minutes",
        "bouts_per_session",
        "sessions_per_week",
        "reason",
    ]

    def __init__(self, *args, today, treadmill_onset_s, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.treadmill_onset_s = treadmill_onset_s
        self.fields["bout_minutes"].required = False
        self.fields["bout_minutes"].help_text = (
            "Leave empty to use the baseline: the shorter of the treadmill test and the "
            "patient's own report, at least 2 minutes."
        )
        self.baseline = None

    def clean_self_reported_minutes(self):
        value = self.cleaned_data.get("self_reported_minutes")
        if value is not None and not 0 < value <= MAX_BOUT_MINUTES:
            raise forms.ValidationError(f"Enter minutes from more than 0 up to {MAX_BOUT_MINUTES}.")
        return value

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        errors = rules.start_date_errors(start, today=self.today)
        if errors:
            raise forms.ValidationError(errors["start_date"])
        return start

    def clean(self):
        from .schedule import baseline_bout_minutes

        self.baseline = baseline_bout_minutes(
            treadmill_onset_seconds=self.treadmill_onset_s,
            self_reported_minutes=self.cleaned_data.get("self_reported_minutes"),
            floor_minutes=self.min_bout_minutes,
        )
        if self.cleaned_data.get("bout_minutes") is None and "bout_minutes" not in self.errors:
            if self.baseline is None:
                self.add_error(
                    "self_reported_minutes",
                    "There is no treadmill test on record: enter the minutes the patient can "
                    "walk before pain rises 2 points, or the minutes of each walk.",
                )
            else:
                self.cleaned_data["bout_minutes"] = self.baseline
        return super().clean()


class PlanAdjustForm(PrescriptionFields):
    reason = forms.CharField(
        label="Why does the plan change?",
        max_length=300,
        help_text="Kept in the plan history with your name and the date.",
        error_messages={"required": "Say why the plan changes: it is kept in the history."},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=300)

    def __init__(self, *args, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        self.fields["reason"].error_messages["required"] = "Say why: it is kept in the history."


class SuggestionEditForm(PrescriptionFields):
    note = forms.CharField(
        label="Why change the suggestion?",
        max_length=300,
        error_messages={"required": "Say why you changed the suggestion."},
    )


class SuggestionRejectForm(forms.Form):
    note = forms.CharField(label="Reason (optional)", required=False, max_length=300)


class ExerciseForm(StrideFormMixin, forms.ModelForm):
    class Meta:
        model = Exercise
        fields = [
            "name",
            "category",
            "summary",
            "steps",
            "cues",
            "precautions",
            "default_sets",
            "default_reps",
            "default_hold_seconds",
            "default_minutes",
            "default_times_per_day",
            "is_active",
        ]
        labels = {
            "is_active": "In use (untick to retire it: plans that have it keep it)",
            "default_sets": "Sets",
            "default_reps": "Repetitions",
            "default_hold_seconds": "Hold (seconds)",
            "default_minutes": "Minutes",
            "default_times_per_day": "Times a day",
            "precautions": "Stop if",
        }
        widgets = {
            "steps": forms.Textarea(attrs={"rows": 6}),
            "cues": forms.Textarea(attrs={"rows": 3}),
            "precautions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["is_active"]  # a new exercise is in use
        for name in self.Meta.labels:
            if name.startswith("default_"):
                # The model's "greater than or equal to 0" is not plain words.
                self.fields[name].error_messages.update(
                    {**WHOLE, "min_value": "Use a whole number of 1 or more."}
                )

    def clean(self):
        cleaned = super().clean()
        dose = {
            name: cleaned.get(f"default_{name}")
            for name in ("sets", "reps", "hold_seconds", "minutes", "times_per_day")
        }
        errors = rules.dose_errors(dose)
        for name, message in errors.items():
            self.add_error(f"default_{name}", message)
        if cleaned.get("name") and not slugify(cleaned["name"]):
            self.add_error("name", "Use letters or numbers in the name.")
        return cleaned


class TemplateForm(PrescriptionFields):
    name = forms.CharField(label="Name", max_length=120)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    progress_from_week = _whole(
        "Walks start to grow from week",
        help_text="Before this week walks stay at the baseline (foundation weeks).",
    )
    field_order = ["name", "description", "sessions_per_week", "bouts_per_session"]

    def __init__(self, *args, weeks: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.weeks = weeks
        # A template has no walk length of its own: the baseline comes from the patient.
        del self.fields["bout_minutes"]

    def clean(self):
        self.cleaned_data["bout_minutes"] = Decimal("2")
        cleaned = super().clean()
        week = cleaned.get("progress_from_week")
        if week is not None and not 1 <= week <= self.weeks + 1:
            self.add_error("progress_from_week", f"Choose a week from 1 to {self.weeks + 1}.")
        return cleaned


class TemplateWeekForm(forms.Form):
    number = forms.IntegerField(widget=forms.HiddenInput)
    phase = forms.CharField(label="Phase", required=False, max_length=60)
    note = forms.CharField(label="Note for the patient", required=False, max_length=300)


TemplateWeekFormSet = forms.formset_factory(TemplateWeekForm, extra=0)


SETTINGS_RULE_FIELDS = ClinicalSettings.RULE_FIELDS


class ClinicalSettingsForm(StrideFormMixin, forms.ModelForm):
    """The clinic's thresholds, each within its safe bounds (docs/clinical-rules.md §7.7)."""

    class Meta:
        model = ClinicalSettings
        fields = ["auto_apply_hold", *SETTINGS_RULE_FIELDS, "missed_log_nudge_days"]

    RANGES = {
        **{
            field: (
                Decimal(str(BOUNDS[rule].low)) * scale,
                Decimal(str(BOUNDS[rule].high)) * scale,
            )
            for field, (rule, scale) in SETTINGS_RULE_FIELDS.items()
        },
        "missed_log_nudge_days": (1, 30),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in self.RANGES.items():
            message = f"Choose a value from {_plain(low)} to {_plain(high)}."
            self.fields[name].error_messages.update(
                {"min_value": message, "max_value": message, "invalid": "Enter a number."}
            )

    def clean(self):
        cleaned = super().clean()
        for name, (low, high) in self.RANGES.items():
            value = cleaned.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, f"Choose a value from {_plain(low)} to {_plain(high)}.")
        return cleaned


# docs/clinical-rules.md §7.7: the thresholds a therapist may set for one plan (the §4
# meaningful-change marker is not a programme threshold).
PLAN_RULE_NAMES = [name for name in BOUNDS if name != "meaningful_pain_change"]


class PlanRulesForm(StrideFormMixin, forms.Form):
    """This plan's own thresholds: blank keeps the clinic's value. Shares are typed in %."""

    reason = forms.CharField(
        label="Why do this plan's thresholds change?",
        max_length=300,
        help_text="Kept in the plan history with your name and the date.",
        error_messages={"required": "Say why this plan's thresholds change."},
    )

    def __init__(self, *args, clinic_rules, overrides, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PLAN_RULE_NAMES:
            low, high, unit = BOUNDS[name]
            share = unit == "share"
            clinic_value = getattr(clinic_rules, name)
            shown = _percent(clinic_value) if share else _plain(clinic_value)
            field = forms.DecimalField(
                label=LABELS[name] + (" (%)" if share else ""),
                required=False,
                min_value=Decimal(str(low)) * (100 if share else 1),
                max_value=Decimal(str(high)) * (100 if share else 1),
                help_text=f"Clinic: {shown}{' %' if share else ''}. Allowed {bounds_text(name)}.",
                error_messages={"invalid": "Enter a number."},
            )
            # Django %-formats these messages: a share's "50 % to 100 %" must not read as a
            # format (it raised ValueError, a 500, for any share out of its range).
            message = f"Choose a value {bounds_text(name)}.".replace("%", "%%")
            field.error_messages.update({"min_value": message, "max_value": message})
            self.fields[name] = field
            if name in overrides and not self.is_bound:
                value = Decimal(str(overrides[name]))
                self.initial[name] = value * 100 if share else value
        self.order_fields([*PLAN_RULE_NAMES, "reason"])

    def overrides(self) -> dict:
        """The cleaned values as ClinicalRules fields (shares back to fractions)."""
        result = {}
        for name in PLAN_RULE_NAMES:
            value = self.cleaned_data.get(name)
            if value is None:
                continue
            result[name] = value / 100 if BOUNDS[name].unit == "share" else value
        return result


def _percent(share) -> str:
    return _plain(Decimal(str(share)) * 100)


def _plain(value) -> str:
    return f"{Decimal(str(value)).normalize():f}"

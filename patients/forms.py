import re
import zoneinfo
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils import timezone

from clinic.clinical_rules import DEFAULT_RULES, ClinicalRules
from clinic.forms import TherapistChoiceField
from clinic.models import User
from clinic.timezones import TimeZoneField, timezone_choices

from . import plausibility, selectors
from .dates import local_today
from .models import (
    FUTURE_DATE,
    PAIN_0_TO_10,
    WALKLOG_ENTRY_FIELDS,
    Patient,
    RedFlagReport,
    ReminderPreference,
    WalkLog,
)
from .units import UNIT_WORDS, from_metres, to_metres

PAIN_CHOICES = [(value, str(value)) for value in range(11)]
# How far back a walk may be dated: a diary catches up after a holiday, not after years.
OLDEST_LOG_DAYS = 365
# The model's bound (walklog_minutes_positive_max_600).
MAX_MINUTES = 600


class PatientForm(forms.ModelForm):
    """A patient record; with an email address the patient is also invited to sign in."""

    email = forms.EmailField(
        required=False,
        label="Email address (optional)",
        help_text="Leave empty for a patient who keeps a paper diary: staff enter their walks.",
    )
    primary_therapist = TherapistChoiceField(queryset=User.objects.none(), label="Therapist")

    class Meta:
        model = Patient
        fields = [
            "full_name",
            "email",
            "date_of_birth",
            "primary_therapist",
            "stenosis_type",
            "affected_side",
            "symptom_pattern",
            "referring_physician",
        ]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, clinic_therapists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["primary_therapist"].queryset = clinic_therapists

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born and not (date(1900, 1, 1) <= born <= date.today()):
            raise forms.ValidationError("Enter a date of birth between 1900 and today.")
        return born


def pain_field(label: str, *, required: bool = True) -> forms.TypedChoiceField:
    """0 to 10 as a group of radio buttons shown as big buttons (never a slider)."""
    return forms.TypedChoiceField(
        label=label,
        choices=PAIN_CHOICES,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={
            "required": PAIN_0_TO_10,
            "invalid_choice": PAIN_0_TO_10,
        },
    )


class RedFlagCheckMixin(forms.Form):
    """docs/clinical-rules.md §6, asked on every log: an explicit answer, never a silent default."""

    red_flags = forms.MultipleChoiceField(
        label="Since your last log, have you had any of these?",
        choices=RedFlagReport.Sign.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the list."},
    )
    no_red_flags = forms.BooleanField(label="None of these", required=False)

    def clean(self):
        cleaned = super().clean()
        signs = cleaned.get("red_flags") or []
        none = cleaned.get("no_red_flags")
        if "red_flags" in self.errors:
            return cleaned
        if not signs and not none:
            self.add_error(
                "red_flags",
                "Please answer the safety question: tick any that you have had, "
                "or tick “None of these”.",
            )
        elif signs and none:
            self.add_error(
                "red_flags",
                "You ticked a sign and also “None of these”. Please check your answer.",
            )
        return cleaned


class WalkLogForm(forms.Form):
    """One walk as a patient (or a clinician copying a paper diary) reports it."""

    date = forms.DateField(
        label="Date of the walk",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the date of the walk.", "invalid": "Enter a date."},
    )
    # No max_digits: the range is clean_minutes' plain words, not Django's digit counting
    # ("Ensure that there are no more than 3 digits before the decimal point" for 9999).
    minutes = forms.DecimalField(
        label="Minutes walked",
        help_text="All the walking together, not counting rests.",
        decimal_places=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5", "min": "0.5"}),
        error_messages={
            "required": "Enter how many minutes you walked, for example 12.",
            "invalid": "Enter the minutes as a number, for example 12 or 7.5.",
            "max_decimal_places": "Use at most one decimal place, for example 7.5.",
        },
    )
    distance = forms.DecimalField(
        label="Distance (optional)",
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,  # no max_digits: max_value says it in words
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        error_messages={
            "invalid": "Enter the distance as a number, for example 1.5.",
            "min_value": "The distance cannot be below 0.",
            "max_value": "Enter a distance up to 100.",
            "max_decimal_places": "Use at most two decimal places.",
        },
    )
    steps = forms.IntegerField(
        label="Steps (optional)",
        required=False,
        min_value=0,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
        error_messages={
            "invalid": "Enter the steps as a whole number, for example 2400.",
            "min_value": "Steps cannot be below 0.",
            "max_value": "Enter at most 100,000 steps.",
        },
    )
    rests = forms.IntegerField(
        label="How many times did you stop to rest?",
        min_value=0,
        max_value=50,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
        error_messages={
            "required": "Enter how many times you rested (0 if you did not stop).",
            "invalid": "Enter a whole number, for example 2.",
            "min_value": "Enter 0 or more.",
            "max_value": "Enter at most 50 rests.",
        },
    )
    pain_before = pain_field("Pain before the walk")
    pain_peak = pain_field("Highest pain during the walk")
    pain_after = pain_field("Pain after resting")
    symptom_areas = forms.MultipleChoiceField(
        label="Where were the symptoms? (tick all that apply)",
        choices=WalkLog.SYMPTOM_AREAS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the list."},
    )
    tingling = forms.BooleanField(label="I had tingling or numbness", required=False)
    support = forms.ChoiceField(
        label="Support used",
        choices=WalkLog.Support.choices,
        widget=forms.RadioSelect,
        initial=WalkLog.Support.NONE,
        error_messages={
            "required": "Choose the support you used, or “None”.",
            "invalid_choice": "Choose from the list.",
        },
    )
    terrain = forms.ChoiceField(
        label="Where did you walk?",
        choices=WalkLog.Terrain.choices,
        widget=forms.RadioSelect,
        initial=WalkLog.Terrain.FLAT,
        error_messages={
            "required": "Choose where you walked.",
            "invalid_choice": "Choose from the list.",
        },
    )
    glides_before = forms.BooleanField(label="Nerve glides before the walk", required=False)
    glides_after = forms.BooleanField(label="Nerve glides after the walk", required=False)
    flare_next_day = forms.BooleanField(
        label="My symptoms flared up the day after my last walk", required=False
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the note under 1,000 characters."},
    )

    def __init__(self, *args, patient: Patient, require_pain_after: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.unit = patient.clinic.distance_unit
        self.today = local_today(patient.tz_name)
        self.fields["distance"].label = f"Distance in {UNIT_WORDS[self.unit]} (optional)"
        self.fields["pain_after"].required = require_pain_after
        self.fields["date"].widget.attrs["max"] = self.today.isoformat()

    def clean_date(self):
        walked_on = self.cleaned_data["date"]
        if walked_on > self.today:
            raise forms.ValidationError(FUTURE_DATE)
        if walked_on < self.today - timedelta(days=OLDEST_LOG_DAYS):
            raise forms.ValidationError("Enter a date within the last year.")
        return walked_on

    def clean_minutes(self):
        minutes = self.cleaned_data["minutes"]
        if minutes <= 0:
            raise forms.ValidationError("Minutes must be more than 0.")
        if minutes > MAX_MINUTES:
            raise forms.ValidationError("Enter at most 600 minutes (10 hours).")
        return minutes

    def clean(self):
        cleaned = super().clean()
        before, peak = cleaned.get("pain_before"), cleaned.get("pain_peak")
        if before is not None and peak is not None and peak < before:
            self.add_error(
                "pain_peak",
                "The highest pain during the walk cannot be lower than the pain before it: "
                "the walk starts at that level.",
            )
        return cleaned

    def walklog_fields(self) -> dict:
        """Cleaned values in the model's terms (distance in metres)."""
        data = {k: v for k, v in self.cleaned_data.items() if k in WALKLOG_FORM_FIELDS}
        distance = self.cleaned_data.get("distance")
        data["distance_m"] = None if distance is None else to_metres(distance, self.unit)
        return data

    @classmethod
    def initial_for(cls, patient: Patient) -> dict:
        """Today's date only. Everything the patient reports (minutes, pain, where the
        symptoms were, glides, support) is asked afresh, never copied from the last walk:
        docs/clinical-rules.md §1b, so the guidance and the spreading flag describe today."""
        return {"date": local_today(patient.tz_name)}

    @classmethod
    def initial_from_log(cls, log: WalkLog) -> dict:
        initial = {name: getattr(log, name) for name in WALKLOG_FORM_FIELDS}
        if log.distance_m is not None:
            initial["distance"] = from_metres(log.distance_m, log.patient.clinic.distance_unit)
        return initial


# The form asks for the distance in the clinic's unit (field `distance`) and no start time.
WALKLOG_FORM_FIELDS = tuple(
    name for name in WALKLOG_ENTRY_FIELDS if name not in ("start_time", "distance_m")
)


class WalkLogCreateForm(RedFlagCheckMixin, WalkLogForm):
    """A new log: the walk, then the red-flag question.

    An unusual walk (docs/clinical-rules.md §7.8) is not saved at once: the form asks
    `unusual_question` on the minutes, and the page offers "Yes, that is right", which posts
    the same values with `confirm_unusual` naming the minutes and rests it confirms.
    """

    confirm_unusual = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unusual_question = None  # asked on this page, with its `confirm_key`
        self.confirm_key = None
        self.confirmed_key = None

    def clean(self):
        cleaned = super().clean()
        minutes, rests = cleaned.get("minutes"), cleaned.get("rests")
        if "minutes" in self.errors or minutes is None or rests is None:
            return cleaned
        key = plausibility.confirmation_key(minutes, rests)
        if cleaned.get("confirm_unusual") == key:
            self.confirmed_key = key  # kept on the page if something else needs fixing
            return cleaned
        question = plausibility.unusual_walk_question(
            minutes, rests, selectors.longest_walk_minutes(self.patient)
        )
        if question:
            self.unusual_question = question
            self.confirm_key = key
            self.add_error("minutes", question)
        return cleaned


class RedFlagReportForm(forms.Form):
    signs = forms.MultipleChoiceField(
        label="Which of these have you had?",
        choices=RedFlagReport.Sign.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick the signs you have had. For any other worry, call your clinic.",
            "invalid_choice": "Choose from the list.",
        },
    )


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="What was done",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: called the patient, advised emergency department.",
        error_messages={
            "required": "Write what was done, for example who called the patient.",
            "max_length": "Keep the note under 2,000 characters.",
        },
    )


def target_choices(rules: ClinicalRules) -> list[tuple[str, str]]:
    """The walk list's target filter, in the patient's own target (docs/clinical-rules.md §7)."""
    return [
        ("", "All walks"),
        ("yes", f"Within +{rules.pain_rise_target} target"),
        ("no", "Not within target"),
    ]


class WalkLogFilterForm(forms.Form):
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    target = forms.ChoiceField(
        label="Target",
        choices=target_choices(DEFAULT_RULES),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    support = forms.ChoiceField(
        label="Support used",
        choices=[("", "Any"), *WalkLog.Support.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    deleted = forms.BooleanField(
        label="Include deleted walks",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, rules: ClinicalRules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = target_choices(rules)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "within_target": {"yes": True, "no": False}.get(data["target"]),
            "support": data["support"],
            "include_deleted": data["deleted"],
        }


# --- Walk timer -----------------------------------------------------------------------

CLIENT_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
MAX_BOUTS = 50
MAX_SECONDS = 600 * 60
# An offline walk may wait this long for a connection before the server refuses it.
TIMER_MAX_AGE = timedelta(days=30)
CLOCK_SKEW = timedelta(minutes=5)


class WalkTimerForm(RedFlagCheckMixin, forms.Form):
    """The walk timer's JSON upload: the walk as timestamps and bouts, validated in full."""

    client_id = forms.CharField(max_length=64)
    started_at = forms.IntegerField(min_value=0)  # milliseconds since the epoch (Date.now())
    pain_before = pain_field("How much pain do you have now, before you start?")
    pain_after = pain_field("Pain now, after resting")
    support = forms.ChoiceField(
        label="Support used",
        choices=WalkLog.Support.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose from the list."},
    )
    terrain = forms.ChoiceField(
        label="Where did you walk?",
        choices=WalkLog.Terrain.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose from the list."},
    )
    glides_before = forms.BooleanField(label="I did nerve glides before the walk", required=False)
    glides_after = forms.BooleanField(label="I did nerve glides after the walk", required=False)
    symptom_areas = forms.MultipleChoiceField(
        label="Where were the symptoms? (tick all that apply)",
        choices=WalkLog.SYMPTOM_AREAS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the list."},
    )

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient

    def clean_client_id(self):
        value = self.cleaned_data["client_id"]
        if not CLIENT_ID.match(value):
            raise forms.ValidationError("The walk id is not valid.")
        return value

    def clean_started_at(self):
        try:
            started = datetime.fromtimestamp(self.cleaned_data["started_at"] / 1000, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise forms.ValidationError("The start time is not valid.") from None
        now = timezone.now()
        if started > now + CLOCK_SKEW:
            raise forms.ValidationError("The start time is in the future: check the phone's clock.")
        if started < now - TIMER_MAX_AGE:
            raise forms.ValidationError("This walk is more than 30 days old and cannot be saved.")
        return started

    def clean(self):
        cleaned = super().clean()
        bouts = _clean_bouts(self.data.get("bouts"))
        if isinstance(bouts, str):
            self.add_error(None, bouts)
            return cleaned
        walked = sum(b["walked_s"] for b in bouts)
        minutes = (Decimal(walked) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if minutes <= 0:
            self.add_error(None, "This walk was too short to save (under 6 seconds).")
        elif minutes > 600:
            self.add_error(None, "This walk ran for more than 10 hours: the timer was left on.")
        cleaned["bouts"] = bouts
        cleaned["minutes"] = minutes
        return cleaned

    def walklog_fields(self) -> dict:
        data = self.cleaned_data
        bouts = data["bouts"]
        local = data["started_at"].astimezone(zoneinfo.ZoneInfo(self.patient.tz_name))
        peaks = [b["peak_pain"] for b in bouts if b["peak_pain"] is not None]
        fields = {
            "date": local.date(),
            "start_time": local.time().replace(microsecond=0),
            "minutes": data["minutes"],
            "rests": max(0, len(bouts) - 1),
            "pain_before": data["pain_before"],
            "pain_peak": max([data["pain_before"], *peaks]),
            "pain_after": data["pain_after"],
            "glides_before": data["glides_before"],
            "glides_after": data["glides_after"],
            "symptom_areas": data.get("symptom_areas") or [],
            "bouts": bouts,
        }
        for name in ("support", "terrain"):
            if data.get(name):
                fields[name] = data[name]
        return fields


def _clean_bouts(raw) -> list[dict] | str:
    """[{walked_s, rested_s, peak_pain}] with whole seconds; an error message otherwise."""
    if not isinstance(raw, list) or not raw:
        return "The walk has no timed stretches."
    if len(raw) > MAX_BOUTS:
        return f"A walk can have at most {MAX_BOUTS} stretches."
    bouts = []
    for item in raw:
        if not isinstance(item, dict):
            return "A timed stretch is not valid."
        walked, rested, peak = item.get("walked_s"), item.get("rested_s", 0), item.get("peak_pain")
        if not _whole(walked, 0, MAX_SECONDS) or not _whole(rested, 0, MAX_SECONDS):
            return "A timed stretch has an impossible length."
        if peak is not None and not _whole(peak, 0, 10):
            return "Pain must be a number from 0 to 10."
        bouts.append({"walked_s": walked, "rested_s": rested, "peak_pain": peak})
    return bouts


def _whole(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


# --- Preferences ------------------------------------------------------------------------


class PreferencesForm(forms.Form):
    remind_at = forms.TimeField(
        label="Time of day for a reminder",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "Enter a time, for example 10:00.", "invalid": "Enter a time."},
    )
    weekdays = forms.MultipleChoiceField(
        label="Days to remind me",
        choices=ReminderPreference.DAYS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one day.", "invalid_choice": "Choose a day."},
    )
    email_enabled = forms.BooleanField(label="Send me reminder emails", required=False)
    timezone_name = TimeZoneField(label="My time zone", required=False)
    large_text = forms.BooleanField(label="Larger text on every page", required=False)

    def __init__(self, *args, patient: Patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone_name"].choices = timezone_choices(
            patient.clinic.timezone, current=patient.timezone, clinic_label="Same as the clinic"
        )

    @classmethod
    def initial_for(cls, patient: Patient, preference: ReminderPreference) -> dict:
        return {
            "remind_at": preference.remind_at,
            "weekdays": preference.weekday_list,
            "email_enabled": preference.email_enabled,
            "timezone_name": patient.timezone,
            "large_text": preference.large_text,
        }

    def clean_weekdays(self) -> str:
        return "".join(sorted(self.cleaned_data["weekdays"]))

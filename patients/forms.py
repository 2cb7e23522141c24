from datetime import date

from django import forms

from clinic.forms import TherapistChoiceField
from clinic.models import User

from .models import Patient


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

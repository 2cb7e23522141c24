from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from .models import AuditEvent, Role, User


class StrideFormHelper(FormHelper):
    """The one crispy helper of Stride forms: `{% crispy form %}` draws the form's errors and
    fields (Bootstrap 5, one column, in field order); the page's template keeps the <form> tag,
    the CSRF token and the buttons, since most forms post to htmx targets or share a <form>
    with a formset. No form media: pages load their scripts themselves (CSP)."""

    form_tag = False
    disable_csrf = True
    include_media = False
    error_text_inline = False  # field errors in a <p>, as `|crispy` draws them


class StrideFormMixin:
    """Gives a form the shared helper as `form.helper`. No layout is built from the fields, so a
    form may add or drop fields in its own __init__; a form that needs a grid keeps it in its
    template (e.g. templates/assessments/partials/treadmill_stage.html)."""

    @property
    def helper(self) -> StrideFormHelper:
        return StrideFormHelper()


def add_form_errors(form: forms.Form, error: ValidationError | dict[str, str]) -> None:
    """Show a service's ValidationError (or a {field: message} dict from a pure rule) on the
    form: each message on its field when the form has one, else at the top of the form."""
    if isinstance(error, dict):
        error = ValidationError(error)
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class InvitationAcceptForm(StrideFormMixin, forms.Form):
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters. A short sentence you can remember works well.",
    )
    password2 = forms.CharField(
        label="Type the same password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords are not the same.")
        elif p1:
            try:
                validate_password(p1, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class StaffInvitationForm(StrideFormMixin, forms.Form):
    """Invite a clinic admin or therapist (clinic admins only)."""

    full_name = forms.CharField(max_length=200, label="Full name")
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=[(Role.THERAPIST, "Therapist"), (Role.ADMIN, "Clinic admin")])


class TherapistChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


class ReassignForm(forms.Form):
    therapist = TherapistChoiceField(queryset=User.objects.none(), label="Move to therapist")

    def __init__(self, *args, clinic_therapists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = clinic_therapists


class AuditFilterForm(forms.Form):
    patient = forms.IntegerField(required=False, min_value=1, label="Patient number")
    user = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="User")
    action = forms.ChoiceField(
        choices=[("", "Any action"), *AuditEvent.Action.choices], required=False
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, clinic_users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = clinic_users

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned

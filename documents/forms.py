"""Forms of documents. Plain-word checks come from services.py, the same ones it applies."""

from django import forms

from clinic.forms import StrideFormMixin, add_form_errors

from .services import report_period_errors


class ReportPeriodForm(StrideFormMixin, forms.Form):
    """The days a progress report covers: at most a year, none in the future."""

    period_start = forms.DateField(
        label="First day",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "invalid": "Enter a date, e.g. 2026-03-02.",
            "required": "Enter the first day.",
        },
    )
    period_end = forms.DateField(
        label="Last day",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "invalid": "Enter a date, e.g. 2026-03-02.",
            "required": "Enter the last day.",
        },
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start is not None and end is not None:
            add_form_errors(self, report_period_errors(start, end, today=self.today))
        return data

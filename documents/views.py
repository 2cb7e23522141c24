"""Pages of documents: ask for a handout or a progress report, follow it, download it.

Who may do what: therapists ask for PDFs; clinic staff follow and download their clinic's;
a patient downloads only their own current handout.
"""

import logging
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from clinic.access import patient_required, staff_required, therapist_required
from clinic.audit import audit_view
from clinic.forms import add_form_errors
from patients.dates import patient_today
from patients.selectors import get_patient_for_user
from programs.selectors import get_plan_for_user, open_plan_for_patient

from . import selectors, services
from .forms import ReportPeriodForm
from .models import Document

logger = logging.getLogger(__name__)


def _document_status(request, document):
    state = selectors.document_state(document)
    return render(request, "documents/partials/document_status.html", {"state": state})


@therapist_required
@require_POST
def handout_request(request, pk):
    """Make the plan's handout PDF in the background; htmx gets the polling status."""
    plan = get_plan_for_user(request.user, pk)
    try:
        document = services.document_request(
            patient=plan.patient,
            kind=Document.Kind.HANDOUT,
            requested_by=request.user,
            plan=plan,
            request=request,
        )
    except ValidationError as error:
        if request.htmx:
            context = {"message": " ".join(error.messages)}
            return render(request, "documents/partials/document_refused.html", context)
        messages.error(request, " ".join(error.messages))
        return redirect("programs:plan-detail", pk=plan.pk)
    if request.htmx:
        return _document_status(request, document)
    messages.success(request, "The handout is being prepared: reload this page in a moment.")
    return redirect("programs:plan-detail", pk=plan.pk)


def _report_start(patient, today):
    # The open plan's start when it began within the last year, else the last 12 weeks.
    plan = open_plan_for_patient(patient)
    if plan is not None and today - timedelta(days=365) < plan.start_date <= today:
        return plan.start_date
    return today - timedelta(weeks=12) + timedelta(days=1)


@therapist_required
def report_create(request, patient_pk):
    """The period form of a progress report; a valid POST starts the PDF."""
    patient = get_patient_for_user(request.user, patient_pk)
    today = patient_today(patient)
    form = ReportPeriodForm(
        request.POST or None,
        today=today,
        initial={"period_start": _report_start(patient, today), "period_end": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_request(
                patient=patient,
                kind=Document.Kind.REPORT,
                requested_by=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            if request.htmx:
                return _document_status(request, document)
            messages.success(request, "The progress report is being prepared: see it below.")
            return redirect("programs:patient-panel", patient_pk=patient.pk)
    audit_view(request, patient_id=patient.pk, obj=patient)
    context = {"patient": patient, "form": form}
    if request.htmx and request.method == "POST":  # errors go to the form, not the status
        response = render(request, "documents/partials/report_form.html", context)
        return reswap(retarget(response, "#report-form"), "outerHTML")
    return render(request, "documents/report_form.html", context)


@staff_required
def document_status(request, pk):
    """Where a PDF is (polled every 2 s by htmx as a passive request). Each poll is audited:
    it tells which report of which patient exists, its period and why it failed."""
    document = selectors.get_document_for_user(request.user, pk)
    audit_view(request, patient_id=document.patient_id, obj=document)
    return _document_status(request, document)


def _pdf_response(request, document):
    if document.status != Document.Status.READY or not document.file:
        raise Http404("This PDF is not ready.")
    try:
        handle = document.file.open("rb")
    except OSError:
        logger.error("The file of document %s is missing", document.pk)
        raise Http404("This PDF is missing.") from None
    services.document_downloaded(document=document, request=request)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=selectors.download_name(document),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def document_download(request, pk):
    return _pdf_response(request, selectors.get_document_for_user(request.user, pk))


@patient_required
def my_handout(request):
    """The patient's current handout: the newest ready one of their open plan."""
    document = selectors.current_handout_for_account(request.user)
    if document is None:
        messages.info(request, "Your handout is not ready yet. Please try again later.")
        return redirect("programs:my-plan")
    return _pdf_response(request, document)

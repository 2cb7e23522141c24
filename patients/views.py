"""Patient pages. Staff see their clinic's patients; a patient sees only their own record.

Every page that shows patient data writes an audit event; anything outside the user's scope
is a 404 (clinic.access).
"""

import io
import json
from contextlib import nullcontext

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clinic.access import admin_required, any_role_required, patient_required, staff_required
from clinic.audit import Action, audit_record, audit_view
from clinic.csvsafe import safe_writer
from clinic.forms import ReassignForm, add_form_errors
from clinic.models import Role
from clinic.selectors import therapists_for_clinic

from . import guidance, selectors, services, targets
from . import progress as progress_rules
from .charts import progress_charts
from .dates import local_today
from .forms import (
    AcknowledgeForm,
    PatientForm,
    PreferencesForm,
    RedFlagReportForm,
    WalkLogCreateForm,
    WalkLogFilterForm,
    WalkLogForm,
    WalkTimerForm,
)
from .models import WALKLOG_ENTRY_FIELDS, WalkLog
from .prescription import prescription_for_patient
from .rules import rules_for_patient
from .selectors import get_patient_for_user

LOGS_PER_PAGE = 50


def _own_patient(request):
    """The signed-in patient's record; a 404 for an account not linked to one."""
    patient = selectors.patient_for_account_with_clinic(request.user)
    if patient is None:
        raise Http404
    return patient


# --- Patient record (staff) ----------------------------------------------------------


@staff_required
def patient_create(request):
    therapists = therapists_for_clinic(request.user)
    initial = {"primary_therapist": request.user.pk} if request.user.role == "therapist" else {}
    form = PatientForm(request.POST or None, clinic_therapists=therapists, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "email"}
        email = form.cleaned_data["email"]
        try:
            if email:
                patient = services.patient_invite(
                    clinic=request.user.clinic,
                    email=email,
                    invited_by=request.user,
                    request=request,
                    **fields,
                )
            else:
                patient = services.patient_create(
                    clinic=request.user.clinic, created_by=request.user, request=request, **fields
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            sent = f" An invitation was sent to {email}." if email else ""
            messages.success(request, f"{patient.full_name} was added.{sent}")
            return redirect("patients:detail", pk=patient.pk)
    return render(request, "patients/patient_create.html", {"form": form})


@staff_required
def patient_detail(request, pk):
    patient = get_patient_for_user(request.user, pk)
    today = local_today(patient.tz_name)
    context = {
        "patient": patient,
        "rules": rules_for_patient(patient),
        "recent_logs": selectors.walklogs_for_patient(request.user, patient)[:5],
        "red_flags": selectors.red_flags_for_patient(request.user, patient)[:20],
        "monitoring_days": selectors.monitoring_days(patient, today=today),
        "monitoring_target": selectors.MONITORING_DAYS_TARGET,
        "acknowledge_form": AcknowledgeForm(),
    }
    audit_view(request, patient_id=patient.pk, obj=patient)
    return render(request, "patients/patient_detail.html", context)


@admin_required
@require_POST
def patient_reassign(request, pk):
    patient = get_patient_for_user(request.user, pk)
    form = ReassignForm(request.POST, clinic_therapists=therapists_for_clinic(request.user))
    if not form.is_valid():
        messages.error(request, "Choose a therapist of this clinic.")
        return redirect("dashboard:accounts")
    services.patient_reassign(
        patient=patient, therapist=form.cleaned_data["therapist"], by=request.user, request=request
    )
    messages.success(
        request, f"{patient.full_name} moved to {form.cleaned_data['therapist'].get_full_name()}."
    )
    return redirect("dashboard:accounts")


# --- Walk logs ------------------------------------------------------------------------


def _walklog_form_page(request, patient, *, source, template):
    form = WalkLogCreateForm(
        request.POST if request.method == "POST" else None,
        patient=patient,
        initial=WalkLogCreateForm.initial_for(patient),
        require_pain_after=source != WalkLog.Source.CLINIC,
    )
    if request.method == "POST" and form.is_valid():
        signs = form.cleaned_data["red_flags"]
        # The walk and its red-flag report are saved together or not at all; a walk alone
        # is one write in the service's own transaction (no outer one: one round trip less).
        together = transaction.atomic() if signs else nullcontext()
        try:
            with together:
                log = services.walklog_create(
                    patient=patient,
                    created_by=request.user,
                    source=source,
                    request=request,
                    **form.walklog_fields(),
                )
                if signs:
                    services.redflag_report(
                        patient=patient,
                        signs=signs,
                        reported_by=request.user,
                        source_log=log,
                        request=request,
                    )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            return _after_save(request, patient, log, red_flag=bool(signs))
    context = {
        "form": form,
        "patient": patient,
        "rules": rules_for_patient(patient),
        "first_walk": not selectors.has_walklogs(patient),
    }
    return render(request, template, context)


def _after_save(request, patient, log, *, red_flag: bool):
    if red_flag and request.user.role == Role.PATIENT:
        # docs/clinical-rules.md §6: the urgent-care page comes first, before anything else.
        return redirect(f"{reverse('patients:urgent')}?saved=walk")
    if red_flag:
        # docs/clinical-rules.md §6: the patient must go to an emergency department now. A
        # paper-diary patient has no Stride screen to tell them, so the person typing it must.
        messages.error(
            request,
            f"Red flag in this diary. Contact {patient.full_name} now: they need to go to an "
            "emergency department today (not drive themselves). The walk is saved, the team "
            "alerted and the plan paused.",
        )
        return redirect("patients:detail", pk=patient.pk)
    messages.success(request, "Your walk is saved." if log.source != "clinic" else "Walk saved.")
    return redirect("patients:walklog-detail", pk=log.pk)


@patient_required
def walklog_create(request):
    patient = _own_patient(request)
    return _walklog_form_page(
        request, patient, source=WalkLog.Source.FORM, template="patients/walklog_form.html"
    )


@staff_required
def walklog_enter(request, pk):
    """Staff copy a paper diary into Stride for a patient without an account."""
    patient = get_patient_for_user(request.user, pk)
    if patient.user_id is not None:
        messages.info(request, f"{patient.full_name} logs their own walks in Stride.")
        return redirect("patients:walklogs", pk=patient.pk)
    if request.method == "GET":  # showing the form reads the record; a saved walk is audited
        audit_view(request, patient_id=patient.pk, obj=patient)
    return _walklog_form_page(
        request, patient, source=WalkLog.Source.CLINIC, template="patients/walklog_form.html"
    )


@any_role_required
def walklog_detail(request, pk):
    staff = request.user.role != Role.PATIENT
    log = selectors.get_walklog_for_user(request.user, pk, include_deleted=staff)
    rules = rules_for_patient(log.patient)
    usual = selectors.usual_symptom_areas(log)
    # docs/clinical-rules.md §1b: "further down the leg than usual" against the walks before.
    further = bool(usual) and guidance.lowest_rank(log.symptom_areas) > max(
        guidance.lowest_rank(areas) for areas in usual
    )
    context = {
        "log": log,
        "patient": log.patient,
        "rules": rules,
        "message": targets.target_message(
            log.pain_before, log.pain_peak, log.pain_after, tingling=log.tingling, rules=rules
        ),
        "guidance": guidance.guidance_for(log.symptom_areas, further=further),
        "can_change": services.can_change_walklog(log, request.user),
        "revisions": selectors.revisions_for_log(log),
        "unit": log.patient.clinic.distance_unit,
    }
    audit_view(request, patient_id=log.patient_id, obj=log)
    return render(request, "patients/walklog_detail.html", context)


def _changeable_log(request, pk):
    log = selectors.get_walklog_for_user(request.user, pk)
    if not services.can_change_walklog(log, request.user):
        messages.info(
            request,
            "This walk can no longer be changed: logs can be corrected for 24 hours "
            "by the person who entered them.",
        )
        return log, redirect("patients:walklog-detail", pk=log.pk)
    return log, None


@any_role_required
def walklog_edit(request, pk):
    log, locked = _changeable_log(request, pk)
    if locked:
        return locked
    form = WalkLogForm(
        request.POST if request.method == "POST" else None,
        patient=log.patient,
        initial=WalkLogForm.initial_from_log(log),
        require_pain_after=log.source != WalkLog.Source.CLINIC,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.walklog_update(
                log=log, by=request.user, request=request, **form.walklog_fields()
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect("patients:walklog-detail", pk=log.pk)
    audit_view(request, patient_id=log.patient_id, obj=log)
    context = {
        "form": form,
        "patient": log.patient,
        "log": log,
        "rules": rules_for_patient(log.patient),
    }
    return render(request, "patients/walklog_form.html", context)


@any_role_required
def walklog_delete(request, pk):
    log, locked = _changeable_log(request, pk)
    if locked:
        return locked
    if request.method == "POST":
        try:
            services.walklog_delete(log=log, by=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("patients:walklog-detail", pk=log.pk)
        messages.success(request, "The walk is deleted.")
        if request.user.role == Role.PATIENT:
            return redirect("patients:my-walklogs")
        return redirect("patients:walklogs", pk=log.patient_id)
    audit_view(request, patient_id=log.patient_id, obj=log)
    return render(request, "patients/walklog_delete.html", {"log": log, "patient": log.patient})


@patient_required
def my_walklogs(request):
    patient = _own_patient(request)
    logs = selectors.walklogs_for_patient(request.user, patient)
    page = Paginator(logs, LOGS_PER_PAGE).get_page(request.GET.get("page"))
    audit_view(request, patient_id=patient.pk, obj=patient, object_type="patients.walklog")
    context = {"patient": patient, "page": page, "rules": rules_for_patient(patient)}
    return render(request, "patients/walklog_list.html", context)


@staff_required
def walklogs(request, pk):
    patient = get_patient_for_user(request.user, pk)
    rules = rules_for_patient(patient)
    form = WalkLogFilterForm(request.GET or None, rules=rules)
    logs = selectors.walklogs_for_patient(request.user, patient, rules=rules, **form.filters())
    page = Paginator(logs, LOGS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    audit_view(request, patient_id=patient.pk, obj=patient, object_type="patients.walklog")
    context = {
        "patient": patient,
        "rules": rules,
        "page": page,
        "form": form,
        "query_string": query.urlencode(),
    }
    return render(request, "patients/walklog_list.html", context)


# --- Walk timer -------------------------------------------------------------------------


@patient_required
def walk_timer(request):
    patient = _own_patient(request)
    # Nothing is pre-ticked from the last walk (docs/clinical-rules.md §1b).
    context = {
        "patient": patient,
        "form": WalkTimerForm(patient=patient),
        "rules": rules_for_patient(patient),
        "pain_values": range(11),
        "first_walk": not selectors.has_walklogs(patient),
        "guidance": guidance.all_guidance(),
        # Today's walks from the plan (docs/clinical-rules.md §1, §7); None: an open walk.
        "prescription": prescription_for_patient(patient),
    }
    return render(request, "patients/walk_timer.html", context)


@patient_required
@require_POST
def walk_timer_save(request):
    """The walk timer's upload (JSON). A replay of the same walk returns the stored log."""
    patient = _own_patient(request)
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict):
        return JsonResponse({"errors": ["Send the walk as a JSON object."]}, status=400)
    form = WalkTimerForm(payload, patient=patient)
    if not form.is_valid():
        errors = [str(m) for messages_ in form.errors.values() for m in messages_]
        return JsonResponse({"errors": errors}, status=400)
    try:
        with transaction.atomic():
            log, created = services.walklog_from_timer(
                patient=patient,
                created_by=request.user,
                client_id=form.cleaned_data["client_id"],
                request=request,
                **form.walklog_fields(),
            )
            signs = form.cleaned_data["red_flags"]
            if signs and created:
                services.redflag_report(
                    patient=patient,
                    signs=signs,
                    reported_by=request.user,
                    source_log=log,
                    request=request,
                )
    except ValidationError as error:
        return JsonResponse({"errors": error.messages}, status=400)
    if signs:
        url = f"{reverse('patients:urgent')}?saved=walk"
    else:
        url = reverse("patients:walklog-detail", args=[log.pk])
    return JsonResponse(
        {"id": log.pk, "created": created, "url": url}, status=201 if created else 200
    )


# --- Red flags ------------------------------------------------------------------------------


@patient_required
def redflag_report(request):
    patient = _own_patient(request)
    form = RedFlagReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.redflag_report(
            patient=patient,
            signs=form.cleaned_data["signs"],
            reported_by=request.user,
            request=request,
        )
        return redirect("patients:urgent")
    return render(request, "patients/redflag_report.html", {"form": form, "patient": patient})


@patient_required
def urgent(request):
    """What to do now (docs/clinical-rules.md §6). Shows no health details, only the clinic's
    contacts."""
    patient = _own_patient(request)
    context = {"clinic": patient.clinic, "saved_walk": request.GET.get("saved") == "walk"}
    return render(request, "patients/urgent.html", context)


@staff_required
@require_POST
def redflag_acknowledge(request, pk):
    report = selectors.get_red_flag_for_user(request.user, pk)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.redflag_acknowledge(
                report=report, by=request.user, note=form.cleaned_data["note"], request=request
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Red flag acknowledged. It stays in the patient's history.")
    else:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect(f"{reverse('patients:detail', args=[report.patient_id])}#red-flags")


# --- Progress ---------------------------------------------------------------------------------


def _progress_page(request, patient, *, you: bool):
    today = local_today(patient.tz_name)
    rules = rules_for_patient(patient)
    rows = selectors.progress_rows(request.user, patient)
    progress = progress_rules.build(rows, today=today, rules=rules)
    audit_view(request, patient_id=patient.pk, obj=patient, object_type="patients.progress")
    context = {
        "patient": patient,
        "rules": rules,
        "progress": progress,
        "sentence": progress_rules.sentence(progress, you=you),
        "you": you,
        "today": today,
        # Drawn into the page from this one build: no request (or audit event) per chart.
        "charts": progress_charts(progress, rules) if progress.total_walks else {},
    }
    return render(request, "patients/progress.html", context)


@patient_required
def my_progress(request):
    return _progress_page(request, _own_patient(request), you=True)


@staff_required
def progress(request, pk):
    return _progress_page(request, get_patient_for_user(request.user, pk), you=False)


# --- Preferences and export ------------------------------------------------------------------


@patient_required
def preferences(request):
    patient = _own_patient(request)
    preference = selectors.reminder_preference_for(patient)
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        patient=patient,
        initial=PreferencesForm.initial_for(patient, preference),
    )
    if request.method == "POST" and form.is_valid():
        try:
            preference = services.reminder_preference_update(
                patient=patient, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            request.session["large_text"] = preference.large_text
            messages.success(request, "Your settings are saved.")
            return redirect("patients:preferences")
    audit_view(request, patient_id=patient.pk, obj=preference if preference.pk else patient)
    return render(request, "patients/preferences.html", {"form": form, "patient": patient})


EXPORT_LOG_FIELDS = ("id", *WALKLOG_ENTRY_FIELDS, "source", "bouts", "created_at", "deleted_at")


def _export_value(value):
    if isinstance(value, list | dict):
        return json.dumps(value)
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _export(request, kind: str):
    patient = _own_patient(request)
    data = selectors.export_for_patient(request.user, patient)
    audit_record(
        action=Action.EXPORT,
        request=request,
        patient_id=patient.pk,
        obj=patient,
        object_id=f"{patient.pk}.{kind}",
    )
    return patient, data


@patient_required
def export_csv(request):
    """Every walk log as one CSV row (deleted ones too, with their deletion time)."""
    _patient, data = _export(request, "csv")
    out = io.StringIO()
    writer = safe_writer(out)
    writer.writerow(EXPORT_LOG_FIELDS)
    for log in data["walk_logs"]:
        writer.writerow([_export_value(getattr(log, name)) for name in EXPORT_LOG_FIELDS])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="stride-my-walks.csv"'
    return response


@patient_required
def export_json(request):
    """Everything: the record, preferences, walk logs and red-flag reports."""
    patient, data = _export(request, "json")
    preference = data["preference"]
    document = {
        "patient": {
            "full_name": patient.full_name,
            "date_of_birth": _export_value(patient.date_of_birth),
            "clinic": patient.clinic.name,
            "therapist": patient.primary_therapist.get_full_name(),
            "stenosis_type": patient.stenosis_type,
            "affected_side": patient.affected_side,
            "symptom_pattern": patient.symptom_pattern,
            "referring_physician": patient.referring_physician,
            "timezone": patient.tz_name,
        },
        "reminder_preferences": {
            "remind_at": _export_value(preference.remind_at),
            "weekdays": preference.weekday_list,
            "email_enabled": preference.email_enabled,
            "large_text": preference.large_text,
        },
        "walk_logs": [
            {name: _json_value(getattr(log, name)) for name in EXPORT_LOG_FIELDS}
            for log in data["walk_logs"]
        ],
        "red_flag_reports": [
            {
                "reported_at": _export_value(r.reported_at),
                "signs": r.signs,
                "status": r.status,
                "acknowledged_at": _json_value(r.acknowledged_at),
            }
            for r in data["red_flag_reports"]
        ],
    }
    response = JsonResponse(document, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="stride-my-data.json"'
    return response


def _json_value(value):
    if value is None or isinstance(value, bool | int | list | dict):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)

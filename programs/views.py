"""Pages of programs: the exercise library, templates, a patient's plan and its suggestions.

Who may do what: every clinic staff member reads; plans, templates, exercises and
suggestion decisions are clinical, so only therapists change them; clinic admins set the
progression thresholds; patients see their own plan and tick exercises done.
"""

import copy
import logging
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clinic.access import admin_required, patient_required, staff_required, therapist_required
from clinic.audit import audit_view
from clinic.forms import add_form_errors
from clinic.selectors import clinic_rules
from patients.dates import patient_today
from patients.selectors import get_patient_for_user

from . import forms, schedule, selectors, services

logger = logging.getLogger(__name__)

# --- library ----------------------------------------------------------------------------------


@staff_required
def exercise_list(request):
    exercises = selectors.exercises_for_user(request.user)
    return render(request, "programs/exercise_list.html", {"exercises": exercises})


@staff_required
def exercise_detail(request, pk):
    exercise = selectors.get_exercise_for_user(request.user, pk)
    return render(request, "programs/exercise_detail.html", {"exercise": exercise})


@therapist_required
def exercise_create(request):
    initial = {}
    source = request.GET.get("from")
    if source and source.isdigit():
        copy_of = selectors.get_exercise_for_user(request.user, source)
        initial = {name: getattr(copy_of, name) for name in forms.ExerciseForm.Meta.fields}
        initial["name"] = f"{copy_of.name} (our version)"
    form = forms.ExerciseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            exercise = services.exercise_create(
                clinic=request.user.clinic,
                created_by=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"{exercise.name} was added to your clinic's library.")
            return redirect("programs:exercise-detail", pk=exercise.pk)
    return render(request, "programs/exercise_form.html", {"form": form, "exercise": None})


@therapist_required
def exercise_edit(request, pk):
    exercise = selectors.get_editable_exercise_for_user(request.user, pk)
    form = forms.ExerciseForm(request.POST or None, instance=copy.copy(exercise))
    if request.method == "POST" and form.is_valid():
        try:
            services.exercise_update(
                exercise=exercise, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"{exercise.name} was saved.")
            return redirect("programs:exercise-detail", pk=exercise.pk)
    return render(request, "programs/exercise_form.html", {"form": form, "exercise": exercise})


@staff_required
def template_list(request):
    templates = selectors.templates_for_user(request.user)
    return render(request, "programs/template_list.html", {"templates": templates})


@staff_required
def template_detail(request, pk):
    template = selectors.get_template_for_user(request.user, pk)
    return render(request, "programs/template_detail.html", {"template": template})


@therapist_required
@require_POST
def template_clone(request, pk):
    template = selectors.get_template_for_user(request.user, pk)
    copy = services.template_clone(template=template, by=request.user, request=request)
    messages.success(request, f"'{copy.name}' is your clinic's copy: edit it here.")
    return redirect("programs:template-edit", pk=copy.pk)


@therapist_required
def template_edit(request, pk):
    template = selectors.get_editable_template_for_user(request.user, pk)
    data = request.POST or None
    form = forms.TemplateForm(
        data,
        weeks=template.weeks,
        initial={
            "name": template.name,
            "description": template.description,
            "sessions_per_week": template.sessions_per_week,
            "bouts_per_session": template.bouts_per_session,
            "progress_from_week": template.progress_from_week,
        },
    )
    week_forms = forms.TemplateWeekFormSet(
        data,
        prefix="wk",
        initial=[
            {"number": w.number, "phase": w.phase, "note": w.note} for w in template.week_set.all()
        ],
    )
    items = forms.exercise_formset(
        data=data,
        initial=forms.initial_items(template.items.all()),
        exercises=selectors.exercises_for_user(request.user, active_only=True),
        weeks=template.weeks,
    )
    if request.method == "POST" and all([form.is_valid(), week_forms.is_valid(), items.is_valid()]):
        fields = {k: v for k, v in form.cleaned_data.items() if k != "bout_minutes"}
        try:
            services.template_update(
                template=template,
                by=request.user,
                request=request,
                weeks=[w.cleaned_data for w in week_forms if w.cleaned_data],
                items=items.doses(),
                **fields,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"'{template.name}' was saved.")
            return redirect("programs:template-detail", pk=template.pk)
    context = {"template": template, "form": form, "week_forms": week_forms, "items": items}
    return render(request, "programs/template_form.html", context)


# --- plans ------------------------------------------------------------------------------------


@staff_required
def patient_panel(request, patient_pk):
    """The plan section of the patient's page (loaded into patients' detail page), with the
    patient's handouts and reports."""
    patient = get_patient_for_user(request.user, patient_pk)
    panel = selectors.plan_panel_for_patient(patient)
    if panel.plan is not None:
        audit_view(request, patient_id=patient.pk, obj=panel.plan)
    page = (
        "programs/partials/patient_panel.html"
        if request.htmx
        else "programs/patient_plan_page.html"
    )
    return render(request, page, {"panel": panel, "patient": patient})


def _assign_forms(request, patient, template):
    settings_row = selectors.program_settings_for(patient.clinic)
    _, onset_s = selectors.baseline_for_patient(patient)
    data = request.POST if request.method == "POST" else None
    today = patient_today(patient)
    form = forms.PlanAssignForm(
        data,
        today=today,
        treadmill_onset_s=onset_s,
        initial={
            "start_date": today,
            "sessions_per_week": template.sessions_per_week,
            "bouts_per_session": template.bouts_per_session,
        },
    )
    form.min_bout_minutes = settings_row.min_bout_minutes
    items = forms.exercise_formset(
        data=data,
        initial=forms.initial_items(template.items.all()),
        exercises=selectors.exercises_for_user(request.user, active_only=True),
        weeks=template.weeks,
    )
    return form, items, settings_row


def _preview(form, template, settings_row):
    data = form.cleaned_data
    return schedule.schedule_preview(
        start=data["start_date"],
        weeks=template.weeks,
        prescription=SimpleNamespace(
            sessions_per_week=data["sessions_per_week"],
            bouts_per_session=data["bouts_per_session"],
            bout_minutes=data["bout_minutes"],
        ),
        progress_from_week=template.progress_from_week,
        week_notes=[
            {"number": w.number, "phase": w.phase, "note": w.note} for w in template.week_set.all()
        ],
        rules=settings_row.rules(),
    )


@therapist_required
def plan_assign(request, patient_pk):
    patient = get_patient_for_user(request.user, patient_pk)
    existing = selectors.open_plan_for_patient(patient)
    if existing is not None:
        messages.info(
            request, f"{patient.full_name} already has a plan: adjust it or end it first."
        )
        return redirect("programs:plan-detail", pk=existing.pk)
    template_pk = request.POST.get("template") or request.GET.get("template")
    template = (
        selectors.get_template_for_user(request.user, template_pk)
        if template_pk
        else selectors.default_template_for_user(request.user)
    )
    if template is None:
        messages.error(request, "There is no programme template yet: ask your administrator.")
        return redirect("programs:template-list")
    form, items, settings_row = _assign_forms(request, patient, template)
    preview = None
    if request.method == "POST" and form.is_valid() and items.is_valid():
        preview = _preview(form, template, settings_row)
        if request.POST.get("action") == "save":
            try:
                plan = services.plan_assign(
                    patient=patient,
                    by=request.user,
                    template=template,
                    exercises=items.doses(),
                    **_assign_fields(form),
                    request=request,
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(
                    request, f"The plan for {patient.full_name} starts {plan.start_date:%A %-d %B}."
                )
                return redirect("programs:plan-detail", pk=plan.pk)
    audit_view(request, patient_id=patient.pk, obj=patient)
    context = {
        "patient": patient,
        "template": template,
        "templates": selectors.templates_for_user(request.user),
        "form": form,
        "items": items,
        "preview": preview,
    }
    return render(request, "programs/plan_assign.html", context)


def _assign_fields(form) -> dict:
    data = form.cleaned_data
    return {
        "start_date": data["start_date"],
        "sessions_per_week": data["sessions_per_week"],
        "bouts_per_session": data["bouts_per_session"],
        "bout_minutes": data["bout_minutes"],
        "baseline_minutes": form.baseline or data["bout_minutes"],
        "baseline_treadmill_seconds": form.treadmill_onset_s,
        "baseline_self_reported_minutes": data.get("self_reported_minutes"),
        "reason": data.get("reason", ""),
    }


@staff_required
def plan_detail(request, pk):
    plan = selectors.get_plan_for_user(request.user, pk)
    audit_view(request, patient_id=plan.patient_id, obj=plan)
    context = {
        "plan": plan,
        "weeks": selectors.plan_weeks(plan),
        "history": list(reversed(selectors.versions_with_changes(plan))),
        "reason_form": forms.ReasonForm(),
        "rules_in_force": selectors.rules_in_force(plan),
    }
    return render(request, "programs/plan_detail.html", context)


@therapist_required
def plan_adjust(request, pk):
    plan = selectors.get_plan_for_user(request.user, pk)
    if not plan.is_open:
        messages.error(request, "This plan has ended and cannot be changed.")
        return redirect("programs:plan-detail", pk=plan.pk)
    data = request.POST or None
    form = forms.PlanAdjustForm(
        data,
        initial={
            "sessions_per_week": plan.sessions_per_week,
            "bouts_per_session": plan.bouts_per_session,
            "bout_minutes": plan.bout_minutes,
        },
    )
    form.min_bout_minutes = selectors.program_settings_for(plan.patient.clinic).min_bout_minutes
    items = forms.exercise_formset(
        data=data,
        initial=forms.initial_items(plan.exercises.select_related("exercise")),
        exercises=selectors.exercises_for_user(request.user, active_only=True),
        weeks=plan.weeks,
    )
    if request.method == "POST" and form.is_valid() and items.is_valid():
        try:
            services.plan_adjust(
                plan=plan,
                by=request.user,
                exercises=items.doses(),
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "The plan was changed from today.")
            return redirect("programs:plan-detail", pk=plan.pk)
    audit_view(request, patient_id=plan.patient_id, obj=plan)
    return render(
        request, "programs/plan_adjust.html", {"plan": plan, "form": form, "items": items}
    )


@therapist_required
def plan_rules(request, pk):
    """This plan's own thresholds (docs/clinical-rules.md §7.7), within the clinic's bounds."""
    plan = selectors.get_plan_for_user(request.user, pk)
    if not plan.is_open:
        messages.error(request, "This plan has ended and cannot be changed.")
        return redirect("programs:plan-detail", pk=plan.pk)
    form = forms.PlanRulesForm(
        request.POST or None,
        clinic_rules=clinic_rules(plan.patient.clinic),
        overrides=plan.rule_overrides or {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_rules_set(
                plan=plan,
                by=request.user,
                overrides=form.overrides(),
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "This plan's thresholds were saved.")
            return redirect("programs:plan-detail", pk=plan.pk)
    elif request.method != "POST":
        audit_view(request, patient_id=plan.patient_id, obj=plan)
    return render(request, "programs/plan_rules.html", {"plan": plan, "form": form})


@therapist_required
@require_POST
def retest_dismiss(request, pk):
    """The week-8 re-test will not be done (docs/clinical-rules.md §9): the reason is kept."""
    retest = selectors.get_retest_for_user(request.user, pk)
    try:
        services.retest_dismiss(
            retest=retest, by=request.user, reason=request.POST.get("reason", ""), request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The re-test was dismissed; the reason is in the plan's file.")
    return redirect("patients:detail", pk=retest.plan.patient_id)


def _status_change(request, pk, service, success: str, *, reason_required=True):
    plan = selectors.get_plan_for_user(request.user, pk)
    form = forms.ReasonForm(request.POST, required=reason_required)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect("programs:plan-detail", pk=plan.pk)
    try:
        service(plan=plan, by=request.user, reason=form.cleaned_data["reason"], request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("programs:plan-detail", pk=plan.pk)


@therapist_required
@require_POST
def plan_pause(request, pk):
    return _status_change(request, pk, services.plan_pause, "The plan is paused.")


@therapist_required
@require_POST
def plan_resume(request, pk):
    return _status_change(
        request, pk, services.plan_resume, "The plan is active again.", reason_required=False
    )


@therapist_required
@require_POST
def plan_end(request, pk):
    return _status_change(request, pk, services.plan_end, "The plan has ended.")


# --- suggestions ------------------------------------------------------------------------------


def _after_decision(request, suggestion, message: str, *, ok: bool):
    if request.htmx:
        return render(
            request,
            "programs/partials/suggestion_decided.html",
            {"suggestion": suggestion, "message": message, "ok": ok},
        )
    (messages.success if ok else messages.error)(request, message)
    return redirect(_next_url(request, suggestion))


def _next_url(request, suggestion) -> str:
    if request.POST.get("next") == "caseload":
        return reverse("dashboard:caseload")
    return reverse("patients:detail", args=[suggestion.plan.patient_id])


@therapist_required
@require_POST
def suggestion_approve(request, pk):
    suggestion = selectors.get_suggestion_for_user(request.user, pk)
    try:
        services.progression_approve(suggestion=suggestion, by=request.user, request=request)
    except ValidationError as error:
        return _after_decision(request, suggestion, " ".join(error.messages), ok=False)
    name = suggestion.plan.patient.full_name
    return _after_decision(
        request, suggestion, f"Approved for {name}: it applies from the next plan week.", ok=True
    )


@therapist_required
@require_POST
def suggestion_reject(request, pk):
    suggestion = selectors.get_suggestion_for_user(request.user, pk)
    form = forms.SuggestionRejectForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.progression_reject(
            suggestion=suggestion, by=request.user, note=note, request=request
        )
    except ValidationError as error:
        return _after_decision(request, suggestion, " ".join(error.messages), ok=False)
    name = suggestion.plan.patient.full_name
    return _after_decision(
        request, suggestion, f"Rejected for {name}: the plan stays as it is.", ok=True
    )


@therapist_required
def suggestion_edit(request, pk):
    suggestion = selectors.get_suggestion_for_user(request.user, pk)
    plan = suggestion.plan
    form = forms.SuggestionEditForm(
        request.POST or None,
        initial={
            "sessions_per_week": suggestion.suggested_sessions_per_week,
            "bouts_per_session": suggestion.suggested_bouts_per_session,
            "bout_minutes": suggestion.suggested_bout_minutes,
        },
    )
    form.min_bout_minutes = selectors.program_settings_for(plan.patient.clinic).min_bout_minutes
    if request.method == "POST" and form.is_valid():
        try:
            services.progression_approve_edited(
                suggestion=suggestion, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(
                request, "Approved with your changes: they apply from the next plan week."
            )
            return redirect("patients:detail", pk=plan.patient_id)
    audit_view(request, patient_id=plan.patient_id, obj=suggestion)
    return render(
        request,
        "programs/suggestion_edit.html",
        {"suggestion": suggestion, "plan": plan, "form": form},
    )


# --- clinic settings --------------------------------------------------------------------------


@admin_required
def program_settings(request):
    instance = selectors.program_settings_for(request.user.clinic)
    form = forms.ClinicalSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.program_settings_update(
                clinic=request.user.clinic, by=request.user, request=request, **fields
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Programme settings saved.")
            return redirect("programs:settings")
    return render(request, "programs/settings.html", {"form": form})


# --- patient ----------------------------------------------------------------------------------


@patient_required
def my_plan(request):
    plan = selectors.plan_for_patient_account(request.user)
    weeks = []
    if plan is not None:
        audit_view(request, patient_id=plan.patient_id, obj=plan)
        weeks = selectors.plan_weeks(plan)
    context = {"plan": plan, "weeks": weeks}
    return render(request, "programs/my_plan.html", context)


@patient_required
@require_POST
def exercise_done(request, exercise_pk):
    plan, item = selectors.today_item_for_patient(request.user, exercise_pk)
    done = request.POST.get("done") != "0"
    try:
        done = services.exercise_done_set(
            plan=plan, exercise=item.exercise, by=request.user, done=done, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dashboard:today")
    if request.htmx:
        entry = selectors.TodayExercise(item=item, done_today=done)
        return render(request, "programs/partials/done_button.html", {"entry": entry})
    return redirect("dashboard:today")

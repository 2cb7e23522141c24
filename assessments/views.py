"""Assessment pages. Therapists record and correct; clinic staff read; patients answer their
own questionnaires; anyone may take the public stenosis quiz (nothing stored).

Every page that shows a result writes an audit event; anything outside the user's scope is
a 404 (clinic.access).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clinic.access import (
    admin_required,
    patient_required,
    staff_required,
    therapist_required,
)
from clinic.audit import audit_view
from clinic.charts import OnPage
from clinic.forms import add_form_errors
from patients.dates import patient_today
from patients.selectors import get_patient_for_user, patient_for_account

from . import charts, engine, forms, public_quiz, registry, selectors, services
from .models import Administration, Instrument

# --- Walking tests: one set of views for every kind in assessments.registry --------


def _kind(slug: str) -> registry.WalkTestKind:
    try:
        return registry.walk_test_kind(slug)
    except ValueError:
        raise Http404 from None


@therapist_required
@require_http_methods(["GET", "POST"])
def test_create(request, pk, kind):
    kind = _kind(kind)
    patient = get_patient_for_user(request.user, pk)
    form = kind.form(
        request.POST or None,
        initial={"performed_on": patient_today(patient)},
        defaults=selectors.assessment_settings_for(request.user.clinic),
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.walk_test_create(
                kind=kind.slug,
                patient=patient,
                tester=request.user,
                request=request,
                **form.service_fields(),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"{kind.title} saved.")
            return redirect(kind.detail_url_name, pk=result.pk)
    audit_view(request, patient_id=patient.pk, obj=patient)
    context = {"form": form, "patient": patient, "kind": kind}
    return render(request, kind.form_template, context)


@staff_required
def test_detail(request, pk, kind):
    kind = _kind(kind)
    result = selectors.get_result_for_user(kind.model, request.user, pk)
    audit_view(request, patient_id=result.patient_id, obj=result)
    context = {
        "result": result,
        "patient": result.patient,
        "kind": kind,
        "versions": selectors.result_versions(result),
    }
    return render(request, kind.detail_template, context)


@therapist_required
@require_http_methods(["GET", "POST"])
def test_correct(request, pk, kind):
    kind = _kind(kind)
    result = selectors.get_result_for_user(kind.model, request.user, pk)
    if hasattr(result, "superseded_by"):
        messages.info(request, "That version was already corrected: this is the current one.")
        return redirect(kind.correct_url_name, pk=_current_pk(result))
    form = kind.correction_form(
        request.POST or None,
        initial=kind.form.initial_for(result),
        defaults=selectors.assessment_settings_for(request.user.clinic),
    )
    if request.method == "GET":
        audit_view(request, patient_id=result.patient_id, obj=result)
    if request.method == "POST" and form.is_valid():
        try:
            corrected = services.walk_test_correct(
                test=result,
                corrected_by=request.user,
                correction_note=form.cleaned_data["correction_note"],
                request=request,
                **form.service_fields(),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Correction saved. The earlier version is kept.")
            return redirect(kind.detail_url_name, pk=corrected.pk)
    context = {"form": form, "patient": result.patient, "kind": kind, "result": result}
    return render(request, kind.form_template, context)


def _current_pk(result) -> int:
    model = type(result)
    return (
        model.objects.filter(original_id=result.root_id)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    ) or result.pk


# --- Questionnaires (staff) -------------------------------------------------


def _questionnaire_form(request, instrument, patient, *, with_date, administration=None):
    activities = []
    if instrument.scoring_rule == Instrument.Rule.PSFS and administration is None:
        activities = selectors.previous_psfs_activities(request.user, patient)
    form = forms.QuestionnaireForm(
        request.POST or None,
        definition=instrument.definition,
        with_date=with_date,
        activities=activities,
        initial={"performed_on": patient_today(patient)} if with_date else None,
    )
    if administration is not None and request.method == "GET":
        form.set_answers(administration.answers)
        form.initial["performed_on"] = administration.performed_on
    return form


@therapist_required
@require_http_methods(["GET", "POST"])
def administer(request, pk, instrument_pk):
    patient = get_patient_for_user(request.user, pk)
    instrument = selectors.get_instrument_for_user(request.user, instrument_pk)
    form = _questionnaire_form(request, instrument, patient, with_date=True)
    if request.method == "POST" and form.is_valid():
        try:
            administration = services.administration_create(
                patient=patient,
                instrument=instrument,
                given_by=request.user,
                answers=form.answers,
                performed_on=form.cleaned_data["performed_on"],
                request=request,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"{instrument.display_title} saved.")
            return redirect("assessments:administration-detail", pk=administration.pk)
    audit_view(request, patient_id=patient.pk, obj=patient)
    context = {"form": form, "patient": patient, "instrument": instrument}
    return render(request, "assessments/questionnaire_form.html", context)


@staff_required
def administration_detail(request, pk):
    administration = selectors.get_result_for_user(Administration, request.user, pk)
    audit_view(request, patient_id=administration.patient_id, obj=administration)
    context = {
        "result": administration,
        "patient": administration.patient,
        "answers": _answer_rows(administration),
        "explanation": engine.explain(
            administration.instrument.definition, administration.scores, audience="clinician"
        ),
        "versions": selectors.result_versions(administration),
    }
    return render(request, "assessments/administration_detail.html", context)


@therapist_required
@require_http_methods(["GET", "POST"])
def administration_correct(request, pk):
    administration = selectors.get_result_for_user(Administration, request.user, pk)
    if hasattr(administration, "superseded_by"):
        messages.info(request, "That version was already corrected: this is the current one.")
        return redirect("assessments:administration-correct", pk=_current_pk(administration))
    instrument = administration.instrument
    form = _questionnaire_form(
        request, instrument, administration.patient, with_date=True, administration=administration
    )
    note_form = forms.CorrectionMixin(request.POST or None, prefix="correction")
    if request.method == "GET":
        audit_view(request, patient_id=administration.patient_id, obj=administration)
    if request.method == "POST" and form.is_valid() & note_form.is_valid():
        try:
            corrected = services.administration_correct(
                administration=administration,
                corrected_by=request.user,
                correction_note=note_form.cleaned_data["correction_note"],
                answers=form.answers,
                performed_on=form.cleaned_data["performed_on"],
                request=request,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Correction saved. The earlier answers are kept.")
            return redirect("assessments:administration-detail", pk=corrected.pk)
    context = {
        "form": form,
        "note_form": note_form,
        "patient": administration.patient,
        "instrument": instrument,
        "result": administration,
    }
    return render(request, "assessments/questionnaire_form.html", context)


def _answer_rows(administration) -> list[dict]:
    definition = administration.instrument.definition
    rows = []
    for item in definition["items"]:
        value = administration.answers.get(item["key"])
        if item.get("kind") == engine.KIND_ACTIVITY:
            if value:
                rows.append({"question": value["activity"], "answer": f"{value['rating']} / 10"})
            continue
        labels = {repr(o["value"]): o["label"] for o in engine.item_options(definition, item)}
        answer = "Left blank" if value is None else labels.get(repr(value), str(value))
        rows.append({"question": item["text"], "answer": answer, "group": item.get("group")})
    return rows


@therapist_required
@require_http_methods(["GET", "POST"])
def assign(request, pk):
    patient = get_patient_for_user(request.user, pk)
    form = forms.AssignmentForm(
        request.POST or None, instruments=selectors.instruments_for_user(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_create(
                patient=patient,
                assigned_by=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Questionnaire assigned. The patient sees it on Today.")
            return redirect("assessments:patient-history", pk=patient.pk)
    audit_view(request, patient_id=patient.pk, obj=patient)
    return render(request, "assessments/assign.html", {"form": form, "patient": patient})


@therapist_required
@require_POST
def assignment_stop(request, pk):
    assignment = selectors.get_assignment_for_user(request.user, pk)
    try:
        services.assignment_stop(assignment=assignment, stopped_by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{assignment.instrument.display_title} is no longer asked.")
    return redirect("assessments:patient-history", pk=assignment.patient_id)


# --- History and charts -----------------------------------------------------


def _chart_sections(patient, history) -> list[dict]:
    unit = patient.clinic.distance_unit
    return [
        {
            "measure": measure,
            "rows": charts.table_rows(measure, points),
            "axis": charts.axis_label(measure, unit),
            # Drawn into the page from the history it read: no request (or audit) per chart.
            "svg": charts.render_svg(
                measure,
                points,
                distance_unit=unit,
                on_page=OnPage(
                    id=f"chart-{measure.code}",
                    description=charts.describe(measure, points, distance_unit=unit),
                ),
            ),
        }
        for measure, points in charts.series_for(history.by_source, distance_unit=unit)
    ]


@staff_required
def patient_history(request, pk):
    patient = get_patient_for_user(request.user, pk)
    history = selectors.history_for_patient(request.user, patient)
    audit_view(request, patient_id=patient.pk, object_type="assessments.history")
    context = {
        "patient": patient,
        "history": history,
        "charts": _chart_sections(patient, history),
        "assignments": selectors.active_assignments_for_patient(request.user, patient),
        "instruments": selectors.instruments_for_user(request.user),
    }
    return render(request, "assessments/patient_history.html", context)


@staff_required
def patient_summary(request, pk):
    """The assessments card on the patient's page (loaded by htmx)."""
    patient = get_patient_for_user(request.user, pk)
    latest = selectors.latest_results_for_patient(request.user, patient)
    audit_view(request, patient_id=patient.pk, object_type="assessments.summary")
    return render(
        request, "assessments/partials/patient_summary.html", {"patient": patient, **latest}
    )


# --- Patient pages ----------------------------------------------------------


def _own_patient(request):
    patient = patient_for_account(request.user)
    if patient is None:
        raise Http404
    return patient


@patient_required
def my_history(request):
    patient = _own_patient(request)
    history = selectors.history_for_patient(request.user, patient, questionnaires_only=True)
    audit_view(request, patient_id=patient.pk, object_type="assessments.history")
    context = {
        "patient": patient,
        "history": history,
        "charts": _chart_sections(patient, history),
        "assignments": selectors.active_assignments_for_patient(request.user, patient),
    }
    return render(request, "assessments/my_history.html", context)


@patient_required
@require_http_methods(["GET", "POST"])
def my_answer(request, pk):
    assignment = selectors.get_assignment_for_user(request.user, pk)
    if assignment.status != assignment.Status.ACTIVE:
        messages.info(request, "You have already answered this questionnaire. Thank you.")
        return redirect("assessments:my-history")
    patient = assignment.patient
    form = _questionnaire_form(request, assignment.instrument, patient, with_date=False)
    if request.method == "POST" and form.is_valid():
        try:
            administration = services.administration_create(
                patient=patient,
                instrument=assignment.instrument,
                given_by=request.user,
                answers=form.answers,
                assignment=assignment,
                request=request,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            return redirect("assessments:my-result", pk=administration.pk)
    audit_view(request, patient_id=patient.pk, obj=assignment)
    context = {"form": form, "instrument": assignment.instrument, "patient": patient}
    return render(request, "assessments/my_answer.html", context)


@patient_required
def my_result(request, pk):
    administration = selectors.get_result_for_user(Administration, request.user, pk)
    audit_view(request, patient_id=administration.patient_id, obj=administration)
    context = {
        "result": administration,
        "instrument": administration.instrument,
        # docs/clinical-rules.md §4: a patient never sees the Fairbank ODI band names.
        "explanation": engine.explain(
            administration.instrument.definition, administration.scores, audience="patient"
        ),
        "clinic": request.user.clinic,
    }
    return render(request, "assessments/my_result.html", context)


@patient_required
@require_http_methods(["GET", "POST"])
def my_quiz(request):
    """The stenosis quiz for a signed-in patient: the answers go into their record."""
    patient = _own_patient(request)
    instrument = selectors.bundled_instrument("sshq")
    form = forms.QuestionnaireForm(request.POST or None, definition=instrument.definition)
    if request.method == "POST" and form.is_valid():
        try:
            administration = services.administration_create(
                patient=patient,
                instrument=instrument,
                given_by=request.user,
                answers=form.answers,
                request=request,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            return redirect("assessments:my-result", pk=administration.pk)
    context = {"form": form, "instrument": instrument, "public": False}
    return render(request, "assessments/quiz.html", context)


# --- Public stenosis quiz ---------------------------------------------------


@require_http_methods(["GET", "POST"])
def stenosis_quiz(request):
    """The SSHQ for anyone, e.g. linked from a clinic's website. Nothing is stored: no
    record, no audit event, no session; only a hashed per-address counter for the rate
    limit, which expires on its own."""
    instrument = selectors.bundled_instrument("sshq")
    clinic = public_quiz.clinic_from_query(request.GET.get("clinic"))
    form = forms.QuestionnaireForm(request.POST or None, definition=instrument.definition)
    context = {"form": form, "instrument": instrument, "public": True, "clinic": clinic}
    if request.method == "POST":
        if not public_quiz.allow_submission(request):
            return render(request, "assessments/quiz_rate_limited.html", context, status=429)
        if form.is_valid():
            scores = engine.score(instrument.definition, form.answers)
            context.update(
                scores=scores,
                explanation=engine.explain(instrument.definition, scores, audience="patient"),
                booking=public_quiz.booking_for(clinic),
            )
            return render(request, "assessments/quiz_result.html", context)
    return render(request, "assessments/quiz.html", context)


# --- Clinic settings --------------------------------------------------------


@admin_required
@require_http_methods(["GET", "POST"])
def assessment_settings(request):
    current = selectors.assessment_settings_for(request.user.clinic)
    form = forms.AssessmentSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.assessment_settings_update(
                clinic=request.user.clinic, by=request.user, request=request, **fields
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, "Assessment settings saved.")
            return redirect("assessments:settings")
    context = {
        "form": form,
        "instruments": selectors.instruments_for_user(request.user).select_related("clinic"),
    }
    return render(request, "assessments/settings.html", context)

"""The therapist's side: library, templates, assigning and changing plans, suggestions."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.tests.factories import TreadmillTestFactory
from clinic.models import AuditEvent, ClinicalSettings
from clinic.tests.factories import StaffFactory
from patients.dates import patient_today
from patients.tests.factories import PatientFactory
from programs import services
from programs.models import Exercise, Plan, ProgramTemplate
from programs.tests.factories import assign_plan, bundled_template, suggestion_for

pytestmark = pytest.mark.django_db


def formset_data(template, prefix="ex", **changes):
    """POST data for the exercise formset, as the page renders it from `template`."""
    items = list(template.items.select_related("exercise"))
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items) + 2),
        f"{prefix}-INITIAL_FORMS": str(len(items)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(items):
        row = {
            "exercise": item.exercise_id,
            "slot": item.slot,
            "week_from": item.week_from,
            "week_to": item.week_to,
            **{k: v for k, v in item.dose.items() if v is not None},
        }
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = str(value)
    for i in (len(items), len(items) + 1):  # the two "add an exercise" rows, untouched
        extra = {"slot": "daily", "week_from": 1, "week_to": template.weeks, "times_per_day": 1}
        for key, value in extra.items():
            data[f"{prefix}-{i}-{key}"] = str(value)
    for key, value in changes.items():
        data[f"{prefix}-{key}"] = str(value)
    return data


def assign_data(template, action="save", **fields):
    return {
        "template": template.pk,
        "action": action,
        "start_date": "",
        "sessions_per_week": "5",
        "bouts_per_session": "3",
        "bout_minutes": "6",
        **formset_data(template),
        **fields,
    }


# --- library --------------------------------------------------------------------------------


def test_the_library_lists_bundled_and_own_exercises_not_other_clinics(
    therapist, other_clinic, client_for
):
    bundled_template()
    theirs = Exercise.objects.create(
        clinic=other_clinic,
        slug="theirs",
        name="Their secret stretch",
        category="core",
        summary="x",
        steps="a",
        precautions="b",
        default_reps=5,
    )
    html = client_for(therapist).get(reverse("programs:exercise-list")).content.decode()

    assert "Nerve glide: slider (seated)" in html
    assert theirs.name not in html


@pytest.mark.parametrize("own", [1, 25])
def test_the_library_uses_a_fixed_number_of_queries(
    therapist, client_for, django_assert_num_queries, own
):
    bundled_template()
    for n in range(own):
        Exercise.objects.create(
            clinic=therapist.clinic,
            slug=f"own-{n}",
            name=f"Own {n}",
            category="core",
            summary="x",
            steps="a",
            precautions="b",
            default_reps=5,
        )
    client = client_for(therapist)
    client.get(reverse("programs:exercise-list"))
    # session, user, MFA check, clinic (header), exercises
    with django_assert_num_queries(5):
        client.get(reverse("programs:exercise-list"))


@pytest.mark.parametrize("own", [1, 10])
def test_the_template_list_uses_a_fixed_number_of_queries(
    therapist, client_for, django_assert_num_queries, own
):
    template = bundled_template()
    for _ in range(own):
        services.template_clone(template=template, by=therapist)
    client = client_for(therapist)
    client.get(reverse("programs:template-list"))
    # session, user, MFA check, clinic (header), templates
    with django_assert_num_queries(5):
        client.get(reverse("programs:template-list"))


def test_a_bundled_exercise_opens_with_steps_and_drawing_and_cannot_be_edited(
    therapist, client_for
):
    bundled_template()
    slider = Exercise.objects.get(slug="sciatic-nerve-slider", clinic__isnull=True)
    client = client_for(therapist)

    html = client.get(reverse("programs:exercise-detail", args=[slider.pk])).content.decode()

    assert "Slowly straighten one knee and look up at the ceiling" in html
    assert "programs/exercises/sciatic-nerve-slider.svg" in html
    assert "Usual dose:</strong> 10 times, twice a day" in html
    assert client.get(reverse("programs:exercise-edit", args=[slider.pk])).status_code == 404


def test_a_therapist_adds_an_exercise_from_a_bundled_one(therapist, client_for):
    bundled_template()
    slider = Exercise.objects.get(slug="sciatic-nerve-slider", clinic__isnull=True)
    client = client_for(therapist)
    page = client.get(reverse("programs:exercise-create") + f"?from={slider.pk}")
    assert "Nerve glide: slider (seated) (our version)" in page.content.decode()

    response = client.post(
        reverse("programs:exercise-create"),
        {
            "name": "Slider, lying down",
            "category": "nerve_glide",
            "summary": "For patients who cannot sit.",
            "steps": "Lie on your back.\nHold behind one knee.\nStraighten and bend it.",
            "precautions": "Stop if tingling gets stronger.",
            "default_reps": "8",
            "default_times_per_day": "2",
        },
    )

    exercise = Exercise.objects.get(clinic=therapist.clinic)
    assert response.status_code == 302
    assert (exercise.slug, exercise.version, exercise.created_by) == (
        "slider-lying-down",
        1,
        therapist,
    )
    assert exercise.is_active
    assert AuditEvent.objects.filter(action="create", object_type="programs.exercise").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("default_reps", "0", "Repetitions must be a whole number from 1 to 50."),
        ("default_reps", "-4", "Use a whole number of 1 or more."),
        ("default_hold_seconds", "500", "Hold must be from 1 to 120 seconds."),
        ("default_times_per_day", "0", "Times a day must be from 1 to 6."),
    ],
)
def test_nonsense_doses_are_refused_with_plain_words(therapist, client_for, field, value, message):
    data = {
        "name": "Odd one",
        "category": "core",
        "summary": "x",
        "steps": "a",
        "precautions": "b",
        "default_reps": "5",
        "default_times_per_day": "1",
        field: value,
    }
    response = client_for(therapist).post(reverse("programs:exercise-create"), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Exercise.objects.filter(clinic=therapist.clinic).exists()


def test_editing_a_clinic_exercise_bumps_its_version_and_can_retire_it(
    therapist, patient, client_for
):
    bundled_template()
    exercise = services.exercise_create(
        clinic=therapist.clinic,
        created_by=therapist,
        name="Hall walk",
        category="walking",
        summary="x",
        steps="a\nb",
        precautions="c",
        default_minutes=5,
    )
    response = client_for(therapist).post(
        reverse("programs:exercise-edit", args=[exercise.pk]),
        {
            "name": "Hall walk",
            "category": "walking",
            "summary": "Longer",
            "steps": "a\nb",
            "precautions": "c",
            "default_minutes": "10",
            "default_times_per_day": "1",
        },
    )

    exercise.refresh_from_db()
    assert response.status_code == 302
    assert (exercise.default_minutes, exercise.version, exercise.is_active) == (10, 2, False)
    # Retired: still in the library, no longer offered for plans.
    client = client_for(therapist)
    assert "retired" in client.get(reverse("programs:exercise-list")).content.decode()
    page = client.get(reverse("programs:plan-assign", args=[patient.pk])).content.decode()
    assert f'value="{exercise.pk}"' not in page


def test_a_therapist_copies_and_edits_a_template(therapist, client_for):
    bundled = bundled_template()
    client = client_for(therapist)

    response = client.post(reverse("programs:template-clone", args=[bundled.pk]))
    copy = ProgramTemplate.objects.get(clinic=therapist.clinic)
    assert response["Location"] == reverse("programs:template-edit", args=[copy.pk])
    assert copy.items.count() == bundled.items.count()
    assert copy.week_set.count() == 8

    data = {
        "name": "Riverside 8 weeks",
        "description": "",
        "sessions_per_week": "4",
        "bouts_per_session": "2",
        "progress_from_week": "2",
        "wk-TOTAL_FORMS": "8",
        "wk-INITIAL_FORMS": "8",
        "wk-MIN_NUM_FORMS": "0",
        "wk-MAX_NUM_FORMS": "1000",
        **{f"wk-{i}-number": str(i + 1) for i in range(8)},
        **{f"wk-{i}-phase": "Ours" for i in range(8)},
        **formset_data(copy, **{"0-DELETE": "on"}),
    }
    response = client.post(reverse("programs:template-edit", args=[copy.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    copy.refresh_from_db()
    assert (copy.name, copy.sessions_per_week, copy.progress_from_week, copy.version) == (
        "Riverside 8 weeks",
        4,
        2,
        2,
    )
    assert copy.items.count() == bundled.items.count() - 1
    assert set(copy.week_set.values_list("phase", flat=True)) == {"Ours"}
    assert bundled.items.count() == 13  # the bundled template is untouched


def test_the_bundled_template_has_no_edit_page(therapist, client_for):
    template = bundled_template()
    response = client_for(therapist).get(reverse("programs:template-edit", args=[template.pk]))
    assert response.status_code == 404


# --- assigning ------------------------------------------------------------------------------


def test_the_assign_page_fills_the_baseline_from_the_latest_treadmill_test(
    patient, therapist, client_for
):
    template = bundled_template()
    TreadmillTestFactory(patient=patient, level_onset_s=250)
    client = client_for(therapist)
    page = client.get(reverse("programs:plan-assign", args=[patient.pk])).content.decode()
    assert "first symptoms at <strong>4:10</strong>" in page

    data = assign_data(
        template, action="preview", bout_minutes="", start_date=patient_today(patient).isoformat()
    )
    preview = client.post(reverse("programs:plan-assign", args=[patient.pk]), data)

    html = preview.content.decode()
    assert "The 8-week walking schedule" in html
    assert "Baseline walk: 4 min." in html
    assert "3 walks of 4 minutes, rest bent forward between them" in html
    assert "Save the plan" in html
    assert not Plan.objects.exists()  # a preview saves nothing


def test_the_shorter_self_report_wins_over_the_treadmill(patient, therapist, client_for):
    template = bundled_template()
    TreadmillTestFactory(patient=patient, level_onset_s=400)
    data = assign_data(
        template,
        bout_minutes="",
        self_reported_minutes="5",
        start_date=patient_today(patient).isoformat(),
    )

    client_for(therapist).post(reverse("programs:plan-assign", args=[patient.pk]), data)

    plan = Plan.objects.get()
    assert (plan.bout_minutes, plan.baseline_minutes) == (Decimal("5"), Decimal("5"))
    assert (plan.baseline_treadmill_seconds, plan.baseline_self_reported_minutes) == (
        400,
        Decimal("5"),
    )


def test_saving_the_plan(patient, therapist, client_for):
    template = bundled_template()
    data = assign_data(
        template,
        start_date=patient_today(patient).isoformat(),
        bout_minutes="6.5",
        reason="Agreed in clinic",
    )

    response = client_for(therapist).post(reverse("programs:plan-assign", args=[patient.pk]), data)

    plan = Plan.objects.get()
    assert response["Location"] == reverse("programs:plan-detail", args=[plan.pk])
    assert (plan.bout_minutes, plan.created_by) == (Decimal("6.5"), therapist)
    assert plan.exercises.count() == 13
    assert plan.versions.get().reason == "Agreed in clinic"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"bout_minutes": "0"}, "A walk must last longer than 0 minutes."),
        ({"bout_minutes": "-3"}, "A walk must last longer than 0 minutes."),
        ({"bout_minutes": "61"}, "One walk can be at most 60 minutes"),
        ({"bout_minutes": "six"}, "Enter a number, e.g. 6 or 6.5."),
        ({"sessions_per_week": "0"}, "Walking days a week must be a whole number from 1 to 14."),
        ({"bouts_per_session": "-1"}, "Walks each time must be a whole number"),
        ({"start_date": "past"}, "The start date can be at most 14 days ago"),
        ({"start_date": "far"}, "The start date can be at most a year from today."),
        ({"ex-0-reps": "0"}, "Repetitions must be a whole number from 1 to 50."),
        ({"ex-1-times_per_day": "-2"}, "Times a day must be from 1 to 6."),
        ({"ex-1-week_to": "9"}, "The last week must be from 1 to 8."),
        ({"bout_minutes": ""}, "There is no treadmill test on record"),
    ],
)
def test_nonsense_is_refused_in_plain_words_and_nothing_is_saved(
    patient, therapist, client_for, fields, message
):
    template = bundled_template()
    today = patient_today(patient)
    dates = {"past": today - timedelta(days=15), "far": today + timedelta(days=400)}
    start = dates.get(fields.get("start_date"), today)
    data = assign_data(template, **{**fields, "start_date": start.isoformat()})

    response = client_for(therapist).post(reverse("programs:plan-assign", args=[patient.pk]), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Plan.objects.exists()


def test_a_patient_with_a_plan_is_sent_to_it(patient, therapist, client_for):
    plan = assign_plan(patient)
    response = client_for(therapist).get(reverse("programs:plan-assign", args=[patient.pk]))
    assert response["Location"] == reverse("programs:plan-detail", args=[plan.pk])


# --- a plan and its suggestions -------------------------------------------------------------


def test_the_patient_page_loads_the_plan_panel(patient, therapist, client_for):
    plan = assign_plan(patient, weeks_ago=2)
    suggestion_for(plan, week=2)
    client = client_for(therapist)

    page = client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    panel_url = reverse("programs:patient-panel", args=[patient.pk])
    assert f'hx-get="{panel_url}"' in page

    panel = client.get(panel_url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in panel
    assert "5 days a week: 3 × 6 min" in panel
    assert "Progress after week 2" in panel
    assert "3 walks of 6 minutes, rest bent forward between them → " in panel
    assert reverse("programs:suggestion-approve", args=[plan.suggestions.get().pk]) in panel
    assert AuditEvent.objects.filter(action="view", object_type="programs.plan").exists()
    full = client.get(panel_url).content.decode()
    assert "<html" in full and "Walking plan" in full


def test_the_panel_offers_a_plan_when_there_is_none(patient, therapist, client_for):
    html = (
        client_for(therapist)
        .get(reverse("programs:patient-panel", args=[patient.pk]), headers={"HX-Request": "true"})
        .content.decode()
    )
    assert reverse("programs:plan-assign", args=[patient.pk]) in html


def test_an_admin_reads_the_panel_without_decision_buttons(patient, admin_user, client_for):
    plan = assign_plan(patient, weeks_ago=2)
    suggestion_for(plan, week=2)
    html = (
        client_for(admin_user)
        .get(reverse("programs:patient-panel", args=[patient.pk]), headers={"HX-Request": "true"})
        .content.decode()
    )
    assert "Progress after week 2" in html
    assert "suggestion-approve" not in html and "Approve" not in html


def test_plan_detail_shows_weeks_and_history(patient, therapist, client_for):
    plan = assign_plan(patient, weeks_ago=3)
    services.progression_approve(suggestion=suggestion_for(plan, week=3), by=therapist)

    html = (
        client_for(therapist).get(reverse("programs:plan-detail", args=[plan.pk])).content.decode()
    )

    assert "Version 2: Weekly suggestion approved" in html
    assert "Tess Therapist" in html
    assert 'aria-current="date"' in html
    assert "Progress: approved" in html
    assert AuditEvent.objects.filter(action="view", object_type="programs.plan").exists()


@pytest.mark.parametrize("weeks_ago", [0, 7])
def test_plan_detail_uses_a_fixed_number_of_queries(
    patient, therapist, client_for, django_assert_num_queries, weeks_ago
):
    plan = assign_plan(patient, weeks_ago=weeks_ago)
    for week in range(1, weeks_ago + 1):
        plan.refresh_from_db()
        services.progression_approve(
            suggestion=suggestion_for(plan, week=week, minutes=str(6 + week)), by=therapist
        )
    client = client_for(therapist)
    client.get(reverse("programs:plan-detail", args=[plan.pk]))
    # session, user, MFA check, clinic (header), plan, audit, the latest handout, versions
    # (weeks), suggestions, walks, exercises, versions (history), the clinic's clinical
    # settings (thresholds in force)
    with django_assert_num_queries(13):
        client.get(reverse("programs:plan-detail", args=[plan.pk]))


def test_adjusting_through_the_page_needs_a_reason(patient, therapist, client_for):
    plan = assign_plan(patient)
    template = bundled_template()
    data = {
        "sessions_per_week": "4",
        "bouts_per_session": "3",
        "bout_minutes": "7",
        "reason": "",
        **formset_data(template),
    }
    client = client_for(therapist)
    url = reverse("programs:plan-adjust", args=[plan.pk])

    response = client.post(url, data)
    assert "Say why the plan changes" in response.content.decode()
    assert plan.versions.count() == 1

    response = client.post(url, {**data, "reason": "Walked well in clinic"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.sessions_per_week, plan.bout_minutes) == (4, Decimal("7"))


def test_pause_resume_and_end_from_the_plan_page(patient, therapist, client_for):
    plan = assign_plan(patient)
    client = client_for(therapist)

    client.post(reverse("programs:plan-pause", args=[plan.pk]), {"reason": ""})
    plan.refresh_from_db()
    assert plan.status == "active"  # no reason, no pause

    client.post(reverse("programs:plan-pause", args=[plan.pk]), {"reason": "Flu"})
    client.post(reverse("programs:plan-resume", args=[plan.pk]))
    client.post(reverse("programs:plan-end", args=[plan.pk]), {"reason": "Goals met"})
    plan.refresh_from_db()
    assert plan.status == "ended"
    assert list(plan.versions.values_list("kind", flat=True)) == [
        "assign",
        "pause",
        "resume",
        "end",
    ]


def test_approve_from_the_caseload_with_htmx(patient, therapist, client_for):
    plan = assign_plan(patient, weeks_ago=2)
    suggestion = suggestion_for(plan, week=2)
    client = client_for(therapist)

    caseload = client.get(reverse("dashboard:caseload")).content.decode()
    assert "Weekly suggestions waiting for approval" in caseload
    assert "Pat Patient</a>:" in caseload

    response = client.post(
        reverse("programs:suggestion-approve", args=[suggestion.pk]),
        {"next": "caseload"},
        headers={"HX-Request": "true"},
    )
    assert 'id="suggestion-' in response.content.decode()
    assert "it applies from the next plan week" in response.content.decode()
    plan.refresh_from_db()
    assert plan.bout_minutes == Decimal("7")
    assert "Nothing is waiting." in client.get(reverse("dashboard:caseload")).content.decode()


def test_reject_without_javascript_goes_back_where_it_came_from(patient, therapist, client_for):
    plan = assign_plan(patient, weeks_ago=2)
    suggestion = suggestion_for(plan, week=2)

    response = client_for(therapist).post(
        reverse("programs:suggestion-reject", args=[suggestion.pk]), {"next": "caseload"}
    )

    assert response["Location"] == reverse("dashboard:caseload")
    suggestion.refresh_from_db()
    assert suggestion.status == "rejected"


def test_a_second_approval_says_it_was_already_done(patient, therapist, client_for):
    plan = assign_plan(patient, weeks_ago=2)
    suggestion = suggestion_for(plan, week=2)
    client = client_for(therapist)
    url = reverse("programs:suggestion-approve", args=[suggestion.pk])
    client.post(url, headers={"HX-Request": "true"})

    response = client.post(url, headers={"HX-Request": "true"})

    assert "already dealt with" in response.content.decode()
    assert plan.versions.count() == 2


def test_edit_a_suggestion_then_approve(patient, therapist, client_for):
    plan = assign_plan(patient, weeks_ago=2)
    suggestion = suggestion_for(plan, week=2)
    url = reverse("programs:suggestion-edit", args=[suggestion.pk])
    client = client_for(therapist)

    bad = client.post(
        url, {"sessions_per_week": "5", "bouts_per_session": "3", "bout_minutes": "90", "note": "x"}
    )
    assert "One walk can be at most 60 minutes" in bad.content.decode()

    client.post(
        url,
        {
            "sessions_per_week": "5",
            "bouts_per_session": "2",
            "bout_minutes": "9",
            "note": "Merge early",
        },
    )
    plan.refresh_from_db()
    assert (plan.bouts_per_session, plan.bout_minutes) == (2, Decimal("9"))


def test_a_therapist_of_another_clinic_gets_404_everywhere(patient, other_therapist, client_for):
    plan = assign_plan(patient, weeks_ago=2)
    suggestion = suggestion_for(plan, week=2)
    client = client_for(other_therapist)
    for url in (
        reverse("programs:plan-detail", args=[plan.pk]),
        reverse("programs:plan-adjust", args=[plan.pk]),
        reverse("programs:patient-panel", args=[patient.pk]),
        reverse("programs:plan-assign", args=[patient.pk]),
        reverse("programs:suggestion-edit", args=[suggestion.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("programs:suggestion-approve", args=[suggestion.pk]),
        reverse("programs:plan-pause", args=[plan.pk]),
    ):
        assert client.post(url, {"reason": "x"}).status_code == 404, url
    suggestion.refresh_from_db()
    plan.refresh_from_db()
    assert suggestion.is_pending and plan.status == "active"


def test_the_caseload_lists_only_the_therapists_own_waiting_suggestions(
    patient, therapist, clinic, client_for
):
    colleague = StaffFactory(clinic=clinic)
    theirs = PatientFactory(clinic=clinic, primary_therapist=colleague, full_name="Their Patient")
    suggestion_for(assign_plan(theirs, by=colleague, weeks_ago=2), week=2)
    suggestion_for(assign_plan(patient, weeks_ago=2), week=2)
    client = client_for(therapist)

    own = client.get(reverse("dashboard:caseload")).content.decode()
    everyone = client.get(reverse("dashboard:caseload"), {"show": "all"}).content.decode()

    assert "Pat Patient</a>:" in own and "Their Patient</a>:" not in own
    assert "Their Patient</a>:" in everyone


@pytest.mark.parametrize("waiting", [1, 15])
def test_waiting_suggestions_keep_the_caseload_query_count(
    therapist, client_for, django_assert_num_queries, waiting
):
    for _ in range(waiting):
        patient = PatientFactory(clinic=therapist.clinic, primary_therapist=therapist)
        suggestion_for(assign_plan(patient, by=therapist, weeks_ago=2), week=2)
    client = client_for(therapist)
    client.get(reverse("dashboard:caseload"))
    # ... and the re-tests due of the page's patients, and the view event
    with django_assert_num_queries(9):
        response = client.get(reverse("dashboard:caseload"))
    assert response.content.decode().count('class="card mb-3 suggestion-card"') == waiting


# --- settings -------------------------------------------------------------------------------


def test_an_admin_lets_holds_apply_by_themselves(admin_user, client_for):
    response = client_for(admin_user).post(
        reverse("programs:settings"),
        {
            "auto_apply_hold": "on",
            "min_adherence_pct": "80",
            "min_within_target_pct": "80",
            "pain_rise_target": "2",
            "recovery_margin": "1",
            "progress_step_pct": "10",
            "progress_min_minutes": "1",
            "regress_step_pct": "20",
            "regress_overshoot": "2",
            "regress_min_sessions": "2",
            "merge_at_minutes": "15",
            "min_bout_minutes": "2",
            "severe_peak": "6",
            "session_min_pct": "80",
            "regress_over_target_pct": "50",
            "regress_over_target_min": "2",
            "max_bout_growth_pct": "25",
            "missed_log_nudge_days": "4",
        },
    )
    assert response.status_code == 302
    settings_row = ClinicalSettings.objects.get(clinic=admin_user.clinic)
    assert settings_row.auto_apply_hold and settings_row.updated_by == admin_user
    assert settings_row.missed_log_nudge_days == 4


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("min_adherence_pct", "0"),
        ("regress_step_pct", "100"),
        ("pain_rise_target", "-1"),
        ("min_bout_minutes", "0"),
        ("missed_log_nudge_days", "0"),
        ("missed_log_nudge_days", "31"),
    ],
)
def test_settings_refuse_nonsense(admin_user, client_for, field, value):
    data = {
        "min_adherence_pct": "80",
        "min_within_target_pct": "80",
        "pain_rise_target": "2",
        "recovery_margin": "1",
        "progress_step_pct": "10",
        "progress_min_minutes": "1",
        "regress_step_pct": "20",
        "regress_overshoot": "2",
        "regress_min_sessions": "2",
        "merge_at_minutes": "15",
        "min_bout_minutes": "2",
        "missed_log_nudge_days": "3",
        field: value,
    }
    response = client_for(admin_user).post(reverse("programs:settings"), data)

    assert response.status_code == 200
    assert "Choose a value from" in response.content.decode()
    assert not ClinicalSettings.objects.exists()

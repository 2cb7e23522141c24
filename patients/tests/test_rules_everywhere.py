"""One definition read everywhere (STYLE.md 14): the pain target, the red-flag signs, the
back-or-leg guidance, the reassurance and the duration format say the same on every page,
PDF and email a patient or their therapist sees (docs/clinical-rules.md §1, §1b, §6, §7)."""

import html
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from clinic.models import ClinicalSettings
from documents import services as document_services
from documents.models import Document
from documents.tests.factories import pdf_text
from notifications import reminders, tasks  # noqa: F401  (registers the send tasks)
from patients import services
from patients.dates import local_today
from patients.models import RedFlagReport, WalkLog
from patients.tests.factories import WalkLogFactory
from programs import services as plan_services
from programs.models import Exercise
from programs.tests.factories import assign_plan

pytestmark = pytest.mark.django_db

REASSURANCE = "Walking does not damage your spine"


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def rendered_pdf(document: Document) -> str:
    assert document_services.document_render_now(document.pk) == "ready"
    document.refresh_from_db()
    return pdf_text(document.file.read())


def handout_of(plan) -> Document:
    return Document.objects.filter(plan=plan, kind="handout").latest("created_at")


@pytest.fixture
def target_3(clinic):
    return ClinicalSettings.objects.create(clinic=clinic, pain_rise_target=3)


@pytest.fixture
def on_plan(patient, therapist):
    return assign_plan(patient, by=therapist)


def patient_pages(patient, client):
    """Every page a patient reads about walking, as text."""
    log = WalkLogFactory(patient=patient, pain_before=2, pain_peak=5, pain_after=2)
    pages = {
        "today": client.get(reverse("dashboard:today")),
        "walk form": client.get(reverse("patients:walklog-create")),
        "walk result": client.get(reverse("patients:walklog-detail", args=[log.pk])),
        "walk list": client.get(reverse("patients:my-walklogs")),
        "timer": client.get(reverse("patients:walk-timer")),
        "progress": client.get(reverse("patients:my-progress")),
    }
    return {name: page_text(response) for name, response in pages.items()}, pages


# --- 1. the pain target -------------------------------------------------------------------


def test_every_patient_page_says_the_clinics_pain_target(patient, on_plan, target_3, client_for):
    texts, pages = patient_pages(patient, client_for(patient.user))
    for name, text in texts.items():
        assert "2 points" not in text and "+2" not in text, name
        assert re.search(r"\+3\b|\b3 points", text), name
    assert 'data-rise-target="3"' in pages["timer"].content.decode()
    assert "walk until your pain rises about 3 points" in texts["today"]
    assert "Within your +3 target" in texts["walk result"]


def test_the_pain_rise_chart_draws_the_clinics_target(patient, target_3, client_for):
    WalkLogFactory(patient=patient)
    page = client_for(patient.user).get(reverse("patients:my-progress")).content.decode()
    pain_rise = re.findall(r"<svg\b.*?</svg>", page, re.S)[-1]
    assert "+3 target" in pain_rise and "+2 target" not in pain_rise


def test_staff_pages_about_the_patient_say_the_clinics_target(
    patient, target_3, therapist, client_for
):
    WalkLogFactory(patient=patient, pain_before=2, pain_peak=5, pain_after=2)
    client = client_for(therapist)
    walks = page_text(client.get(reverse("patients:walklogs", args=[patient.pk])))
    detail = page_text(client.get(reverse("patients:detail", args=[patient.pk])))
    progress = page_text(client.get(reverse("patients:progress", args=[patient.pk])))
    for text in (walks, detail, progress):
        assert "+2" not in text and "+3 target" in text
    assert "Within +3 target" in walks


def test_within_target_filter_uses_the_clinics_target(patient, target_3, therapist, client_for):
    risen_3 = WalkLogFactory(patient=patient, pain_before=2, pain_peak=5, pain_after=2)
    url = reverse("patients:walklogs", args=[patient.pk])
    response = client_for(therapist).get(url, {"target": "yes"})
    assert [log.pk for log in response.context["page"].object_list] == [risen_3.pk]


def test_the_handout_and_report_say_the_clinics_target(patient, on_plan, target_3, therapist):
    WalkLogFactory(patient=patient, date=on_plan.start_date)
    handout = rendered_pdf(handout_of(on_plan))
    assert "Walk until your pain rises about 3 points" in handout
    assert "2 points" not in handout
    today = local_today(patient.tz_name)
    report = document_services.document_request(
        patient=patient,
        kind="report",
        requested_by=therapist,
        period_start=today - timedelta(days=27),
        period_end=today,
    )
    text = rendered_pdf(report)
    assert "a rise of at most 3 points" in text and "at most 2 points" not in text


@pytest.mark.django_db(transaction=True)
def test_the_daily_reminder_says_the_clinics_target(patient, therapist, clinic):
    ClinicalSettings.objects.create(clinic=clinic, pain_rise_target=3)
    noon = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    with time_machine.travel(noon - timedelta(days=1), tick=False):
        assign_plan(patient, by=therapist)
    with time_machine.travel(noon, tick=False):
        reminders.reminders_dispatch(noon)
    [message] = mail.outbox
    assert "pain rises about 3 points" in message.body
    assert "3 points" in message.alternatives[0][0] and "2 points" not in message.body


def test_a_plan_override_shows_that_patients_number(
    patient, other_patient, on_plan, target_3, therapist, client_for, django_user_model
):
    plan_services.plan_rules_set(
        plan=on_plan, by=therapist, overrides={"pain_rise_target": 1}, reason="Flares easily"
    )
    client = client_for(patient.user)
    today = page_text(client.get(reverse("dashboard:today")))
    form = page_text(client.get(reverse("patients:walklog-create")))
    timer = client.get(reverse("patients:walk-timer")).content.decode()
    assert "walk until your pain rises about 1 point " in today
    assert "+1" in form and "+3" not in form and "+2" not in form
    assert 'data-rise-target="1"' in timer


# --- 2. nothing pre-filled from the last walk --------------------------------------------


def test_the_walk_form_and_timer_pre_tick_nothing_from_the_last_walk(patient, client_for):
    WalkLogFactory(
        patient=patient,
        symptom_areas=["back", "calf_left"],
        glides_before=True,
        glides_after=True,
        support=WalkLog.Support.CART,
        minutes=Decimal("17.5"),
    )
    client = client_for(patient.user)
    form = client.get(reverse("patients:walklog-create")).content.decode()
    for name in ("symptom_areas", "glides_before", "glides_after", "support"):
        checked = re.findall(rf'<input[^>]*name="{name}"[^>]*>', form)
        assert checked, name
        assert not any("checked" in tag and 'value="none"' not in tag for tag in checked), name
    assert 'value="cart" checked' not in form and "17.5" not in form
    timer = client.get(reverse("patients:walk-timer")).content.decode()
    tags = re.findall(r'<input[^>]*name="(?:support|terrain|symptom_areas)"[^>]*>', timer)
    assert tags and not any("checked" in tag for tag in tags)


# --- 3. back or leg ------------------------------------------------------------------------


def test_the_walk_result_shows_the_leg_advice_for_a_leg_walk(patient, client_for):
    log = WalkLogFactory(patient=patient, symptom_areas=["thigh_left"])
    text = page_text(
        client_for(patient.user).get(reverse("patients:walklog-detail", args=[log.pk]))
    )
    assert "Symptoms in your buttock or leg" in text
    assert "Symptoms in your back" not in text


def test_the_walk_result_shows_the_back_advice_for_a_back_walk(patient, client_for):
    log = WalkLogFactory(patient=patient, symptom_areas=["back"])
    text = page_text(
        client_for(patient.user).get(reverse("patients:walklog-detail", args=[log.pk]))
    )
    assert "Symptoms in your back" in text
    assert "Symptoms in your buttock or leg" not in text


def test_a_walk_further_down_the_leg_than_usual_says_stop_and_rest(patient, client_for):
    earlier = local_today(patient.tz_name) - timedelta(days=3)
    WalkLogFactory(patient=patient, symptom_areas=["buttock_left"], date=earlier)
    log = WalkLogFactory(patient=patient, symptom_areas=["calf_left"])
    text = page_text(
        client_for(patient.user).get(reverse("patients:walklog-detail", args=[log.pk]))
    )
    assert "Further down the leg than usual" in text


def test_today_the_timer_and_the_handout_show_both_kinds_of_advice(patient, on_plan, client_for):
    client = client_for(patient.user)
    today = page_text(client.get(reverse("dashboard:today")))
    timer = client.get(reverse("patients:walk-timer")).content.decode()
    handout = rendered_pdf(handout_of(on_plan))
    for text in (today, page_text(client.get(reverse("patients:walk-timer"))), handout):
        assert "Symptoms in your buttock or leg" in text
        assert "Symptoms in your back" in text
    # the break screen asks where the symptoms are, then shows only that advice
    assert 'data-guidance="leg"' in timer and 'data-guidance="back"' in timer
    assert "data-guidance-answer" in timer


# --- 4. the spreading flag -------------------------------------------------------------------


def _plan_panel_text(patient, therapist, client_for, first_week, later_week):
    from programs.tests.factories import assign_plan

    plan = assign_plan(patient, by=therapist, weeks_ago=2)
    WalkLogFactory(patient=patient, date=plan.start_date, symptom_areas=first_week)
    WalkLogFactory(
        patient=patient, date=plan.start_date + timedelta(days=9), symptom_areas=later_week
    )
    url = reverse("programs:patient-panel", args=[patient.pk])
    return page_text(client_for(therapist).get(url))


def test_the_patient_page_flags_symptoms_spreading_further_down_the_leg(
    patient, therapist, client_for
):
    text = _plan_panel_text(patient, therapist, client_for, ["thigh_left"], ["calf_left"])
    assert "Spreading" in text and "Left calf or foot" in text


def test_no_spreading_flag_at_the_same_level(patient, therapist, client_for):
    text = _plan_panel_text(patient, therapist, client_for, ["calf_left"], ["calf_right"])
    assert "Spreading" not in text


def test_the_first_week_is_the_plans_not_the_first_log(patient, therapist, client_for):
    # A thigh log before the plan started does not make the plan's first week reach the thigh.
    from programs.tests.factories import assign_plan

    plan = assign_plan(patient, by=therapist, weeks_ago=2)
    WalkLogFactory(
        patient=patient, date=plan.start_date - timedelta(days=3), symptom_areas=["thigh_left"]
    )
    WalkLogFactory(patient=patient, date=plan.start_date, symptom_areas=["buttock_left"])
    WalkLogFactory(
        patient=patient, date=plan.start_date + timedelta(days=9), symptom_areas=["thigh_left"]
    )
    text = page_text(
        client_for(therapist).get(reverse("programs:patient-panel", args=[patient.pk]))
    )
    assert "Spreading" in text


# --- 5. red-flag wording -----------------------------------------------------------------------


def test_every_page_names_the_red_flag_signs_in_the_same_words(patient, on_plan, client_for):
    from patients.models import RED_FLAG_SIGNS

    client = client_for(patient.user)
    RedFlagReport.objects.all().delete()
    pages = {
        "walk form": page_text(client.get(reverse("patients:walklog-create"))),
        "timer": page_text(client.get(reverse("patients:walk-timer"))),
        "symptom report": page_text(client.get(reverse("patients:redflag-report"))),
        "urgent": page_text(client.get(reverse("patients:urgent"))),
        "today": page_text(client.get(reverse("dashboard:today"))),
        "handout": rendered_pdf(handout_of(on_plan)),
    }
    quiz = {f"q{n}": "true" if n == 10 else "false" for n in range(1, 11)}
    quiz.update({f"red_flag_{s.value}": "false" for s in RedFlagReport.Sign})
    pages["quiz"] = page_text(client.post(reverse("stenosis-quiz"), quiz))
    for name, text in pages.items():
        for sign in RED_FLAG_SIGNS:
            assert sign.description in text, (name, sign.value)
    precautions = Exercise.objects.get(slug="interval-walking", clinic=None).precautions
    for sign in RED_FLAG_SIGNS:
        assert sign.description in precautions
    assert "go to an emergency department now (do not drive yourself)" in precautions.lower()
    assert "Get help now" not in precautions


# --- 6. alerts ---------------------------------------------------------------------------------


def test_the_red_flag_alert_subject_says_urgent(patient, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.redflag_report(patient=patient, signs=["bowel"], reported_by=patient.user)
    subjects = {m.subject for m in mail.outbox}
    assert subjects == {f"Urgent: red flag reported at {patient.clinic.name}"}
    assert all("bowel" not in m.body.lower() for m in mail.outbox)


def test_a_paper_diary_red_flag_tells_the_therapist_to_contact_the_patient_now(
    paper_patient, therapist, client_for
):
    data = {
        "date": local_today(paper_patient.tz_name).isoformat(),
        "minutes": "10",
        "rests": "1",
        "pain_before": "2",
        "pain_peak": "3",
        "support": "none",
        "terrain": "flat",
        "red_flags": ["bowel"],
    }
    response = client_for(therapist).post(
        reverse("patients:walklog-enter", args=[paper_patient.pk]), data, follow=True
    )
    text = page_text(response)
    assert f"Contact {paper_patient.full_name} now" in text
    assert "emergency department" in text


# --- 7. reassurance ----------------------------------------------------------------------------


def test_today_the_first_walk_and_the_handout_reassure_in_plain_words(patient, on_plan, client_for):
    client = client_for(patient.user)
    texts = [
        page_text(client.get(reverse("dashboard:today"))),
        page_text(client.get(reverse("patients:walklog-create"))),  # no walk yet: first walk
        page_text(client.get(reverse("patients:walk-timer"))),
        rendered_pdf(handout_of(on_plan)),
    ]
    for text in texts:
        assert REASSURANCE in text
        assert "tolerance" in text


# --- 8. durations in minutes and seconds -------------------------------------------------------


def test_walk_pages_say_minutes_and_seconds(patient, client_for):
    log = WalkLogFactory(
        patient=patient,
        minutes=Decimal("23.7"),
        rests=1,
        source=WalkLog.Source.TIMER,
        bouts=[
            {"walked_s": 362, "rested_s": 75, "peak_pain": 3},
            {"walked_s": 1060, "rested_s": 0, "peak_pain": 4},
        ],
    )
    client = client_for(patient.user)
    texts = {
        "detail": page_text(client.get(reverse("patients:walklog-detail", args=[log.pk]))),
        "list": page_text(client.get(reverse("patients:my-walklogs"))),
        "today": page_text(client.get(reverse("dashboard:today"))),
        "progress": page_text(client.get(reverse("patients:my-progress"))),
    }
    for name, text in texts.items():
        assert "23.7" not in text, name
        assert "23 min 42 s" in text or "17 min 40 s" in text, name
    assert "6 min 2 s" in texts["detail"] and "1 min 15 s" in texts["detail"]
    assert "362 s" not in texts["detail"]


def test_the_timer_scripts_use_the_one_duration_formatter():
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "static/js/walk-timer.js").read_text()
    assert "Stride.durationText" in source and "Stride.mmss" in source
    assert "function clock" not in source and "function minutesText" not in source

"""What the PDFs say, read back from real WeasyPrint output (pypdf)."""

import logging
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.tests.factories import (
    AdministrationFactory,
    SelfPacedWalkTestFactory,
    ShoppingCartTestFactory,
    TreadmillTestFactory,
)
from clinic import pdf
from documents import content, services
from documents.models import Document
from documents.tests.factories import pdf_text
from patients.dates import patient_today
from patients.models import RedFlagReport
from patients.tests.factories import RedFlagReportFactory, WalkLogFactory
from programs import services as plan_services
from programs.doses import ExerciseDose
from programs.models import Exercise, Plan
from programs.tests.factories import assign_plan, bundled_template, template_doses

pytestmark = pytest.mark.django_db

HOSTILE = '<img src="file:///etc/passwd"> see http://example.org/x.png'


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the PDF renderer asked the fetcher for, and what it refused."""
    seen = {"asked": [], "refused": []}
    original = pdf.StaticFilesFetcher.fetch

    def recording(self, url, headers=None):
        seen["asked"].append(url)
        try:
            return original(self, url, headers)
        except pdf.RefusedURL:
            seen["refused"].append(url)
            raise

    monkeypatch.setattr(pdf.StaticFilesFetcher, "fetch", recording)
    return seen


def rendered(document: Document) -> str:
    assert services.document_render_now(document.pk) == "ready"
    document.refresh_from_db()
    return pdf_text(document.file.read())


def handout_of(plan) -> Document:
    return Document.objects.filter(plan=plan, kind="handout").latest("created_at")


# --- handout ----------------------------------------------------------------------------------


def test_the_handout_has_the_patient_the_week_1_walks_every_exercise_and_the_red_flags(
    patient, fetched
):
    plan = assign_plan(patient)
    patient.clinic.urgent_contact_text = "Out of hours: call +1 555 0100 299."
    patient.clinic.save()

    text = rendered(handout_of(plan))

    assert "Your walking plan" in text
    assert "Pat Patient" in text and "Tess Therapist" in text
    assert "Home Clinic" in text and "+1 555 0100" in text
    assert f"Started {plan.start_date:%-d %B %Y}" in text
    assert re.search(r"Week 1 \d+ \w+ – \d+ \w+ 5 days a week: 3 walks of 6 minutes", text)
    assert "5 days a week: 3 walks of 6 minutes, rest bent forward between them" in text
    for item in plan.exercises.select_related("exercise"):
        assert item.exercise.name in text, item.exercise.name
    # docs/clinical-rules.md §1 in plain words
    assert "Nudge the pain. Walk until your pain rises about 2 points" in text
    assert "Permission to tingle. Some tingling while you walk is expected. It is not harm." in text
    assert "Nerve glides before and after every walk" in text
    # docs/clinical-rules.md §6: the boxed red flags and what to do
    assert "Stop and get help now if you have any one of these" in text
    assert "around the back passage or buttocks" in text  # docs/clinical-rules.md §6 words
    assert "foot that drops or slaps" in text
    assert "Go to an emergency department now (do not drive yourself)." in text
    assert "Out of hours: call +1 555 0100 299." in text
    assert "Stop if" in text
    assert re.search(r"Page 1 of \d+", text)
    # the stylesheet and every drawing came from our static files; nothing was refused
    assert fetched["refused"] == []
    drawings = {
        f"{pdf.PDF_ORIGIN}/static/{i.exercise.illustration}"
        for i in plan.exercises.select_related("exercise")
        if i.exercise.illustration
    }
    assert set(fetched["asked"]) == {f"{pdf.PDF_ORIGIN}/static/css/pdf.css", *drawings}


def test_the_handout_shows_the_version_it_was_made_for(patient, therapist):
    plan = assign_plan(patient)
    first = plan.versions.get()
    plan_services.plan_adjust(
        plan=plan,
        by=therapist,
        reason="Two longer walks",
        sessions_per_week=4,
        bouts_per_session=2,
        bout_minutes=Decimal("9"),
        exercises=template_doses(bundled_template())[:2],
    )
    new = handout_of(plan)
    old = Document.objects.create(
        patient=patient, kind="handout", plan=plan, plan_version=first, requested_by=therapist
    )

    old_text = rendered(old)
    new_text = rendered(new)

    assert "5 days a week: 3 walks of 6 minutes" in old_text
    assert "Curl-up" in old_text
    assert "4 days a week: 2 walks of 9 minutes" in new_text
    assert "Curl-up" not in new_text  # taken out in the new version


def test_a_paused_plans_handout_says_so(patient, therapist):
    plan = assign_plan(patient)
    plan_services.plan_pause(plan=plan, by=therapist, reason="Red flag")

    text = rendered(handout_of(plan))

    assert "Your plan is paused." in text
    assert "Please do not make your walks longer for now." in text


def test_patient_text_with_file_and_web_addresses_is_printed_not_fetched(
    patient, therapist, fetched, caplog
):
    patient.full_name = f"Pat {HOSTILE}"
    patient.save()
    own = Exercise.objects.create(
        clinic=patient.clinic,
        slug="garden-walk",
        name="Garden walk <b>bold</b>",
        category="walking",
        summary=HOSTILE,
        steps=f"Step one\n{HOSTILE}",
        precautions='Stop if <link rel="stylesheet" href="https://example.org/a.css">',
        default_minutes=5,
        illustration="",
    )
    plan = plan_services.plan_assign(
        patient=patient,
        by=therapist,
        template=bundled_template(),
        start_date=patient_today(patient),
        sessions_per_week=5,
        bouts_per_session=3,
        bout_minutes=Decimal(6),
        baseline_minutes=Decimal(6),
        exercises=[*template_doses(bundled_template()), ExerciseDose(own, minutes=5)],
    )

    with caplog.at_level(logging.WARNING):
        text = rendered(handout_of(plan))

    assert 'Pat <img src="file:///etc/passwd"> see http://example.org/x.png' in text
    assert "Garden walk <b>bold</b>" in text
    assert '<link rel="stylesheet" href="https://example.org/a.css">' in text
    assert "root:" not in text
    assert fetched["refused"] == []  # nothing the text said was even tried
    assert all(url.startswith(f"{pdf.PDF_ORIGIN}/static/") for url in fetched["asked"])
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")]


def test_the_handout_context_uses_a_fixed_number_of_queries(
    patient, therapist, django_assert_num_queries
):
    plan = assign_plan(patient)
    document = handout_of(plan)
    # plan with patient, clinic and therapist; versions; exercises
    with django_assert_num_queries(3):
        context = content.handout_context(document)
    assert len(context["weeks"]) == 8
    assert sum(len(group.items) for group in context["groups"]) == plan.exercises.count()


# --- progress report --------------------------------------------------------------------------


@pytest.fixture
def twelve_weeks(patient, therapist):
    """A patient 12 weeks into a plan, with tests, questionnaires, walks and a red flag."""
    today = patient_today(patient)
    start = today - timedelta(weeks=12) + timedelta(days=1)
    plan = assign_plan(patient, start=start)
    for day in range(0, 84, 2):
        WalkLogFactory(
            patient=patient, date=start + timedelta(days=day), minutes=Decimal(6 + day // 10)
        )
    TreadmillTestFactory(patient=patient, performed_on=start)
    ShoppingCartTestFactory(patient=patient, performed_on=start + timedelta(days=1))
    SelfPacedWalkTestFactory(patient=patient, performed_on=start + timedelta(days=1))
    SelfPacedWalkTestFactory(patient=patient, performed_on=today - timedelta(days=2), distance=650)
    AdministrationFactory(patient=patient, performed_on=start)
    AdministrationFactory(
        patient=patient,
        performed_on=today - timedelta(days=5),
        answers={"back": 2, "leg": 3},
        scores={"back": 2, "leg": 3},
    )
    reported = timezone.now() - timedelta(days=20)
    RedFlagReportFactory(
        patient=patient,
        reported_at=reported,
        signs=[RedFlagReport.Sign.SADDLE, RedFlagReport.Sign.BLADDER],
        status=RedFlagReport.Status.ACKNOWLEDGED,
        acknowledged_by=therapist,
        acknowledged_at=reported + timedelta(hours=1),
        note="Phoned the patient: seen in the emergency department, scan clear.",
    )
    return plan


def report_of(patient, therapist, start, end) -> Document:
    return services.document_request(
        patient=patient,
        kind="report",
        requested_by=therapist,
        period_start=start,
        period_end=end,
    )


def test_the_report_has_the_summary_interpretations_weeks_charts_and_red_flags(
    patient, therapist, twelve_weeks, fetched
):
    patient.referring_physician = "Dr Rivera"
    patient.save()
    plan = twelve_weeks
    today = patient_today(patient)

    text = rendered(report_of(patient, therapist, plan.start_date, today))

    assert "Progress report" in text and "Pat Patient" in text and "For Dr Rivera" in text
    assert f"{plan.start_date:%-d %B %Y} to {today:%-d %B %Y}" in text
    # walking by week: 12 weeks of a 5-day plan, a walk every other day
    assert "42 walks logged" in text
    assert text.count("Days prescribed") >= 1
    assert re.search(r"\d+ \w+ – \d+ \w+ 4 5 80 %", text)
    assert "Minutes walked per week" in text  # the chart, drawn as text in the PDF
    assert "Longest walk without a rest, per week" in text
    # the treadmill test, in "consistent with" words with the criteria met
    assert "Positive: consistent with lumbar spinal stenosis." in text
    assert "Symptoms started earlier on level walking than on the incline." in text
    assert "It supports a diagnosis but does not make one." in text
    assert "diagnostic of" not in text
    # cart, self-paced walk and questionnaires
    assert "relief with support, 133.3 % longer" in text
    assert "strongly consistent with neurogenic claudication" in text
    assert "Self-paced walking test" in text and "650 metres" in text
    assert "Back 4, leg 6 (0-10)" in text and "Back 2, leg 3 (0-10)" in text
    assert "Self-paced walking distance" in text and "+55 %" in text  # chart and its table
    # the red flag and what was done
    assert "New numbness or pins and needles between the inner thighs" in text
    assert "New trouble starting or controlling passing urine" in text
    assert "Acknowledged by Tess Therapist" in text
    assert "Phoned the patient: seen in the emergency department, scan clear." in text
    assert "Plan assigned, by Tess Therapist" in text
    # charts are data: URIs (minutes and longest walk; treadmill, self-paced walk, back and
    # leg pain); the rest is the stylesheet
    charts = [url for url in fetched["asked"] if url.startswith("data:image/svg+xml;base64,")]
    assert len(charts) == 6
    assert set(fetched["asked"]) - set(charts) == {f"{pdf.PDF_ORIGIN}/static/css/pdf.css"}
    assert fetched["refused"] == []


def test_the_report_keeps_to_its_period(patient, therapist, twelve_weeks):
    today = patient_today(patient)
    start = today - timedelta(days=13)

    text = rendered(report_of(patient, therapist, start, today))

    assert "No red flags were reported in this period." in text
    assert "Two-stage treadmill test," not in text  # tested before the period
    assert "Level treadmill walking before first symptoms" in text  # its chart still shows
    assert "7 walks logged" in text


def test_a_report_without_anything_recorded_says_so(paper_patient, therapist):
    today = patient_today(paper_patient)

    text = rendered(report_of(paper_patient, therapist, today - timedelta(days=6), today))

    assert "0 walks logged" in text
    assert "No walking plan in this period." in text
    assert "No tests or questionnaires were recorded in this period." in text
    assert "No red flags were reported in this period." in text
    assert "No plan" in text


def test_a_red_flag_still_open_is_shown_as_open(patient, therapist):
    RedFlagReportFactory(patient=patient, signs=[RedFlagReport.Sign.WEAKNESS])
    today = patient_today(patient)

    text = rendered(report_of(patient, therapist, today - timedelta(days=6), today))

    assert "Sudden weakness in a leg, a foot that drops or slaps when walking" in text
    assert "Still open: not yet acknowledged by a clinician." in text


def test_staff_notes_in_the_report_are_escaped(patient, therapist, fetched):
    TreadmillTestFactory(patient=patient, performed_on=patient_today(patient), note=HOSTILE)
    today = patient_today(patient)

    text = rendered(report_of(patient, therapist, today - timedelta(days=6), today))

    assert 'Note: <img src="file:///etc/passwd"> see http://example.org/x.png' in text
    assert fetched["refused"] == []


def test_a_paused_week_has_no_adherence(patient, therapist):
    today = patient_today(patient)
    plan = assign_plan(patient, start=today - timedelta(days=13))
    Plan.objects.filter(pk=plan.pk).update(status="paused")
    plan.refresh_from_db()
    version = plan.versions.get()
    version.pk = None
    version.number, version.kind, version.status = 2, "pause", "paused"
    version.effective_from = today - timedelta(days=6)
    version.save()
    document = report_of(patient, therapist, today - timedelta(days=13), today)

    weeks = content.report_context(document)["weeks"]

    assert [(w.prescribed, w.plan_state, w.adherence_pct) for w in weeks] == [
        (5, "active", 0),
        (None, "paused", None),
    ]


@pytest.mark.parametrize("extra", [0, 6])
def test_the_report_context_uses_a_fixed_number_of_queries(
    patient, therapist, twelve_weeks, django_assert_num_queries, extra
):
    today = patient_today(patient)
    for n in range(extra):
        TreadmillTestFactory(patient=patient, performed_on=today - timedelta(days=n))
        RedFlagReportFactory(patient=patient)
    document = report_of(patient, therapist, twelve_weeks.start_date, today)
    document = Document.objects.select_related("patient__clinic").get(pk=document.pk)
    # patient (+clinic settings); plans; their versions; the open plan (rules in force);
    # walks; treadmill, cart, walk tests, questionnaires; red flags; who asked
    with django_assert_num_queries(11):
        content.report_context(document)

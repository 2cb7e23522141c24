"""PDF render time and peak memory: the 8-week plan handout and a 12-week progress report.

Target (DESIGN.md): the 8-week handout under 2 s. Each document kind is measured in its own
process (so one kind's memory high-water mark does not hide the other's):

    .venv/bin/python bench/pdf.py            # both kinds
    .venv/bin/python bench/pdf.py handout    # one kind

Time is `services.document_render_now` for a fresh pending document: the context's queries,
the template, WeasyPrint and storing the file (what the PDF worker does per task). Its floor,
timed interleaved in the same run, is WeasyPrint alone on the same HTML (the one part no
code of ours can make faster); the ratio is the figure that compares across runs. Memory:
tracemalloc's peak of Python allocations during one render (a separate run: tracing slows
rendering down), and the process's maximum resident set size (getrusage) before and after
the renders, in MB (the growth is what WeasyPrint and the render add to a worker process;
its C allocations show only there).
"""

import io
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal

from common import against_floor, analyze, report, report_against_floor, setup
from pypdf import PdfReader

KINDS = ("handout", "report")
RUNS = 5
WEEKS = 12


def seed():
    """A patient 12 weeks into the bundled 8-week plan, with walks, tests and a red flag."""
    from django.utils import timezone

    from assessments.models import (
        Administration,
        Instrument,
        SelfPacedWalkTest,
        ShoppingCartTest,
        TreadmillTest,
    )
    from clinic.models import Clinic, Role, User
    from patients.dates import patient_today
    from patients.models import Patient, RedFlagReport, WalkLog
    from programs import services as plan_services
    from programs.doses import ExerciseDose
    from programs.models import Plan, ProgramTemplate

    clinic, _ = Clinic.objects.get_or_create(
        name="Bench PDF Clinic",
        defaults={
            "phone": "+1 555 0100 200",
            "urgent_contact_text": "Out of hours, call the on-call physiotherapist.",
        },
    )
    therapist, _ = User.objects.get_or_create(
        email="bench.pdf.therapist@example.org",
        defaults={"role": Role.THERAPIST, "clinic": clinic, "full_name": "Bench Therapist"},
    )
    patient, _ = Patient.objects.get_or_create(
        clinic=clinic,
        full_name="Bench PDF Patient",
        defaults={
            "primary_therapist": therapist,
            "date_of_birth": "1950-06-01",
            "stenosis_type": "central",
            "affected_side": "both",
            "referring_physician": "Dr Bench",
        },
    )
    today = patient_today(patient)
    start = today - timedelta(weeks=WEEKS) + timedelta(days=1)
    plan = Plan.objects.open().filter(patient=patient).first()
    if plan is None:
        plan_services.library_sync()
        template = ProgramTemplate.objects.get(clinic__isnull=True, slug="walking-flexion-8-weeks")
        items = template.items.select_related("exercise")
        plan = plan_services.plan_assign(
            patient=patient,
            by=therapist,
            template=template,
            start_date=today,
            sessions_per_week=5,
            bouts_per_session=3,
            bout_minutes=Decimal(6),
            baseline_minutes=Decimal(6),
            exercises=[ExerciseDose.from_item(item) for item in items],
        )
        # Twelve weeks in (plan_assign allows at most 14 days back).
        Plan.objects.filter(pk=plan.pk).update(start_date=start)
        plan.versions.update(effective_from=start)
    if not WalkLog.objects.filter(patient=patient).exists():
        rng = random.Random(11)
        WalkLog.objects.bulk_create(
            WalkLog(
                patient=patient,
                date=start + timedelta(days=day),
                minutes=Decimal(15 + day // 4),
                rests=2,
                pain_before=2,
                pain_peak=2 + rng.randint(0, 4),
                pain_after=2 + rng.randint(0, 2),
                created_by=therapist,
                source=WalkLog.Source.CLINIC,
            )
            for day in range(WEEKS * 7)
            if rng.random() < 0.7
        )
    if not TreadmillTest.objects.filter(patient=patient).exists():
        stage = {
            "speed": Decimal("1.2"),
            "speed_unit": "mph",
            "total_s": 600,
            "stop_reason": "time_limit",
            "pain_start": 2,
            "pain_end": 5,
            "recovery_s": 240,
        }
        for on, onset in ((start, 150), (start + timedelta(weeks=8), 330)):
            TreadmillTest.objects.create(
                patient=patient,
                tester=therapist,
                performed_on=on,
                **{f"level_{k}": v for k, v in stage.items()},
                level_incline=0,
                level_incline_unit="percent",
                level_onset_s=onset,
                **{f"incline_{k}": v for k, v in stage.items()},
                incline_incline=15,
                incline_incline_unit="percent",
                incline_onset_s=480,
            )
        ShoppingCartTest.objects.create(
            patient=patient,
            tester=therapist,
            performed_on=start,
            without_walk_s=180,
            without_onset_s=90,
            with_walk_s=420,
            with_onset_s=300,
        )
        for on, metres in ((start, 420), (today - timedelta(days=3), 700)):
            SelfPacedWalkTest.objects.create(
                patient=patient,
                tester=therapist,
                performed_on=on,
                distance=metres,
                total_s=600,
                onset_s=200,
                stop_reason="symptoms",
            )
        nprs = Instrument.objects.get(clinic__isnull=True, code="nprs")
        for week, (back, leg) in enumerate(((5, 7), (4, 6), (4, 5), (3, 4))):
            Administration.objects.create(
                patient=patient,
                instrument=nprs,
                given_by=therapist,
                source="clinic",
                performed_on=start + timedelta(weeks=3 * week),
                answers={"back": back, "leg": leg},
                scores={"back": back, "leg": leg},
            )
        reported = timezone.now() - timedelta(weeks=5)
        RedFlagReport.objects.create(
            patient=patient,
            signs=["bladder"],
            reported_at=reported,
            reported_by=therapist,
            status="acknowledged",
            acknowledged_by=therapist,
            acknowledged_at=reported + timedelta(hours=2),
            note="Seen the same day; no cauda equina.",
        )
    return patient, therapist, plan, start, today


def fresh_document(kind, patient, therapist, plan, start, end):
    from documents.models import Document

    if kind == "handout":
        return Document.objects.create(
            patient=patient,
            kind=kind,
            plan=plan,
            plan_version=plan.versions.order_by("-number").first(),
            requested_by=therapist,
        )
    return Document.objects.create(
        patient=patient,
        kind=kind,
        period_start=start,
        period_end=end,
        requested_by=therapist,
    )


def measure(kind: str) -> None:
    setup()
    from django.conf import settings

    from documents import services

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="stride-bench-pdf-")
    patient, therapist, plan, start, today = seed()
    analyze()

    def render_one():
        document = fresh_document(kind, patient, therapist, plan, start, today)
        began = time.perf_counter()
        outcome = services.document_render_now(document.pk)
        elapsed = (time.perf_counter() - began) * 1000
        assert outcome == "ready", outcome
        return document, elapsed

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    render_one()  # warm-up: fonts, templates, imports
    html = same_html(kind, patient, therapist, plan, start, today)
    timing = against_floor(lambda: render_one(), lambda: weasyprint_alone(html), runs=RUNS)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    document, _ = render_one()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    document.refresh_from_db()
    data = document.file.read()
    figures = {
        "runs": RUNS,
        "tracemalloc_peak_mb": round(peak / 2**20, 1),
        "maxrss_before_mb": round(rss_before, 1),
        "maxrss_after_mb": round(rss_after, 1),
        "pages": len(PdfReader(io.BytesIO(data)).pages),
        "pdf_kb": round(len(data) / 1024),
    }
    if kind == "handout":
        name, target = "8-week plan handout", "median < 2000 ms, ratio about 1"
    else:
        name, target = f"{WEEKS}-week progress report", "ratio about 1"
    report_against_floor(name, timing, target=target)
    report(f"  {name}, memory and output", figures)


def same_html(kind, patient, therapist, plan, start, end) -> str:
    """The HTML the render of a fresh document hands to WeasyPrint."""
    from django.template.loader import render_to_string

    from clinic.pdf import tidy_whitespace
    from documents.services import _content

    template, context = _content(fresh_document(kind, patient, therapist, plan, start, end))
    return tidy_whitespace(render_to_string(template, context))


def weasyprint_alone(html: str) -> bytes:
    """The floor: WeasyPrint on that HTML, with the same static-file fetcher and nothing else."""
    from clinic.pdf import html_to_pdf

    return html_to_pdf(html)


def main():
    kinds = sys.argv[1:] or KINDS
    if len(kinds) == 1:
        measure(kinds[0])
        return
    # Seed here, so that no child renders the automatic handout of a new plan before it
    # measures: its "before" memory is Django and the data, without WeasyPrint.
    setup()
    seed()
    analyze()
    for kind in kinds:
        subprocess.run([sys.executable, __file__, kind], check=True)  # noqa: S603 (this script)


if __name__ == "__main__":
    main()

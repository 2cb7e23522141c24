"""Handouts and reports made by a real Celery worker on the real Redis broker, through the
pages a therapist uses: click, poll the status, download, read the PDF back (pdftotext)."""

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from assessments.tests.factories import TreadmillTestFactory
from clinic.models import AuditEvent
from documents.models import Document
from patients.dates import patient_today
from patients.models import RedFlagReport
from patients.tests.factories import RedFlagReportFactory, WalkLogFactory
from programs.tests.factories import assign_plan

pytestmark = pytest.mark.worker

HTMX = {"HTTP_HX_REQUEST": "true"}


def pdftotext(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "downloaded.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()
    return " ".join(text.split())


def poll_until_ready(live_worker, client, document: Document, what: str) -> str:
    """Poll the status fragment as the page does, until it offers the download link."""
    url = reverse("documents:status", args=[document.pk])
    link = reverse("documents:download", args=[document.pk])
    html = {}

    def offers_download():
        html["last"] = client.get(url, HTTP_X_STRIDE_PASSIVE="1", **HTMX).content.decode()
        return link in html["last"]

    live_worker.wait_for(offers_download, what=what)
    return link


def test_a_handout_asked_for_on_the_plan_page_ends_as_a_stored_pdf(
    live_worker, patient, therapist, client_for, tmp_path
):
    plan = assign_plan(patient)  # committed: the worker makes its first handout on its own
    live_worker.wait_for(
        lambda: Document.objects.filter(plan=plan, status="ready").exists(),
        what="the handout made after the plan was assigned",
    )
    client = client_for(therapist)

    response = client.post(reverse("documents:handout-request", args=[plan.pk]), **HTMX)

    document = Document.objects.filter(plan=plan).latest("created_at")
    assert document.requested_by == therapist
    assert 'hx-trigger="every 2s"' in response.content.decode()
    link = poll_until_ready(live_worker, client, document, "the handout the therapist asked for")
    document.refresh_from_db()
    assert document.status == "ready" and document.failure_reason == ""
    assert Path(document.file.path).is_file() and document.render_ms > 0
    download = client.get(link)
    assert download["Content-Type"] == "application/pdf"
    text = pdftotext(b"".join(download.streaming_content), tmp_path)
    assert "Pat Patient" in text
    assert re.search(r"Week 1 .{0,40}5 days a week: 3 walks of 6 minutes", text)
    for item in plan.exercises.select_related("exercise"):
        assert item.exercise.name in text, item.exercise.name
    assert "Go to an emergency department now (do not drive yourself)." in text
    assert AuditEvent.objects.filter(action="pdf", object_id=str(document.pk)).count() == 1


def test_a_progress_report_asked_for_on_the_form_ends_as_a_stored_pdf(
    live_worker, patient, therapist, client_for, tmp_path
):
    today = patient_today(patient)
    for day in range(1, 28, 3):
        WalkLogFactory(patient=patient, date=today - timedelta(days=day))
    TreadmillTestFactory(patient=patient, performed_on=today - timedelta(days=10))
    RedFlagReportFactory(patient=patient, signs=[RedFlagReport.Sign.BOTH_LEGS])
    client = client_for(therapist)

    response = client.post(
        reverse("documents:report-create", args=[patient.pk]),
        {
            "period_start": (today - timedelta(days=27)).isoformat(),
            "period_end": today.isoformat(),
        },
        **HTMX,
    )

    document = Document.objects.get(kind="report")
    assert "The progress report is being prepared." in response.content.decode()
    link = poll_until_ready(live_worker, client, document, "the progress report")
    text = pdftotext(b"".join(client.get(link).streaming_content), tmp_path)
    assert "Progress report" in text and "Pat Patient" in text
    assert "9 walks logged" in text
    assert "Positive: consistent with lumbar spinal stenosis." in text
    assert "Pain or numbness in both legs that is new or getting worse quickly" in text
    assert "Still open: not yet acknowledged by a clinician." in text

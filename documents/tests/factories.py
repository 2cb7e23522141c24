"""Test data of documents: a ready PDF row and reading a PDF's text back."""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader

from documents.models import Document
from patients.dates import local_today


def ready_document(patient, *, kind=Document.Kind.REPORT, plan=None, content=b"%PDF-1.7 test"):
    """A document as the PDF task leaves it: ready, with a stored file. A report covers the
    last four weeks; a handout needs `plan`."""
    today = local_today(patient.tz_name)
    document = Document(
        patient=patient,
        kind=kind,
        plan=plan,
        plan_version=plan.versions.order_by("-number").first() if plan else None,
        period_start=today - timedelta(days=27) if kind == Document.Kind.REPORT else None,
        period_end=today if kind == Document.Kind.REPORT else None,
        requested_by=patient.primary_therapist,
        status=Document.Status.READY,
        finished_at=timezone.now(),
    )
    document.file.save("document.pdf", ContentFile(content), save=False)
    document.save()
    return document


def pdf_text(data: bytes) -> str:
    """The text of a PDF, read back with pypdf, with runs of white space made one space (table
    cells and long lines wrap anywhere)."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())

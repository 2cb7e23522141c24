"""Reads of generated PDFs that views, template tags and tasks share."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from clinic.access import get_or_404, scope_patient_data
from clinic.models import Role
from patients.models import Patient
from programs.models import Plan

from .models import Document

Kind = Document.Kind
Status = Document.Status

# A pending document older than this was probably lost (broker down when it was queued,
# worker killed): asking again queues it again. Longer than the task's hard time limit.
STALE_AFTER = timedelta(minutes=5)


def documents_for_user(user) -> QuerySet[Document]:
    """Documents `user` may see: staff, their clinic's; a patient, their own handouts only
    (reports are written for the referring physician)."""
    documents = scope_patient_data(Document.objects.all(), user)
    if getattr(user, "role", None) == Role.PATIENT:
        documents = documents.filter(kind=Kind.HANDOUT)
    return documents


def get_document_for_user(user, pk) -> Document:
    return get_or_404(
        documents_for_user(user).select_related("patient__clinic", "requested_by"), pk=pk
    )


# How many documents the patient's page lists (newest first).
DOCUMENTS_LISTED = 10


def documents_for_patient(patient: Patient) -> list[Document]:
    """The patient's newest handouts and reports, for staff. `patient` is already scoped.
    One query."""
    return list(
        Document.objects.filter(patient=patient)
        .select_related("requested_by", "plan_version")
        .order_by("-created_at", "-id")[:DOCUMENTS_LISTED]
    )


def latest_handout_for_plan(plan: Plan) -> Document | None:
    """The plan's newest handout in any state (the plan page shows its progress)."""
    return (
        Document.objects.filter(plan=plan, kind=Kind.HANDOUT)
        .select_related("plan_version")
        .order_by("-created_at", "-id")
        .first()
    )


def current_handout_for_account(user) -> Document | None:
    """A patient's own current handout: the newest ready handout of their open plan."""
    return (
        documents_for_user(user)
        .filter(
            patient__user=user,
            kind=Kind.HANDOUT,
            status=Status.READY,
            plan__status__in=Plan.OPEN_STATUSES,
        )
        .select_related("patient__clinic")
        .order_by("-created_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class DocumentState:
    """What a status fragment shows about one document."""

    document: Document
    is_stale: bool

    @property
    def polls(self) -> bool:
        return self.document.status == Status.PENDING


def document_state(document: Document) -> DocumentState:
    stale = document.status == Status.PENDING and timezone.now() - document.created_at > STALE_AFTER
    return DocumentState(document=document, is_stale=stale)


def download_name(document: Document) -> str:
    """A neutral file name: no patient name in a download folder or an email attachment."""
    when = timezone.localtime(document.finished_at or document.created_at)
    kind = "handout" if document.kind == Kind.HANDOUT else "progress-report"
    return f"stride-{kind}-{document.pk}-{when:%Y%m%d}.pdf"

"""Generated PDFs: a patient's plan handout and the progress report for a period.

Services (every write) of `Document`; reads are in selectors.py. The pipeline:

    document_request  -> a pending row (audited), the render task queued on commit
    document_render   -> (PDF worker) document_render_now: file stored, ready; or failed
                         with a plain reason
    pages             -> a status fragment polls until the row is ready, then links to
                         the download (audited)

The row, not the queue, is the truth: re-running the task on a ready document changes
nothing, a failed one is tried again, and two runs at once store one file.
"""

import logging
import time
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from clinic.audit import Action, audit_record
from clinic.celery import enqueue_on_commit
from clinic.models import Role, User
from patients.dates import patient_today
from patients.models import Patient
from programs.models import Plan, PlanVersion

from .models import Document
from .selectors import STALE_AFTER

logger = logging.getLogger(__name__)

Kind = Document.Kind
Status = Document.Status

# Lost database connections are worth another try (the task retries them); anything else
# while rendering is a bug or bad data, and the document is marked failed.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)

# The longest period a progress report covers.
MAX_REPORT_DAYS = 366

FAILED_REASON = (
    "The PDF could not be made. Please try again; if it fails again, tell your Stride "
    "administrator."
)
TOO_SLOW_REASON = "The PDF took too long to make. Please try again in a few minutes."

TEMPLATES = {
    Kind.HANDOUT: "documents/pdf/handout.html",
    Kind.REPORT: "documents/pdf/report.html",
}


# --- rules ------------------------------------------------------------------------------------


def report_period_errors(start: date | None, end: date | None, *, today: date) -> dict:
    """Plain-word problems with a report period, by field (empty when it is fine)."""
    errors = {}
    if start is None:
        errors["period_start"] = "Enter the first day of the report."
    if end is None:
        errors["period_end"] = "Enter the last day of the report."
    if errors:
        return errors
    if start > today:
        errors["period_start"] = "The report cannot start in the future."
    if end > today:
        errors["period_end"] = "The report cannot end in the future: choose today or earlier."
    elif end < start:
        errors["period_end"] = "The last day must be on or after the first day."
    elif (end - start).days + 1 > MAX_REPORT_DAYS:
        errors["period_end"] = "Choose a period of at most one year."
    return errors


# --- services ---------------------------------------------------------------------------------


def _enqueue(document: Document) -> None:
    enqueue_on_commit("documents.tasks.document_render", document.pk)


def _check_requester(patient: Patient, requested_by: User | None) -> None:
    # Handouts and reports are clinical documents: therapists of the patient's clinic ask
    # for them; None is Stride itself (a plan change).
    if requested_by is None:
        return
    if requested_by.role != Role.THERAPIST or requested_by.clinic_id != patient.clinic_id:
        raise ValidationError("Only a therapist of this clinic can make handouts and reports.")


def _latest_version(plan: Plan) -> PlanVersion | None:
    return plan.versions.order_by("-number").first()


def _handout_request(*, patient, plan, requested_by) -> tuple[Document, bool]:
    """The plan's pending handout moved to the latest version, or a new one."""
    if plan is None or plan.patient_id != patient.pk:
        raise ValidationError("Choose a plan of this patient.")
    # One request at a time per plan: two clicks must not make two pending handouts.
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_open:
        raise ValidationError("This plan has ended: there is no handout to make.")
    version = _latest_version(plan)
    pending = (
        Document.objects.select_for_update()
        .filter(plan=plan, kind=Kind.HANDOUT, status=Status.PENDING)
        .order_by("-created_at", "-id")
        .first()
    )
    if pending is None:
        document = Document.objects.create(
            patient=patient,
            kind=Kind.HANDOUT,
            plan=plan,
            plan_version=version,
            requested_by=requested_by,
        )
        return document, True
    changed = []
    if pending.plan_version_id != (version.pk if version else None):
        # Not made yet: it will show the plan as it is now. A render already running for
        # the older version notices and starts again (document_render_now).
        pending.plan_version = version
        changed.append("plan_version")
    if pending.requested_by_id is None and requested_by is not None:
        pending.requested_by = requested_by
        changed.append("requested_by")
    if changed:
        pending.save(update_fields=changed)
    return pending, timezone.now() - pending.created_at > STALE_AFTER


@transaction.atomic
def document_request(
    *,
    patient: Patient,
    kind: str,
    requested_by: User | None,
    plan: Plan | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    request=None,
) -> Document:
    """Ask for a handout of `plan` or a progress report of `patient` for a period.

    The PDF is made in the background: the row starts pending and the render task is queued
    when the transaction commits. A handout request while the plan's handout is still being
    made returns that one (brought up to the plan's latest version) instead of piling up;
    one pending for longer than STALE_AFTER is queued again. `patient` must come from a
    scoped selector; `requested_by` is None for automatic handouts.
    """
    _check_requester(patient, requested_by)
    if kind == Kind.HANDOUT:
        document, enqueue = _handout_request(patient=patient, plan=plan, requested_by=requested_by)
    elif kind == Kind.REPORT:
        errors = report_period_errors(period_start, period_end, today=patient_today(patient))
        if errors:
            raise ValidationError(errors)
        if plan is not None and plan.patient_id != patient.pk:
            raise ValidationError("Choose a plan of this patient.")
        if requested_by is None:
            raise ValidationError("A progress report is made at a therapist's request.")
        document = Document.objects.create(
            patient=patient,
            kind=Kind.REPORT,
            plan=plan,
            period_start=period_start,
            period_end=period_end,
            requested_by=requested_by,
        )
        enqueue = True
    else:
        raise ValidationError("Choose a handout or a progress report.")
    audit_record(
        action=Action.CREATE,
        request=request,
        actor=requested_by,
        clinic_id=patient.clinic_id,
        patient_id=patient.pk,
        obj=document,
    )
    if enqueue:
        _enqueue(document)
    return document


def handout_regenerate(*, plan: Plan) -> Document | None:
    """A plan changed (plan services, after a version is recorded): make its handout again.

    Runs inside the plan service's transaction; nothing for an ended plan."""
    if not plan.is_open:
        return None
    return document_request(patient=plan.patient, kind=Kind.HANDOUT, requested_by=None, plan=plan)


def _failure_reason(error: Exception) -> str:
    from celery.exceptions import SoftTimeLimitExceeded

    return TOO_SLOW_REASON if isinstance(error, SoftTimeLimitExceeded) else FAILED_REASON


def _content(document: Document) -> tuple[str, dict]:
    # Imported here: charts (pygal) and WeasyPrint load in the PDF worker, not in every
    # web process that imports the plan services.
    from . import content

    if document.kind == Kind.HANDOUT:
        return TEMPLATES[Kind.HANDOUT], content.handout_context(document)
    return TEMPLATES[Kind.REPORT], content.report_context(document)


def _render(template_name: str, context: dict) -> bytes:
    from clinic.pdf import render_pdf

    return render_pdf(template_name, context)


def document_render_now(document_id: int) -> str:
    """Make the PDF of one document and store it (the PDF task's one call).

    Safe to run any number of times: a ready document is left alone ("ready"); a pending or
    failed one is rendered; when two runs race, the first to finish stores its file and the
    other drops its bytes. A handout whose plan changed while it was being made is queued
    again for the new version ("requeued"). Database connection errors propagate so the
    task retries; any other error marks the document failed with a plain reason (the
    traceback goes to the log, never to users). Returns the outcome.
    """
    document = Document.objects.select_related("patient__clinic").filter(pk=document_id).first()
    if document is None:
        return "missing"
    if document.status == Status.READY:
        return "ready"
    version_id = document.plan_version_id
    started = time.perf_counter()
    try:
        template_name, context = _content(document)
        pdf = _render(template_name, context)
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:
        logger.exception("Document %s (%s) could not be rendered", document.pk, document.kind)
        return _finish_failed(document, version_id, _failure_reason(error))
    render_ms = round((time.perf_counter() - started) * 1000)
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.status == Status.READY:
            return "ready"  # another run stored its file first
        if locked.plan_version_id != version_id:
            _enqueue(locked)
            return "requeued"
        locked.patient = document.patient  # the upload path needs the clinic
        locked.file.save("document.pdf", ContentFile(pdf), save=False)
        locked.status = Status.READY
        locked.failure_reason = ""
        locked.finished_at = timezone.now()
        locked.render_ms = render_ms
        locked.save(update_fields=["file", "status", "failure_reason", "finished_at", "render_ms"])
    return "ready"


def _finish_failed(document: Document, version_id: int | None, reason: str) -> str:
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.status == Status.READY:
            return "ready"
        if locked.plan_version_id != version_id:
            _enqueue(locked)  # the plan changed meanwhile: try its new version
            return "requeued"
        locked.status = Status.FAILED
        locked.failure_reason = reason[:300]
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "failure_reason", "finished_at"])
    return "failed"


def document_downloaded(*, document: Document, request=None, actor: User | None = None) -> None:
    """Every download of a PDF about a patient is in the audit trail."""
    audit_record(
        action=Action.PDF,
        request=request,
        actor=actor,
        clinic_id=document.patient.clinic_id,
        patient_id=document.patient_id,
        obj=document,
    )


def documents_stale_requeue(now=None) -> int:
    """Queue again every document pending for longer than STALE_AFTER (the broker was down
    when it was asked for, or a worker died with it): the row is the truth, and rendering
    it twice stores one file. Returns how many were queued. The periodic sweep's one call."""
    now = now or timezone.now()
    ids = list(
        Document.objects.filter(status=Status.PENDING, created_at__lt=now - STALE_AFTER)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    for document_id in ids:
        enqueue_on_commit("documents.tasks.document_render", document_id)
    return len(ids)

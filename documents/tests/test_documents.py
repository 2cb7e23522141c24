"""Handouts and progress reports: requests, the render task's guarantees, the period rules.

The PDF itself is faked here (`fake_render`) so these stay fast; test_documents_content.py
renders real PDFs and reads them back.
"""

from datetime import date, timedelta
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils import timezone

from clinic.celery import route_task
from clinic.models import AuditEvent, Role
from clinic.tests.factories import StaffFactory
from documents import selectors, services, tasks
from documents.models import Document
from patients.dates import patient_today
from programs import services as plan_services
from programs.models import Plan
from programs.tests.factories import assign_plan, bundled_template, template_doses

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 fake"


@pytest.fixture
def fake_render(monkeypatch):
    """Replace WeasyPrint: records each render and returns FAKE_PDF (or runs `side_effect`)."""

    class Fake:
        calls = 0
        side_effect = None

        def __call__(self, template_name, context):
            self.calls += 1
            if self.side_effect:
                return self.side_effect(template_name, context)
            return FAKE_PDF

    fake = Fake()
    monkeypatch.setattr(services, "_render", fake)
    return fake


def handout_of(plan) -> Document:
    return Document.objects.filter(plan=plan, kind="handout").latest("created_at")


def report_for(patient, therapist, **period) -> Document:
    today = patient_today(patient)
    period = {"period_start": today - timedelta(days=27), "period_end": today, **period}
    return services.document_request(
        patient=patient, kind="report", requested_by=therapist, **period
    )


# --- the report period ------------------------------------------------------------------------

TODAY = date(2026, 3, 20)


@pytest.mark.parametrize(
    ("start", "end", "errors"),
    [
        (date(2025, 12, 26), TODAY, {}),
        (TODAY, TODAY, {}),
        (date(2025, 3, 20), TODAY, {}),  # 366 days: a year, counted inclusively
        (
            date(2025, 3, 19),
            TODAY,
            {"period_end": "Choose a period of at most one year."},
        ),
        (
            date(2026, 3, 10),
            date(2026, 3, 9),
            {"period_end": "The last day must be on or after the first day."},
        ),
        (
            date(2026, 3, 1),
            date(2026, 3, 21),
            {"period_end": "The report cannot end in the future: choose today or earlier."},
        ),
        (
            date(2026, 3, 21),
            date(2026, 3, 22),
            {
                "period_start": "The report cannot start in the future.",
                "period_end": "The report cannot end in the future: choose today or earlier.",
            },
        ),
        (None, TODAY, {"period_start": "Enter the first day of the report."}),
        (TODAY, None, {"period_end": "Enter the last day of the report."}),
    ],
)
def test_the_report_period_rules(start, end, errors):
    assert services.report_period_errors(start, end, today=TODAY) == errors


# --- requests ---------------------------------------------------------------------------------


def test_assigning_a_plan_asks_for_its_handout_on_commit(
    patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        plan = assign_plan(patient)

    handout = Document.objects.get()
    assert (handout.kind, handout.status, handout.plan) == ("handout", "pending", plan)
    assert handout.plan_version == plan.versions.get()
    assert handout.requested_by is None  # made by Stride, not asked for
    assert len(callbacks) == 1  # the render task, queued when the plan is saved
    assert AuditEvent.objects.filter(
        action="create", object_type="documents.document", object_id=str(handout.pk)
    ).exists()


def test_plan_changes_while_the_handout_waits_bring_it_up_to_date_instead_of_piling_up(
    patient, therapist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        plan = assign_plan(patient)
        plan = plan_services.plan_adjust(
            plan=plan,
            by=therapist,
            reason="Longer walks",
            sessions_per_week=5,
            bouts_per_session=3,
            bout_minutes=7,
            exercises=template_doses(bundled_template()),
        )
        plan_services.plan_pause(plan=plan, by=therapist, reason="Holiday")

    handout = Document.objects.get()
    assert handout.status == "pending"
    assert handout.plan_version == plan.versions.latest("number")
    assert len(callbacks) == 1


def test_a_change_after_the_handout_is_ready_makes_a_new_one(patient, therapist, fake_render):
    plan = assign_plan(patient)
    first = handout_of(plan)
    services.document_render_now(first.pk)

    plan_services.plan_pause(plan=plan, by=therapist, reason="Holiday")

    second = handout_of(plan)
    assert second != first and second.status == "pending"
    assert second.plan_version.kind == "pause"
    first.refresh_from_db()
    assert first.status == "ready"  # the old file stays as it was


def test_ending_a_plan_asks_for_no_handout(patient, therapist, fake_render):
    plan = assign_plan(patient)
    services.document_render_now(handout_of(plan).pk)

    plan_services.plan_end(plan=plan, by=therapist, reason="Discharged")

    assert Document.objects.filter(plan=plan).count() == 1
    with pytest.raises(ValidationError, match="This plan has ended"):
        services.document_request(
            patient=patient, kind="handout", requested_by=therapist, plan=plan
        )


def test_a_therapist_request_reuses_the_waiting_handout_and_says_who_asked(
    patient, therapist, django_capture_on_commit_callbacks
):
    plan = assign_plan(patient)
    waiting = handout_of(plan)

    with django_capture_on_commit_callbacks() as callbacks:
        document = services.document_request(
            patient=patient, kind="handout", requested_by=therapist, plan=plan
        )

    assert document == waiting
    assert Document.objects.get().requested_by == therapist
    assert callbacks == []  # its task is already queued
    asked = AuditEvent.objects.filter(action="create", object_type="documents.document")
    assert [e.actor for e in asked.order_by("id")] == [
        None,
        therapist,
    ]  # Stride, then the therapist


def test_a_handout_waiting_too_long_is_queued_again_when_asked(
    patient, therapist, django_capture_on_commit_callbacks
):
    plan = assign_plan(patient)
    Document.objects.update(
        created_at=timezone.now() - selectors.STALE_AFTER - timedelta(minutes=1)
    )

    with django_capture_on_commit_callbacks() as callbacks:
        services.document_request(
            patient=patient, kind="handout", requested_by=therapist, plan=plan
        )

    assert len(callbacks) == 1
    assert Document.objects.count() == 1


def test_a_handout_after_a_failed_one_is_a_new_document(patient, therapist, fake_render):
    plan = assign_plan(patient)
    failed = handout_of(plan)
    fake_render.side_effect = lambda *args: (_ for _ in ()).throw(ValueError("broken"))
    services.document_render_now(failed.pk)

    again = services.document_request(
        patient=patient, kind="handout", requested_by=therapist, plan=plan
    )

    assert again != failed and again.status == "pending"


def test_a_handout_needs_a_plan_of_the_same_patient(patient, other_patient, therapist):
    plan = assign_plan(other_patient)
    with pytest.raises(ValidationError, match="Choose a plan of this patient"):
        services.document_request(
            patient=patient, kind="handout", requested_by=therapist, plan=plan
        )


@pytest.mark.parametrize("who", ["admin", "other_therapist", "patient"])
def test_only_a_therapist_of_the_clinic_asks_for_documents(
    who, patient, admin_user, other_therapist
):
    requester = {"admin": admin_user, "other_therapist": other_therapist}.get(who) or patient.user
    with pytest.raises(ValidationError, match="Only a therapist of this clinic"):
        report_for(patient, requester)
    assert not Document.objects.exists()


def test_a_report_request_is_pending_audited_and_queued(
    patient, therapist, django_capture_on_commit_callbacks
):
    today = patient_today(patient)
    with django_capture_on_commit_callbacks() as callbacks:
        report = report_for(patient, therapist, period_start=today - timedelta(weeks=12))

    assert (report.kind, report.status, report.requested_by) == ("report", "pending", therapist)
    assert (report.period_start, report.period_end) == (today - timedelta(weeks=12), today)
    assert len(callbacks) == 1
    event = AuditEvent.objects.get(action="create", object_type="documents.document")
    assert (event.actor, event.patient_id, event.clinic_id) == (
        therapist,
        patient.pk,
        patient.clinic_id,
    )


def test_a_report_with_a_bad_period_is_refused_and_nothing_is_made(patient, therapist):
    today = patient_today(patient)
    with pytest.raises(ValidationError) as error:
        report_for(patient, therapist, period_start=today, period_end=today - timedelta(days=1))
    assert error.value.message_dict == {
        "period_end": ["The last day must be on or after the first day."]
    }
    assert not Document.objects.exists()


def test_each_report_request_is_its_own_document(patient, therapist):
    assert report_for(patient, therapist) != report_for(patient, therapist)


# --- the render task --------------------------------------------------------------------------


def test_the_render_task_is_late_acked_time_limited_and_on_the_pdf_queue():
    task = tasks.document_render
    assert task.acks_late and task.reject_on_worker_lost
    assert (task.soft_time_limit, task.time_limit) == (100, 120)
    assert OperationalError in task.autoretry_for
    assert Exception not in task.autoretry_for
    assert "documents.tasks.document_render" in settings.PDF_TASK_NAMES
    assert route_task(task.name, (1,), {}, {}) == {"queue": settings.PDF_QUEUE}


def test_rendering_stores_the_pdf_without_names_in_the_path(patient, therapist, fake_render):
    report = report_for(patient, therapist)

    assert tasks.document_render.delay(report.pk).get() == "ready"

    report.refresh_from_db()
    assert report.status == "ready" and report.failure_reason == ""
    assert report.finished_at is not None and report.render_ms is not None
    assert report.file.name.startswith(f"documents/{patient.clinic_id}/")
    assert "Pat" not in report.file.name and "Patient" not in report.file.name
    assert report.file.read() == FAKE_PDF


def test_running_the_task_again_on_a_ready_document_changes_nothing(
    patient, therapist, fake_render
):
    report = report_for(patient, therapist)
    services.document_render_now(report.pk)
    report.refresh_from_db()
    before = (report.file.name, report.finished_at, report.render_ms, report.status)

    assert tasks.document_render.delay(report.pk).get() == "ready"

    report.refresh_from_db()
    assert (report.file.name, report.finished_at, report.render_ms, report.status) == before
    assert fake_render.calls == 1  # not rendered again


def test_a_render_error_marks_the_document_failed_with_a_plain_reason(
    patient, therapist, fake_render, caplog
):
    report = report_for(patient, therapist)

    def explode(*args):
        raise KeyError("Traceback: secret internals")

    fake_render.side_effect = explode
    assert services.document_render_now(report.pk) == "failed"

    report.refresh_from_db()
    assert report.status == "failed"
    assert report.failure_reason == services.FAILED_REASON
    assert "secret" not in report.failure_reason and "Traceback" not in report.failure_reason
    assert not report.file
    logged = [r for r in caplog.records if r.name == "documents.services"]
    assert logged and logged[0].exc_info  # the details go to the log


def test_a_render_over_the_soft_time_limit_says_it_took_too_long(patient, therapist, fake_render):
    report = report_for(patient, therapist)

    def too_slow(*args):
        raise SoftTimeLimitExceeded()

    fake_render.side_effect = too_slow
    services.document_render_now(report.pk)

    report.refresh_from_db()
    assert (report.status, report.failure_reason) == ("failed", services.TOO_SLOW_REASON)


def test_running_the_task_on_a_failed_document_tries_again(patient, therapist, fake_render):
    report = report_for(patient, therapist)
    fake_render.side_effect = lambda *args: (_ for _ in ()).throw(ValueError("broken"))
    services.document_render_now(report.pk)
    fake_render.side_effect = None

    assert tasks.document_render.delay(report.pk).get() == "ready"

    report.refresh_from_db()
    assert (report.status, report.failure_reason) == ("ready", "")


def test_a_lost_database_connection_leaves_the_document_pending_for_the_retry(
    patient, therapist, fake_render
):
    report = report_for(patient, therapist)

    def connection_lost(*args):
        raise OperationalError("server closed the connection unexpectedly")

    fake_render.side_effect = connection_lost
    with pytest.raises(OperationalError):
        services.document_render_now(report.pk)

    report.refresh_from_db()
    assert (report.status, report.failure_reason) == ("pending", "")


def test_a_missing_document_is_nothing_to_do(fake_render):
    assert services.document_render_now(999_999) == "missing"
    assert fake_render.calls == 0


def test_a_plan_change_during_the_render_queues_the_new_version(
    patient, therapist, fake_render, django_capture_on_commit_callbacks
):
    plan = assign_plan(patient)
    handout = handout_of(plan)

    def change_the_plan(*args):
        plan_services.plan_pause(plan=plan, by=therapist, reason="Holiday")
        return FAKE_PDF

    fake_render.side_effect = change_the_plan
    with django_capture_on_commit_callbacks() as callbacks:
        outcome = services.document_render_now(handout.pk)

    assert outcome == "requeued"
    handout.refresh_from_db()
    assert handout.status == "pending" and not handout.file
    assert handout.plan_version == Plan.objects.get().versions.latest("number")
    assert len(callbacks) == 1  # made again, for the paused plan


def test_two_runs_at_once_store_one_file(patient, therapist, fake_render, settings):
    report = report_for(patient, therapist)

    def the_other_run_finishes_first(*args):
        fake_render.side_effect = None
        assert services.document_render_now(report.pk) == "ready"
        return b"%PDF-1.7 the slower run"

    fake_render.side_effect = the_other_run_finishes_first
    assert services.document_render_now(report.pk) == "ready"

    report.refresh_from_db()
    assert report.file.read() == FAKE_PDF
    assert len(list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))) == 1


def test_a_report_of_a_patient_without_login_is_fine(paper_patient, therapist):
    report = report_for(paper_patient, therapist)
    assert report.patient == paper_patient


def test_the_staff_download_name_is_neutral(patient, therapist, fake_render):
    report = report_for(patient, therapist)
    services.document_render_now(report.pk)
    report.refresh_from_db()

    name = selectors.download_name(report)

    assert name.startswith(f"stride-progress-report-{report.pk}-") and name.endswith(".pdf")
    assert "pat" not in name.lower()


def test_a_patient_sees_only_their_own_handouts(patient, other_patient, therapist, fake_render):
    mine = assign_plan(patient)
    assign_plan(other_patient)
    report_for(patient, therapist)

    visible = selectors.documents_for_user(patient.user)

    assert list(visible) == [handout_of(mine)]


def test_a_new_clinic_therapist_may_ask_for_a_report(patient):
    colleague = StaffFactory(clinic=patient.clinic, role=Role.THERAPIST)
    assert report_for(patient, colleague).requested_by == colleague


@pytest.mark.django_db(transaction=True)
def test_a_handout_asked_for_while_the_broker_was_down_is_made_by_the_sweep(patient, therapist):
    # #15, point 3: a document never queued stayed "pending" for ever.
    from datetime import timedelta

    from django.utils import timezone

    from notifications.tests.test_alerts import broker_down

    plan = assign_plan(patient, by=therapist)
    with broker_down():
        document = services.document_request(
            patient=patient, kind=Document.Kind.HANDOUT, requested_by=therapist, plan=plan
        )
    document.refresh_from_db()
    assert document.status == Document.Status.PENDING

    # Not yet stale: the sweep leaves it to the queue.
    assert tasks.documents_stale_sweep() == 0
    Document.objects.filter(pk=document.pk).update(
        created_at=timezone.now() - selectors.STALE_AFTER - timedelta(seconds=1)
    )
    assert tasks.documents_stale_sweep() == 1  # eager in tests: rendered now
    document.refresh_from_db()
    assert document.status == Document.Status.READY
    assert tasks.documents_stale_sweep() == 0

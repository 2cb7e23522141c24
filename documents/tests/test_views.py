"""Pages of handouts and reports: the Handout button, the polling status, downloads, the
report form, the patient's own handout."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse

from clinic.middleware import SESSION_LAST_SEEN
from clinic.models import AuditEvent
from documents import selectors, services
from documents.models import Document
from documents.tests.factories import ready_document
from patients.dates import patient_today
from programs.tests.factories import assign_plan

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def handout_of(plan) -> Document:
    return Document.objects.filter(plan=plan, kind="handout").latest("created_at")


def mark_ready(document: Document) -> Document:
    """As the PDF task leaves it, without rendering a real PDF."""
    ready = ready_document(document.patient, kind=document.kind, plan=document.plan)
    Document.objects.filter(pk=document.pk).update(
        status="ready", file=ready.file.name, finished_at=ready.finished_at
    )
    ready.delete()
    document.refresh_from_db()
    return document


# --- the Handout button and the status fragment -----------------------------------------------


def test_the_plan_page_has_the_handout_button_and_the_status_of_the_latest_handout(
    patient, therapist, client_for
):
    plan = assign_plan(patient)

    html = (
        client_for(therapist).get(reverse("programs:plan-detail", args=[plan.pk])).content.decode()
    )

    assert f'hx-post="{reverse("documents:handout-request", args=[plan.pk])}"' in html
    assert ">Handout</button>" in html
    assert 'id="handout-status" aria-live="polite"' in html
    assert "The handout is being prepared." in html  # the one made when the plan was assigned


def test_an_admin_sees_the_handout_status_but_no_button(patient, admin_user, client_for):
    plan = assign_plan(patient)
    mark_ready(handout_of(plan))

    html = (
        client_for(admin_user).get(reverse("programs:plan-detail", args=[plan.pk])).content.decode()
    )

    assert ">Handout</button>" not in html
    assert "Download the handout (PDF)" in html


def test_clicking_handout_answers_htmx_with_a_passive_poll(patient, therapist, client_for):
    plan = assign_plan(patient)
    mark_ready(handout_of(plan))

    response = client_for(therapist).post(
        reverse("documents:handout-request", args=[plan.pk]), **HTMX
    )

    new = handout_of(plan)
    assert new.status == "pending" and new.requested_by == therapist
    html = response.content.decode()
    assert f'hx-get="{reverse("documents:status", args=[new.pk])}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert 'hx-headers=\'{"X-Stride-Passive": "1"}\'' in html
    assert "The handout is being prepared." in html


def test_clicking_handout_without_htmx_goes_back_to_the_plan(patient, therapist, client_for):
    plan = assign_plan(patient)

    response = client_for(therapist).post(reverse("documents:handout-request", args=[plan.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("programs:plan-detail", args=[plan.pk])


def test_handout_for_an_ended_plan_is_refused_in_plain_words(patient, therapist, client_for):
    from programs import services as plan_services

    plan = assign_plan(patient)
    plan_services.plan_end(plan=plan, by=therapist, reason="Discharged")

    response = client_for(therapist).post(
        reverse("documents:handout-request", args=[plan.pk]), **HTMX
    )

    assert response.status_code == 200
    assert "This plan has ended: there is no handout to make." in response.content.decode()


def test_the_status_polls_while_pending_then_offers_the_download(patient, therapist, client_for):
    plan = assign_plan(patient)
    document = handout_of(plan)
    client = client_for(therapist)
    url = reverse("documents:status", args=[document.pk])

    pending = client.get(url, HTTP_X_STRIDE_PASSIVE="1", **HTMX).content.decode()
    mark_ready(document)
    ready = client.get(url, HTTP_X_STRIDE_PASSIVE="1", **HTMX).content.decode()

    assert 'hx-trigger="every 2s"' in pending and "/download/" not in pending
    assert "hx-trigger" not in ready  # polling stops: the fragment replaces itself without it
    assert f'href="{reverse("documents:download", args=[document.pk])}"' in ready
    assert "Download the handout (PDF)" in ready
    # Each poll says which report of which patient exists: one view event each (issue #16).
    polls = AuditEvent.objects.filter(action="view", object_type="documents.document")
    assert [(e.patient_id, e.object_id) for e in polls] == [(patient.pk, str(document.pk))] * 2


def test_polling_does_not_keep_an_idle_session_alive(patient, therapist, client_for):
    document = handout_of(assign_plan(patient))
    client = client_for(therapist)
    url = reverse("documents:status", args=[document.pk])
    client.get(url)  # the first request starts the session clock
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - 120
    session.save()

    client.get(url, HTTP_X_STRIDE_PASSIVE="1", **HTMX)
    after_poll = client.session[SESSION_LAST_SEEN]
    client.get(url, **HTMX)
    after_click = client.session[SESSION_LAST_SEEN]

    assert after_poll <= int(time.time()) - 120
    assert after_click >= int(time.time()) - 5


def test_a_failed_document_shows_the_reason_and_a_way_to_try_again(
    patient, therapist, admin_user, client_for
):
    document = handout_of(assign_plan(patient))
    Document.objects.filter(pk=document.pk).update(
        status="failed", failure_reason=services.FAILED_REASON
    )
    url = reverse("documents:status", args=[document.pk])

    html = client_for(therapist).get(url).content.decode()
    as_admin = client_for(admin_user).get(url).content.decode()

    assert "The handout could not be made." in html and services.FAILED_REASON in html
    assert f'hx-post="{reverse("documents:handout-request", args=[document.plan_id])}"' in html
    assert "Try again" in html and "hx-trigger" not in html
    assert "Try again" not in as_admin


def test_a_handout_waiting_too_long_says_so(patient, therapist, client_for):
    document = handout_of(assign_plan(patient))
    Document.objects.filter(pk=document.pk).update(
        created_at=document.created_at - selectors.STALE_AFTER - timedelta(minutes=1)
    )

    html = (
        client_for(therapist).get(reverse("documents:status", args=[document.pk])).content.decode()
    )

    assert "This is taking longer than usual." in html
    assert 'hx-trigger="every 2s"' in html


# --- downloads --------------------------------------------------------------------------------


def test_the_download_is_an_audited_pdf_attachment_with_a_neutral_name(
    patient, therapist, client_for
):
    document = ready_document(patient, content=b"%PDF-1.7 the report")

    response = client_for(therapist).get(reverse("documents:download", args=[document.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"stride-progress-report-{document.pk}-" in disposition
    assert "Pat" not in disposition and "Patient" not in disposition
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 the report"
    event = AuditEvent.objects.get(action="pdf")
    assert (event.actor, event.patient_id, event.object_type, event.object_id) == (
        therapist,
        patient.pk,
        "documents.document",
        str(document.pk),
    )


def test_a_pending_or_failed_document_is_not_downloadable(patient, therapist, client_for):
    pending = handout_of(assign_plan(patient))
    failed = Document.objects.create(
        patient=patient,
        kind="report",
        period_start=patient_today(patient),
        period_end=patient_today(patient),
        status="failed",
        failure_reason="x",
    )
    client = client_for(therapist)

    for document in (pending, failed):
        response = client.get(reverse("documents:download", args=[document.pk]))
        assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="pdf").exists()


def test_a_ready_document_whose_file_went_missing_is_a_404_not_a_500(
    patient, therapist, client_for, caplog
):
    document = ready_document(patient)
    document.file.storage.delete(document.file.name)

    response = client_for(therapist).get(reverse("documents:download", args=[document.pk]))

    assert response.status_code == 404
    assert any("missing" in r.getMessage() for r in caplog.records)
    assert not AuditEvent.objects.filter(action="pdf").exists()


def test_another_patients_or_clinics_document_is_a_404(
    patient, other_clinic_patient, therapist, other_therapist, client_for
):
    theirs = ready_document(other_clinic_patient)
    ours = ready_document(patient)

    assert (
        client_for(therapist).get(reverse("documents:download", args=[theirs.pk])).status_code
        == 404
    )
    assert (
        client_for(other_therapist).get(reverse("documents:status", args=[ours.pk])).status_code
        == 404
    )


def test_patients_never_reach_the_staff_download_even_for_their_own_handout(patient, client_for):
    plan = assign_plan(patient)
    handout = mark_ready(handout_of(plan))
    report = ready_document(patient)
    client = client_for(patient.user)

    for document in (handout, report):
        url = reverse("documents:download", args=[document.pk])
        assert client.get(url).status_code == 404


# --- the patient's handout --------------------------------------------------------------------


def test_the_patient_downloads_their_newest_ready_handout(patient, therapist, client_for):
    from programs import services as plan_services

    plan = assign_plan(patient)
    first = mark_ready(handout_of(plan))
    plan_services.plan_pause(plan=plan, by=therapist, reason="Holiday")
    newest = mark_ready(handout_of(plan))
    assert newest != first
    client = client_for(patient.user)

    page = client.get(reverse("programs:my-plan")).content.decode()
    response = client.get(reverse("documents:my-handout"))

    assert f'href="{reverse("documents:my-handout")}"' in page
    assert "Download your plan to print (PDF)" in page
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"stride-handout-{newest.pk}-" in response["Content-Disposition"]
    assert AuditEvent.objects.get(action="pdf").object_id == str(newest.pk)


def test_a_patient_without_a_ready_handout_gets_no_link_and_a_message(patient, client_for):
    assign_plan(patient)  # its handout is still being prepared
    client = client_for(patient.user)

    page = client.get(reverse("programs:my-plan")).content.decode()
    response = client.get(reverse("documents:my-handout"), follow=True)

    assert "Download your plan to print" not in page
    assert "Your handout is not ready yet." in response.content.decode()
    assert not AuditEvent.objects.filter(action="pdf").exists()


def test_a_patient_never_gets_someone_elses_handout(patient, other_patient, client_for):
    mark_ready(handout_of(assign_plan(other_patient)))

    response = client_for(patient.user).get(reverse("documents:my-handout"))

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="pdf").exists()


def test_an_ended_plans_handout_is_no_longer_offered(patient, therapist, client_for):
    from programs import services as plan_services

    plan = assign_plan(patient)
    mark_ready(handout_of(plan))
    plan_services.plan_end(plan=plan, by=therapist, reason="Discharged")
    client = client_for(patient.user)

    assert "Download your plan" not in client.get(reverse("programs:my-plan")).content.decode()
    assert client.get(reverse("documents:my-handout")).status_code == 302


# --- the report form --------------------------------------------------------------------------


def _period(patient, start_days_ago, end_days_ago=0):
    today = patient_today(patient)
    return {
        "period_start": (today - timedelta(days=start_days_ago)).isoformat(),
        "period_end": (today - timedelta(days=end_days_ago)).isoformat(),
    }


def test_the_report_form_starts_at_the_plan_start_and_ends_today(patient, therapist, client_for):
    plan = assign_plan(patient, weeks_ago=3)

    html = (
        client_for(therapist)
        .get(reverse("documents:report-create", args=[patient.pk]))
        .content.decode()
    )

    assert f'value="{plan.start_date.isoformat()}"' in html
    assert f'value="{patient_today(patient).isoformat()}"' in html
    assert 'hx-target="#report-status"' in html


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (3, 10, "The last day must be on or after the first day."),
        (400, 0, "Choose a period of at most one year."),
        (10, -1, "The report cannot end in the future: choose today or earlier."),
    ],
)
def test_the_report_form_explains_a_bad_period_and_makes_nothing(
    patient, therapist, client_for, start, end, message
):
    client = client_for(therapist)
    url = reverse("documents:report-create", args=[patient.pk])

    page = client.post(url, _period(patient, start, end))
    fragment = client.post(url, _period(patient, start, end), **HTMX)

    assert page.status_code == 200 and message in page.content.decode()
    assert message in fragment.content.decode()
    assert fragment["HX-Retarget"] == "#report-form"
    assert fragment["HX-Reswap"] == "outerHTML"
    assert not Document.objects.filter(kind="report").exists()


def test_the_report_form_explains_a_date_it_cannot_read(patient, therapist, client_for):
    response = client_for(therapist).post(
        reverse("documents:report-create", args=[patient.pk]),
        {"period_start": "last tuesday", "period_end": ""},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a date, e.g. 2026-03-02." in html and "Enter the last day." in html


def test_a_valid_report_request_answers_htmx_with_its_status(patient, therapist, client_for):
    response = client_for(therapist).post(
        reverse("documents:report-create", args=[patient.pk]), _period(patient, 83), **HTMX
    )

    report = Document.objects.get(kind="report")
    assert (report.period_end - report.period_start).days == 83
    html = response.content.decode()
    assert "The progress report is being prepared." in html
    assert f'hx-get="{reverse("documents:status", args=[report.pk])}"' in html


def test_a_valid_report_request_without_htmx_goes_to_the_patients_documents(
    patient, therapist, client_for
):
    response = client_for(therapist).post(
        reverse("documents:report-create", args=[patient.pk]), _period(patient, 27)
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("programs:patient-panel", args=[patient.pk])


# --- the documents on the patient's page ------------------------------------------------------


def test_the_patient_panel_lists_handouts_and_reports(patient, therapist, client_for):
    plan = assign_plan(patient)
    report = ready_document(patient)

    html = (
        client_for(therapist)
        .get(reverse("programs:patient-panel", args=[patient.pk]), **HTMX)
        .content.decode()
    )

    assert "Handouts and progress reports" in html
    assert f'href="{reverse("documents:report-create", args=[patient.pk])}"' in html
    assert "Stride, after a plan change" in html  # the automatic handout, still pending
    assert f'hx-get="{reverse("documents:status", args=[handout_of(plan).pk])}"' in html
    assert f'href="{reverse("documents:download", args=[report.pk])}"' in html


@pytest.mark.parametrize("count", [1, 12])
def test_the_patient_panel_keeps_a_fixed_number_of_queries(
    patient, therapist, client_for, django_assert_num_queries, count
):
    assign_plan(patient)
    for _ in range(count):
        ready_document(patient)
    client = client_for(therapist)
    url = reverse("programs:patient-panel", args=[patient.pk])
    client.get(url, **HTMX)
    # session, user, MFA check, patient, plan, waiting suggestions, recent versions, ended
    # plans, audit, documents (with who asked and the plan version), clinic (header), the
    # plan's outstanding re-test, the walks for the spreading flag
    with django_assert_num_queries(13):
        response = client.get(url, **HTMX)
    shown = response.content.decode().count('class="document-status"')
    assert shown == min(count + 1, selectors.DOCUMENTS_LISTED)

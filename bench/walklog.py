"""The walk-log submit against its floor: the patient's own form, and a therapist copying a
paper diary.

One bench clinic with a therapist (TOTP enrolled, as staff must be), a patient with a login
and a paper-diary patient, each with 180 days of walks (about 120 logs). The planner's
statistics are refreshed after seeding. Later runs reuse the data.

The project: POST the real walk-log form (`patients:walklog-create` as the patient,
`patients:walklog-enter` as the therapist) through the test client, the whole middleware and
view stack, a valid walk with "None of these" ticked, answered with the redirect to the
saved walk. The floor: a bare view registered only here (a bench urlconf: the project's URLs
plus the floor's), reached through the same middleware with the same signed-in client, that
finds the patient in one query and saves the same POST with a plain ModelForm of WalkLog.
Django's ModelForm checks the model's CHECK constraints with a query each; the floor leaves
them to the database, as the project does, so it is the same work done the simplest way:
read the session and the user, find the patient, validate in Python, and in one transaction
INSERT the walk and its audit event (every create is audited, DESIGN.md).

Both save a row each run; the rows made by the run are deleted at the end, so the history
stays at its seeded size (audit events are append-only and stay). Query counts are taken
outside any test transaction, as Django logs them (BEGIN and COMMIT included).

Target (DESIGN.md): ratio <= 1.5.
"""

import functools
import types
from datetime import date, timedelta
from decimal import Decimal

from common import against_floor, analyze, count_queries, report_against_floor, setup

DAYS = 180
CLINIC = "Bench Walklog Clinic"
FLOOR_FIELDS = (
    "date",
    "minutes",
    "rests",
    "pain_before",
    "pain_peak",
    "pain_after",
    "support",
    "terrain",
    "note",
)


def walk() -> dict:
    return {
        "date": date.today().isoformat(),
        "minutes": "12",
        "rests": "2",
        "pain_before": "2",
        "pain_peak": "4",
        "pain_after": "2",
        "support": "none",
        "terrain": "flat",
        "symptom_areas": ["calf_left"],
        "no_red_flags": "on",
    }


# --- seeding ------------------------------------------------------------------------------


def seed():
    """The bench clinic's therapist, patient (with a login) and paper-diary patient."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from clinic.models import Clinic, Role, User
    from patients.models import Patient

    clinic, _ = Clinic.objects.get_or_create(name=CLINIC, defaults={"phone": "1"})
    therapist, _ = User.objects.get_or_create(
        email="bench.walklog.therapist@example.org",
        defaults={"role": Role.THERAPIST, "clinic": clinic, "full_name": "Walklog Therapist"},
    )
    if not Authenticator.objects.filter(user=therapist).exists():
        TOTP.activate(therapist, generate_totp_secret())
    login, _ = User.objects.get_or_create(
        email="bench.walklog.patient@example.org",
        defaults={"role": Role.PATIENT, "clinic": clinic, "full_name": "Walklog Patient"},
    )
    patient, made = Patient.objects.get_or_create(
        user=login,
        defaults={"clinic": clinic, "primary_therapist": therapist, "full_name": login.full_name},
    )
    if made:
        seed_history(patient, author=login)
    paper, made = Patient.objects.get_or_create(
        clinic=clinic, user=None, full_name="Walklog Paper", primary_therapist=therapist
    )
    if made:
        seed_history(paper, author=therapist, source="clinic")
    return therapist, patient, paper


def seed_history(patient, *, author, source="form") -> None:
    from django.utils import timezone

    from patients.models import WalkLog

    today = date.today()
    WalkLog.objects.bulk_create(
        WalkLog(
            patient=patient,
            date=today - timedelta(days=d),
            minutes=Decimal(5 + d % 20),
            rests=d % 3,
            pain_before=d % 4,
            pain_peak=d % 4 + d % 3,
            pain_after=d % 4,
            source=source,
            created_by=author,
            created_at=timezone.now() - timedelta(days=d),
        )
        for d in range(DAYS)
        if d % 3 != 1
    )


# --- the floor: a plain ModelForm ---------------------------------------------------------


@functools.cache
def floor_form_class():
    from django import forms

    from patients.models import WalkLog

    class FloorForm(forms.ModelForm):
        class Meta:
            model = WalkLog
            fields = FLOOR_FIELDS

    return FloorForm


def walklog_floor(request, pk=None):
    """Save the POSTed walk with a ModelForm: the patient in one query, one INSERT."""
    from django.db import transaction
    from django.http import HttpResponse, HttpResponseRedirect

    from clinic.models import AuditEvent
    from patients.models import Patient

    if pk is None:
        patient = Patient.objects.get(user=request.user)
    else:
        patient = Patient.objects.get(pk=pk, clinic_id=request.user.clinic_id, user=None)
    form = floor_form_class()(request.POST or None)
    form.instance.patient, form.instance.created_by = patient, request.user
    # Left to the database, as the project leaves them (see the module docstring).
    form.instance.validate_constraints = lambda exclude=None: None
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            log = form.save()
            AuditEvent.objects.create(
                action=AuditEvent.Action.CREATE,
                actor=request.user,
                clinic_id=patient.clinic_id,
                patient_id=patient.pk,
                object_type="patients.walklog",
                object_id=str(log.pk),
            )
        return HttpResponseRedirect(f"/bench/walk/{log.pk}/")
    return HttpResponse(f"<!doctype html><title>Walk</title><form>{form.as_div()}</form>")


def bench_urlconf():
    """The project's URLs plus the floor's, which exists only in this script."""
    from django.urls import include, path

    urls = types.ModuleType("bench_walklog_urls")
    urls.urlpatterns = [
        path("bench/walklog-floor/", walklog_floor),
        path("bench/walklog-floor/<int:pk>/", walklog_floor),
        path("", include("clinic.urls")),
    ]
    return urls


# --- measuring ----------------------------------------------------------------------------


def posted(client, url: str) -> None:
    response = client.post(url, walk())
    if response.status_code != 302:
        raise SystemExit(f"{url} answered {response.status_code}: the walk was not saved")


def measure(name: str, user, project_url: str, floor_url: str) -> None:
    from django.test import Client

    client = Client()
    client.force_login(user)
    client.get(project_url)  # the first request starts the session clock
    with count_queries() as project_queries:
        posted(client, project_url)
    with count_queries() as floor_queries:
        posted(client, floor_url)
    # Counted now: the next requests empty the connection's query log.
    counts = {"queries": len(project_queries), "floor_queries": len(floor_queries)}
    figures = against_floor(lambda: posted(client, project_url), lambda: posted(client, floor_url))
    report_against_floor(f"walk-log submit, {name}", figures, target="ratio <= 1.5", **counts)


def main():
    setup()
    from django.db.models import Max
    from django.test.utils import override_settings
    from django.urls import reverse

    from patients.models import WalkLog

    therapist, patient, paper = seed()
    analyze()
    seeded_up_to = WalkLog.objects.aggregate(last=Max("id"))["last"]
    print(f"data: {WalkLog.objects.filter(patient__clinic__name=CLINIC).count()} bench walk logs")
    try:
        with override_settings(ROOT_URLCONF=bench_urlconf()):
            measure(
                "patient's own form",
                patient.user,
                reverse("patients:walklog-create"),
                "/bench/walklog-floor/",
            )
            measure(
                "therapist entering a paper diary",
                therapist,
                reverse("patients:walklog-enter", args=[paper.pk]),
                f"/bench/walklog-floor/{paper.pk}/",
            )
    finally:
        made = WalkLog.objects.filter(id__gt=seeded_up_to, patient__in=[patient, paper])
        made.delete()


if __name__ == "__main__":
    main()

"""The patient's progress page, charts included, against its floor.

One bench clinic with a patient (with a login) who has 180 days of walks (about 120 logs,
26 weeks: the most the charts show), a tenth of them walk-timer logs with bouts. The
planner's statistics are refreshed after seeding; later runs reuse the data.

The project: what a browser fetches to show `patients:my-progress` with its charts, through
the test client (the whole middleware and view stack), signed in as the patient: the page,
then every chart image the page links to (`<img src="...svg">`, each a request of its own);
when the charts are drawn into the page, the page alone. The figures say how many requests,
queries and audit events one view of the page cost.

The floor ("the page alone"): a bare view registered only here (a bench urlconf: the
project's URLs plus the floor's), reached through the same middleware with the same
signed-in client, that reads the patient's live walks with ONE raw SQL query (joined to the
patient and the clinic for the time zone) and renders the same numbers into a minimal
template: the weekly table (walks, time walked, longest walk without a rest), the pain rise
of each walk and the 8-week calendar. Its numbers come from `patients.progress.build`, the
pure rule the page uses, so both show the same figures by definition (the script checks the
weekly rows and the calendar match); it draws no chart, looks up no clinical settings and
writes no audit event. So the ratio is what the page's charts, rules, scoping and audit cost
on top of its numbers.
"""

import json
import re
import types
import zoneinfo
from datetime import date, datetime, timedelta
from decimal import Decimal

from common import against_floor, analyze, count_queries, report_against_floor, setup

DAYS = 180
CLINIC = "Bench Progress Clinic"
CHART_IMAGE = re.compile(r'<img src="([^"]+\.svg)"')
WEEK_ROW = re.compile(
    r'<th scope="row">(\d+)</th>\s*<td>([^<]*)</td>\s*<td>(\d+)</td>\s*<td>([^<]*)</td>'
    r"\s*<td>([^<]*)</td>"
)
CALENDAR_DAY = re.compile(r"walked (\d+ min(?: \d+ s)?|\d+ s)")


def seed():
    """The bench clinic's patient with 180 days of walks."""
    from django.utils import timezone

    from clinic.models import Clinic, Role, User
    from patients.models import Patient, WalkLog

    clinic, _ = Clinic.objects.get_or_create(name=CLINIC, defaults={"phone": "1"})
    therapist, _ = User.objects.get_or_create(
        email="bench.progress.therapist@example.org",
        defaults={"role": Role.THERAPIST, "clinic": clinic, "full_name": "Progress Therapist"},
    )
    login, _ = User.objects.get_or_create(
        email="bench.progress.patient@example.org",
        defaults={"role": Role.PATIENT, "clinic": clinic, "full_name": "Progress Patient"},
    )
    patient, made = Patient.objects.get_or_create(
        user=login,
        defaults={"clinic": clinic, "primary_therapist": therapist, "full_name": login.full_name},
    )
    if made:
        today = date.today()
        WalkLog.objects.bulk_create(
            WalkLog(
                patient=patient,
                date=today - timedelta(days=d),
                minutes=Decimal(5 + (DAYS - d) % 20),
                rests=d % 3,
                pain_before=d % 4,
                pain_peak=d % 4 + d % 3,
                pain_after=d % 4 if d % 5 else d % 4 + 1,
                source="timer" if d % 10 == 0 else "form",
                bouts=[{"walked_s": 240, "rested_s": 60, "peak_pain": 3}] if d % 10 == 0 else [],
                created_by=login,
                created_at=timezone.now() - timedelta(days=d),
            )
            for d in range(DAYS)
            if d % 3 != 1
        )
    return patient


# --- the floor: one raw query, a minimal template -------------------------------------------

FLOOR_SQL = """
SELECT w.date, w.minutes, w.rests, w.bouts, w.pain_before, w.pain_peak, w.pain_after,
       COALESCE(NULLIF(p.timezone, ''), c.timezone)
FROM patients_walklog w
JOIN patients_patient p ON p.id = w.patient_id
JOIN clinic_clinic c ON c.id = p.clinic_id
WHERE p.user_id = %s AND w.deleted_at IS NULL
ORDER BY w.date, w.created_at, w.id
"""

FLOOR_TEMPLATE = """{% load durations %}<!doctype html><title>My progress</title>
<table>{% for week in progress.chart_weeks %}<tr>
<th scope="row">{{ week.number }}</th>
<td>{{ week.start|date:"j M" }} to {{ week.end|date:"j M" }}</td>
<td>{{ week.walks }}</td>
<td>{{ week.minutes|minutes_duration }}</td>
<td>{{ week.longest|minutes_duration|default:"–" }}</td></tr>{% endfor %}</table>
<table>{% for walk in progress.chart_walks %}<tr><td>{{ walk.on|date:"D j M" }}</td>
<td>{{ walk.rise }}</td><td>{{ walk.within }}</td></tr>{% endfor %}</table>
<table>{% for week in progress.calendar %}<tr>{% for day in week %}<td>{{ day.on.day }}
{% if day.walks %}walked {{ day.minutes|minutes_duration }}{% endif %}</td>{% endfor %}</tr>
{% endfor %}</table>"""

FIELDS = ("date", "minutes", "rests", "bouts", "pain_before", "pain_peak", "pain_after")


def progress_floor(request):
    from django.db import connection
    from django.http import HttpResponse
    from django.template import engines

    from patients import progress

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, [request.user.pk])
        found = cursor.fetchall()
    tz = zoneinfo.ZoneInfo(found[0][-1]) if found else zoneinfo.ZoneInfo("UTC")
    rows = [dict(zip(FIELDS, row[:-1], strict=True)) for row in found]
    for row in rows:  # Django has psycopg hand jsonb over as text (JSONField parses it)
        row["bouts"] = json.loads(row["bouts"]) if isinstance(row["bouts"], str) else row["bouts"]
    built = progress.build(rows, today=datetime.now(tz).date())
    html = engines["django"].from_string(FLOOR_TEMPLATE).render({"progress": built})
    return HttpResponse(html)


def bench_urlconf():
    """The project's URLs plus the floor's, which exists only in this script."""
    from django.urls import include, path

    urls = types.ModuleType("bench_progress_urls")
    urls.urlpatterns = [
        path("bench/progress-floor/", progress_floor),
        path("", include("clinic.urls")),
    ]
    return urls


# --- measuring ----------------------------------------------------------------------------


def page_with_charts(client, url: str) -> tuple[str, int]:
    """The page and every chart image it links to; the page's HTML and the request count."""
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    html = response.content.decode()
    images = CHART_IMAGE.findall(html)
    for src in images:
        if client.get(src).status_code != 200:
            raise SystemExit(f"{src} answered an error")
    return html, 1 + len(images)


def same_numbers(mine: str, floor: str) -> bool:
    def weeks(html):
        return [tuple(" ".join(cell.split()) for cell in row) for row in WEEK_ROW.findall(html)]

    return (
        bool(weeks(mine))
        and weeks(mine) == weeks(floor)
        and (CALENDAR_DAY.findall(mine) == CALENDAR_DAY.findall(floor))
    )


def main():
    setup()
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from clinic.models import AuditEvent

    patient = seed()
    analyze()
    print(f"data: {patient.walk_logs.count()} walk logs of the bench patient")
    client = Client()
    client.force_login(patient.user)
    page, floor = reverse("patients:my-progress"), "/bench/progress-floor/"
    with override_settings(ROOT_URLCONF=bench_urlconf()):
        client.get(page)  # the first request starts the session clock
        audits = AuditEvent.objects.filter(patient_id=patient.pk).count()
        with count_queries() as project_queries:
            html, requests = page_with_charts(client, page)
        with count_queries() as floor_queries:
            floor_html = client.get(floor).content.decode()
        counts = {
            "requests": requests,
            "queries": len(project_queries),
            "floor_queries": len(floor_queries),
            "audit_events": AuditEvent.objects.filter(patient_id=patient.pk).count() - audits,
            "svg_in_page": html.count("<svg"),
        }
        if not same_numbers(html, floor_html):
            raise SystemExit("the floor does not show the numbers the progress page shows")
        figures = against_floor(
            lambda: page_with_charts(client, page), lambda: client.get(floor), runs=30
        )
    report_against_floor("progress page with its charts", figures, **counts)


if __name__ == "__main__":
    main()

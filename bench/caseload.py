"""The therapist's caseload page against its floor, at 2,000 and at 20,000 patients.

Two bench clinics, each with one therapist who holds every patient of the clinic: 2,000
patients in one, 20,000 in the other (seeded in chunks of 2,000, so a run that stops halfway
carries on where it stopped). Every patient has 180 days of walk logs (about 60 % of the
days, most of them patient-reported), two in three have a portal login, one in 40 has an
open red flag and one in 25 an open plan whose week-8 re-test is due within a week or
later. Logs are written with one INSERT ... SELECT per chunk: the first run seeds in about a
minute, later runs reuse the data. After seeding the tables are vacuumed and analysed, as
autovacuum would do after a bulk insert in production.

For each scale the script times three pages: the first page, a search by a name fragment
("kiro": 8 patients at 2,000, 69 at 20,000) and page 20. Each is timed interleaved with its
floor: a bare view function registered only here (a bench urlconf: the project's URLs plus
the floor's), reached through the same middleware with the same signed-in client, that
renders the same 50 rows with the same figures (therapist, portal or paper, days logged in
30, open red flag, re-test due, the page count) from ONE raw SQL query into a minimal
template. The script checks that both pages show the same patients in the same order with
the same figures, and, for the search, whether PostgreSQL's plan of each of the caseload's
LIKE queries (the count and the page) uses the trigram index of patients migration 0004.

Target (DESIGN.md): ratio <= 2 everywhere, and the first page as fast at 20,000 as at 2,000.
"""

import re
import sys
import types
import zoneinfo
from datetime import datetime, timedelta

from common import against_floor, analyze, count_queries, report_against_floor, setup

SCALES = (2000, 20000)
CHUNK = 2000
DAYS = 180
PER_PAGE = 50
DEEP_PAGE = 20
# Surnames are made of three syllables (13,824 of them, spread over the patients), so a
# fragment of two syllables matches a few patients at either scale, as a real surname would.
SYLLABLE_PAIRS = "bakorumisatelovinadepogafuriyetohazumekirosuwane"
SYLLABLES = [SYLLABLE_PAIRS[i : i + 2] for i in range(0, len(SYLLABLE_PAIRS), 2)]
NAMES = (
    "Ada Alan Anna Arthur Bea Carl Clara Dora Edith Ella Ernest Frank Grace Hana Hugo Ines "
    "Ivan Joan Karl Lena Leon Lise Mara Milo Nora Olga Otto Paul Rosa Ruth Sara Sven Tess "
    "Theo Ulla Vera Walt Wes Yara Zoe"
)
FIRST_NAMES = NAMES.split()
SEARCH = "kiro"


def patient_name(i: int) -> str:
    n = len(SYLLABLES)
    surname = (i * 7919) % n**3
    parts = (SYLLABLES[surname // n**2], SYLLABLES[surname // n % n], SYLLABLES[surname % n])
    return f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {''.join(parts).capitalize()}"


# --- seeding ------------------------------------------------------------------------------

LOGS_SQL = """
INSERT INTO patients_walklog (
    patient_id, date, minutes, rests, pain_before, pain_peak, pain_after, symptom_areas,
    tingling, support, terrain, glides_before, glides_after, flare_next_day, note, source,
    bouts, client_id, created_by_id, created_at, updated_at
)
SELECT p.id, CURRENT_DATE - d, 3 + (p.id + d) %% 28, (p.id * d) %% 3, (p.id + d) %% 5,
       (p.id + d) %% 5 + (p.id * 7 + d) %% 5, (p.id + d) %% 5, '[]', false, 'none', 'flat',
       false, false, false, '',
       CASE (p.id + d) %% 5 WHEN 0 THEN 'clinic' WHEN 1 THEN 'timer' ELSE 'form' END,
       '[]', '', %(author)s, NOW() - d * INTERVAL '1 day', NOW()
FROM unnest(%(patients)s::bigint[]) AS p(id), generate_series(0, %(days)s - 1) AS d
WHERE (p.id * 31 + d * 17) %% 10 < 6
"""


def bench_therapist(scale: int):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from clinic.models import Clinic, Role, User

    clinic, _ = Clinic.objects.get_or_create(name=f"Bench Clinic {scale}", defaults={"phone": "1"})
    therapist, _ = User.objects.get_or_create(
        email=f"bench.therapist.{scale}@example.org",
        defaults={"role": Role.THERAPIST, "clinic": clinic, "full_name": f"Therapist {scale}"},
    )
    if not Authenticator.objects.filter(user=therapist).exists():
        TOTP.activate(therapist, generate_totp_secret())
    return therapist


def seed(scale: int):
    """The scale's clinic, seeded up to `scale` patients in chunks; returns its therapist."""
    from django.db import transaction

    from patients.models import Patient

    therapist = bench_therapist(scale)
    have = Patient.objects.filter(clinic=therapist.clinic).count()
    while have < scale:
        size = min(CHUNK, scale - have)
        with transaction.atomic():
            seed_chunk(therapist, first=have, size=size)
        have += size
        print(f"seeded {have} of {scale} patients", file=sys.stderr)
    return therapist


def seed_chunk(therapist, *, first: int, size: int) -> None:
    from django.db import connection

    from clinic.models import Role, User
    from patients.models import Patient, RedFlagReport

    clinic, numbers = therapist.clinic, range(first, first + size)
    logins = User.objects.bulk_create(
        User(
            email=f"patient.{i}@bench-{clinic.pk}.example.org",
            password="!",  # unusable: bench patients never sign in
            role=Role.PATIENT,
            clinic=clinic,
            full_name=patient_name(i),
        )
        for i in numbers
        if i % 3 != 2
    )
    by_email = {user.email: user for user in logins}
    patients = Patient.objects.bulk_create(
        Patient(
            clinic=clinic,
            primary_therapist=therapist,
            full_name=patient_name(i),
            user=by_email.get(f"patient.{i}@bench-{clinic.pk}.example.org"),
        )
        for i in numbers
    )
    with connection.cursor() as cursor:
        cursor.execute(
            LOGS_SQL, {"author": therapist.pk, "patients": [p.pk for p in patients], "days": DAYS}
        )
    RedFlagReport.objects.bulk_create(
        RedFlagReport(patient=p, signs=["weakness"], reported_by=p.user or therapist)
        for i, p in zip(numbers, patients, strict=True)
        if i % 40 == 7
    )
    seed_retests(therapist, [p for i, p in zip(numbers, patients, strict=True) if i % 25 == 3])


def seed_retests(therapist, patients) -> None:
    """Open plans started seven weeks ago or less, so some re-tests are due within a week."""
    from decimal import Decimal

    from programs.models import Plan, Retest

    today = datetime.now(zoneinfo.ZoneInfo(therapist.clinic.timezone)).date()
    plans = Plan.objects.bulk_create(
        Plan(
            patient=p,
            name="Bench plan",
            start_date=today - timedelta(days=35 + p.pk % 21),
            baseline_minutes=Decimal(5),
            sessions_per_week=5,
            bouts_per_session=2,
            bout_minutes=Decimal(5),
            created_by=therapist,
        )
        for p in patients
    )
    Retest.objects.bulk_create(
        Retest(plan=plan, due_on=plan.start_date + timedelta(weeks=7)) for plan in plans
    )


def vacuum() -> None:
    """What autovacuum does after a bulk insert: marks the new rows visible to all, so that
    counting a caseload can read the index alone (as it would in production). Quick once done:
    VACUUM skips pages it has already marked."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {', '.join(SEEDED_TABLES)}")


SEEDED_TABLES = (
    "clinic_user",
    "patients_patient",
    "patients_walklog",
    "patients_redflagreport",
    "programs_plan",
    "programs_retest",
)


# --- the floor: one raw query, a minimal template -------------------------------------------

FLOOR_SQL = """
WITH shown AS (
    SELECT p.id, p.full_name, p.user_id, p.primary_therapist_id
    FROM patients_patient p
    WHERE {where}
    ORDER BY p.full_name, p.id
    LIMIT %(limit)s OFFSET %(offset)s
)
SELECT s.id, s.full_name, s.user_id IS NOT NULL,
    COALESCE(NULLIF(t.full_name, ''), t.email),
    (SELECT COUNT(DISTINCT w.date) FROM patients_walklog w
     WHERE w.patient_id = s.id AND w.date >= %(since)s AND w.source IN ('form', 'timer')
       AND w.deleted_at IS NULL),
    EXISTS (SELECT 1 FROM patients_redflagreport r WHERE r.patient_id = s.id
            AND r.status = 'open'),
    (SELECT r.due_on FROM programs_retest r JOIN programs_plan pl ON pl.id = r.plan_id
     WHERE pl.patient_id = s.id AND r.status = 'due' AND pl.status IN ('active', 'paused')
       AND r.due_on <= %(retest_by)s
       AND NOT EXISTS (SELECT 1 FROM assessments_treadmilltest x
            WHERE x.patient_id = pl.patient_id AND x.performed_on >= r.due_on - 7
              AND NOT EXISTS (SELECT 1 FROM assessments_treadmilltest y
                              WHERE y.supersedes_id = x.id))
       AND NOT EXISTS (SELECT 1 FROM assessments_selfpacedwalktest x
            WHERE x.patient_id = pl.patient_id AND x.performed_on >= r.due_on - 7
              AND NOT EXISTS (SELECT 1 FROM assessments_selfpacedwalktest y
                              WHERE y.supersedes_id = x.id))),
    (SELECT COUNT(*) FROM patients_patient p WHERE {where})
FROM shown s JOIN clinic_user t ON t.id = s.primary_therapist_id
ORDER BY s.full_name, s.id
"""

FLOOR_TEMPLATE = """<!doctype html><title>Caseload</title><table>
{% for id, name, portal, therapist, days, red_flag, retest_due in rows %}<tr>
<td><a href="{% url 'patients:detail' id %}">{{ name }}</a></td><td>{{ therapist }}</td>
<td>{% if portal %}Portal{% else %}Paper diary{% endif %}</td>
<td>{{ days }}{% if days >= 16 %} 16+ reached{% endif %}</td>
<td>{% if red_flag %}Open red flag{% endif %}
{% if retest_due %}Re-test due {{ retest_due|date:"j M" }}{% endif %}</td></tr>{% endfor %}
</table><p>Page {{ number }} of {{ pages }}</p>"""


def caseload_floor(request):
    """The caseload's rows and figures, the simplest way: the therapist's own active patients."""
    from django.db import connection
    from django.http import HttpResponse
    from django.template import engines

    user = request.user
    number = int(request.GET.get("page", "1"))
    query = request.GET.get("q", "")[:100].strip()
    today = datetime.now(zoneinfo.ZoneInfo(user.clinic.timezone)).date()
    where = "p.clinic_id = %(clinic)s AND p.status = 'active' AND p.primary_therapist_id = %(me)s"
    if query:
        where += " AND UPPER(p.full_name::text) LIKE UPPER(%(pattern)s)"
    params = {
        "clinic": user.clinic_id,
        "me": user.pk,
        "pattern": f"%{query}%",
        "limit": PER_PAGE,
        "offset": (number - 1) * PER_PAGE,
        "since": today - timedelta(days=29),
        "retest_by": today + timedelta(days=7),
    }
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL.format(where=where), params)
        rows = cursor.fetchall()
    total = rows[0][-1] if rows else 0
    context = {
        "rows": [row[:-1] for row in rows],
        "number": number,
        "pages": max(1, -(-total // PER_PAGE)),
    }
    return HttpResponse(engines["django"].from_string(FLOOR_TEMPLATE).render(context))


def bench_urlconf():
    """The project's URLs plus the floor's, which exists only in this script."""
    from django.urls import include, path

    urls = types.ModuleType("bench_caseload_urls")
    urls.urlpatterns = [
        path("bench/caseload-floor/", caseload_floor),
        path("", include("clinic.urls")),
    ]
    return urls


# --- measuring ----------------------------------------------------------------------------

# The patient's name links to their page (the re-test mark links there too, but not by name).
ROW_LINK = re.compile(r'href="/patients/(\d+)/">(?!Re-test)')
DAYS_LOGGED = re.compile(r"<td>\s*(\d+)\s*(?:<span|16\+|</td>)")
RETEST_DUE = re.compile(r"Re-test due [^<]+")
PAGES = re.compile(r"Page \d+ of (\d+)")


def same_page(mine: str, floor: str) -> bool:
    """Both pages list the same patients in the same order, with the same figures."""
    return (
        all(find.findall(mine) == find.findall(floor) for find in (ROW_LINK, DAYS_LOGGED))
        and [d.strip() for d in RETEST_DUE.findall(mine)]
        == [d.strip() for d in RETEST_DUE.findall(floor)]
        and all(mine.count(mark) == floor.count(mark) for mark in ("Open red flag", "Paper diary"))
        # The caseload shows "Page n of m" only when there is more than one page.
        and (PAGES.findall(mine) or ["1"]) == PAGES.findall(floor)
    )


def uses_trigram_index(sql: str) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return "patient_name_trgm" in plan


def measure(scale: int, therapist) -> dict:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(therapist)
    caseload = reverse("dashboard:caseload")
    client.get(caseload)  # the first request starts the session clock: not a page like the rest
    cases = {
        "first page": "",
        f"search {SEARCH!r}": f"?q={SEARCH}",
        f"page {DEEP_PAGE}": f"?page={DEEP_PAGE}",
    }
    medians = {}
    for name, query in cases.items():
        mine, floor = caseload + query, "/bench/caseload-floor/" + query
        with count_queries() as project_queries:
            mine_html = client.get(mine).content.decode()
        with count_queries() as floor_queries:
            floor_html = client.get(floor).content.decode()
        if not same_page(mine_html, floor_html):
            raise SystemExit(f"{scale} {name}: the floor does not show what the caseload shows")
        extra = {
            "queries": len(project_queries),
            "floor_queries": len(floor_queries),
            "rows": len(ROW_LINK.findall(floor_html)),
        }
        if query.startswith("?q="):
            searches = [q["sql"] for q in project_queries if " LIKE " in q["sql"]]
            extra["trigram_index"] = bool(searches) and all(map(uses_trigram_index, searches))
        figures = against_floor(lambda url=mine: client.get(url), lambda url=floor: client.get(url))
        report_against_floor(f"caseload {scale:,} {name}", figures, target="ratio <= 2", **extra)
        medians[name] = figures["project"]["median_ms"]
    return medians


def main():
    setup()
    from django.test.utils import override_settings

    from patients.models import Patient, WalkLog

    therapists = {scale: seed(scale) for scale in SCALES}
    vacuum()
    analyze()
    print(f"data: {Patient.objects.count()} patients, {WalkLog.objects.count()} walk logs")
    with override_settings(ROOT_URLCONF=bench_urlconf()):
        medians = {scale: measure(scale, therapists[scale]) for scale in SCALES}
    small, large = (medians[scale]["first page"] for scale in SCALES)
    print(
        f"first page: {small} ms at {SCALES[0]:,}, {large} ms at {SCALES[1]:,}: "
        f"{round(large / small, 2)}x (target: the same)"
    )


if __name__ == "__main__":
    main()

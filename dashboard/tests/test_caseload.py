"""The therapist's caseload: whose patients, in what order, with which figures, at what cost."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.tests.factories import StaffFactory, UserFactory
from patients.dates import local_today
from patients.models import Patient, WalkLog
from patients.tests.factories import PatientFactory, RedFlagReportFactory, WalkLogFactory

CASELOAD = "dashboard:caseload"


def names(response) -> list[str]:
    return [patient.full_name for patient in response.context["page"]]


def _many_patients(world, count: int) -> list[Patient]:
    """`count` patients of the therapist named "Walker 00" ... , each with a login."""
    return [
        PatientFactory(
            clinic=world.clinic,
            primary_therapist=world.therapist,
            full_name=f"Walker {n:02d}",
            user=UserFactory(clinic=world.clinic),
        )
        for n in range(count)
    ]


def _rows_query(queries) -> str:
    """The query that loads the page's rows with their figures (it reads the walk logs)."""
    (sql,) = [q["sql"] for q in queries if "patients_walklog" in q["sql"]]
    return sql


# --- whose patients -------------------------------------------------------------------------


def test_it_shows_own_patients_and_the_clinic_on_request(world, client_for):
    colleague = StaffFactory(clinic=world.clinic)
    theirs = PatientFactory(clinic=world.clinic, primary_therapist=colleague)
    client = client_for(world.therapist)
    own = list(client.get(reverse(CASELOAD)).context["page"])
    assert theirs not in own and world.patient in own
    everyone = list(client.get(reverse(CASELOAD), {"show": "all"}).context["page"])
    assert theirs in everyone and world.other_clinic_patient not in everyone


def test_an_admin_sees_the_whole_clinic_and_no_other(world, client_for):
    colleague = StaffFactory(clinic=world.clinic)
    theirs = PatientFactory(clinic=world.clinic, primary_therapist=colleague)

    shown = list(client_for(world.admin).get(reverse(CASELOAD)).context["page"])

    assert theirs in shown and world.patient in shown
    assert world.other_clinic_patient not in shown


def test_discharged_patients_are_not_listed(world, client_for):
    PatientFactory(
        clinic=world.clinic,
        primary_therapist=world.therapist,
        full_name="Gone Home",
        status=Patient.Status.DISCHARGED,
    )

    assert "Gone Home" not in names(client_for(world.therapist).get(reverse(CASELOAD)))


def test_an_outsider_gets_a_404(world, client_for):
    assert client_for(world.patient.user).get(reverse(CASELOAD)).status_code == 404


# --- rows, order and figures ----------------------------------------------------------------


def test_it_lists_by_name_then_by_record_in_pages_of_50(world, client_for):
    twins = [
        PatientFactory(clinic=world.clinic, primary_therapist=world.therapist, full_name="Ann Same")
        for _ in range(2)
    ]
    _many_patients(world, 60)
    client = client_for(world.therapist)

    first = client.get(reverse(CASELOAD))
    second = client.get(reverse(CASELOAD), {"page": 2})

    expected = list(
        Patient.objects.filter(primary_therapist=world.therapist).order_by("full_name", "id")
    )
    assert list(first.context["page"]) == expected[:50]
    assert list(second.context["page"]) == expected[50:]
    assert [p.pk for p in first.context["page"]][:2] == sorted(t.pk for t in twins)
    assert first.context["page"].paginator.num_pages == 2


def test_rows_on_a_later_page_carry_their_own_figures(world, client_for):
    patients = _many_patients(world, 60)
    late = patients[-1]  # "Walker 59": on page 2
    today = local_today(world.clinic.timezone)
    for n in range(17):
        WalkLogFactory(patient=late, date=today - timedelta(days=n))
    WalkLogFactory(patient=late, date=today - timedelta(days=40))  # before the 30 days
    WalkLogFactory(patient=late, date=today - timedelta(days=20), source=WalkLog.Source.CLINIC)
    RedFlagReportFactory(patient=late)
    WalkLogFactory(patient=patients[-2], date=today - timedelta(days=1))

    response = client_for(world.therapist).get(reverse(CASELOAD), {"page": 2})

    rows = {p.full_name: p for p in response.context["page"]}
    assert (rows["Walker 59"].monitoring_days, rows["Walker 59"].has_open_red_flag) == (17, True)
    assert (rows["Walker 58"].monitoring_days, rows["Walker 58"].has_open_red_flag) == (1, False)
    assert (rows["Walker 57"].monitoring_days, rows["Walker 57"].has_open_red_flag) == (0, False)
    html = response.content.decode()
    assert html.count("Open red flag") == 1 and html.count("16+ reached") == 1


def test_it_shows_the_therapist_and_how_each_patient_signs_in(world, client_for):
    nameless = StaffFactory(clinic=world.clinic, full_name="", email="nameless@home.example")
    PatientFactory(clinic=world.clinic, primary_therapist=nameless, full_name="Quiet Patient")

    html = client_for(world.therapist).get(reverse(CASELOAD), {"show": "all"}).content.decode()

    pat = html[html.index(">Pat Patient<") : html.index("</tr>", html.index(">Pat Patient<"))]
    paper = html[html.index(">Paper Diary<") : html.index("</tr>", html.index(">Paper Diary<"))]
    quiet = html[html.index(">Quiet Patient<") :]
    assert "Tess Therapist" in pat and "Portal" in pat
    assert "Tess Therapist" in paper and "Paper diary" in paper
    assert "nameless@home.example" in quiet[: quiet.index("</tr>")]


def test_a_page_past_the_end_shows_the_last_and_a_word_the_first(world, client_for):
    _many_patients(world, 60)
    client = client_for(world.therapist)

    assert client.get(reverse(CASELOAD), {"page": 99}).context["page"].number == 2
    assert client.get(reverse(CASELOAD), {"page": "last"}).context["page"].number == 1


# --- search ---------------------------------------------------------------------------------


def test_search_finds_a_fragment_of_the_name_in_any_case(world, client_for):
    PatientFactory(clinic=world.clinic, primary_therapist=world.therapist, full_name="Ida Okafor")
    client = client_for(world.therapist)

    assert names(client.get(reverse(CASELOAD), {"q": "  KAF "})) == ["Ida Okafor"]
    assert names(client.get(reverse(CASELOAD), {"q": "nobody"})) == []


def test_search_takes_percent_and_underscore_literally(world, client_for):
    PatientFactory(clinic=world.clinic, primary_therapist=world.therapist, full_name="Ann 100%")
    client = client_for(world.therapist)

    assert names(client.get(reverse(CASELOAD), {"q": "%"})) == ["Ann 100%"]
    assert names(client.get(reverse(CASELOAD), {"q": "_"})) == []


def test_search_reads_the_first_100_characters_of_the_query(world, client_for):
    PatientFactory(clinic=world.clinic, primary_therapist=world.therapist, full_name="A" * 100)

    response = client_for(world.therapist).get(reverse(CASELOAD), {"q": "A" * 100 + "B" * 100})

    assert response.context["query"] == "A" * 100
    assert names(response) == ["A" * 100]


def test_the_page_links_keep_the_search_and_the_whole_clinic(world, client_for):
    _many_patients(world, 60)

    html = (
        client_for(world.therapist)
        .get(reverse(CASELOAD), {"q": "walker", "show": "all"})
        .content.decode()
    )

    assert 'href="?q=walker&amp;show=all&amp;page=2"' in html


# --- cost -----------------------------------------------------------------------------------


@pytest.mark.parametrize("patients", [1, 60])
def test_it_uses_a_fixed_number_of_queries(world, client_for, django_assert_num_queries, patients):
    _many_patients(world, patients)
    client = client_for(world.therapist)
    client.get(reverse(CASELOAD))  # the first request starts the session clock
    # session, user, MFA check, clinic (header), count, the page's rows with their therapist
    # and figures, re-tests due of the page's patients (programs), suggestions waiting
    # (programs), the audit event
    with django_assert_num_queries(9):
        client.get(reverse(CASELOAD))


def test_it_loads_only_the_columns_the_page_shows(world, client_for):
    client = client_for(world.therapist)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse(CASELOAD))

    rows = _rows_query(queries)

    assert "password" not in rows  # neither the therapist's nor the patient's login
    assert "date_of_birth" not in rows and "symptom_pattern" not in rows
    assert '"full_name"' in rows and '"email"' in rows


def test_the_figures_are_worked_out_for_the_shown_rows_only(world, client_for):
    _many_patients(world, 60)
    client = client_for(world.therapist)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse(CASELOAD), {"page": 2})

    rows = _rows_query(queries)

    # The page's ids are picked first (LIMIT ... OFFSET 50 in the subquery); the figures'
    # subqueries run for the rows that subquery returns, not for the rows it skipped.
    page_ids = rows[rows.index(" IN (SELECT ") :]
    assert "OFFSET 50" in page_ids and "patients_walklog" not in page_ids
